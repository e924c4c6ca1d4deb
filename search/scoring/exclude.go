package scoring

import (
	"context"

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
	inner, hidden query.Query
}

// Searcher implements query.Query.
func (q *exclude) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping,
	options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	hs, err := q.hidden.Searcher(ctx, i, m, bsearch.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, err
	}
	sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(hs.DocumentMatchPoolSize()+1, 0), IndexReader: i}
	hidden := map[uint64]bool{}
	dm, err := hs.Next(sctx)
	for ; err == nil && dm != nil; dm, err = hs.Next(sctx) {
		hidden[dm.IndexInternalID.Value()] = true
		sctx.DocumentMatchPool.Put(dm)
	}
	hs.Close()
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
