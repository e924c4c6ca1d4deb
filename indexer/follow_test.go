package indexer

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// swapper records what a Follower swaps in, as the engine would serve it.
type swapper struct {
	idx  bleve.Index
	gens []Generation
}

func (s *swapper) Swap(idx bleve.Index, gen Generation) (bleve.Index, error) {
	old := s.idx
	s.idx = idx
	s.gens = append(s.gens, gen)
	return old, nil
}

func TestFollowerSwapsAndPrunes(t *testing.T) {
	s := newStore(t)
	a := build(t, s, 1, BuildOptions{Keep: 1})
	var logs bytes.Buffer
	into := &swapper{}
	f := s.Follow(into, slog.New(slog.NewTextHandler(&logs, nil)))
	if err := f.Start(); err != nil {
		t.Fatal(err)
	}
	if f.Serving() != a || !slices.Equal(into.gens, []Generation{a}) {
		t.Fatalf("serving %s, swapped %v; want %s", f.Serving(), into.gens, a)
	}
	if swapped, err := f.Check(); swapped || err != nil {
		t.Errorf("check with nothing new: swapped %v, %v", swapped, err)
	}
	build(t, s, 1, BuildOptions{Keep: 1})
	c := build(t, s, 1, BuildOptions{Keep: 1})
	if gens, _ := s.Generations(); !slices.Contains(gens, a) {
		t.Fatalf("the served %s was pruned: %v", a, gens)
	}
	if swapped, err := f.Check(); !swapped || err != nil {
		t.Fatalf("check after %s: swapped %v, %v", c, swapped, err)
	}
	if f.Serving() != c || into.gens[len(into.gens)-1] != c {
		t.Errorf("serving %s, want %s", f.Serving(), c)
	}
	// No longer served, a goes with the follower's prune.
	if gens, _ := s.Generations(); slices.Contains(gens, a) {
		t.Errorf("%s still kept after it stopped being served: %v", a, gens)
	}
	if err := into.idx.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if s.inUse(c) {
		t.Error("the lease outlived Close")
	}
}

// A damaged new generation is refused once, with a log line, and the old
// one serves on; at start, the newest generation that opens is served.
func TestFollowerRefusesDamagedGeneration(t *testing.T) {
	s := newStore(t)
	a := build(t, s, 1, BuildOptions{})
	var logs bytes.Buffer
	into := &swapper{}
	f := s.Follow(into, slog.New(slog.NewTextHandler(&logs, nil)))
	if err := f.Start(); err != nil {
		t.Fatal(err)
	}
	b := build(t, s, 1, BuildOptions{})
	if err := os.Remove(filepath.Join(s.Path(b), manifestFile)); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if swapped, err := f.Check(); swapped || err != nil {
			t.Fatalf("check of a damaged generation: swapped %v, %v", swapped, err)
		}
	}
	if f.Serving() != a || strings.Count(logs.String(), "new generation refused") != 1 {
		t.Errorf("serving %s; logs:\n%s", f.Serving(), logs.String())
	}
	into.idx.Close()
	f.Close()

	g := s.Follow(&swapper{}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err := g.Start(); err != nil || g.Serving() != a {
		t.Errorf("start over a damaged current: serving %s, %v; want %s", g.Serving(), err, a)
	}
	g.Close()
}
