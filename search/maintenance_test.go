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
		d := corpus.Document{ID: fmt.Sprintf("m%d", i), Lang: "en", Title: "Survey published", Body: "The survey counts the numbats.", Kind: corpus.KindPressRelease}
		if out, err := w.Apply(context.Background(), []corpus.Action{{Line: 1, Doc: &d}}, indexer.WriteOptions{}); err != nil || !out[0].Result.OK() {
			t.Fatalf("%+v %v", out, err)
		}
		if err := e.Refresh(context.Background()); err != nil {
			t.Fatal(err)
		}
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
