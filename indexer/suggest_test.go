package indexer

import (
	"reflect"
	"testing"
	"time"
)

func TestCJKWords(t *testing.T) {
	tests := []struct {
		token string
		want  []string
	}{
		{"防衛分野におけるEU", []string{"防衛分野", "EU"}},
		{"安全保障・防衛パートナーシップを発表した", []string{"安全保障", "防衛", "パートナーシップ", "発表"}},
		{"ジョセップ", []string{"ジョセップ"}},
		// A run too long for one word is left out.
		{"国家安全保障戦略の下で新型防衛装備移転三原則", []string{"国家安全保障戦略", "下"}},
		{"する", nil},
	}
	for _, tt := range tests {
		if got := cjkWords(tt.token); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("cjkWords(%q) = %q, want %q", tt.token, got, tt.want)
		}
	}
}

// A word is offered as most documents write it, whatever the order they
// come in.
func TestSuggestionForms(t *testing.T) {
	c := newSuggestBuilder(time.Now())
	for _, body := range []string{
		"the eu said", "the eu said", "The EU said", "the EU said", "EU statement", "EU statement",
		"Security matters", "security matters", "on security", "Japan", "Japan", "japan",
	} {
		c.add(suggestDoc{words: suggestWords(AnalysisFor(""), "", body)})
	}
	s := c.state().visible(time.Now())
	for key, want := range map[string]string{"eu": "EU", "security": "security", "japan": "Japan", "said": "said"} {
		got := s.Forms[key]
		if got == "" {
			got = key
		}
		if got != want {
			t.Errorf("%s is offered as %q, want %q", key, got, want)
		}
		if s.Words[key] == 0 {
			t.Errorf("%s is not counted", key)
		}
	}
	if _, ok := s.Forms["said"]; ok {
		t.Errorf("a word always written as its key has a form: memory for nothing")
	}
}
