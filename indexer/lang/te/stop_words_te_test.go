package te

import (
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/registry"
)

// Every stop word must be able to match a token: it is one token of the
// tokenizer, already in normalized form, so the filter (which runs after
// normalization) sees exactly it.
func TestStopWordsCanMatch(t *testing.T) {
	a, err := registry.NewCache().AnalyzerNamed(AnalyzerName)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	n := 0
	for _, line := range strings.Split(string(StopWords), "\n") {
		w := strings.TrimSpace(line)
		if w == "" || strings.HasPrefix(w, "#") {
			continue
		}
		n++
		if seen[w] {
			t.Errorf("%q is listed twice", w)
		}
		seen[w] = true
		toks := NewTokenizer().Tokenize([]byte(w))
		if len(toks) != 1 || string(toks[0].Term) != w {
			t.Errorf("stop word %q is not one token", w)
		}
		if Normalize(w) != w {
			t.Errorf("stop word %q is not normalized: %q", w, Normalize(w))
		}
		if got := a.Analyze([]byte(w)); len(got) != 0 {
			t.Errorf("stop word %q is not dropped by the analyzer: %q", w, got[0].Term)
		}
	}
	if n < 100 {
		t.Errorf("only %d stop words", n)
	}
}
