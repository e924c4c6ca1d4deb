package indexer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func newStore(t *testing.T) *Store {
	t.Helper()
	s, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func build(t *testing.T, s *Store, n int, opts BuildOptions) Generation {
	t.Helper()
	sum, err := s.BuildFrom(context.Background(), Slice(testDocs(n, "alpha")), opts)
	if err != nil {
		t.Fatalf("build of %d: %v", n, err)
	}
	return sum.Generation
}

func current(t *testing.T, s *Store) Generation {
	t.Helper()
	cur, err := s.Current()
	if err != nil {
		t.Fatal(err)
	}
	return cur
}

// Index A, index B, roll back (A is live), index C, roll back: A comes
// back, the generation live just before C, and not B, the newest below C.
func TestRollbackRestoresTheGenerationLiveBefore(t *testing.T) {
	s := newStore(t)
	a := build(t, s, 2, BuildOptions{})
	b := build(t, s, 2, BuildOptions{})
	sw, err := s.Rollback(0)
	if err != nil || sw.Generation != a || current(t, s) != a {
		t.Fatalf("first rollback: %+v, %v; want %s current", sw, err, a)
	}
	c := build(t, s, 2, BuildOptions{})
	sw, err = s.Rollback(0)
	if err != nil || sw.Generation != a {
		t.Fatalf("rollback after %s: %+v, %v; want %s (live before it), not %s", c, sw, err, a, b)
	}
	// A second rollback undoes the first: C was live just before A.
	if sw, err := s.Rollback(0); err != nil || sw.Generation != c {
		t.Errorf("rollback of the rollback: %+v, %v; want %s", sw, err, c)
	}
	hist, err := s.History()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hist {
		got = append(got, h.Generation.String()+" "+string(h.Why))
		if h.Time.IsZero() || h.Documents != 2 {
			t.Errorf("history line %+v lacks its time or document count", h)
		}
	}
	want := []string{a.String() + " index", b.String() + " index", a.String() + " rollback",
		c.String() + " index", a.String() + " rollback", c.String() + " rollback"}
	if !slices.Equal(got, want) {
		t.Errorf("history %q, want %q", got, want)
	}
}

func TestRollbackWithNothingBefore(t *testing.T) {
	s := newStore(t)
	build(t, s, 1, BuildOptions{})
	if _, err := s.Rollback(0); err == nil || !strings.Contains(err.Error(), "no generation before") {
		t.Errorf("rollback of the only generation: %v", err)
	}
}

func TestUseMakesAKeptGenerationCurrent(t *testing.T) {
	s := newStore(t)
	a := build(t, s, 1, BuildOptions{Corpus: []string{"/corpus/a.jsonl"}})
	b := build(t, s, 1, BuildOptions{})
	sw, err := s.Use(a, 0)
	if err != nil || current(t, s) != a {
		t.Fatalf("use %s: %v", a, err)
	}
	if sw.Why != ReasonUse || sw.Documents != 1 || !slices.Equal(sw.Corpus, []string{"/corpus/a.jsonl"}) {
		t.Errorf("switch %+v: want why use, 1 document and the corpus %s was built from", sw, a)
	}
	if _, err := s.Use(a, 0); err == nil {
		t.Error("use of the current generation: no error")
	}
	if _, err := s.Use(b+10, 0); err == nil || !strings.Contains(err.Error(), "not kept") {
		t.Errorf("use of a generation that does not exist: %v", err)
	}
	if current(t, s) != a {
		t.Error("a failed use moved CURRENT")
	}
}

func TestEmptyAndShrinkingBuildsAreRefused(t *testing.T) {
	s := newStore(t)
	if _, err := s.BuildFrom(context.Background(), Slice(nil), BuildOptions{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty build into an empty store: %v, want ErrEmpty", err)
	}
	live := build(t, s, 10, BuildOptions{})
	if _, err := s.BuildFrom(context.Background(), Slice(nil), BuildOptions{AllowShrink: true}); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty build: %v, want ErrEmpty even with AllowShrink", err)
	}
	_, err := s.BuildFrom(context.Background(), Slice(testDocs(4, "beta")), BuildOptions{})
	var shrink *ShrinkError
	if !errors.As(err, &shrink) || shrink.Documents != 4 || shrink.Live != 10 || shrink.Current != live {
		t.Fatalf("4 documents over 10: %v, want a ShrinkError with both counts", err)
	}
	if !strings.Contains(err.Error(), "4 documents") || !strings.Contains(err.Error(), "10 documents") {
		t.Errorf("message %q lacks the two counts", err)
	}
	if current(t, s) != live {
		t.Fatal("a refused build moved CURRENT")
	}
	if gens, _ := s.Generations(); len(gens) != 1 {
		t.Errorf("a refused build left generations %v", gens)
	}
	// Half is not fewer than half.
	build(t, s, 5, BuildOptions{})
	build(t, s, 2, BuildOptions{AllowShrink: true})
}

// Keep N keeps the N newest, and always the current one and the one a
// rollback restores, however old.
func TestPruneKeepsCurrentAndRollbackTarget(t *testing.T) {
	s := newStore(t)
	a := build(t, s, 1, BuildOptions{Keep: 5})
	build(t, s, 1, BuildOptions{Keep: 5})
	build(t, s, 1, BuildOptions{Keep: 5})
	if _, err := s.Use(a, 5); err != nil {
		t.Fatal(err)
	}
	e := build(t, s, 1, BuildOptions{Keep: 2})
	// Current e; a rollback restores a; keep 2 leaves no room for others.
	gens, err := s.Generations()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(gens, []Generation{a, e}) {
		t.Errorf("after keep 2: %v, want %v", gens, []Generation{a, e})
	}
	// keep 1 still keeps the rollback target.
	f := build(t, s, 1, BuildOptions{Keep: 1})
	if gens, _ := s.Generations(); !slices.Equal(gens, []Generation{e, f}) {
		t.Errorf("after keep 1: %v, want %v", gens, []Generation{e, f})
	}
}

// A generation a process serves is not removed; the first prune after the
// lease is given up removes it, with the keep the last switch asked for.
func TestPruneSparesServedGenerations(t *testing.T) {
	s := newStore(t)
	a := build(t, s, 1, BuildOptions{Keep: 1})
	idx, lease, err := s.Serve(a)
	if err != nil {
		t.Fatal(err)
	}
	b := build(t, s, 1, BuildOptions{Keep: 1})
	c := build(t, s, 1, BuildOptions{Keep: 1})
	gens, _ := s.Generations()
	if !slices.Contains(gens, a) {
		t.Fatalf("%s was removed while served: %v", a, gens)
	}
	l, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range l.Generations {
		if k.Served != (k.Generation == a) {
			t.Errorf("list says %s served=%v", k.Generation, k.Served)
		}
	}
	// Still readable.
	if n, err := idx.DocCount(); err != nil || n != 1 {
		t.Errorf("served generation reads %d, %v", n, err)
	}
	if err := errors.Join(idx.Close(), lease.Release()); err != nil {
		t.Fatal(err)
	}
	removed, err := s.Prune(0)
	if err != nil || !slices.Equal(removed, []Generation{a}) {
		t.Errorf("prune after release removed %v, %v; want %s", removed, err, a)
	}
	if gens, _ := s.Generations(); !slices.Equal(gens, []Generation{b, c}) {
		t.Errorf("left %v, want %v", gens, []Generation{b, c})
	}
}

// A lease taken on a generation a prune has removed fails, rather than
// holding a lock on a file that is gone.
func TestLeaseOnARemovedGeneration(t *testing.T) {
	s := newStore(t)
	a := build(t, s, 1, BuildOptions{})
	build(t, s, 1, BuildOptions{})
	f, err := os.OpenFile(filepath.Join(s.Path(a), leaseFile), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if ok, err := s.retire(a); !ok || err != nil {
		t.Fatalf("retire: %v, %v", ok, err)
	}
	if samePath(f, filepath.Join(s.Path(a), leaseFile)) {
		t.Error("the lease file of a removed generation is still in place")
	}
	if _, err := s.lease(a); err == nil {
		t.Error("lease on a removed generation succeeded")
	}
}

// A data directory made before there was a history: its rollback goes by
// number, and its first switch records the generation that was current.
func TestStoreWithoutHistory(t *testing.T) {
	s := newStore(t)
	a := build(t, s, 3, BuildOptions{})
	b := build(t, s, 3, BuildOptions{})
	if err := os.Remove(filepath.Join(s.Dir(), historyFile)); err != nil {
		t.Fatal(err)
	}
	if sw, err := s.Rollback(0); err != nil || sw.Generation != a {
		t.Fatalf("rollback without a history: %+v, %v; want %s", sw, err, a)
	}
	hist, err := s.History()
	if err != nil || len(hist) != 2 || hist[0].Generation != b || hist[0].Why != ReasonFound || hist[0].Documents != 3 {
		t.Fatalf("history begun by a rollback: %+v, %v; want %s found, then the rollback", hist, err, b)
	}
	if sw, err := s.Rollback(0); err != nil || sw.Generation != b {
		t.Errorf("rollback again: %+v, %v; want %s", sw, err, b)
	}
}

// A run killed while appending leaves a torn last line, which is skipped;
// any other bad line is an error.
func TestHistoryTornLastLine(t *testing.T) {
	s := newStore(t)
	a := build(t, s, 1, BuildOptions{})
	path := filepath.Join(s.Dir(), historyFile)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"time":"2026-`)
	f.Close()
	hist, err := s.History()
	if err != nil || len(hist) != 1 || hist[0].Generation != a {
		t.Errorf("history with a torn last line: %+v, %v", hist, err)
	}
	if err := os.WriteFile(path, []byte("garbage\n"+`{"generation":"gen-000001"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.History(); err == nil {
		t.Error("a bad line inside the history was accepted")
	}
}

func TestFindStoreCreatesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "none")
	if _, err := FindStore(dir); !errors.Is(err, ErrNoGeneration) {
		t.Errorf("FindStore of a missing folder: %v, want ErrNoGeneration", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("FindStore made %s", dir)
	}
}

func TestParseGeneration(t *testing.T) {
	tests := []struct {
		in   string
		want Generation
		ok   bool
	}{
		{"gen-000007", 7, true},
		{"7", 7, true},
		{"gen-1234567", 1234567, true},
		{"gen-", 0, false},
		{"gen-00000x", 0, false},
		{"gen-000000", 0, false},
		{"../gen-000001", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseGeneration(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseGeneration(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	if got := Generation(7).String(); got != "gen-000007" {
		t.Errorf("String: %s", got)
	}
}
