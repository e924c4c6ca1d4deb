package search

import (
	"context"
	"fmt"
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"pressearch/corpus"
	"pressearch/indexer"
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
		// Words as the documents write them, whatever the case typed.
		{"Nakat", []string{"Nakatani"}, ""},
		{"nakat", []string{"Nakatani"}, ""},
		{"secu", []string{"security"}, ""},
		// Japanese completes to whole words: runs of kanji or katakana,
		// never a clause with its particles.
		{"防", []string{"防衛", "防衛産業", "防衛省"}, ""},
		{"パー", []string{"パートナーシップ"}, ""},
		// After kana, the last run of kanji is the word completed.
		{"日本と防", []string{"日本と防衛"}, ""},
		// A title that starts with the prefix comes first.
		{"EU and", nil, "EU and Japan to boost military ties through joint exercises and defence industry exchanges against regional threats"},
		// The words before the last are kept.
		{"EU బోరె", []string{"EU బోరెల్"}, ""},
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
	titles := e.cur.Load().suggest.titles
	for _, prefix := range []string{"防", "日本と防", "パ", "東"} {
		got, _ := e.Suggest(prefix)
		for _, g := range got {
			if !slices.Contains(titles, g) && strings.ContainsFunc(strings.TrimPrefix(g, "日本と"), func(r rune) bool { return unicode.Is(unicode.Hiragana, r) }) {
				t.Errorf("Suggest(%q) offers the fragment %q", prefix, g)
			}
			if strings.Contains(g, "eu") {
				t.Errorf("Suggest(%q) offers %q, lower-cased", prefix, g)
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

// A suggester made from the last one of a collection equals one made from
// nothing: what it takes over (titles' matching forms, words' letters and
// spelling costs, the words' order) is what it would have worked out.
func TestSuggesterFromLastEqualsFresh(t *testing.T) {
	langs := indexer.DefaultRegistry()
	first := &indexer.Suggestions{
		Titles: []string{"విదేశాంగ మంత్రి ప్రకటన", "Minister meets the Zanzibar delegation", "Trade talks", "Trade talks", "Budget"},
		Words:  map[string]int{"minister": 3, "zanzibar": 2, "మంత్రి": 4, "talks": 1, "eu": 2},
		Forms:  map[string]string{"eu": "EU"},
	}
	many := &indexer.Suggestions{Words: map[string]int{}}
	for i := range 40 {
		many.Titles = append(many.Titles, fmt.Sprintf("Title %d", i))
		many.Words[fmt.Sprintf("w%02d", i)] = i + 1
	}
	cases := []struct {
		name        string
		first, next *indexer.Suggestions
	}{
		{"words and titles in and out", first, &indexer.Suggestions{
			Titles: []string{"Numbat survey", "విదేశాంగ మంత్రి ప్రకటన", "Trade talks", "రష్యా పర్యటన", "Budget"},
			Words:  map[string]int{"minister": 2, "numbat": 1, "మంత్రి": 5, "రష్యా": 1, "eu": 3, "aardvark": 1},
			Forms:  map[string]string{"eu": "EU"},
		}},
		{"the same words, other counts and forms", first, &indexer.Suggestions{
			Titles: first.Titles[1:],
			Words:  map[string]int{"minister": 1, "zanzibar": 7, "మంత్రి": 4, "talks": 2, "eu": 2},
			Forms:  map[string]string{"minister": "Minister"},
		}},
		{"words only new", first, &indexer.Suggestions{
			Titles: []string{"Zebra"},
			Words:  map[string]int{"zebra": 1, "aardvark": 2},
		}},
		{"many titles gone at once", many, &indexer.Suggestions{
			Titles: append(append([]string{"New"}, many.Titles[:3]...), many.Titles[20:]...),
			Words:  map[string]int{"w00": 9, "w39": 1, "w20": 3, "a": 1},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := newSuggesterFrom(newSuggester(c.first, langs), c.next, langs)
			sameSuggester(t, got, newSuggester(c.next, langs))
		})
	}
}

// sameSuggester fails t where got, made from a last suggester, differs
// from want, made from nothing.
func sameSuggester(t *testing.T, got, want *suggester) {
	t.Helper()
	if !reflect.DeepEqual(got.words, want.words) || !reflect.DeepEqual(got.runes, want.runes) || !reflect.DeepEqual(got.at, want.at) ||
		!reflect.DeepEqual(got.letters, want.letters) || !reflect.DeepEqual(got.indel, want.indel) ||
		!reflect.DeepEqual(got.titles, want.titles) || !reflect.DeepEqual(got.keys, want.keys) {
		t.Fatalf("made from the last:\n%+v\nfrom nothing:\n%+v", got, want)
	}
	for i, w := range got.words {
		if r := got.wordRunes(i); string(r) != w.word || len(got.wordIndel(i)) != len(r) || got.letters[i] != letters(r) {
			t.Fatalf("word %d %q: runes %q, %d costs, %d letters", i, w.word, string(r), len(got.wordIndel(i)), got.letters[i])
		}
	}
}

// Under writes, a suggester made from the last one and the words changed
// since (Suggestions.ChangedSince) equals one made from nothing: words
// coming, going, their counts and forms changing, with embargoes or not.
func TestSuggesterFromChangedWordsEqualsFresh(t *testing.T) {
	pool, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	store, err := indexer.OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	c := map[string]corpus.Document{}
	for _, d := range pool[:4] {
		d.Related, d.TranslationOf = nil, ""
		c[d.ID] = d
	}
	w := openLive(t, store, docsOf(c))
	defer w.Close()
	langs := indexer.DefaultRegistry()
	ed := &editor{rng: rand.New(rand.NewSource(5)), pool: pool, now: time.Now()}
	src, _, _ := w.SuggestionsAt()
	last := newSuggester(src, langs)
	told, made := 0, 0
	const steps, embargoes = 60, 45 // embargoes from this step on
	for step := range steps {
		actions := ed.write(c)
		for _, a := range actions {
			if a.Doc != nil && step < embargoes {
				a.Doc.PublishAt = ""
			}
		}
		out, err := w.Apply(context.Background(), actions, indexer.WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		record(c, actions, out)
		next, _, _ := w.SuggestionsAt()
		if next == src {
			continue
		}
		made++
		if _, ok := next.ChangedSince(src); ok {
			told++
		}
		// Corrections have asked for the words of some letters by
		// count: every other letter, in the words' order, and those
		// last took over from the one before.
		asked := askLetters(last, step)
		got := newSuggesterFrom(last, next, langs)
		want := newSuggester(next, langs)
		sameSuggester(t, got, want)
		sameCounted(t, got, want, asked)
		src, last = next, got
	}
	if told != made || made < steps/2 {
		t.Errorf("made from the changed words %d times of %d, in %d writes", told, made, steps)
	}
}

// askLetters asks sg for the words by count of every other first letter
// of its words (from the first or the second, as step is even or odd), as
// corrections do, and returns the letters sg has worked out since it was
// made or took over.
func askLetters(sg *suggester, step int) []rune {
	var firsts []rune
	for _, w := range sg.words {
		if r, _ := utf8.DecodeRuneInString(w.word); !slices.Contains(firsts, r) {
			firsts = append(firsts, r)
		}
	}
	for i := step % 2; i < len(firsts); i += 2 {
		sg.byCount(firsts[i])
	}
	var asked []rune
	for r := range sg.counted {
		asked = append(asked, r)
	}
	return asked
}

// sameCounted fails t where got, made from a last suggester that had
// worked out the words by count of the letters asked, has not taken them
// over, or has other ones than want, made from nothing, works out.
func sameCounted(t *testing.T, got, want *suggester, asked []rune) {
	t.Helper()
	if len(got.counted) != len(asked) {
		t.Fatalf("%d letters' words by count taken over, want %d (%q)", len(got.counted), len(asked), string(asked))
	}
	for _, r := range asked {
		g, ok := got.counted[r]
		if w := want.byCount(r); !ok || !slices.Equal(g, w) {
			t.Fatalf("words by count of %q: %v (taken over: %v), want %v", r, g, ok, w)
		}
	}
}
