package main

import (
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"pressearch/corpus"
)

func TestCJKPieces(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"Tokyo", []string{"Tokyo"}},
		{"రష్యాతో", []string{"రష్యాతో"}},
		{"日本", []string{"日本"}},
		{"日本と欧州連合の安全保障", []string{"日本", "と欧", "州連", "合の", "安全", "保障"}},
		{"安全保障会議", []string{"安全", "保障", "会議"}},
		{"日本と欧州", []string{"日本", "と欧", "州"}},
		{"日本と", []string{"日本と"}},
		// A sentence with Latin letters and punctuation in it: each run
		// on its own, the punctuation gone.
		{"EUの声明によると、ボレル氏", []string{"EU", "の声", "明に", "よる", "と", "ボレ", "ル氏"}},
		{"EUの声明", []string{"EU", "の声明"}},
		{"ユーロ圏", []string{"ユー", "ロ圏"}},
		{"", nil},
	} {
		if got := cjkPieces(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("cjkPieces(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Uniform queries are two words a document uses, both of one language;
// common ones come from the front of the vocabulary.
func TestMakeQueries(t *testing.T) {
	vocab := map[string][]string{"en": {"alpha", "beta", "gamma", "delta"}, "te": {"రష్యా", "జపాన్"}}
	inUse := map[string][]string{"en": {"beta", "delta"}, "te": {"జపాన్"}}
	qs, err := makeQueries(vocab, inUse, 200, "uniform", rand.New(rand.NewSource(1)))
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]string{"beta": "en", "delta": "en", "జపాన్": "te"}
	for _, q := range qs {
		w := strings.Fields(q)
		if len(w) != 2 || allowed[w[0]] == "" || allowed[w[0]] != allowed[w[1]] {
			t.Fatalf("query %q: want two used words of one language", q)
		}
	}
	if len(qs) != 200 {
		t.Errorf("%d queries, want 200", len(qs))
	}
	if _, err := makeQueries(vocab, inUse, 1, "zipf", rand.New(rand.NewSource(1))); err == nil {
		t.Error("an unknown mix is accepted")
	}
}

// Queries sent to the API are plain words: no syntax characters, and the
// operator words as ordinary words.
func TestPlainWords(t *testing.T) {
	for in, want := range map[string]string{
		"clerical AND":       "clerical and",
		"NOT OR":             "not or",
		`lang:te "a" (b)*`:   "lang te a b",
		"Oregon ANDROID":     "Oregon ANDROID",
		"-defence +security": "defence security",
	} {
		if got := plainWords(in); got != want {
			t.Errorf("plainWords(%q) = %q, want %q", in, got, want)
		}
	}
}

// The ordinary queries of -hostile are two neighbouring words of three
// letters or more from a headline.
func TestTitleQueries(t *testing.T) {
	docs := []corpus.Document{
		{Title: "PM at the UN: Sri Lanka's new policy"},
		{Title: "ఎన్నికల ఫలితాలు విడుదల"},
		{Title: "a b"}, // no two words long enough
	}
	qs := titleQueries(docs, 50, rand.New(rand.NewSource(1)))
	if len(qs) != 50 {
		t.Fatalf("%d queries", len(qs))
	}
	allowed := map[string]bool{"the Sri": true, "Sri Lanka": true, "Lanka new": true, "new policy": true,
		"ఎన్నికల ఫలితాలు": true, "ఫలితాలు విడుదల": true}
	for _, q := range qs {
		if !allowed[q] {
			t.Errorf("query %q", q)
		}
	}
}
