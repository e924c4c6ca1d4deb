package indexer

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"pressearch/corpus"
)

// served records the generations a collection puts in service; the
// collection closes the one each replaces.
type served struct{ gens []Generation }

func (s *served) serve(next *Live) (*Live, error) {
	s.gens = append(s.gens, next.Generation())
	return nil, nil
}

// followed opens the store's current generation as a collection, under the
// writer's lock, as serve does.
func followed(t *testing.T, s *Store, log *bytes.Buffer) (*Collection, *served, *slog.Logger) {
	t.Helper()
	unlock, err := s.LockWriter()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unlock)
	lg := slog.New(slog.NewTextHandler(log, nil))
	l, err := s.OpenNewest(lg)
	if err != nil {
		t.Fatal(err)
	}
	into := &served{}
	c := NewCollection(s, l, into.serve)
	t.Cleanup(func() { c.Live().Close() })
	return c, into, lg
}

// A generation made current by another process is switched to; the one
// served before is kept while served and removed by the prune that
// follows the switch.
func TestCollectionFollowsAndPrunes(t *testing.T) {
	s := newStore(t)
	a := build(t, s, 1, BuildOptions{Keep: 1})
	var logs bytes.Buffer
	c, into, lg := followed(t, s, &logs)
	var refused Generation
	if switched, err := c.Check(&refused, lg); switched || err != nil {
		t.Errorf("check with nothing new: switched %v, %v", switched, err)
	}
	build(t, s, 1, BuildOptions{Keep: 1})
	cur := build(t, s, 1, BuildOptions{Keep: 1})
	if gens, _ := s.Generations(); !slices.Contains(gens, a) {
		t.Fatalf("the served %s was pruned: %v", a, gens)
	}
	if switched, err := c.Check(&refused, lg); !switched || err != nil {
		t.Fatalf("check after %s: switched %v, %v", cur, switched, err)
	}
	if c.Live().Generation() != cur || !slices.Equal(into.gens, []Generation{cur}) {
		t.Errorf("serving %s, put in service %v; want %s", c.Live().Generation(), into.gens, cur)
	}
	if gens, _ := s.Generations(); slices.Contains(gens, a) {
		t.Errorf("%s still kept after it stopped being served: %v", a, gens)
	}
	if !strings.Contains(logs.String(), "removed a generation no longer kept") {
		t.Errorf("logs:\n%s", logs.String())
	}
}

// A damaged new generation is refused once, with a log line, and the old
// one serves on; at start, the newest generation that opens is served.
func TestCollectionRefusesDamagedGeneration(t *testing.T) {
	s := newStore(t)
	a := build(t, s, 1, BuildOptions{})
	var logs bytes.Buffer
	c, into, lg := followed(t, s, &logs)
	b := build(t, s, 1, BuildOptions{})
	if err := os.Remove(filepath.Join(s.Path(b), manifestFile)); err != nil {
		t.Fatal(err)
	}
	var refused Generation
	for i := 0; i < 2; i++ {
		if switched, err := c.Check(&refused, lg); switched || err != nil {
			t.Fatalf("check of a damaged generation: switched %v, %v", switched, err)
		}
	}
	if c.Live().Generation() != a || len(into.gens) != 0 || strings.Count(logs.String(), "new generation refused") != 1 {
		t.Errorf("serving %s, put in service %v; logs:\n%s", c.Live().Generation(), into.gens, logs.String())
	}
	c.Live().Close()

	l, err := s.OpenNewest(lg)
	if err != nil || l.Generation() != a {
		t.Fatalf("start over a damaged current: %v, %v; want %s", l, err, a)
	}
	l.Close()
}

// The prune after a switch failing is an error of the check, which Follow
// logs: it is not passed over.
func TestCollectionPruneErrorIsReturned(t *testing.T) {
	s := newStore(t)
	build(t, s, 1, BuildOptions{Keep: 1})
	var logs bytes.Buffer
	c, _, lg := followed(t, s, &logs)
	b := build(t, s, 1, BuildOptions{Keep: 1})
	f, err := os.OpenFile(filepath.Join(s.Dir(), historyFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("not a switch\n")
	f.Close()
	var refused Generation
	switched, err := c.Check(&refused, lg)
	if !switched || c.Live().Generation() != b {
		t.Errorf("switched %v to %s; want %s", switched, c.Live().Generation(), b)
	}
	if err == nil || !strings.Contains(err.Error(), "removing old generations") {
		t.Errorf("check: %v; want the prune's error", err)
	}
}

// A panic while switching is an error of the check, not the end of the
// server.
func TestCollectionCheckRecoversPanic(t *testing.T) {
	s := newStore(t)
	build(t, s, 1, BuildOptions{})
	unlock, err := s.LockWriter()
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	lg := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	l, err := s.OpenNewest(lg)
	if err != nil {
		t.Fatal(err)
	}
	c := NewCollection(s, l, func(next *Live) (*Live, error) { panic("a strange generation") })
	b := build(t, s, 1, BuildOptions{})
	var refused Generation
	switched, err := c.Check(&refused, lg)
	if switched || err == nil || !strings.Contains(err.Error(), "a strange generation") {
		t.Errorf("check: switched %v, %v; want the panic as an error", switched, err)
	}
	if next := c.Live(); next != l && next.Generation() == b {
		next.Close()
	}
	l.Close()
}

// A new generation that cannot be put in service changes nothing, however
// the switch came: the generation written before is the collection's
// still, open to writes and searchable, current in the store again where
// the switch was the collection's own, and the new one is closed.
func TestCollectionFailedSwitchKeepsTheOldGeneration(t *testing.T) {
	errServe := errors.New("the engine cannot read it")
	for _, tc := range []struct {
		name  string
		panic bool // the engine panics rather than answer errServe
		// switchTo switches c away from its generation in s, as its
		// process or another does, and returns what the collection said.
		switchTo func(t *testing.T, s *Store, c *Collection, lg *slog.Logger) error
		// ours: the switch is the collection's own (the store made
		// current again).
		ours bool
		// built: the switch built the new generation, which goes.
		built bool
	}{
		{name: "rebuild", ours: true, built: true, switchTo: func(t *testing.T, s *Store, c *Collection, lg *slog.Logger) error {
			_, err := c.Rebuild(context.Background())
			return err
		}},
		{name: "rebuild, the engine panics", ours: true, built: true, panic: true, switchTo: func(t *testing.T, s *Store, c *Collection, lg *slog.Logger) error {
			_, err := c.Rebuild(context.Background())
			return err
		}},
		{name: "adoption of a generation built from files", ours: true, switchTo: func(t *testing.T, s *Store, c *Collection, lg *slog.Logger) error {
			sum, err := s.Prepare(context.Background(), Slice(testDocs(2, "beta")), BuildOptions{})
			if err != nil {
				t.Fatal(err)
			}
			return c.Adopt(context.Background(), Switch{Generation: sum.Generation, Why: ReasonIndex}, true)
		}},
		{name: "switch by another process", switchTo: func(t *testing.T, s *Store, c *Collection, lg *slog.Logger) error {
			build(t, s, 2, BuildOptions{})
			var refused Generation
			switched, err := c.Check(&refused, lg)
			if switched {
				t.Errorf("check reports a switch")
			}
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			a := build(t, s, 3, BuildOptions{})
			unlock, err := s.LockWriter()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(unlock)
			old, err := s.OpenLive(a)
			if err != nil {
				t.Fatal(err)
			}
			var tried []*Live
			c := NewCollection(s, old, func(next *Live) (*Live, error) {
				tried = append(tried, next)
				if tc.panic {
					panic(errServe)
				}
				return nil, errServe
			})
			t.Cleanup(func() { c.Live().Close() })

			err = tc.switchTo(t, s, c, slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)))
			if err == nil || !strings.Contains(err.Error(), errServe.Error()) {
				t.Errorf("switch: %v; want the engine's error", err)
			}
			if len(tried) != 1 {
				t.Fatalf("put in service %d times, want once", len(tried))
			}
			if !tried[0].isClosed() {
				t.Errorf("the generation refused is open")
			}
			if got := c.Live(); got != old {
				t.Fatalf("the collection writes %s, want %s as before", got.Generation(), a)
			}
			cur := current(t, s)
			if tc.ours && cur != a || !tc.ours && cur == a {
				t.Errorf("current in the store: %s (the switch ours: %v; %s before)", cur, tc.ours, a)
			}
			if gens, _ := s.Generations(); tc.built && !slices.Equal(gens, []Generation{a}) {
				t.Errorf("generations after a failed rebuild: %v, want %s alone", gens, a)
			}

			// Written and searchable as before, at once.
			d := corpus.Document{ID: "after", Title: "after", Body: "written after", Kind: corpus.KindPressRelease}
			out, err := c.Apply(context.Background(), []corpus.Action{{Line: 1, Doc: &d}}, WriteOptions{})
			if err != nil || !out[0].Result.OK() {
				t.Fatalf("write after the failed switch: %+v, %v", out, err)
			}
			if err := c.Live().Flush(); err != nil {
				t.Fatal(err)
			}
			res, err := c.Live().Index().Search(bleve.NewSearchRequest(bleve.NewDocIDQuery([]string{"doc-a", "after"})))
			if err != nil || res.Total != 2 {
				t.Errorf("search of the generation served: %v, %v; want both documents", res, err)
			}
		})
	}
}

// A lease that cannot be read is an error of the listing, not a generation
// no process serves.
func TestListLeaseError(t *testing.T) {
	s := newStore(t)
	a := build(t, s, 1, BuildOptions{})
	if _, err := s.List(); err != nil {
		t.Fatal(err)
	}
	lease := filepath.Join(s.Path(a), leaseFile)
	if err := os.Remove(lease); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(lease, lease); err != nil { // a loop: opening it fails
		t.Fatal(err)
	}
	if _, err := s.List(); err == nil || !strings.Contains(err.Error(), "lease of") {
		t.Errorf("list: %v; want the lease's error", err)
	}
}
