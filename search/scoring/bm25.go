package scoring

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// Term matches one indexed term in one field and scores it by BM25
// as it is written: idf × tf·(k1+1) / (tf + k1·(1 − b + b·len/avglen)),
// with the raw term frequency and the field's own statistics. Bleve's term
// scorer puts √tf where tf belongs (a leftover of its tf-idf scoring), which
// flattens the difference between a text about a word and one that names it
// once, and counts documents of every language in the idf.
//
// Without per-field statistics in the context (an index built before they
// were recorded) it falls back to Bleve's own term query.
type Term struct {
	Field, Term string
	// IDF, where above zero, is the term's idf in place of the one the
	// field's statistics give.
	IDF float64
}

// Searcher implements query.Query.
func (q *Term) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping,
	options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	term := []byte(q.Term)
	if knownNowhere(ctx, q.Field, term) {
		// Nothing to read: what its reader would find.
		noteCount(ctx, q.Field, q.Term, 0)
		return searcher.NewMatchNoneSearcher(i)
	}
	stats, _ := ctx.Value(statsKey{}).(*Stats)
	var st *bsearch.BM25Stats
	if stats != nil {
		st = stats.PerField[q.Field]
	}
	if st == nil || st.DocCount == 0 {
		t := query.NewTermQuery(q.Term)
		t.SetField(q.Field)
		return t.Searcher(ctx, i, m, options)
	}
	score := options.Score != "none"
	r, err := i.TermFieldReader(ctx, term, q.Field, score, score, options.IncludeTermVectors)
	if err != nil {
		return nil, err
	}
	noteCount(ctx, q.Field, q.Term, r.Count())
	n := float64(r.Count())
	docs := st.DocCount
	idf := math.Log(1 + (docs-n+0.5)/(n+0.5))
	if q.IDF > 0 {
		idf = q.IDF
	}
	return &termSearcher{
		reader:  r,
		term:    q.Term,
		field:   q.Field,
		score:   score,
		explain: options.Explain,
		k1:      stats.K1,
		b:       stats.B,
		idf:     idf,
		avgLen:  float64(st.FieldCardinality[q.Field]) / docs,
	}, nil
}

type termSearcher struct {
	unnormed
	reader      index.TermFieldReader
	tfd         index.TermFieldDoc
	term, field string
	score       bool
	explain     bool
	k1, b       float64
	idf, avgLen float64
}

// length is the length of the field of tm's document: Bleve stores 1/√length.
func (s *termSearcher) length(tm *index.TermFieldDoc) float64 {
	if tm.Norm > 0 {
		return 1 / float64(tm.Norm*tm.Norm)
	}
	return s.avgLen
}

// bm25 is the score of the term in tm's document.
func (s *termSearcher) bm25(tm *index.TermFieldDoc) float64 {
	tf := float64(tm.Freq)
	norm := 1 - s.b
	if s.avgLen > 0 {
		norm += s.b * s.length(tm) / s.avgLen
	}
	return s.idf * tf * (s.k1 + 1) / (tf + s.k1*norm)
}

func (s *termSearcher) match(ctx *bsearch.SearchContext, tm *index.TermFieldDoc) *bsearch.DocumentMatch {
	if tm == nil {
		return nil
	}
	dm := ctx.DocumentMatchPool.Get()
	dm.IndexInternalID = index.NewIndexInternalIDFrom(dm.IndexInternalID, tm.ID)
	if s.score {
		dm.Score = s.bm25(tm)
		if s.explain {
			dm.Expl = &bsearch.Explanation{Value: dm.Score,
				Message: fmt.Sprintf("bm25(%s:%s tf=%v len=%.0f avglen=%.1f idf=%.3f)", s.field, s.term, tm.Freq, s.length(tm), s.avgLen, s.idf)}
		}
	}
	for _, v := range tm.Vectors {
		var ap bsearch.ArrayPositions
		if len(v.ArrayPositions) > 0 {
			ap = append(ap, v.ArrayPositions...)
		}
		dm.FieldTermLocations = append(dm.FieldTermLocations, bsearch.FieldTermLocation{
			Field:    v.Field,
			Term:     s.term,
			Location: bsearch.Location{Pos: v.Pos, Start: v.Start, End: v.End, ArrayPositions: ap},
		})
	}
	return dm
}

func (s *termSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	tm, err := s.reader.Next(s.tfd.Reset())
	if err != nil {
		return nil, err
	}
	return s.match(ctx, tm), nil
}

func (s *termSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	tm, err := s.reader.Advance(id, s.tfd.Reset())
	if err != nil {
		return nil, err
	}
	return s.match(ctx, tm), nil
}

func (s *termSearcher) Close() error               { return s.reader.Close() }
func (s *termSearcher) Count() uint64              { return s.reader.Count() }
func (s *termSearcher) Size() int                  { return 128 + s.reader.Size() }
func (s *termSearcher) DocumentMatchPoolSize() int { return 1 }

// Match is a word or words matched in one field: the text analyzed
// with the field's analyzer (or the one named), each term scored by
// Term, and the scores summed. It stands where Bleve's match query
// would, for the words a reader types.
//
// Where RarityFrom names fields, the terms' idf is the text's over those
// fields: the documents of all of them, and those in which the text (each
// field analyzing it with its own analyzer) stands, added up. A Latin
// word quoted in a Tamil release is then as rare as it is where Latin
// words are at home: "president", in nearly every English release, is no
// rare word of the Tamil ones that quote it once.
type Match struct {
	Field, Text, Analyzer string
	RarityFrom            []string
}

// Searcher implements query.Query.
func (q *Match) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping,
	options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	name, a, err := fieldAnalyzer(m, q.Field, q.Analyzer)
	if err != nil {
		return nil, err
	}
	idf, err := rarity(ctx, i, m, q.RarityFrom, q.Text)
	if err != nil {
		return nil, err
	}
	toks := analyze(ctx, name, a, q.Text)
	if len(toks) == 1 {
		// One word, one term: its term query (a sum of one would be it).
		return (&Term{Field: q.Field, Term: string(toks[0].Term), IDF: idf}).Searcher(ctx, i, m, options)
	}
	sum := &Sum{}
	seen := map[string]int{}
	for _, tok := range toks {
		t := string(tok.Term)
		if k, ok := seen[t]; ok {
			sum.weights[k]++ // a term the text repeats counts as often
			continue
		}
		seen[t] = len(sum.clauses)
		sum.Add(&Term{Field: q.Field, Term: t, IDF: idf}, 1)
	}
	if len(sum.clauses) == 1 && sum.weights[0] == 1 {
		return sum.clauses[0].Searcher(ctx, i, m, options)
	}
	return sum.Searcher(ctx, i, m, options)
}

// rarity is the idf of text over fields (see Match.RarityFrom), or 0
// where there are none or they have no documents (a field's own idf then).
// A search's memo keeps it: the fields a text is matched in ask for it
// again, on the one reader of the search.
func rarity(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, fields []string, text string) (float64, error) {
	stats, _ := ctx.Value(statsKey{}).(*Stats)
	if len(fields) == 0 || stats == nil {
		return 0, nil
	}
	memo, _ := ctx.Value(memoCtxKey{}).(*analysisMemo)
	if memo == nil {
		return rarityOf(ctx, stats, i, m, fields, text)
	}
	k := memoKey{strings.Join(fields, "\x00"), text}
	memo.mu.Lock()
	idf, ok := memo.rarity[k]
	memo.mu.Unlock()
	if ok {
		return idf, nil
	}
	idf, err := rarityOf(ctx, stats, i, m, fields, text)
	if err != nil {
		return 0, err
	}
	memo.mu.Lock()
	memo.rarity[k] = idf
	memo.mu.Unlock()
	return idf, nil
}

// rarityOf computes rarity.
func rarityOf(ctx context.Context, stats *Stats, i index.IndexReader, m mapping.IndexMapping, fields []string, text string) (float64, error) {
	docs, df := 0.0, 0.0
	for _, f := range fields {
		st := stats.PerField[f]
		if st == nil || st.DocCount == 0 {
			continue
		}
		docs += st.DocCount
		name, a, err := fieldAnalyzer(m, f, "")
		if err != nil {
			return 0, err
		}
		// The documents with the text: with its commonest term; a stop
		// word of the field's language is in all of them.
		n := uint64(st.DocCount)
		toks := analyze(ctx, name, a, text)
		if len(toks) > 0 {
			n = 0
		}
		for _, tok := range toks {
			if knownNowhere(ctx, f, tok.Term) {
				continue
			}
			r, err := i.TermFieldReader(ctx, tok.Term, f, false, false, false)
			if err != nil {
				return 0, err
			}
			n = max(n, r.Count())
			if err := r.Close(); err != nil {
				return 0, err
			}
		}
		df += float64(n)
	}
	if docs == 0 {
		return 0, nil
	}
	return math.Log(1 + (docs-df+0.5)/(df+0.5)), nil
}

// fieldAnalyzer is the analyzer named, or where name is "" the one the
// mapping gives field, with its name.
func fieldAnalyzer(m mapping.IndexMapping, field, name string) (string, analysis.Analyzer, error) {
	if name == "" {
		name = m.AnalyzerNameForPath(field)
	}
	a := m.AnalyzerNamed(name)
	if a == nil {
		return "", nil, fmt.Errorf("no analyzer named %q", name)
	}
	return name, a, nil
}
