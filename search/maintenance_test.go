package search

import (
	"context"
	"fmt"
	"testing"
	"time"

	"pressearch/corpus"
	"pressearch/indexer"
)

// The maintenance an engine reports follows its live collection: each
// refresh counted with its time and its segment, and Bleve's merges of
// those segments once they are more than a small index should have.
func TestMaintenanceFollowsRefreshesAndMerges(t *testing.T) {
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	e, w := liveEngine(t, docs)
	m := e.Maintenance()
	if m.Segments < 1 || m.Refreshes != 0 || m.RefreshSeconds != 0 {
		t.Fatalf("before any write: %+v, want segments and no refresh", m)
	}
	const writes = 3
	for i := range writes {
		writeRefreshed(t, e, w, fmt.Sprintf("m%d", i))
	}
	m = e.Maintenance()
	if m.Refreshes < writes || m.RefreshSeconds <= 0 {
		t.Errorf("after %d writes each refreshed: %+v", writes, m)
	}
	// A collection of a few documents in several segments is over Bleve's
	// budget of segments (one, below its floor of 2,000 documents): its
	// merger merges them in the background.
	deadline := time.Now().Add(30 * time.Second)
	for m.Merges == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond) // the merger tells nobody when it is done
		m = e.Maintenance()
	}
	if m.Merges == 0 || m.MergeSeconds <= 0 {
		t.Errorf("no merge reported in 30 s: %+v", m)
	}
}

// The counts of maintenance are counters: putting another generation in
// service, or none, does not set them back, and the refreshes of the new
// one add to those of the old.
func TestMaintenanceCountsSurviveGenerationSwitches(t *testing.T) {
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		// next puts a generation built into store in e's service, or
		// none, and returns the live collection served from then on.
		next func(t *testing.T, e *Engine, store *indexer.Store) *indexer.Live
	}{
		{"a live generation (a reindex)", func(t *testing.T, e *Engine, store *indexer.Store) *indexer.Live {
			w, err := store.OpenLive(buildInto(t, store, docs))
			if err != nil {
				t.Fatal(err)
			}
			old, err := e.SwapLive(w)
			if err != nil {
				t.Fatal(err)
			}
			if err := old.Close(); err != nil {
				t.Fatal(err)
			}
			return w
		}},
		{"a generation only read", func(t *testing.T, e *Engine, store *indexer.Store) *indexer.Live {
			gen := buildInto(t, store, docs)
			idx, err := store.Open(gen)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Swap(idx, gen); err != nil {
				t.Fatal(err)
			}
			return nil
		}},
		{"no generation (closed)", func(t *testing.T, e *Engine, store *indexer.Store) *indexer.Live {
			if err := e.Close(); err != nil {
				t.Fatal(err)
			}
			return nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store, err := indexer.OpenStore(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			e := NewEngine()
			t.Cleanup(func() { e.Close() })
			w := openLive(t, store, docs)
			if _, err := e.SwapLive(w); err != nil {
				t.Fatal(err)
			}
			const writes = 3
			for i := range writes {
				writeRefreshed(t, e, w, fmt.Sprintf("m%d", i))
			}
			before := e.Maintenance()
			if before.Refreshes < writes {
				t.Fatalf("after %d writes each refreshed: %+v", writes, before)
			}
			next := tc.next(t, e, store)
			after := e.Maintenance()
			if after.Merges < before.Merges || after.MergeSeconds < before.MergeSeconds ||
				after.Refreshes < before.Refreshes || after.RefreshSeconds < before.RefreshSeconds {
				t.Fatalf("counts went down at the switch: got %+v, want at least %+v", after, before)
			}
			if next == nil {
				return
			}
			writeRefreshed(t, e, next, "after")
			if got := e.Maintenance(); got.Refreshes <= after.Refreshes {
				t.Errorf("a refresh of the new generation: got %d refreshes, want more than %d", got.Refreshes, after.Refreshes)
			}
		})
	}
}

// buildInto builds docs into store as a new generation, made current.
func buildInto(t *testing.T, store *indexer.Store, docs []corpus.Document) indexer.Generation {
	t.Helper()
	sum, err := store.Build(context.Background(), docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sum.Generation
}

// writeRefreshed writes a document with id to w, served by e, and makes it
// searchable.
func writeRefreshed(t *testing.T, e *Engine, w *indexer.Live, id string) {
	t.Helper()
	d := corpus.Document{ID: id, Lang: "en", Title: "Survey published", Body: "The survey counts the numbats.", Kind: corpus.KindPressRelease}
	if out, err := w.Apply(context.Background(), []corpus.Action{{Line: 1, Doc: &d}}, indexer.WriteOptions{}); err != nil || !out[0].Result.OK() {
		t.Fatalf("%+v %v", out, err)
	}
	if err := e.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
}
