package indexer

import (
	"sync"
	"sync/atomic"

	"pressearch/corpus"
)

// DefaultBudget is the memory a build may give to the documents it holds
// at once, analyzed, in its pipeline; the rest of a build's memory (the
// merge, the completion words, the field statistics) grows with the
// vocabulary, not with the corpus.
const DefaultBudget = 768 << 20

// analyzedPerByte is about how many bytes of memory a byte of text takes
// once mapped and analyzed: each token is kept with its positions in the
// body, lead, prefix, exact and names fields (33 on pressbench's
// documents).
const analyzedPerByte = 32

// budget bounds the text of the documents between the reading of the
// corpus and the writing of their segments. Reading takes a document's
// weight before it goes on, and the segment writer gives it back.
type budget struct {
	capacity int64 // bytes of text

	mu    sync.Mutex
	free  int64
	peak  int64         // the most taken at once
	freed chan struct{} // a send after each give, for the one taker

	// waiting is signalled, and isWaiting set, while the reading waits:
	// whoever holds documents unwritten should then write them.
	waiting   chan struct{}
	isWaiting atomic.Bool
}

// newBudget returns a budget for memory bytes of analyzed documents; 0
// means DefaultBudget.
func newBudget(memory int64) *budget {
	if memory <= 0 {
		memory = DefaultBudget
	}
	return textBudget(max(memory/analyzedPerByte, 1<<20))
}

// textBudget returns a budget of c bytes of text.
func textBudget(c int64) *budget {
	return &budget{capacity: c, free: c, freed: make(chan struct{}, 1), waiting: make(chan struct{}, 1)}
}

// weigh returns what a document takes of the budget: its text, and never
// more than the whole budget, so that any one document can go through.
func (b *budget) weigh(d *corpus.Document) int64 {
	return min(int64(len(d.Title)+len(d.Body)+len(d.Source)+len(d.URL)+len(d.ID))+1, b.capacity)
}

// tryTake takes w if it is free.
func (b *budget) tryTake(w int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.free >= w {
		b.free -= w
		b.peak = max(b.peak, b.capacity-b.free)
		return true
	}
	return false
}

// take waits until w is free and takes it; it reports false if stop
// closed first.
func (b *budget) take(w int64, stop <-chan struct{}) bool {
	b.isWaiting.Store(true)
	defer b.isWaiting.Store(false)
	select {
	case b.waiting <- struct{}{}:
	default:
	}
	for !b.tryTake(w) {
		select {
		case <-b.freed:
		case <-stop:
			return false
		}
	}
	return true
}

// give returns w.
func (b *budget) give(w int64) {
	b.mu.Lock()
	b.free += w
	b.mu.Unlock()
	select {
	case b.freed <- struct{}{}:
	default:
	}
}
