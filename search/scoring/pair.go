package scoring

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Pair matches the documents whose field has both terms of two
// neighbouring query words and scores, where they stand as in the query
// (the second gap positions after the first), the sum of the two terms'
// scores; where they stand apart, nothing. Unlike Bleve's phrase searcher,
// which looks through the posting lists for the next document where the
// phrase occurs, it only ever moves through documents with both terms, so
// checking it for a few given documents (restrict) costs little.
//
// Where RarityFrom names fields, each of the two words takes its idf from
// them, as Match does.
type Pair struct {
	Field, Text, Analyzer string
	RarityFrom            []string
}

// Searcher implements query.Query.
func (q *Pair) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping,
	options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	name, a, err := fieldAnalyzer(m, q.Field, q.Analyzer)
	if err != nil {
		return nil, err
	}
	toks := analyze(ctx, name, a, q.Text)
	if len(toks) < 2 || toks[len(toks)-1].Position == toks[0].Position {
		return query.NewMatchNoneQuery().Searcher(ctx, i, m, options)
	}
	first, last := toks[0], toks[len(toks)-1]
	if knownAbsent(ctx, q.Field, string(first.Term)) || knownAbsent(ctx, q.Field, string(last.Term)) {
		// A word of the pair is in no document of the field.
		return query.NewMatchNoneQuery().Searcher(ctx, i, m, options)
	}
	var idf1, idf2 float64
	if len(q.RarityFrom) > 0 {
		words := strings.Fields(q.Text)
		if idf1, err = rarity(ctx, i, m, q.RarityFrom, words[0]); err != nil {
			return nil, err
		}
		if idf2, err = rarity(ctx, i, m, q.RarityFrom, words[len(words)-1]); err != nil {
			return nil, err
		}
	}
	vo := options
	vo.IncludeTermVectors = true
	s1, err := (&Term{Field: q.Field, Term: string(first.Term), IDF: idf1}).Searcher(ctx, i, m, vo)
	if err != nil {
		return nil, err
	}
	if empty(s1) {
		return s1, nil // no second reader for a pair whose first word is nowhere
	}
	s2, err := (&Term{Field: q.Field, Term: string(last.Term), IDF: idf2}).Searcher(ctx, i, m, vo)
	if err != nil {
		s1.Close()
		return nil, err
	}
	if empty(s2) {
		s1.Close()
		return s2, nil
	}
	return &pairSearcher{a: s1, b: s2, gap: uint64(last.Position - first.Position),
		first: string(first.Term), second: string(last.Term), stale: true}, nil
}

type pairSearcher struct {
	unnormed
	a, b          bsearch.Searcher
	curA, curB    *bsearch.DocumentMatch
	gap           uint64
	first, second string
	stale         bool // both sit on the document last returned
	done          bool
}

// align moves the two term searchers until they sit on one document.
func (s *pairSearcher) align(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	var err error
	for s.curA != nil && s.curB != nil {
		switch c := s.curA.IndexInternalID.Compare(s.curB.IndexInternalID); {
		case c < 0:
			ctx.DocumentMatchPool.Put(s.curA)
			s.curA, err = s.a.Advance(ctx, s.curB.IndexInternalID)
		case c > 0:
			ctx.DocumentMatchPool.Put(s.curB)
			s.curB, err = s.b.Advance(ctx, s.curA.IndexInternalID)
		default:
			return s.match(ctx), nil
		}
		if err != nil {
			return nil, err
		}
	}
	s.done = true
	return nil, nil
}

// match scores the document both sit on and marks them stale.
func (s *pairSearcher) match(ctx *bsearch.SearchContext) *bsearch.DocumentMatch {
	rv := s.curA
	adjacent := false
	for _, la := range rv.FieldTermLocations {
		if la.Term != s.first {
			continue
		}
		for _, lb := range s.curB.FieldTermLocations {
			if lb.Term == s.second && lb.Field == la.Field && lb.Location.Pos == la.Location.Pos+s.gap {
				adjacent = true
				break
			}
		}
		if adjacent {
			break
		}
	}
	if adjacent {
		rv.Score += s.curB.Score
		rv.FieldTermLocations = append(rv.FieldTermLocations, s.curB.FieldTermLocations...)
		if rv.Expl != nil {
			rv.Expl = &bsearch.Explanation{Value: rv.Score, Message: fmt.Sprintf("%s %s side by side:", s.first, s.second),
				Children: []*bsearch.Explanation{rv.Expl, s.curB.Expl}}
		}
	} else {
		rv.Score = 0
		rv.FieldTermLocations = rv.FieldTermLocations[:0]
		if rv.Expl != nil {
			rv.Expl = &bsearch.Explanation{Message: fmt.Sprintf("%s %s apart", s.first, s.second)}
		}
	}
	ctx.DocumentMatchPool.Put(s.curB)
	s.curA, s.curB, s.stale = nil, nil, true
	return rv
}

func (s *pairSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	if s.done {
		return nil, nil
	}
	var err error
	if s.stale {
		if s.curA, err = s.a.Next(ctx); err != nil {
			return nil, err
		}
		if s.curB, err = s.b.Next(ctx); err != nil {
			return nil, err
		}
		s.stale = false
	}
	return s.align(ctx)
}

func (s *pairSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	if s.done {
		return nil, nil
	}
	var err error
	if s.stale || s.curA.IndexInternalID.Compare(id) < 0 {
		if s.curA != nil {
			ctx.DocumentMatchPool.Put(s.curA)
		}
		if s.curA, err = s.a.Advance(ctx, id); err != nil {
			return nil, err
		}
	}
	if s.stale || s.curB.IndexInternalID.Compare(id) < 0 {
		if s.curB != nil {
			ctx.DocumentMatchPool.Put(s.curB)
		}
		if s.curB, err = s.b.Advance(ctx, id); err != nil {
			return nil, err
		}
	}
	s.stale = false
	return s.align(ctx)
}

func (s *pairSearcher) Close() error {
	err := s.a.Close()
	if berr := s.b.Close(); err == nil {
		err = berr
	}
	return err
}

func (s *pairSearcher) Count() uint64 { return min(s.a.Count(), s.b.Count()) }
func (s *pairSearcher) Size() int     { return 64 + s.a.Size() + s.b.Size() }
func (s *pairSearcher) DocumentMatchPoolSize() int {
	return 2 + s.a.DocumentMatchPoolSize() + s.b.DocumentMatchPoolSize()
}

// restrict is inner over the documents with the given internal ids
// alone (ids of the reader it is searched on), which it visits one by one,
// asking inner for each (Advance) and never for its next match in the rest
// of the index.
type restrict struct {
	ids   []index.IndexInternalID
	inner query.Query
}

// Searcher implements query.Query.
func (q *restrict) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping,
	options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	in, err := q.inner.Searcher(ctx, i, m, options)
	if err != nil {
		return nil, err
	}
	ids := slices.Clone(q.ids)
	// By their numbers: the ids are 8-byte big-endian numbers, whose order
	// is theirs, compared without their bytes.
	slices.SortFunc(ids, func(a, b index.IndexInternalID) int { return cmp.Compare(a.Value(), b.Value()) })
	return &restrictSearcher{ids: slices.CompactFunc(ids, index.IndexInternalID.Equals), inner: in}, nil
}

type restrictSearcher struct {
	unnormed
	ids   []index.IndexInternalID // in index order; the first is the next to visit
	inner bsearch.Searcher
	cur   *bsearch.DocumentMatch // inner's last answer, ahead of the ids
	done  bool
}

// probe returns inner's match on document id, or nil.
func (s *restrictSearcher) probe(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	if s.cur != nil && s.cur.IndexInternalID.Compare(id) < 0 {
		ctx.DocumentMatchPool.Put(s.cur)
		s.cur = nil
	}
	if s.cur == nil && !s.done {
		var err error
		if s.cur, err = s.inner.Advance(ctx, id); err != nil {
			return nil, err
		}
		s.done = s.cur == nil
	}
	if s.cur != nil && s.cur.IndexInternalID.Equals(id) {
		rv := s.cur
		s.cur = nil
		return rv, nil
	}
	return nil, nil
}

func (s *restrictSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	for len(s.ids) > 0 && !s.done {
		id := s.ids[0]
		s.ids = s.ids[1:]
		rv, err := s.probe(ctx, id)
		if err != nil || rv != nil {
			return rv, err
		}
	}
	return nil, nil
}

func (s *restrictSearcher) Advance(ctx *bsearch.SearchContext, target index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	for len(s.ids) > 0 && s.ids[0].Compare(target) < 0 {
		s.ids = s.ids[1:]
	}
	return s.Next(ctx)
}

func (s *restrictSearcher) Close() error { return s.inner.Close() }

func (s *restrictSearcher) Count() uint64 { return uint64(len(s.ids)) }
func (s *restrictSearcher) Size() int     { return 64 + 8*len(s.ids) + s.inner.Size() }
func (s *restrictSearcher) DocumentMatchPoolSize() int {
	return 2 + s.inner.DocumentMatchPoolSize()
}
