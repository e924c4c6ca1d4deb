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
// prefix typed with or without ZWNJ finds them.
type Suggestions struct {
	Titles []string       `json:"titles"`
	Words  map[string]int `json:"words"`
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
}

func newSuggestCollector() *suggestCollector {
	return &suggestCollector{df: map[string]int{}}
}

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

// suggestWords returns the distinct words of one document that completion
// may offer, in their matching form.
func suggestWords(title, body string) []string {
	var words []string
	seen := map[string]bool{}
	tokenizer := telugu.NewTokenizer()
	for _, text := range []string{title, body} {
		for _, tok := range tokenizer.Tokenize([]byte(text)) {
			term := telugu.NormalizeTerm(tok.Term)
			if seen[string(term)] {
				continue
			}
			w := string(term)
			seen[w] = true
			n := utf8.RuneCountInString(w)
			if n < 2 || n > maxWordRunes || stops[w] || isNumber(w) {
				continue
			}
			words = append(words, w)
		}
	}
	return words
}

// add counts one document: its title and its words (from suggestWords).
func (c *suggestCollector) add(title string, words []string) {
	if len(c.titles) < maxSuggestTitles {
		c.titles = append(c.titles, title)
	}
	for _, w := range words {
		c.df[w]++
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
	s := Suggestions{Titles: c.titles, Words: make(map[string]int, len(words))}
	for _, w := range words {
		s.Words[w] = c.df[w]
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
