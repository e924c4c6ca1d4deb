package search

import (
	"context"
	"strings"
	"testing"
)

// BenchmarkSearch times one search on the default corpus: bare (ranked ids
// only) and as a page needs it (facets, snippets, related documents).
func BenchmarkSearch(b *testing.B) {
	e := defaultEngine(b)
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		req  Request
	}{
		{"bare", Request{Query: "జపాన్ రష్యా", NoSnippets: true}},
		{"page", Request{Query: "జపాన్ రష్యా"}},
		{"english", Request{Query: "Japan Russia"}},
		{"misspelt", Request{Query: "Japn Rusia"}}, // with the spelling offered
		// Issue 13's expensive query: one word sixty times.
		{"repeated", Request{Query: strings.TrimSpace(strings.Repeat("se~2 ", 60))}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Search(ctx, bc.req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
