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
	osindex "pressearch/indexer/opensearch"
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

// TestEmbargoOnOpenSearch writes a document under embargo through the
// OpenSearch collection: no search, facet count or document lookup finds
// it until its moment, a writer's does, and once the moment has passed
// everyone does, with no write then.
func TestEmbargoOnOpenSearch(t *testing.T) {
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
	e := search.NewEngine()
	e.SwapBackend(served)
	until := time.Now().Add(2 * time.Second)
	d := corpus.Document{ID: "embargoed", Lang: "en", Title: "Zanzibar summit announced", Body: "The Zanzibar summit opens on Monday.",
		Kind: corpus.KindPressRelease, PublishAt: until.UTC().Format(time.RFC3339Nano)}
	coll := osindex.NewCollection(store)
	out, err := coll.Apply(ctx, []corpus.Action{{Line: 1, Doc: &d}}, indexer.WriteOptions{})
	if err != nil || out[0].Result != indexer.Created {
		t.Fatalf("%+v %v", out, err)
	}
	if err := e.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	enCount := func() int {
		all, err := e.Search(ctx, search.Request{Query: "", Lang: "en"})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range all.Facets["lang"] {
			if f.Value == "en" {
				return f.Count
			}
		}
		return 0
	}
	before := enCount()
	check := func(visible bool) {
		t.Helper()
		res, err := e.Search(ctx, search.Request{Query: "Zanzibar"})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Total == 1; got != visible {
			t.Errorf("search: %d hits, visible %v", res.Total, visible)
		}
		_, err = e.Document(ctx, "embargoed", false)
		if got := err == nil; got != visible {
			t.Errorf("document: %v, visible %v", err, visible)
		}
	}
	check(false)
	if doc, err := e.Document(ctx, "embargoed", true); err != nil || doc.PublishAt != until.UTC().Format(time.RFC3339) {
		t.Errorf("a writer's look: %+v %v, want publish_at %s", doc, err, until.UTC().Format(time.RFC3339))
	}
	if res, _ := e.Search(ctx, search.Request{Query: "Zanzibar", IncludeEmbargoed: true}); res.Total != 1 {
		t.Errorf("a writer's search: %d hits", res.Total)
	}
	time.Sleep(time.Until(until) + 100*time.Millisecond) // waiting for the embargo's moment is the point
	check(true)
	if n := enCount(); n != before+1 {
		t.Errorf("facet en counts %d once the embargo ended, %d before", n, before)
	}
}
