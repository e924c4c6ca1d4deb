package indexer

import (
	"context"
	"fmt"
	"testing"
	"time"

	"pressearch/corpus"
	"pressearch/indexer/indextest"
)

// waitPersisted waits until Bleve has persisted every write applied to l.
func waitPersisted(t *testing.T, l *Live) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); l.persisted.Load() < l.seq; {
		if time.Now().After(deadline) {
			t.Fatal("the writes not persisted after 30 s")
		}
		time.Sleep(10 * time.Millisecond) // the persister reports through a callback; poll it
	}
}

func TestLiveSignalsMergesAndPurgesWhatNoReaderHolds(t *testing.T) {
	// Enough documents for Bleve's budget to leave the writes' small
	// segments apart (as in TestLiveTidiesSmallSegmentsWhenIdle).
	var docs []corpus.Document
	for i := range 12000 {
		docs = append(docs, corpus.Document{ID: fmt.Sprintf("base-%d", i), Lang: "en", Title: "Base", Body: fmt.Sprintf("base document %d", i)})
	}
	l := buildLive(t, docs)
	l.tidyAfter.Store(int64(time.Hour)) // the test merges
	write := func(id string) {
		t.Helper()
		d := corpus.Document{ID: id, Lang: "en", Title: "New", Body: "new document " + id}
		if _, err := l.Apply(context.Background(), []corpus.Action{{Line: 1, Doc: &d}}, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for w := range 3 {
		write(fmt.Sprintf("new-%d", w))
	}
	waitPersisted(t, l)
	s := l.scorch
	before := len(SegmentSizes(s))
	if before < 2 {
		t.Fatalf("%d segments after three writes: nothing to merge", before)
	}

	// A searcher holds a reader of the index as the writes left it.
	held, err := s.Reader()
	if err != nil {
		t.Fatal(err)
	}
	merged := l.Merged()
	// Every segment into one: a merge whatever Bleve merged meanwhile.
	if err := s.ForceMerge(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	select {
	case <-merged:
	default:
		t.Fatal("the merge was not signalled")
	}
	if n := len(SegmentSizes(s)); n >= before {
		t.Fatalf("%d segments after the merge, %d before", n, before)
	}
	// One more write persisted: Bleve's persister has had its turn at
	// removing files since the merge, while the reader still held them.
	write("after-merge")
	waitPersisted(t, l)
	if files, segs := indextest.SegmentFiles(t, l.dir), len(SegmentSizes(s)); files <= segs {
		t.Fatalf("%d files for %d segments while a reader holds the merged ones: the test shows nothing", files, segs)
	}

	// The reader given up, Purge has Bleve remove the files only it held.
	if err := held.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Purge(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; {
		files, segs := indextest.SegmentFiles(t, l.dir), len(SegmentSizes(s))
		if files == segs {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d segment files for %d segments 30 s after the purge", files, segs)
		}
		time.Sleep(20 * time.Millisecond) // Bleve removes files as its persister goes; poll the folder
	}
	n, err := l.idx.DocCount()
	if err != nil || n != 12004 {
		t.Errorf("%d documents after the purge (%v), want 12004", n, err)
	}
}

func TestPurgeOfAClosedCollectionDoesNothing(t *testing.T) {
	l := buildLive(t, []corpus.Document{{ID: "a", Lang: "en", Title: "A", Body: "a body"}})
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Purge(); err != nil {
		t.Errorf("Purge of a closed collection: %v", err)
	}
}
