package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"pressearch/corpus"
	"pressearch/indexer"
)

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"japan", "japan", 0},
		{"japn", "japan", 1},
		{"securty", "security", 1},
		{"tokoy", "tokyo", 2},
		// Telugu: vowel length and aspiration are half an edit.
		{"బొరెల్", "బోరెల్", 0.5},
		{"బద్రత", "భద్రత", 0.5},
		{"కలిసి", "ఖలీసి", 1},
		{"నకటాని", "నకాటాని", 0.5}, // a long a left out
		{"నెల", "నేల", 0.5},
		// Other letters are whole edits.
		{"బోరెల్", "బోరెన్", 1},
		{"మంత్రి", "మంత్రం", 1},
		{"మంత్రి", "మంత్రులు", 3},
	}
	var sp speller
	sp.near, sp.slight = indexer.DefaultRegistry().Spelling()
	for _, tt := range tests {
		if got := sp.editDistance([]rune(tt.a), []rune(tt.b), 10); got != tt.want {
			t.Errorf("editDistance(%s, %s) = %g, want %g", tt.a, tt.b, got, tt.want)
		}
		if got := sp.editDistance([]rune(tt.b), []rune(tt.a), 10); got != tt.want {
			t.Errorf("editDistance(%s, %s) = %g, want %g (it is symmetric)", tt.b, tt.a, got, tt.want)
		}
	}
	if got := sp.editDistance([]rune("abcdefgh"), []rune("zyxwvuts"), 1); got <= 1 {
		t.Errorf("a far pair under a bound of 1: %g", got)
	}
}

func TestDidYouMean(t *testing.T) {
	e := defaultEngine(t)
	tests := []struct {
		query, want string
		filter      string
	}{
		// Nothing found: the near spelling that finds something.
		{"బొరెల్", "బోరెల్", ""},    // vowel length
		{"బద్రత", "భద్రత", ""},      // aspiration
		{"Japn", "Japan", ""},       // a letter left out
		{"securty", "security", ""}, // in lower case, as typed
		{"JAPN", "Japan", ""},       // a name as the documents write it
		{"Japn lang:en", "Japan lang:en", ""},
		{`"EU" AND securty`, `"EU" AND security`, ""},
		{"Japn", "Japan", "en"}, // the request's filters hold for the corrected query too
		// Found as typed: nothing to offer.
		{"జపాన్", "", ""},
		{"Japan", "", ""},
		{"బోరెల్", "", ""},
		{"security", "", ""},
		// No near word; a word too short to doubt; a word only excluded.
		{"zzzqqq", "", ""},
		{"qz", "", ""},
		{"Japan -securty", "", ""},
		// A stop word finds nothing, and is no misspelling.
		{"the", "", ""},
		{"with", "", ""},
		{"మరియు", "", ""},
		// The corrected query would find nothing under the filter.
		{"Japn", "", "xx"},
	}
	for _, tt := range tests {
		res, err := e.Search(context.Background(), Request{Query: tt.query, Lang: tt.filter})
		if err != nil {
			t.Fatalf("%s: %v", tt.query, err)
		}
		if res.DidYouMean != tt.want {
			t.Errorf("%q (lang %q): did you mean %q, want %q", tt.query, tt.filter, res.DidYouMean, tt.want)
		}
	}
	// Where the answer only ranks ids, nothing is spent on spelling.
	res, err := e.Search(context.Background(), Request{Query: "Japn", NoSnippets: true})
	if err != nil || res.DidYouMean != "" {
		t.Errorf("a bare search offers %q (%v)", res.DidYouMean, err)
	}
}

// BenchmarkCorrect times the search for a correction of one word among a
// vocabulary as large as one generation keeps.
func BenchmarkCorrect(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := &indexer.Suggestions{Words: map[string]int{}}
	letters := []rune("abcdefghijklmnopqrstuvwxyzకఖగఘచజటడతదనపబభమయరలవసహాిీుూెేొో్")
	for len(s.Words) < 20000 {
		n := 3 + rng.IntN(9)
		w := make([]rune, n)
		for i := range w {
			w[i] = letters[rng.IntN(len(letters))]
		}
		s.Words[string(w)] = 1 + rng.IntN(1000)
	}
	sg := newSuggester(s, indexer.DefaultRegistry())
	for _, w := range []string{"securty", "బొరెల్తో", "internationl"} {
		b.Run(fmt.Sprint(len([]rune(w))), func(b *testing.B) {
			for b.Loop() {
				sg.correct(w)
			}
		})
	}
}

// A stop word is never doubted, even where a frequent word lies near it.
func TestDidYouMeanLeavesStopWords(t *testing.T) {
	var docs []corpus.Document
	for i := range 60 {
		docs = append(docs, corpus.Document{ID: fmt.Sprintf("d%d", i), Lang: "en", Kind: corpus.KindPressRelease,
			Title: "Thi harbour", Body: "Thi harbour opened to ships, and tha port."})
	}
	e := newTestEngine(t, docs)
	for _, q := range []string{"the", "The", "thi", "harbur"} {
		res, err := e.Search(context.Background(), Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"harbur": "harbour"}[q]
		if res.DidYouMean != want {
			t.Errorf("%q: did you mean %q, want %q", q, res.DidYouMean, want)
		}
	}
}
