package search

import (
	"strings"
	"testing"
)

func TestSuggest(t *testing.T) {
	e := defaultEngine(t)
	tests := []struct {
		prefix   string
		contains []string
		first    string
	}{
		{"జపా", []string{"జపాన్"}, ""},
		{"బోరె", []string{"బోరెల్"}, ""},
		// Telugu-aware: typed with ZWNJ, the normalized form still matches.
		{"ఉక్రెయిన్\u200cక", []string{"ఉక్రెయిన్కు"}, ""},
		{"Nakat", []string{"nakatani"}, ""},
		// A title that starts with the prefix comes first.
		{"EU and", nil, "EU and Japan to boost military ties through joint exercises and defence industry exchanges against regional threats"},
		// The words before the last are kept.
		{"EU బోరె", []string{"eu బోరెల్"}, ""},
		{"", nil, ""},
		{"zzzq", nil, ""},
	}
	for _, tt := range tests {
		got, err := e.Suggest(tt.prefix)
		if err != nil {
			t.Fatalf("Suggest(%q): %v", tt.prefix, err)
		}
		if len(got) > MaxSuggestions {
			t.Errorf("Suggest(%q) gave %d, want at most %d", tt.prefix, len(got), MaxSuggestions)
		}
		for _, w := range tt.contains {
			found := false
			for _, g := range got {
				found = found || g == w
			}
			if !found {
				t.Errorf("Suggest(%q) = %q, lacks %q", tt.prefix, got, w)
			}
		}
		if tt.first != "" && (len(got) == 0 || got[0] != tt.first) {
			t.Errorf("Suggest(%q) = %q, want %q first", tt.prefix, got, tt.first)
		}
		if tt.prefix == "" || tt.prefix == "zzzq" {
			if len(got) != 0 {
				t.Errorf("Suggest(%q) = %q, want none", tt.prefix, got)
			}
		}
	}
	// Stop words are never suggested.
	got, _ := e.Suggest("మరి")
	for _, g := range got {
		if g == "మరియు" {
			t.Errorf("suggested the stop word మరియు: %q", got)
		}
	}
	if _, err := e.Suggest(strings.Repeat("x", maxQueryBytes+1)); ErrorCode(err) != CodeInvalid {
		t.Errorf("an over-long prefix: %v, want invalid", err)
	}
}
