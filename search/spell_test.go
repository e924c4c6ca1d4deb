package search

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
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

// The distance correct measures, in half edits over prepared words, is
// the weighted Levenshtein distance written plainly: on random pairs of
// Telugu and Latin words, under every bound correct uses.
func TestDistanceAgreesWithPlainLevenshtein(t *testing.T) {
	var sp speller
	sp.near, sp.slight = indexer.DefaultRegistry().Spelling()
	rng := rand.New(rand.NewPCG(3, 4))
	letters := []rune("abcdeklmnoకఖగఘచఛజటడతథదధనపబభమయరలవసహాిీుూెేొోౌం్")
	word := func() []rune {
		w := make([]rune, rng.IntN(10))
		for i := range w {
			w[i] = letters[rng.IntN(len(letters))]
		}
		return w
	}
	var rows [2][]int32
	for range 20000 {
		a, b := word(), word()
		if rng.IntN(3) == 0 { // a near slip of a
			b = append([]rune(nil), a...)
			if len(b) > 0 {
				i := rng.IntN(len(b))
				if n := sp.near(b[i]); n != 0 {
					b[i] = n
				}
			}
		}
		for _, max := range []float64{0.5, 1, 2, 10} {
			want := plainDistance(sp, a, b)
			got := float64(sp.distance(sp.prepare(a), b, sp.prepare(b).indel, halves(max), &rows)) / 2
			if want <= max && got != want || want > max && got <= max {
				t.Fatalf("distance(%s, %s) under %g = %g, plainly %g", string(a), string(b), max, got, want)
			}
		}
	}
}

// plainDistance is the weighted Levenshtein distance of a and b, the whole
// table filled in.
func plainDistance(sp speller, a, b []rune) float64 {
	d := make([][]float64, len(a)+1)
	for i := range d {
		d[i] = make([]float64, len(b)+1)
	}
	for i := 1; i <= len(a); i++ {
		d[i][0] = d[i-1][0] + sp.indelCost(a[i-1])
	}
	for j := 1; j <= len(b); j++ {
		d[0][j] = d[0][j-1] + sp.indelCost(b[j-1])
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			sub := 0.0
			if a[i-1] != b[j-1] {
				sub = 1
				if n := sp.near(a[i-1]); n != 0 && n == b[j-1] {
					sub = nearCost
				}
			}
			d[i][j] = min(d[i-1][j-1]+sub, d[i-1][j]+sp.indelCost(a[i-1]), d[i][j-1]+sp.indelCost(b[j-1]))
		}
	}
	return d[len(a)][len(b)]
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
		// A word the query repeats is corrected wherever it stands.
		{"Japn securty Japn", "Japan security Japan", ""},
		{"JAPN Japn", "Japan Japan", ""},
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

// A spelling is doubted not only when it finds nothing: a word in a
// document or two, beside a near word in many more, is offered the near
// one. In Telugu, vowel length and aspiration are near: a word two such
// differences away is offered, where a plain edit distance would count two
// edits, more than a word of three letters may differ by; a word of two
// Telugu letters (syllables) may differ by one near letter. A word as common
// as its near neighbour is a word, not a slip (నెల, month, beside నేల,
// ground).
func TestDidYouMeanWhenFarFewer(t *testing.T) {
	var docs []corpus.Document
	add := func(n int, lang, body string) {
		for range n {
			docs = append(docs, corpus.Document{ID: fmt.Sprintf("d%03d", len(docs)), Lang: lang, Kind: corpus.KindPressRelease,
				Title: "ప్రకటన", Body: body})
		}
	}
	add(60, "te", "బోరెల్ కబురు కలిసి నేల మంచి")
	add(60, "en", "The harbour reopened.")
	add(1, "te", "బొరెల్ ఖబురు")
	add(1, "en", "The harbur reopened.")
	add(20, "te", "నెల")
	e := newTestEngine(t, docs)
	tests := []struct {
		query, want string
		found       bool // the query as typed finds something
	}{
		{"బొరెల్", "బోరెల్", true},  // vowel length: 1 document against 60
		{"ఖబురు", "కబురు", true},    // aspiration: 1 against 60
		{"harbur", "harbour", true}, // a letter left out: 1 against 60
		{"ఖలీసి", "కలిసి", false},   // aspiration and length: two near letters, one edit
		{"మంఛి", "మంచి", false},     // two letters (syllables) may differ by a near one
		{"మంటి", "", false},         // but not by any other
		{"నెల", "", true},           // 20 against 60: a word of its own
		{"నేల", "", true},
		{"బోరెల్", "", true},
	}
	for _, tt := range tests {
		res, err := e.Search(context.Background(), Request{Query: tt.query})
		if err != nil {
			t.Fatalf("%s: %v", tt.query, err)
		}
		if found := res.Total > 0; found != tt.found {
			t.Errorf("%q finds %d documents; the test needs found=%v", tt.query, res.Total, tt.found)
		}
		if res.DidYouMean != tt.want {
			t.Errorf("%q (%d found): did you mean %q, want %q", tt.query, res.Total, res.DidYouMean, tt.want)
		}
	}
}

// A collection served live (serve, where the documents API writes) offers
// corrections as a built index does, from the words its writes leave: a
// word that only a written document has is offered, and one only a
// deleted document had is not.
func TestDidYouMeanOnALiveCollection(t *testing.T) {
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	e, w := liveEngine(t, docs)
	ctx := context.Background()
	dym := func(q string) string {
		t.Helper()
		res, err := e.Search(ctx, Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		return res.DidYouMean
	}
	if got := dym("బొరెల్"); got != "బోరెల్" {
		t.Errorf("బొరెల్: did you mean %q, want బోరెల్", got)
	}
	write := func(a corpus.Action) {
		t.Helper()
		out, err := w.Apply(ctx, []corpus.Action{a}, indexer.WriteOptions{})
		if err != nil || !out[0].Result.OK() {
			t.Fatalf("%+v %v", out, err)
		}
		if err := e.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
	}
	write(corpus.Action{Line: 1, Doc: &corpus.Document{ID: "quokka", Lang: "en", Kind: corpus.KindPressRelease,
		Title: "Quokka census", Body: "The quokka census counts every quokka on Rottnest."}})
	if got := dym("quoka"); got != "quokka" {
		t.Errorf("quoka after a written quokka: did you mean %q, want quokka", got)
	}
	write(corpus.Action{Line: 2, Delete: "quokka"})
	if got := dym("quoka"); got != "" {
		t.Errorf("quoka after quokka was deleted: did you mean %q, want none", got)
	}
}

// On real Telugu text (te-tydi-dev: 601 Wikipedia paragraphs and 339
// questions typed by Telugu speakers), a slip of vowel length or
// aspiration in a word is corrected back to the word, and words and
// questions as written are left alone. The slips are made from the
// collection's frequent words, one near letter changed (ా left out, a
// vowel sign or a consonant for its partner), where the word then finds
// five times as much as the slip (or the slip nothing). Served live, as
// by serve.
func TestDidYouMeanOnTeTyDi(t *testing.T) {
	dir := sharedData(t, "te-tydi-dev")
	docs, err := corpus.Load(filepath.Join(dir, "corpus-titled.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	e, _ := liveEngine(t, docs)
	ctx := context.Background()
	search := func(q string) *Result {
		res, err := e.Search(ctx, Request{Query: q, Size: 1})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return res
	}
	// Document frequencies of the words as the bodies write them.
	telugu := regexp.MustCompile(`[\x{0C00}-\x{0C7F}]+`)
	df := map[string]int{}
	for _, d := range docs {
		seen := map[string]bool{}
		for _, w := range telugu.FindAllString(d.Body, -1) {
			if !seen[w] {
				seen[w] = true
				df[w]++
			}
		}
	}
	var frequent []string
	for w, n := range df {
		if n >= 5 && len([]rune(w)) >= 4 {
			frequent = append(frequent, w)
		}
	}
	sort.Slice(frequent, func(i, j int) bool {
		return df[frequent[i]] > df[frequent[j]] || df[frequent[i]] == df[frequent[j]] && frequent[i] < frequent[j]
	})
	slips := [][2]string{{"ా", ""}, {"ీ", "ి"}, {"ూ", "ు"}, {"ే", "ె"}, {"ో", "ొ"}, {"ి", "ీ"}, {"ు", "ూ"}, {"ె", "ే"}, {"ొ", "ో"},
		{"క", "ఖ"}, {"గ", "ఘ"}, {"చ", "ఛ"}, {"జ", "ఝ"}, {"ట", "ఠ"}, {"డ", "ఢ"}, {"త", "థ"}, {"ద", "ధ"}, {"ప", "ఫ"}, {"బ", "భ"},
		{"ఖ", "క"}, {"ఘ", "గ"}, {"ఛ", "చ"}, {"ఠ", "ట"}, {"ఢ", "డ"}, {"థ", "త"}, {"ధ", "ద"}, {"ఫ", "ప"}, {"భ", "బ"}}
	needed, corrected := 0, 0
	var missed []string
	for i, w := range frequent {
		if needed == 100 {
			break
		}
		// Each word its own kind of slip, in turn.
		slip := ""
		for k := range slips {
			p := slips[(i+k)%len(slips)]
			if at := strings.Index(w, p[0]); at >= 0 {
				slip = w[:at] + p[1] + w[at+len(p[0]):]
				break
			}
		}
		if slip == "" || df[slip] > 0 {
			continue // no slip to make, or the slip is a word of its own
		}
		got, want := search(slip), search(w)
		if want.Total < 5*max(got.Total, 1) {
			continue // the slip finds about what the word does: nothing to correct
		}
		needed++
		if got.DidYouMean == w {
			corrected++
		} else {
			missed = append(missed, fmt.Sprintf("%s (%d) → %q, want %s (%d)", slip, got.Total, got.DidYouMean, w, want.Total))
		}
	}
	if needed < 50 || corrected < needed*9/10 {
		t.Errorf("slips corrected: %d of %d, want 90%%; missed: %s", corrected, needed, strings.Join(missed, "; "))
	}
	t.Logf("slips corrected: %d of %d", corrected, needed)

	// Questions as typed: nothing offered.
	f, err := os.Open(filepath.Join(dir, "queries.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	asked, offered := 0, 0
	for sc := bufio.NewScanner(f); sc.Scan(); {
		_, q, _ := strings.Cut(sc.Text(), "\t")
		asked++
		if res := search(q); res.DidYouMean != "" {
			offered++
			t.Logf("question %s: did you mean %s", q, res.DidYouMean)
		}
	}
	if asked < 300 || offered > asked/100 {
		t.Errorf("%d of %d questions offered a correction, want at most 1%%", offered, asked)
	}
	// Words of the collection: hardly ever doubted.
	words, doubted := 0, 0
	for _, w := range frequent[:min(len(frequent), 500)] {
		words++
		if res := search(w); res.DidYouMean != "" {
			doubted++
			t.Logf("word %s (%d documents): did you mean %s", w, df[w], res.DidYouMean)
		}
	}
	if doubted > words/100 {
		t.Errorf("%d of %d words of the collection doubted, want at most 1%%", doubted, words)
	}
}

// correct finds what the plain scan of every word of the letter finds: on
// a random vocabulary with many equal counts (ties decided by the
// vocabulary's order), for words in it, near it and far from it.
func TestCorrectAgreesWithPlainScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	s := &indexer.Suggestions{Words: map[string]int{}}
	alphabet := []rune("abcdeకఖగాిీ్")
	for len(s.Words) < 3000 {
		w := make([]rune, 2+rng.IntN(6))
		for i := range w {
			w[i] = alphabet[rng.IntN(len(alphabet))]
		}
		s.Words[string(w)] = []int{0, 1, 2, 50, 100, 120, 5000}[rng.IntN(7)]
	}
	sg := newSuggester(s, indexer.DefaultRegistry())
	plain := func(w string) (correction, bool) {
		rw := []rune(w)
		n := letters(rw)
		max := maxEdits(n)
		if max == 0 {
			return correction{}, false
		}
		own := s.Words[w]
		best, bestDist := -1, 10*halves(max)
		for _, first := range []rune{rw[0], sg.spell.near(rw[0])} {
			for i, c := range sg.words {
				if first == 0 || !strings.HasPrefix(c.word, string(first)) || c.count < spellPopular*own || c.count == 0 || c.word == w {
					continue
				}
				d := halves(sg.spell.editDistance(rw, sg.wordRunes(i), 10))
				if d > halves(max) {
					continue
				}
				if d < bestDist || d == bestDist && c.count > sg.words[best].count {
					best, bestDist = i, d
				}
			}
		}
		if best < 0 {
			return correction{}, false
		}
		return correction{sg.words[best].form, sg.words[best].count}, true
	}
	offered := 0
	for k := range 600 {
		var w string
		switch k % 3 {
		case 0: // a word of the vocabulary
			w = sg.words[rng.IntN(len(sg.words))].word
		case 1: // one changed a letter
			rw := []rune(sg.words[rng.IntN(len(sg.words))].word)
			rw[rng.IntN(len(rw))] = alphabet[rng.IntN(len(alphabet))]
			w = string(rw)
		default: // anything
			rw := make([]rune, 1+rng.IntN(7))
			for i := range rw {
				rw[i] = alphabet[rng.IntN(len(alphabet))]
			}
			w = string(rw)
		}
		got, ok := sg.correct(w)
		want, wantOK := plain(w)
		if got != want || ok != wantOK {
			t.Errorf("correct(%q) = %v %v, the plain scan %v %v", w, got, ok, want, wantOK)
		}
		if ok {
			offered++
		}
	}
	if offered < 100 {
		t.Errorf("%d of 600 words corrected: the test should see many", offered)
	}
}
