package scoring

import (
	"container/heap"
	"context"
	"sort"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Ranked is what a relevance search of one index found: its best hits in
// order, each with its internal and external id, and how many documents
// matched.
type Ranked struct {
	Hits  bsearch.DocumentMatchCollection
	Total uint64
}

// checkDoneEvery is how many matches a search collects between looks at
// its context, as Bleve's collector does.
const checkDoneEvery = 1024

// Ties order documents of equal score: less reports whether a comes before
// b. Nil is the index's own order, which a build makes the order of ids.
type Ties func(a, b index.IndexInternalID) bool

// ties orders equal scores by id, from the view's ids where the index is
// written (its own order is not the ids').
func (v *view) ties() Ties {
	if v.ids == nil {
		return nil
	}
	return func(a, b index.IndexInternalID) bool {
		ia, oka := v.ids.id(a)
		ib, okb := v.ids.id(b)
		if oka && okb && ia != ib {
			return ia < ib
		}
		return a.Compare(b) < 0
	}
}

// Rank runs q over reader r and keeps the best k matches by score
// (ties in the order ties gives), counting every match in count when it is set;
// pairs, when set, then rescores the best window of them (see rescore). Of the result, hits from..from+size come back with their
// external ids.
//
// It does in one pass over one reader what Bleve's search request would do
// in two (the main search, then the rescoring search by document id), and
// it looks up the external id of the page's hits alone, where Bleve's
// collector looks up every collected one.
func Rank(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, q, pairs query.Query, window, from, size int,
	count func(index.IndexInternalID), ties Ties) (*Ranked, error) {
	s, err := q.Searcher(ctx, r, m, bsearch.SearcherOptions{})
	if err != nil {
		return nil, err
	}
	defer s.Close()

	k := from + size
	if pairs != nil {
		k = max(k, window)
	}
	sctx := &bsearch.SearchContext{
		DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize()+k+1, 0),
		IndexReader:       r,
	}
	top := &topHeap{ties: ties}
	out := &Ranked{}
	dm, err := s.Next(sctx)
	for ; err == nil && dm != nil; dm, err = s.Next(sctx) {
		out.Total++
		if out.Total%checkDoneEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if count != nil {
			count(dm.IndexInternalID)
		}
		switch {
		case k == 0:
			sctx.DocumentMatchPool.Put(dm)
		case top.Len() < k:
			heap.Push(top, dm)
		case better(dm, top.docs[0], ties):
			sctx.DocumentMatchPool.Put(top.docs[0])
			top.docs[0] = dm
			heap.Fix(top, 0)
		default:
			sctx.DocumentMatchPool.Put(dm)
		}
	}
	if err != nil {
		return nil, err
	}
	hits := bsearch.DocumentMatchCollection(top.docs)
	sort.Slice(hits, func(i, j int) bool { return better(hits[i], hits[j], ties) })
	if pairs != nil && len(hits) > 1 {
		if err := rescore(ctx, r, m, pairs, hits[:min(window, len(hits))]); err != nil {
			return nil, err
		}
	}
	hits = hits[min(from, len(hits)):min(from+size, len(hits))]
	for _, h := range hits {
		if h.ID, err = r.ExternalID(h.IndexInternalID); err != nil {
			return nil, err
		}
	}
	out.Hits = hits
	return out, nil
}

// better orders matches by score, then as ties says.
func better(a, b *bsearch.DocumentMatch, ties Ties) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	if ties != nil {
		return ties(a.IndexInternalID, b.IndexInternalID)
	}
	return a.IndexInternalID.Compare(b.IndexInternalID) < 0
}

// topHeap holds the best matches so far with the worst on top.
type topHeap struct {
	docs []*bsearch.DocumentMatch
	ties Ties
}

func (h *topHeap) Len() int           { return len(h.docs) }
func (h *topHeap) Less(i, j int) bool { return better(h.docs[j], h.docs[i], h.ties) }
func (h *topHeap) Swap(i, j int)      { h.docs[i], h.docs[j] = h.docs[j], h.docs[i] }
func (h *topHeap) Push(x any)         { h.docs = append(h.docs, x.(*bsearch.DocumentMatch)) }
func (h *topHeap) Pop() any {
	x := h.docs[len(h.docs)-1]
	h.docs = h.docs[:len(h.docs)-1]
	return x
}

// rescore adds to each hit's score what pairs scores it (nothing where they
// do not match) and sorts the hits again, ties in their order. pairs runs
// over these hits alone: phrase matching reads positions, and doing it for
// every document with the two words would cost more than the whole search.
func rescore(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, pairs query.Query, hits bsearch.DocumentMatchCollection) error {
	extra := make(map[uint64]float64, len(hits))
	err := overHits(ctx, r, m, pairs, hits, bsearch.SearcherOptions{}, false, func(dm *bsearch.DocumentMatch) {
		extra[dm.IndexInternalID.Value()] = dm.Score
	})
	if err != nil {
		return err
	}
	for _, h := range hits {
		h.Score += extra[h.IndexInternalID.Value()]
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
	return nil
}

// overHits runs q over hits alone (pair.go's restrict), with opts, and
// hands each match to each. With keep, each may keep the matches (the
// pool has room for all); without, they go back to the pool after it.
func overHits(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, q query.Query,
	hits bsearch.DocumentMatchCollection, opts bsearch.SearcherOptions, keep bool, each func(*bsearch.DocumentMatch)) error {
	rq := &restrict{inner: q}
	for _, h := range hits {
		rq.ids = append(rq.ids, h.IndexInternalID)
	}
	s, err := rq.Searcher(ctx, r, m, opts)
	if err != nil {
		return err
	}
	defer s.Close()
	size := s.DocumentMatchPoolSize() + 1
	if keep {
		size += len(hits)
	}
	sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(size, 0), IndexReader: r}
	dm, err := s.Next(sctx)
	for ; err == nil && dm != nil; dm, err = s.Next(sctx) {
		each(dm)
		if !keep {
			sctx.DocumentMatchPool.Put(dm)
		}
	}
	return err
}

// Details searches q again over hits alone, on reader r, for where q
// matches in them, and loads their stored fields. Asking for locations in
// the main search would gather them for every matching document, which for
// a common word is most of the index. The hits need their ids, internal
// and external.
func Details(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, q query.Query, hits bsearch.DocumentMatchCollection) (map[string]*bsearch.DocumentMatch, error) {
	located := make(map[uint64]*bsearch.DocumentMatch, len(hits))
	err := overHits(ctx, r, m, q, hits, bsearch.SearcherOptions{IncludeTermVectors: true}, true, func(dm *bsearch.DocumentMatch) {
		dm.Complete(nil)
		located[dm.IndexInternalID.Value()] = dm
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]*bsearch.DocumentMatch, len(hits))
	stored := newStoredReader(r)
	for _, h := range hits {
		d := located[h.IndexInternalID.Value()]
		if d == nil {
			d = &bsearch.DocumentMatch{}
		}
		d.ID = h.ID
		if _, err := stored.visit(h.IndexInternalID, h.ID, func(field, value string) { d.AddFieldValue(field, value) }); err != nil {
			return nil, err
		}
		out[h.ID] = d
	}
	return out, nil
}
