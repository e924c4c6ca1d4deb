// Package scoring runs searches on a Bleve index with pressearch's own
// scoring: BM25 as it is written, with each field's own statistics (Term,
// Match), weighted sums without Bleve's coordination factor (Sum),
// neighbouring words (Pair), multiplicative priors (Boost), and a search by
// relevance on one reader with rescoring, facet counts from in-memory
// columns and the page's stored fields and match locations (Rank, Details,
// FacetColumns). It depends on Bleve alone: what to search for, and with
// which weights, is decided by its caller.
package scoring

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// Sum matches a document that matches any of its clauses and scores
// it by the weighted sum of the clauses' scores: BM25 as it is written, a
// sum over the query's words and fields.
//
// Bleve's own disjunction multiplies that sum by the share of clauses that
// match (a coordination factor), and its Boolean query rescales term scores
// by a query norm that squares their idf; both are kept out here: the sum
// does not pass the norm down, so every term scores its plain BM25, and
// weights take the place of boosts.
type Sum struct {
	clauses []query.Query
	weights []float64
}

// add appends a clause with its weight.
func (q *Sum) Add(c query.Query, weight float64) {
	q.clauses = append(q.clauses, c)
	q.weights = append(q.weights, weight)
}

// Len is the number of clauses.
func (q *Sum) Len() int { return len(q.clauses) }

// Searcher implements query.Query.
func (q *Sum) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping,
	options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	s := &sumSearcher{explain: options.Explain}
	for k, c := range q.clauses {
		cs, err := c.Searcher(ctx, i, m, options)
		if err != nil {
			s.Close()
			return nil, err
		}
		if empty(cs) {
			// Most clauses of a word find nothing (its fields in the
			// languages of other scripts): left in, each would be looked
			// at for every document the others match.
			if err := cs.Close(); err != nil {
				s.Close()
				return nil, err
			}
			continue
		}
		s.add(cs, q.weights[k])
	}
	s.currs = make([]*bsearch.DocumentMatch, len(s.children))
	if options.Explain || options.IncludeTermVectors {
		return s, nil
	}
	terms := make([]*termSearcher, 0, len(s.children))
	for _, c := range s.children {
		t, ok := c.(*termSearcher)
		if !ok {
			return s, nil
		}
		terms = append(terms, t)
	}
	return newTermSum(terms, s.weights), nil
}

// add appends child with its weight; a sum of sums is one sum (weights
// multiplied), unless it explains its scores.
func (s *sumSearcher) add(child bsearch.Searcher, weight float64) {
	if !s.explain {
		switch c := child.(type) {
		case *sumSearcher:
			for k, cc := range c.children {
				s.add(cc, weight*c.weights[k])
			}
			return
		case *termSum:
			for k, t := range c.terms {
				s.add(t, weight*c.weights[k])
			}
			return
		}
	}
	s.children = append(s.children, child)
	s.weights = append(s.weights, weight)
}

// empty reports whether s is known to match nothing: term and pair
// searchers with no documents, a sum of nothing, Bleve's match-none.
func empty(s bsearch.Searcher) bool {
	switch s := s.(type) {
	case *termSearcher, *pairSearcher, *searcher.TermSearcher:
		return s.Count() == 0
	case *sumSearcher:
		return len(s.children) == 0
	case *termSum:
		return len(s.terms) == 0
	case *searcher.MatchNoneSearcher:
		return true
	}
	return false
}

type sumSearcher struct {
	unnormed
	children []bsearch.Searcher
	weights  []float64
	currs    []*bsearch.DocumentMatch // each child's current match, nil when done or stale
	// stale marks the children whose match was the last one returned: they
	// move on only when asked, by Next or straight to where Advance goes.
	// Moving them on eagerly would make a phrase searcher look for its next
	// match through whole posting lists, only to be advanced past it.
	stale   []bool
	explain bool
	// matching are the children whose current match is the lowest document.
	matching []int
}

func (s *sumSearcher) init() {
	if s.stale == nil {
		s.stale = make([]bool, len(s.children))
		for i := range s.stale {
			s.stale[i] = true
		}
	}
}

// Next returns the lowest document any child is on, scored by the weighted
// sum of the children on it.
func (s *sumSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	s.init()
	for i, c := range s.children {
		if !s.stale[i] {
			continue
		}
		dm, err := c.Next(ctx)
		if err != nil {
			return nil, err
		}
		s.currs[i], s.stale[i] = dm, false
	}
	return s.emit(ctx), nil
}

// Advance moves every child to id or past it and returns the next match.
func (s *sumSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	s.init()
	for i, c := range s.children {
		if !s.stale[i] {
			if s.currs[i] == nil || s.currs[i].IndexInternalID.Compare(id) >= 0 {
				continue
			}
			ctx.DocumentMatchPool.Put(s.currs[i])
		}
		dm, err := c.Advance(ctx, id)
		if err != nil {
			return nil, err
		}
		s.currs[i], s.stale[i] = dm, false
	}
	return s.emit(ctx), nil
}

// emit returns the lowest current document, scored, and marks the children
// on it stale.
func (s *sumSearcher) emit(ctx *bsearch.SearchContext) *bsearch.DocumentMatch {
	s.matching = s.matching[:0]
	for i, dm := range s.currs {
		if dm == nil {
			continue
		}
		if len(s.matching) > 0 {
			switch c := dm.IndexInternalID.Compare(s.currs[s.matching[0]].IndexInternalID); {
			case c > 0:
				continue
			case c < 0:
				s.matching = s.matching[:0]
			}
		}
		s.matching = append(s.matching, i)
	}
	if len(s.matching) == 0 {
		return nil
	}
	rv := s.currs[s.matching[0]]
	var expl []*bsearch.Explanation
	sum := 0.0
	for _, i := range s.matching {
		dm := s.currs[i]
		sum += s.weights[i] * dm.Score
		if s.explain {
			expl = append(expl, &bsearch.Explanation{Value: s.weights[i] * dm.Score,
				Message: fmt.Sprintf("weight %g ×", s.weights[i]), Children: []*bsearch.Explanation{dm.Expl}})
		}
	}
	if len(s.matching) > 1 {
		rest := make([]*bsearch.DocumentMatch, 0, len(s.matching)-1)
		for _, i := range s.matching[1:] {
			rest = append(rest, s.currs[i])
		}
		rv.FieldTermLocations = bsearch.MergeFieldTermLocations(rv.FieldTermLocations, rest)
	}
	rv.Score = sum
	if s.explain {
		rv.Expl = &bsearch.Explanation{Value: sum, Message: "sum of:", Children: expl}
	}
	for _, i := range s.matching {
		if s.currs[i] != rv {
			ctx.DocumentMatchPool.Put(s.currs[i])
		}
		s.currs[i], s.stale[i] = nil, true
	}
	return rv
}

func (s *sumSearcher) Close() error { return closeAll(s.children) }

// Weight and SetQueryNorm keep the norm of an enclosing Boolean query out
// of the sum (see Sum).
func (s *sumSearcher) Weight() float64      { return 1 }
func (s *sumSearcher) SetQueryNorm(float64) {}

func (s *sumSearcher) Count() uint64 { return countAll(s.children) }

func (s *sumSearcher) Size() int { return 64 + 8*len(s.children) + sizeAll(s.children) }

func (s *sumSearcher) DocumentMatchPoolSize() int {
	n := len(s.children)
	for _, c := range s.children {
		n += c.DocumentMatchPoolSize()
	}
	return n
}

// Stats are what BM25 scoring needs of an index: Global for any field
// (Bleve's own scorers read it), PerField for each text field those of the
// documents that have it, and the parameters of the formula.
type Stats struct {
	Global   *bsearch.BM25Stats
	PerField map[string]*bsearch.BM25Stats
	K1, B    float64
}

type statsKey struct{}

// WithStats returns ctx carrying the statistics searches score with. An
// index without them (built before they were recorded) scores with
// Bleve's own estimates.
func WithStats(ctx context.Context, s *Stats) context.Context {
	if s == nil || s.Global == nil {
		return ctx
	}
	ctx = context.WithValue(ctx, bsearch.BM25StatsKey, s.Global)
	return context.WithValue(ctx, statsKey{}, s)
}

// fieldQuery is a query over one text field, scored with that field's own
// BM25 statistics where the context has them (indexer.BM25Stats says why).
type fieldQuery struct {
	inner query.Query
	field string
}

// Searcher implements query.Query.
func (q *fieldQuery) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping,
	options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	if s, ok := ctx.Value(statsKey{}).(*Stats); ok {
		if st := s.PerField[q.field]; st != nil {
			ctx = context.WithValue(ctx, bsearch.BM25StatsKey, st)
		}
	}
	return q.inner.Searcher(ctx, i, m, options)
}

// InField wraps a query on field so that it is scored with the field's
// statistics.
func InField(q query.Query, field string) query.Query { return &fieldQuery{inner: q, field: field} }

// unnormed gives a searcher the methods of one that scores as it is, with
// no query norm and no minimum: an enclosing Boolean query's norm (which
// squares idf) stays out of our scores, and weights take boosts' place.
type unnormed struct{}

func (unnormed) Weight() float64      { return 1 }
func (unnormed) SetQueryNorm(float64) {}
func (unnormed) Min() int             { return 0 }

// closeAll closes every searcher and returns the first error.
func closeAll[S interface{ Close() error }](ss []S) error {
	var err error
	for _, c := range ss {
		if cerr := c.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// countAll sums the searchers' counts of matches.
func countAll[S interface{ Count() uint64 }](ss []S) uint64 {
	var n uint64
	for _, c := range ss {
		n += c.Count()
	}
	return n
}

// sizeAll sums the searchers' sizes.
func sizeAll[S interface{ Size() int }](ss []S) int {
	n := 0
	for _, c := range ss {
		n += c.Size()
	}
	return n
}
