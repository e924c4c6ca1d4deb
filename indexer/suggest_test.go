package indexer

import (
	"fmt"
	"math/rand"
	"reflect"
	"slices"
	"strings"
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

// mostFrequent keeps what a full sort by count (then word) keeps first.
func TestMostFrequentAsAFullSort(t *testing.T) {
	type wc struct {
		w string
		n int
	}
	rng := rand.New(rand.NewSource(3))
	for _, c := range []struct{ items, k, counts int }{
		{0, 5, 3}, {4, 5, 3}, {5, 5, 1}, {100, 10, 1}, {100, 10, 4}, {1000, 37, 50}, {3000, 2000, 7},
	} {
		var items []wc
		for i := 0; i < c.items; i++ {
			items = append(items, wc{fmt.Sprintf("w%05d", rng.Intn(1<<20)), 1 + rng.Intn(c.counts)})
		}
		sorted := slices.Clone(items)
		slices.SortFunc(sorted, func(a, b wc) int {
			if a.n != b.n {
				return b.n - a.n
			}
			return strings.Compare(a.w, b.w)
		})
		want := sorted[:min(len(sorted), c.k)]
		got := mostFrequent(slices.Clone(items), c.k, func(x wc) int { return x.n }, func(a, b wc) int { return strings.Compare(a.w, b.w) })
		slices.SortFunc(got, func(a, b wc) int {
			if a.n != b.n {
				return b.n - a.n
			}
			return strings.Compare(a.w, b.w)
		})
		if !slices.Equal(got, want) {
			t.Errorf("%d items, k %d, counts 1-%d: %d kept, not the first of a full sort", c.items, c.k, c.counts, len(got))
		}
	}
}
