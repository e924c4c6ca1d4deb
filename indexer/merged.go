package indexer

import (
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// Bleve's merges make new snapshots of an index that no write asks for:
// whoever searches the index sees them only once it takes a new reader,
// and until then the reader it holds keeps the merged segments' files
// listed in Bleve's metadata, on disk beside the segment merged from
// them. A burst of writes that ends with a merge of large segments left
// their files twice on disk until the next write (the index 1.48 times a
// fresh build's size in a pressbench run where the last merge took in
// the built segment). A live collection reports its merges (Merged), for
// its searcher to take a new reader, and Purge then lets Bleve remove
// the files no reader holds any more.

// scorchEvents is the name under which indexes opened for writing report
// Bleve's events to onScorchEvent (Bleve finds the callback by the name
// in an index's configuration).
const scorchEvents = "pressearch-live"

// merging is the live collection of each index opened for writing, by
// its Bleve index.
var merging sync.Map // *scorch.Scorch -> *Live

func init() {
	scorch.RegistryEventCallbacks[scorchEvents] = onScorchEvent
}

// onScorchEvent tells the live collection of the index whose merge has
// put a new snapshot in place. Bleve calls it on its own goroutines, and
// waits for it: it only signals. It answers true: every check Bleve asks
// it (may a merge start, may files be removed) goes on as without a
// callback.
func onScorchEvent(e scorch.Event) bool {
	if e.Kind == scorch.EventKindMergeTaskIntroduction {
		if l, ok := merging.Load(e.Scorch); ok {
			l.(*Live).signalMerged()
		}
	}
	return true
}

// Merged returns a channel closed at the next merge of the index's
// segments (Bleve's own or the idle tidy's) that a reader taken now would
// not see.
func (l *Live) Merged() <-chan struct{} {
	l.mergedMu.Lock()
	defer l.mergedMu.Unlock()
	return l.merged
}

func (l *Live) signalMerged() {
	l.mergedMu.Lock()
	defer l.mergedMu.Unlock()
	close(l.merged)
	l.merged = make(chan struct{})
}

// Purge has Bleve remove the files of the snapshots that no reader holds
// any more: Bleve removes them after it persists a snapshot, and one
// released after that waits for the next. It puts in place a snapshot
// that changes nothing (an empty batch), which Bleve then persists. A
// closed collection has nothing to purge.
func (l *Live) Purge() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	return l.idx.Batch(l.idx.NewBatch())
}
