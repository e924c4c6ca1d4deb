package indexer

import (
	"encoding/json"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"

	telugu "pressearch/indexer/lang/te"
)

// suggestKey is where a generation keeps the words and titles it suggests.
var suggestKey = []byte("pressearch:suggest")

// Suggestions are what completion draws on: the titles, and the most
// frequent words of the collection with the number of documents each is in.
// Words are in their matching form (Telugu normalization, lower case), so a
// prefix typed with or without ZWNJ finds them; Forms gives, for a word
// whose documents write it otherwise, the way they mostly write it (EU for
// eu), which is what completion offers.
type Suggestions struct {
	Titles []string          `json:"titles"`
	Words  map[string]int    `json:"words"`
	Forms  map[string]string `json:"forms,omitempty"`
}

// Suggestion bounds.
const (
	maxSuggestWords  = 20000
	maxSuggestTitles = 20000
	maxWordRunes     = 30
)

type suggestCollector struct {
	titles []string
	df     map[string]int
	// forms holds the vote on how a word is written, by majority of
	// documents, for the words some document writes otherwise than their
	// matching form (the others need no memory for it).
	forms map[string]*vote
}

func newSuggestCollector() *suggestCollector {
	return &suggestCollector{df: map[string]int{}, forms: map[string]*vote{}}
}

// vote finds the form most often written, in one pass and one string of
// memory a word (Boyer and Moore's majority vote): where one form is in
// more than half the votes, it wins.
type vote struct {
	form string
	lead int
}

func (v *vote) add(form string) {
	switch {
	case form == v.form:
		v.lead++
	case v.lead == 0:
		v.form, v.lead = form, 1
	default:
		v.lead--
	}
}

// suggestWord is a word of a document that completion may offer: its
// matching form and the form the document writes it in.
type suggestWord struct{ key, form string }

var stops = func() map[string]bool {
	m := map[string]bool{}
	for _, list := range [][]byte{telugu.StopWords, en.EnglishStopWords} {
		for _, l := range strings.Split(string(list), "\n") {
			if w, _, _ := strings.Cut(l, "|"); strings.TrimSpace(w) != "" && !strings.HasPrefix(w, "#") {
				m[strings.TrimSpace(w)] = true
			}
		}
	}
	return m
}()

// suggestWords returns the distinct words of one document in analysis a
// (split by its SuggestWords) that completion may offer, each in its matching form and in the form the document writes
// it in most. Runs of Chinese or Japanese script, which carry no spaces,
// are cut where the script changes: a run of kanji or of katakana is a word,
// kana inflections and particles between them are not, so completion
// offers 防衛分野, never a clause such as 防衛分野におけるEU.
func suggestWords(a Analysis, title, body string) []suggestWord {
	var words []suggestWord
	votes := map[string]*vote{}
	add := func(surface string) {
		key := string(telugu.NormalizeTerm([]byte(surface)))
		v, seen := votes[key]
		if !seen {
			n := utf8.RuneCountInString(key)
			if n < 2 || n > maxWordRunes || stops[key] || isNumber(key) {
				votes[key] = nil
				return
			}
			v = &vote{}
			votes[key] = v
			words = append(words, suggestWord{key: key})
		}
		if v != nil {
			v.add(surface)
		}
	}
	for _, text := range []string{title, body} {
		if a.SuggestWords == nil {
			break
		}
		for _, w := range a.SuggestWords(text) {
			add(w)
		}
	}
	for i := range words {
		words[i].form = votes[words[i].key].form
	}
	return words
}

// suggestTokens are the words of text completion may offer, as the text
// writes them: split by the Telugu tokenizer, which keeps words of every
// script whole, and runs of Chinese or Japanese script cut by cjkWords.
func suggestTokens(text string) []string {
	var out []string
	for _, tok := range telugu.NewTokenizer().Tokenize([]byte(text)) {
		term := string(tok.Term)
		if !hasCJK(term) {
			out = append(out, term)
			continue
		}
		out = append(out, cjkWords(term)...)
	}
	return out
}

// maxCJKWordRunes bounds a run of kanji taken for one word: longer runs are
// several words, or in Chinese a clause.
const maxCJKWordRunes = 8

func hasCJK(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
			return true
		}
	}
	return false
}

// cjkWords cuts a token of Chinese or Japanese script into its runs of one
// script: kanji (up to maxCJKWordRunes), katakana (with the long-vowel
// mark) and Latin letters or digits, leaving out hiragana.
func cjkWords(s string) []string {
	class := func(r rune) int {
		switch {
		case unicode.Is(unicode.Han, r):
			return 1
		case unicode.Is(unicode.Katakana, r) || r == 'ー':
			return 2
		case unicode.Is(unicode.Hiragana, r):
			return 0
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return 3
		}
		return 0
	}
	var out []string
	start, cur := 0, 0
	flush := func(end int) {
		if cur != 0 && end > start {
			w := s[start:end]
			if cur != 1 || utf8.RuneCountInString(w) <= maxCJKWordRunes {
				out = append(out, w)
			}
		}
	}
	for i, r := range s {
		if c := class(r); c != cur || c == 0 {
			flush(i)
			start, cur = i, c
		}
	}
	flush(len(s))
	return out
}

// add counts one document: its title and its words (from suggestWords).
func (c *suggestCollector) add(title string, words []suggestWord) {
	if len(c.titles) < maxSuggestTitles {
		c.titles = append(c.titles, title)
	}
	for _, w := range words {
		v := c.forms[w.key]
		if v == nil && w.form != w.key {
			// Every document before this one wrote the word as its key.
			v = &vote{form: w.key, lead: c.df[w.key]}
			c.forms[w.key] = v
		}
		if v != nil {
			v.add(w.form)
		}
		c.df[w.key]++
	}
}

func isNumber(w string) bool {
	for _, r := range w {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// save stores the suggestions in idx: the titles and the most frequent
// words.
func (c *suggestCollector) save(idx bleve.Index) error {
	raw, err := json.Marshal(c.suggestions())
	if err != nil {
		return err
	}
	return idx.SetInternal(suggestKey, raw)
}

// suggestions returns the titles and the most frequent words.
func (c *suggestCollector) suggestions() *Suggestions {
	words := make([]string, 0, len(c.df))
	for w := range c.df {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool {
		if c.df[words[i]] != c.df[words[j]] {
			return c.df[words[i]] > c.df[words[j]]
		}
		return words[i] < words[j]
	})
	if len(words) > maxSuggestWords {
		words = words[:maxSuggestWords]
	}
	s := Suggestions{Titles: c.titles, Words: make(map[string]int, len(words)), Forms: map[string]string{}}
	for _, w := range words {
		s.Words[w] = c.df[w]
		if v := c.forms[w]; v != nil && v.form != w && v.form != "" {
			s.Forms[w] = v.form
		}
	}
	return &s
}

// LoadSuggestions reads what a generation suggests; an index without them
// suggests nothing.
func LoadSuggestions(idx bleve.Index) (*Suggestions, error) {
	raw, err := idx.GetInternal(suggestKey)
	if err != nil || raw == nil {
		return &Suggestions{}, err
	}
	var s Suggestions
	err = json.Unmarshal(raw, &s)
	return &s, err
}
