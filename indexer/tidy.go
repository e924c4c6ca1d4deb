package indexer

import (
	"context"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
)

// A series of writes leaves the index small segments that Bleve's merger
// does not touch while the index is within its budget: a bulk upsert's
// requests leave parts of a few hundred documents each, which every search
// then visits, and which the next single writes push over the budget into
// a merge under the searches beside them. Once the collection has had no
// write for tidyIdle, its segments of fewer than tidyBelow documents
// (Bleve's smallest tier) are merged into one, in the background, on time
// that nothing else wants.
const (
	tidyIdle  = 2 * time.Second
	tidyBelow = 2000
)

// tidyPlan is the merge plan that puts every segment below tidyBelow
// documents into one.
var tidyPlan = mergeplan.MergePlanOptions{
	MaxSegmentsPerTier:   1,
	MaxSegmentSize:       2 * tidyBelow, // eligible: under half of it
	TierGrowth:           1,
	SegmentsPerMergeTask: 1 << 20,
	FloorSegmentSize:     1 << 30, // all alike: one roster of them all
	ReclaimDeletesWeight: 2,
}

// tidyLoop merges s's small segments whenever the collection has been idle
// for l.tidyAfter since its last write, until stop is closed.
func (l *Live) tidyLoop(s *scorch.Scorch, stop <-chan struct{}) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-stop
		cancel()
	}()
	var tidied int64 // the last write before the last tidy
	for {
		idle := time.Duration(l.tidyAfter.Load())
		select {
		case <-stop:
			return
		case <-time.After(min(idle/4, 500*time.Millisecond)):
		}
		last := l.lastWrite.Load()
		if last == 0 || last == tidied || time.Since(time.Unix(0, last)) < idle {
			continue
		}
		tidied = last
		select {
		case <-stop: // closed meanwhile: its index may be closed already
			return
		default:
		}
		if smallSegments(s) >= 2 {
			s.ForceMerge(ctx, &tidyPlan) // a failure leaves the segments to Bleve's own merges
		}
	}
}

// SegmentSizes returns the live documents of each segment a search of s
// visits now; nil for a closed index, which has none.
func SegmentSizes(s *scorch.Scorch) []int64 {
	r, err := s.Reader()
	if err != nil {
		return nil
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if snap == nil {
		if !ok && r != nil {
			r.Close()
		}
		return nil
	}
	defer snap.Close()
	var sizes []int64
	for _, ss := range snap.Segments() {
		sizes = append(sizes, ss.LiveSize())
	}
	return sizes
}

// smallSegments counts s's segments of fewer than tidyBelow documents.
func smallSegments(s *scorch.Scorch) int {
	n := 0
	for _, size := range SegmentSizes(s) {
		if size < tidyBelow {
			n++
		}
	}
	return n
}
