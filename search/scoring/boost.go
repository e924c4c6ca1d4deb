package scoring

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Boost multiplies the score of each document matched by inner that
// filter also matches by factor: a document prior, which an additive Bleve
// boost cannot express because term scores have no fixed scale.
type Boost struct {
	Inner, Filter query.Query
	Factor        float64
}

// Searcher implements query.Query.
func (q *Boost) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping,
	options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	in, err := q.Inner.Searcher(ctx, i, m, options)
	if err != nil {
		return nil, err
	}
	if empty(in) && !options.Explain {
		return in, nil // nothing to boost
	}
	fo := options
	fo.Explain, fo.IncludeTermVectors, fo.Score = false, false, "none"
	if !options.Explain {
		// The filter is read when a match scored above nothing first
		// asks for it: the rescoring's pairs, most often standing apart
		// in every one of the best hits, never do.
		return &boostSearcher{inner: in, factor: q.Factor, filterOf: func() (bsearch.Searcher, error) {
			return q.Filter.Searcher(ctx, i, m, fo)
		}}, nil
	}
	f, err := q.Filter.Searcher(ctx, i, m, fo)
	if err != nil {
		in.Close()
		return nil, err
	}
	return &boostSearcher{inner: in, filter: f, factor: q.Factor, explain: true}, nil
}

type boostSearcher struct {
	inner, filter bsearch.Searcher
	// filterOf, where set, makes filter when it is first needed.
	filterOf func() (bsearch.Searcher, error)
	factor   float64
	explain  bool
	cur      *bsearch.DocumentMatch // the filter's current match
	done     bool                   // the filter has no more matches
}

func (s *boostSearcher) apply(ctx *bsearch.SearchContext, dm *bsearch.DocumentMatch) (*bsearch.DocumentMatch, error) {
	if dm == nil || s.done || (dm.Score == 0 && !s.explain) {
		// A score of nothing stays nothing, whatever the filter says
		// (the rescoring's pairs standing apart): the filter is not asked.
		return dm, nil
	}
	if s.filter == nil {
		f, err := s.filterOf()
		if err != nil {
			return nil, err
		}
		if empty(f) {
			s.done = true
			return dm, f.Close()
		}
		s.filter = f
	}
	if s.cur == nil || s.cur.IndexInternalID.Compare(dm.IndexInternalID) < 0 {
		if s.cur != nil {
			ctx.DocumentMatchPool.Put(s.cur)
		}
		var err error
		s.cur, err = s.filter.Advance(ctx, dm.IndexInternalID)
		if err != nil {
			return nil, err
		}
		if s.cur == nil {
			s.done = true
			return dm, nil
		}
	}
	if s.cur.IndexInternalID.Equals(dm.IndexInternalID) {
		dm.Score *= s.factor
		if s.explain {
			dm.Expl = &bsearch.Explanation{Value: dm.Score, Message: fmt.Sprintf("×%g (a prior) of:", s.factor),
				Children: []*bsearch.Explanation{dm.Expl}}
		}
	}
	return dm, nil
}

func (s *boostSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	dm, err := s.inner.Next(ctx)
	if err != nil {
		return nil, err
	}
	return s.apply(ctx, dm)
}

func (s *boostSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	dm, err := s.inner.Advance(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.apply(ctx, dm)
}

func (s *boostSearcher) Close() error {
	err := s.inner.Close()
	if s.filter != nil {
		if ferr := s.filter.Close(); err == nil {
			err = ferr
		}
	}
	return err
}

func (s *boostSearcher) Weight() float64        { return s.inner.Weight() }
func (s *boostSearcher) SetQueryNorm(n float64) { s.inner.SetQueryNorm(n) }
func (s *boostSearcher) Count() uint64          { return s.inner.Count() }
func (s *boostSearcher) Min() int               { return s.inner.Min() }
func (s *boostSearcher) Size() int {
	if s.filter == nil {
		return s.inner.Size()
	}
	return s.inner.Size() + s.filter.Size()
}

// DocumentMatchPoolSize counts one match for a filter not made yet (a
// term, a sum of terms, Bleve's term searcher: one each); the pool makes
// more where one needs more.
func (s *boostSearcher) DocumentMatchPoolSize() int {
	if s.filter == nil {
		return s.inner.DocumentMatchPoolSize() + 1
	}
	return s.inner.DocumentMatchPoolSize() + s.filter.DocumentMatchPoolSize()
}
