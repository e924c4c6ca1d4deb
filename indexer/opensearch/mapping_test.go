package opensearch

import (
	"strings"
	"testing"

	"pressearch/indexer"
)

func TestText(t *testing.T) {
	tok := func(term string, pos int) indexer.Token { return indexer.Token{Term: term, Position: pos} }
	long := strings.Repeat("a", maxTokenBytes+1)
	tests := []struct {
		name string
		in   []indexer.Token
		want string
	}{
		{"none", nil, ""},
		{"side by side", []indexer.Token{tok("a", 1), tok("b", 2)}, "a b"},
		{"a stop word between", []indexer.Token{tok("a", 1), tok("b", 3)}, "a " + Gap + " b"},
		{"two between", []indexer.Token{tok("a", 1), tok("b", 4)}, "a " + Gap + " " + Gap + " b"},
		{"leading stop words are not written", []indexer.Token{tok("a", 3), tok("b", 4)}, "a b"},
		{"one position, two keys", []indexer.Token{tok("k1", 1), tok("k2", 1), tok("c", 2)}, "k1 k2 c"},
		{"whitespace inside a token", []indexer.Token{tok("a\u00a0b", 1), tok("c\u2028", 2)}, "a\ufffdb c\ufffd"},
		{"Java's separators", []indexer.Token{tok("a\x1cb", 1)}, "a\ufffdb"},
		{"the gap itself", []indexer.Token{tok("x"+Gap, 1)}, "x\ufffd"},
		{"too long", []indexer.Token{tok("a", 1), tok(long, 2), tok("b", 3)}, "a " + Gap + " b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Text(tc.in); got != tc.want {
				t.Errorf("Text = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTermMatchesText(t *testing.T) {
	// A query term written by Term is the token Text wrote.
	for _, term := range []string{"జపాన్", "a b", "x\ue000", "tab\there"} {
		text := Text([]indexer.Token{{Term: term, Position: 1}})
		if got := Term(term); got != text || strings.ContainsAny(got, " \t") {
			t.Errorf("Term(%q) = %q, Text wrote %q", term, got, text)
		}
	}
}

func TestAnalysisVersion(t *testing.T) {
	v := AnalysisVersion()
	if !strings.HasPrefix(v, "sha256:") || len(v) != len("sha256:")+16 {
		t.Fatalf("AnalysisVersion() = %q", v)
	}
	if again := AnalysisVersion(); again != v {
		t.Errorf("AnalysisVersion changed between calls: %q, %q", v, again)
	}
}

func TestIndexBodyCoversEveryTextField(t *testing.T) {
	body := indexBody(Shape{Shards: 3}, Meta{Analysis: "x"})
	mappings := body["mappings"].(map[string]any)
	props := mappings["properties"].(map[string]any)
	excluded := mappings["_source"].(map[string]any)["excludes"].([]string)
	if len(excluded) != len(indexer.TextFields()) {
		t.Errorf("%d fields left out of _source, want the %d text fields", len(excluded), len(indexer.TextFields()))
	}
	for _, f := range indexer.TextFields() {
		p, ok := props[f].(map[string]any)
		if !ok {
			t.Errorf("no mapping for %s", f)
			continue
		}
		if p["similarity"] != similarity || p["analyzer"] != tokensAnalyzer {
			t.Errorf("%s: %v", f, p)
		}
		_, freqsOnly := p["index_options"]
		if freqsOnly == positional(f) {
			t.Errorf("%s: positions kept = %v, want %v", f, !freqsOnly, positional(f))
		}
	}
	for _, f := range []string{"title_te", "body_te", "title_std", "body_std"} {
		if !positional(f) {
			t.Errorf("%s keeps no positions", f)
		}
	}
	for _, f := range []string{"lead_te", "body_te_exact", "body_te_prefix", "names"} {
		if positional(f) {
			t.Errorf("%s keeps positions", f)
		}
	}
}
