package scoring

import (
	"context"
	"testing"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// counted is a query whose searchers count the documents they are asked
// for (Next and Advance).
type counted struct {
	query.Query
	asked *int
	made  *int // searchers made, where set
}

func (q counted) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping,
	options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	if q.made != nil {
		*q.made++
	}
	s, err := q.Query.Searcher(ctx, i, m, options)
	return &countedSearcher{Searcher: s, asked: q.asked}, err
}

type countedSearcher struct {
	bsearch.Searcher
	asked *int
}

func (s *countedSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	*s.asked++
	return s.Searcher.Next(ctx)
}

func (s *countedSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	*s.asked++
	return s.Searcher.Advance(ctx, id)
}

// A boost asks its filter only about documents its inner query scores
// above nothing (a pair of the rescoring whose words stand apart scores
// nothing, and nothing boosted is nothing), and boosts those it matches.
func TestBoostAsksFilterOnlyForScores(t *testing.T) {
	ti := newTestIndex(t)
	m := ti.idx.Mapping()
	scores := func(q query.Query) map[uint64]float64 {
		t.Helper()
		s, err := q.Searcher(ti.ctx, ti.r, m, bsearch.SearcherOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0)}
		out := map[uint64]float64{}
		dm, err := s.Next(sctx)
		for ; err == nil && dm != nil; dm, err = s.Next(sctx) {
			out[dm.IndexInternalID.Value()] = dm.Score
			sctx.DocumentMatchPool.Put(dm)
		}
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, text := range []string{"japan security", "trade summit", "జపాన్ రక్షణ"} {
		pair := func() query.Query {
			return &Sum{clauses: []query.Query{&Pair{Field: "body_en", Text: text}, &Pair{Field: "body_te", Text: text}}, weights: []float64{1, 1}}
		}
		filter := func() query.Query { return words("security summit రక్షణ") }
		plain, filtered := scores(pair()), scores(filter())
		asked := 0
		boosted := scores(&Boost{Inner: pair(), Filter: counted{Query: filter(), asked: &asked}, Factor: 2})
		scored, apart := 0, 0
		for n, s := range plain {
			want := s
			if _, ok := filtered[n]; ok && s > 0 {
				want = 2 * s
			}
			if boosted[n] != want {
				t.Errorf("%q: document %d scores %v boosted, want %v", text, n, boosted[n], want)
			}
			if s > 0 {
				scored++
			} else {
				apart++
			}
		}
		if scored == 0 || apart == 0 {
			t.Fatalf("%q: %d documents with the pair, %d with its words apart: the test needs both", text, scored, apart)
		}
		if asked > scored {
			t.Errorf("%q: the filter was asked %d times for %d documents scored above nothing (%d apart)", text, asked, scored, apart)
		}
	}
}

// A boost makes its filter's searcher only when a match scored above
// nothing first needs it: never where its inner query finds nothing, once
// where it scores.
func TestBoostMakesFilterWhenNeeded(t *testing.T) {
	ti := newTestIndex(t)
	m := ti.idx.Mapping()
	for _, c := range []struct {
		inner query.Query
		made  int
	}{
		{&Pair{Field: "body_en", Text: "nosuchword japan"}, 0},
		{&Sum{clauses: []query.Query{&Pair{Field: "body_en", Text: "nosuchword japan"}}, weights: []float64{1}}, 0},
		{words("summit"), 1},
	} {
		asked, made := 0, 0
		q := &Boost{Inner: c.inner, Filter: counted{Query: words("security"), asked: &asked, made: &made}, Factor: 2}
		s, err := q.Searcher(ti.ctx, ti.r, m, bsearch.SearcherOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0)}
		dm, err := s.Next(sctx)
		for ; err == nil && dm != nil; dm, err = s.Next(sctx) {
			sctx.DocumentMatchPool.Put(dm)
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if made != c.made {
			t.Errorf("%T: the filter's searcher made %d times, want %d", c.inner, made, c.made)
		}
	}
}
