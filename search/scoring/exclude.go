package scoring

import (
	"context"
	"math"
	"time"

	"github.com/blevesearch/bleve/v2/numeric"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// exclude matches what inner matches, with its scores, except the
// documents hidden matches. The hidden documents are few (those under
// embargo): they are read once into a set, and where there are none the
// search is inner's own. Bleve's boolean query would do the same but
// change the scores.
type exclude struct {
	inner query.Query
	// hidden returns the documents to leave out, of a reader.
	hidden func(ctx context.Context, i index.IndexReader, m mapping.IndexMapping) (map[uint64]bool, error)
}

// Searcher implements query.Query.
func (q *exclude) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping,
	options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	hidden, err := q.hidden(ctx, i, m)
	if err != nil {
		return nil, err
	}
	in, err := q.inner.Searcher(ctx, i, m, options)
	if err != nil || len(hidden) == 0 {
		return in, err
	}
	return &excludeSearcher{Searcher: in, hidden: hidden}, nil
}

type excludeSearcher struct {
	bsearch.Searcher
	hidden map[uint64]bool
}

func (s *excludeSearcher) skip(ctx *bsearch.SearchContext, dm *bsearch.DocumentMatch, err error) (*bsearch.DocumentMatch, error) {
	for err == nil && dm != nil && s.hidden[dm.IndexInternalID.Value()] {
		ctx.DocumentMatchPool.Put(dm)
		dm, err = s.Searcher.Next(ctx)
	}
	return dm, err
}

func (s *excludeSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	dm, err := s.Searcher.Next(ctx)
	return s.skip(ctx, dm, err)
}

func (s *excludeSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	dm, err := s.Searcher.Advance(ctx, id)
	return s.skip(ctx, dm, err)
}

// matching returns the documents q matches on i.
func matching(q query.Query) func(context.Context, index.IndexReader, mapping.IndexMapping) (map[uint64]bool, error) {
	return func(ctx context.Context, i index.IndexReader, m mapping.IndexMapping) (map[uint64]bool, error) {
		hs, err := q.Searcher(ctx, i, m, bsearch.SearcherOptions{Score: "none"})
		if err != nil {
			return nil, err
		}
		defer hs.Close()
		sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(hs.DocumentMatchPoolSize()+1, 0), IndexReader: i}
		out := map[uint64]bool{}
		dm, err := hs.Next(sctx)
		for ; err == nil && dm != nil; dm, err = hs.Next(sctx) {
			out[dm.IndexInternalID.Value()] = true
			sctx.DocumentMatchPool.Put(dm)
		}
		return out, err
	}
}

// dated returns the documents whose date in field is in [from, to) (a
// zero end is open), as Bleve's date range query matches them, read from
// the field's dictionary: the full-precision terms in the range, each
// with its postings. Bleve's query instead looks up every term its range
// could have at every precision (hundreds for an open end), which an
// embargo's range, asked on every search and almost always matching
// nothing, paid each time.
func dated(field string, from, to time.Time) func(context.Context, index.IndexReader, mapping.IndexMapping) (map[uint64]bool, error) {
	return func(ctx context.Context, i index.IndexReader, _ mapping.IndexMapping) (map[uint64]bool, error) {
		lo, hi := int64(math.MinInt64), numeric.Float64ToInt64(math.Inf(1))-1 // Bleve's open ends
		if !from.IsZero() {
			lo = from.UnixNano()
		}
		if !to.IsZero() {
			hi = to.UnixNano() - 1
		}
		if lo > hi {
			return nil, nil
		}
		d, err := i.FieldDictRange(field, numeric.MustNewPrefixCodedInt64(lo, 0), numeric.MustNewPrefixCodedInt64(hi, 0))
		if err != nil {
			return nil, err
		}
		var terms []string
		e, err := d.Next()
		for ; err == nil && e != nil; e, err = d.Next() {
			terms = append(terms, e.Term)
		}
		if cerr := d.Close(); err == nil {
			err = cerr
		}
		if err != nil || len(terms) == 0 {
			return nil, err
		}
		out := map[uint64]bool{}
		for _, t := range terms {
			if err := postings(ctx, i, field, t, func(id index.IndexInternalID) { out[id.Value()] = true }); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
}

// postings calls f with each document that has term in field.
func postings(ctx context.Context, i index.IndexReader, field, term string, f func(index.IndexInternalID)) error {
	tfr, err := i.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return err
	}
	defer tfr.Close()
	var tfd index.TermFieldDoc
	for {
		next, err := tfr.Next(&tfd)
		if err != nil || next == nil {
			return err
		}
		f(next.ID)
	}
}
