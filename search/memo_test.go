package search

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
)

type countingAnalyzer struct{ calls int }

func (a *countingAnalyzer) Analyze(text []byte) analysis.TokenStream {
	a.calls++
	return analysis.TokenStream{{Term: text, Position: 1}}
}

func (a *countingAnalyzer) Type() string { return "counting" }

// One search analyzes a text once per analyzer, however many fields ask;
// without a memo every call analyzes.
func TestAnalysisMemo(t *testing.T) {
	a := &countingAnalyzer{}
	ctx := withAnalysisMemo(context.Background())
	for range 3 {
		if toks := analyze(ctx, "x", a, "word"); len(toks) != 1 || string(toks[0].Term) != "word" {
			t.Fatalf("tokens %v", toks)
		}
	}
	analyze(ctx, "y", a, "word")  // another analyzer
	analyze(ctx, "x", a, "other") // another text
	if a.calls != 3 {
		t.Errorf("%d analyses, want 3 (one per analyzer and text)", a.calls)
	}
	analyze(context.Background(), "x", a, "word")
	if a.calls != 4 {
		t.Errorf("without a memo: %d analyses, want 4", a.calls)
	}
}

// The sound keys come the same from the cache, which stays bounded.
func TestCrossKeysCache(t *testing.T) {
	for _, w := range []string{"బోరెల్", "borrell", "టోక్యో", "tokyo", "EU"} {
		want := makeCrossKeys(w)
		for range 2 {
			if got := crossKeys(w); !reflect.DeepEqual(got, want) {
				t.Errorf("crossKeys(%q) = %v, want %v", w, got, want)
			}
		}
	}
	for i := range maxCrossCache + 10 {
		crossKeys(fmt.Sprintf("word%d", i))
	}
	crossCache.mu.Lock()
	n := len(crossCache.keys)
	crossCache.mu.Unlock()
	if n > maxCrossCache {
		t.Errorf("cache holds %d words, bound %d", n, maxCrossCache)
	}
}
