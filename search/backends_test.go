package search_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"pressearch/corpus"
	"pressearch/indexer"
	"pressearch/indexer/opensearch/ostest"
	"pressearch/search"
	ossearch "pressearch/search/opensearch"
)

// TestSearchCasesOnOpenSearch runs the default corpus's search cases on
// the OpenSearch backend, and checks that each answer is the Bleve
// backend's: the same hits in the same order with the same snippets,
// related documents, translations and facets. Scores of words are BM25 on
// both, equal but for Lucene's one-byte field lengths (within 6%); filters,
// phrases, prefixes and fuzzy words are scored by each engine its own way.
// Without a cluster it skips, saying how to run it
// (PRESSEARCH_OPENSEARCH_URL).
func TestSearchCasesOnOpenSearch(t *testing.T) {
	store := ostest.Store(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Build(ctx, indexer.Slice(docs), nil); err != nil {
		t.Fatal(err)
	}
	cur, err := store.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	served, err := ossearch.Serve(ctx, store, cur, indexer.DefaultRegistry())
	if err != nil {
		t.Fatal(err)
	}
	onOS := search.NewEngine()
	onOS.SwapBackend(served)
	onBleve := search.DefaultEngine(t)

	for _, tc := range search.SearchCases {
		t.Run(tc.Name, func(t *testing.T) {
			got := tc.Check(t, onOS)
			want, err := onBleve.Search(ctx, tc.Req)
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != want.Total {
				t.Errorf("total %d, Bleve's %d", got.Total, want.Total)
			}
			if len(got.Hits) != len(want.Hits) {
				t.Fatalf("%d hits, Bleve %d", len(got.Hits), len(want.Hits))
			}
			for i := range got.Hits {
				g, w := got.Hits[i], want.Hits[i]
				if g.ID != w.ID {
					t.Errorf("hit %d is %s, Bleve's %s", i, g.ID, w.ID)
					continue
				}
				if wordsOnly(tc.Req) && math.Abs(g.Score-w.Score) > 0.06*math.Abs(w.Score) {
					t.Errorf("%s scores %.5f, on Bleve %.5f", g.ID, g.Score, w.Score)
				}
				if fmt.Sprint(g.Snippets) != fmt.Sprint(w.Snippets) {
					t.Errorf("%s snippets\n%q\non Bleve\n%q", g.ID, g.Snippets, w.Snippets)
				}
				if fmt.Sprint(g.Related, g.Translations) != fmt.Sprint(w.Related, w.Translations) {
					t.Errorf("%s related and translations %v %v, on Bleve %v %v", g.ID, g.Related, g.Translations, w.Related, w.Translations)
				}
			}
			if fmt.Sprint(got.Facets) != fmt.Sprint(want.Facets) {
				t.Errorf("facets %v, on Bleve %v", got.Facets, want.Facets)
			}
		})
	}
	t.Run("document", func(t *testing.T) {
		for _, id := range []string{"eu-japan-partnership-te", "eu-japan-borrell-x-post-te"} {
			got, err := onOS.Document(ctx, id, false)
			if err != nil {
				t.Fatal(err)
			}
			want, err := onBleve.Document(ctx, id, false)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
				t.Errorf("document %s:\n%+v\non Bleve\n%+v", id, got, want)
			}
		}
		if _, err := onOS.Document(ctx, "no-such-id", false); search.ErrorCode(err) != search.CodeNotFound {
			t.Errorf("an unknown id: %v, want not found", err)
		}
	})
	t.Run("suggestions", func(t *testing.T) {
		for _, prefix := range []string{"జపా", "bor"} {
			got, err := onOS.Suggest(prefix)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := onBleve.Suggest(prefix)
			if len(want) == 0 || fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("suggestions for %q: %v, on Bleve %v", prefix, got, want)
			}
		}
	})
}

// wordsOnly reports whether a request is words alone, with no filter,
// phrase, prefix or fuzzy word: those the two engines score alike.
func wordsOnly(r search.Request) bool {
	return r.Lang == "" && r.Kind == "" && r.Source == "" && r.FromDate == "" && r.ToDate == "" &&
		!strings.ContainsAny(r.Query, `":*~`)
}
