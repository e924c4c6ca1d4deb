package scoring

import (
	"context"
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
	ctx := WithAnalysisMemo(context.Background())
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
