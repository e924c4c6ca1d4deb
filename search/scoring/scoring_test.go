package scoring

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"pressearch/corpus"
	"pressearch/indexer"
)

// testIndex is an index of 400 English and Telugu documents drawn from a
// small vocabulary, with a reader and a context carrying its statistics.
type testIndex struct {
	idx bleve.Index
	r   index.IndexReader
	ctx context.Context
}

func newTestIndex(t *testing.T) *testIndex {
	t.Helper()
	words := []string{"security", "defence", "japan", "ministry", "cooperation", "tokyo", "trade", "summit",
		"రష్యా", "జపాన్", "భద్రత", "రక్షణ"}
	rng := rand.New(rand.NewSource(7))
	var docs []corpus.Document
	for i := 0; i < 400; i++ {
		var b []string
		for j, n := 0, 3+rng.Intn(12); j < n; j++ {
			b = append(b, words[rng.Intn(len(words))])
		}
		docs = append(docs, corpus.Document{ID: fmt.Sprintf("r%03d", i), Lang: []string{"en", "te"}[i%2],
			Kind: corpus.KindPressRelease, Title: fmt.Sprintf("Release %d", i), Body: strings.Join(b, " ")})
	}
	path := filepath.Join(t.TempDir(), "idx")
	if _, err := indexer.BuildIndex(context.Background(), path, docs, indexer.Config{}, nil); err != nil {
		t.Fatal(err)
	}
	idx, err := indexer.OpenIndex(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	adv, err := idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	st, err := indexer.ReadStats(idx, nil)
	if err != nil || st == nil {
		t.Fatalf("statistics %v, %v", st, err)
	}
	ctx := WithStats(context.Background(), &Stats{Global: st.Global, PerField: st.PerField, K1: 1, B: 0.75})
	return &testIndex{idx: idx, r: r, ctx: ctx}
}

// words is a sum of each word of text matched in the title, body and lead
// of English and Telugu, and in the title of Hindi, which has no documents.
func words(text string) *Sum {
	sum := &Sum{}
	for _, w := range strings.Fields(text) {
		for _, f := range []string{"title_en", "body_en", "lead_en", "title_te", "body_te", "lead_te", "title_hi"} {
			sum.Add(&Match{Field: f, Text: w}, 1.5)
		}
	}
	return sum
}

// A word's clauses that find nothing (its fields in languages without
// documents, a term no document has) are left out of the searcher, which
// would otherwise look at each of them for every match of the rest.
func TestEmptyClausesLeftOut(t *testing.T) {
	ti := newTestIndex(t)
	q := words("summit")
	q.Add(&Term{Field: "names", Term: "nosuchkey"}, 0.2)
	s, err := q.Searcher(ti.ctx, ti.r, ti.idx.Mapping(), bsearch.SearcherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var fields []string
	var walk func(s bsearch.Searcher)
	walk = func(s bsearch.Searcher) {
		switch s := s.(type) {
		case *sumSearcher:
			for _, c := range s.children {
				walk(c)
			}
		case *termSum:
			for _, c := range s.terms {
				walk(c)
			}
		case *termSearcher:
			if s.Count() == 0 {
				t.Errorf("%s:%s finds nothing and is searched", s.field, s.term)
			}
			fields = append(fields, s.field)
		default:
			t.Errorf("unexpected searcher %T", s)
		}
	}
	walk(s)
	// The bodies (and leads) of both languages have it; no title does.
	if got := strings.Join(fields, " "); got != "body_en lead_en body_te lead_te" {
		t.Errorf("searched fields %s, want body_en lead_en body_te lead_te", got)
	}
}

// The flat sum of terms finds what the general sum of the same clauses
// finds, scored the same, when walked match by match and when advanced
// from document to document (as a restriction or a filter does).
func TestTermSumAgreesWithSum(t *testing.T) {
	ti := newTestIndex(t)
	collect := func(q query.Query, general bool, step int) map[uint64]float64 {
		t.Helper()
		// Term vectors keep the general sum; they change no score.
		s, err := q.Searcher(ti.ctx, ti.r, ti.idx.Mapping(), bsearch.SearcherOptions{IncludeTermVectors: general})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, flat := s.(*termSum); flat == general {
			t.Fatalf("general %v: searcher %T", general, s)
		}
		sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0)}
		out := map[uint64]float64{}
		dm, err := s.Next(sctx)
		for err == nil && dm != nil {
			n := dm.IndexInternalID.Value()
			out[n] = dm.Score
			sctx.DocumentMatchPool.Put(dm)
			if step > 1 {
				dm, err = s.Advance(sctx, index.NewIndexInternalID(nil, n+uint64(step)))
			} else {
				dm, err = s.Next(sctx)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, text := range []string{"security", "japan security summit", "జపాన్ రక్షణ", "tokyo రష్యా"} {
		q := words(text)
		for _, step := range []int{1, 2, 7} {
			flat, general := collect(q, false, step), collect(q, true, step)
			if len(flat) != len(general) || len(flat) == 0 {
				t.Errorf("%q step %d: %d matches, general sum %d", text, step, len(flat), len(general))
				continue
			}
			for n, g := range general {
				if f, ok := flat[n]; !ok || math.Abs(f-g) > 1e-9*g {
					t.Errorf("%q step %d: document %d scores %v, general sum %v", text, step, n, f, g)
				}
			}
		}
	}
}

// Rank keeps what Bleve's top-N collector keeps, in the same order (score,
// then index order), with the same scores and total, on any page.
func TestRankAgreesWithBleveCollector(t *testing.T) {
	ti := newTestIndex(t)
	without := bleve.NewBooleanQuery()
	without.AddMust(words("summit"))
	without.AddMustNot(words("trade"))
	pages := []struct{ from, size int }{{0, 10}, {0, 1}, {7, 13}, {0, 1000}, {395, 10}, {5000, 10}}
	for name, q := range map[string]query.Query{
		"security":       words("security"),
		"japan security": words("japan security"),
		"జపాన్":          words("జపాన్"),
		"boosted":        &Boost{Inner: words("tokyo రష్యా"), Filter: words("tokyo"), Factor: 0.5},
		"summit -trade":  without,
		"nothing":        words("nothingmatchesthis"),
	} {
		for _, pg := range pages {
			got, err := Rank(ti.ctx, ti.r, ti.idx.Mapping(), q, nil, 0, pg.from, pg.size, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			req := bleve.NewSearchRequestOptions(q, pg.size, pg.from, false)
			req.SortBy([]string{"-_score"})
			want, err := ti.idx.SearchInContext(ti.ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != want.Total {
				t.Errorf("%s %+v: total %d, Bleve %d", name, pg, got.Total, want.Total)
			}
			if len(got.Hits) != len(want.Hits) {
				t.Errorf("%s %+v: %d hits, Bleve %d", name, pg, len(got.Hits), len(want.Hits))
				continue
			}
			for i := range got.Hits {
				g, w := got.Hits[i], want.Hits[i]
				if g.ID != w.ID || g.Score != w.Score {
					t.Errorf("%s %+v: hit %d is %s (%.6f), Bleve %s (%.6f)", name, pg, i, g.ID, g.Score, w.ID, w.Score)
					break
				}
			}
		}
	}
}
