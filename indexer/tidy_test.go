package indexer

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"

	"pressearch/corpus"
)

// Once the collection is idle, the small segments its writes left are
// merged into one, and every document is still found.
func TestLiveTidiesSmallSegmentsWhenIdle(t *testing.T) {
	// Enough documents for Bleve's budget to leave a few small segments.
	var docs []corpus.Document
	for i := range 12000 {
		docs = append(docs, corpus.Document{ID: fmt.Sprintf("base-%d", i), Lang: "en", Title: "Base", Body: fmt.Sprintf("base document %d", i)})
	}
	l := buildLive(t, docs)
	l.tidyAfter.Store(int64(time.Hour))
	adv, err := l.idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	s := adv.(*scorch.Scorch)
	for w := range 3 {
		d := corpus.Document{ID: fmt.Sprintf("new-%d", w), Lang: "en", Title: "New", Body: fmt.Sprintf("new document %d", w)}
		if _, err := l.Apply(context.Background(), []corpus.Action{{Line: 1, Doc: &d}}, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	waitPersisted(t, l)
	t.Logf("%d small segments before", smallSegments(s))
	if n := smallSegments(s); n < 2 {
		t.Fatalf("%d small segments after the writes: nothing to tidy", n)
	}
	l.tidyAfter.Store(int64(200 * time.Millisecond))
	for deadline := time.Now().Add(30 * time.Second); smallSegments(s) > 1; {
		if time.Now().After(deadline) {
			t.Fatalf("%d small segments 30 s after the last write", smallSegments(s))
		}
		time.Sleep(20 * time.Millisecond) // the merge says nothing when it is done; poll the segments
	}
	n, err := l.idx.DocCount()
	if err != nil || n != 12003 {
		t.Errorf("%d documents after the merge (%v), want 12003", n, err)
	}
}
