package scoring

import (
	"context"
	"sort"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"pressearch/search/plan"
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
	// The best k are kept as numbers and scores, each match going back
	// to the pool at once: the pool holds what the searchers hold, not
	// the k best too (made anew for every search, that was a third of
	// the memory a search asked for).
	sctx := &bsearch.SearchContext{
		DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0),
		IndexReader:       r,
	}
	top := &rankHeap{ties: ties, docs: make([]ranked, 0, min(k, 1024))}
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
		if k > 0 {
			top.offer(ranked{id: dm.IndexInternalID.Value(), score: dm.Score}, k)
		}
		sctx.DocumentMatchPool.Put(dm)
	}
	if err != nil {
		return nil, err
	}
	best := top.docs
	sort.Slice(best, func(i, j int) bool { return top.better(best[i], best[j]) })
	if pairs != nil && len(best) > 1 {
		if err := rescore(ctx, r, m, pairs, best[:min(window, len(best))]); err != nil {
			return nil, err
		}
	}
	best = best[min(from, len(best)):min(from+size, len(best))]
	hits := make(bsearch.DocumentMatchCollection, len(best))
	block := make([]bsearch.DocumentMatch, len(best))
	ids := make([]byte, 8*len(best))
	for i, h := range best {
		d := &block[i]
		d.IndexInternalID = index.NewIndexInternalID(ids[8*i:8*i+8], h.id)
		d.Score = h.score
		if d.ID, err = r.ExternalID(d.IndexInternalID); err != nil {
			return nil, err
		}
		hits[i] = d
	}
	out.Hits = hits
	return out, nil
}

// ranked is a match kept among the best: its document number and score.
type ranked struct {
	id    uint64
	score float64
}

// rankHeap holds the best matches so far with the worst on top.
type rankHeap struct {
	docs []ranked
	ties Ties
	a, b index.IndexInternalID // scratch ids for ties
}

// better orders matches by score, then as ties says (the index's order
// where it is nil).
func (h *rankHeap) better(x, y ranked) bool {
	if x.score != y.score {
		return x.score > y.score
	}
	if h.ties != nil {
		h.a = index.NewIndexInternalID(h.a, x.id)
		h.b = index.NewIndexInternalID(h.b, y.id)
		return h.ties(h.a, h.b)
	}
	return x.id < y.id
}

// offer keeps m if it is among the best k so far.
func (h *rankHeap) offer(m ranked, k int) {
	if len(h.docs) < k {
		h.docs = append(h.docs, m)
		h.up(len(h.docs) - 1)
		return
	}
	if h.better(m, h.docs[0]) {
		h.docs[0] = m
		h.down(0)
	}
}

// worse reports whether the match at i ranks below the one at j.
func (h *rankHeap) worse(i, j int) bool { return h.better(h.docs[j], h.docs[i]) }

func (h *rankHeap) up(j int) {
	for {
		i := (j - 1) / 2 // parent
		if i == j || !h.worse(j, i) {
			break
		}
		h.docs[i], h.docs[j] = h.docs[j], h.docs[i]
		j = i
	}
}

func (h *rankHeap) down(i int) {
	n := len(h.docs)
	for {
		j := 2*i + 1
		if j >= n || j < 0 {
			break
		}
		if j2 := j + 1; j2 < n && h.worse(j2, j) {
			j = j2
		}
		if !h.worse(j, i) {
			break
		}
		h.docs[i], h.docs[j] = h.docs[j], h.docs[i]
		i = j
	}
}

// rescore adds to each hit's score what pairs scores it (nothing where they
// do not match) and sorts the hits again, ties in their order. pairs runs
// over these hits alone: phrase matching reads positions, and doing it for
// every document with the two words would cost more than the whole search.
func rescore(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, pairs query.Query, hits []ranked) error {
	ids := make([]index.IndexInternalID, len(hits))
	buf := make([]byte, 8*len(hits))
	for i, h := range hits {
		ids[i] = index.NewIndexInternalID(buf[8*i:8*i+8], h.id)
	}
	extra := make(map[uint64]float64, len(hits))
	err := overHits(ctx, r, m, pairs, ids, bsearch.SearcherOptions{}, false, func(dm *bsearch.DocumentMatch) {
		extra[dm.IndexInternalID.Value()] = dm.Score
	})
	if err != nil {
		return err
	}
	for i := range hits {
		hits[i].score += extra[hits[i].id]
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].score > hits[j].score })
	return nil
}

// idsOf are the internal ids of hits.
func idsOf(hits bsearch.DocumentMatchCollection) []index.IndexInternalID {
	ids := make([]index.IndexInternalID, len(hits))
	for i, h := range hits {
		ids[i] = h.IndexInternalID
	}
	return ids
}

// overHits runs q over hits alone (pair.go's restrict), with opts, and
// hands each match to each. With keep, each may keep the matches (the
// pool has room for all); without, they go back to the pool after it.
func overHits(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, q query.Query,
	ids []index.IndexInternalID, opts bsearch.SearcherOptions, keep bool, each func(*bsearch.DocumentMatch)) error {
	rq := &restrict{inner: q, ids: ids}
	s, err := rq.Searcher(ctx, r, m, opts)
	if err != nil {
		return err
	}
	defer s.Close()
	size := s.DocumentMatchPoolSize() + 1
	if keep {
		size += len(ids)
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
// matches in them, and reads their stored fields of those in fields: into
// out, a hit each, in the order of hits (its Locations by field, its
// Fields). Asking for locations in the main search would gather them for
// every matching document, which for a common word is most of the index.
// The hits need their ids, internal and external.
//
// The spans of a field come in the order the searcher gives them, with
// any it gives twice (Bleve's DocumentMatch.Complete would drop those and
// group them by term, in no order): a snippet merges and sorts them.
func Details(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, q query.Query, hits bsearch.DocumentMatchCollection,
	fields []string, out []plan.Hit) error {
	at := make(map[uint64]int, len(hits))
	for i, h := range hits {
		at[h.IndexInternalID.Value()] = i
	}
	err := overHits(ctx, r, m, q, idsOf(hits), bsearch.SearcherOptions{IncludeTermVectors: true}, false, func(dm *bsearch.DocumentMatch) {
		i, ok := at[dm.IndexInternalID.Value()]
		if !ok {
			return
		}
		h := &out[i]
		add := func(field string, l *bsearch.Location) {
			if h.Locations == nil {
				h.Locations = map[string][]plan.Span{}
			}
			h.Locations[field] = append(h.Locations[field], plan.Span{Start: int(l.Start), End: int(l.End)})
		}
		for field, terms := range dm.Locations {
			for _, locs := range terms {
				for _, l := range locs {
					add(field, l)
				}
			}
		}
		for k := range dm.FieldTermLocations {
			add(dm.FieldTermLocations[k].Field, &dm.FieldTermLocations[k].Location)
		}
	})
	if err != nil {
		return err
	}
	want := make(map[string]bool, len(fields))
	for _, f := range fields {
		want[f] = true
	}
	stored := newStoredReader(r)
	for i, h := range hits {
		o := &out[i]
		o.Fields = map[string][]string{}
		// A value a field has alone is a slice of one array a hit: the
		// hits' fields made a slice each.
		var vals []string
		if _, err := stored.visit(h.IndexInternalID, h.ID, func(field, value string) {
			if !want[field] {
				return
			}
			if have, ok := o.Fields[field]; ok {
				o.Fields[field] = append(have, value) // a copy: have's room is its own
				return
			}
			if vals == nil {
				vals = make([]string, 0, 12)
			}
			vals = append(vals, value)
			o.Fields[field] = vals[len(vals)-1 : len(vals) : len(vals)]
		}); err != nil {
			return err
		}
	}
	return nil
}
