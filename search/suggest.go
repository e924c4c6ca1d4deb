package search

import (
	"sort"
	"strings"

	"pressearch/indexer"
	telugu "pressearch/indexer/lang/te"
)

// MaxSuggestions is the most completions Suggest returns.
const MaxSuggestions = 10

// maxTitleSuggestions is how many of them may be titles.
const maxTitleSuggestions = 4

type suggestWord struct {
	word  string
	count int
}

// suggester completes prefixes from one generation's titles and words.
type suggester struct {
	words  []suggestWord // sorted by word
	titles []string
	keys   []string // the titles in matching form
}

func newSuggester(s *indexer.Suggestions) *suggester {
	sg := &suggester{titles: s.Titles}
	for w, n := range s.Words {
		sg.words = append(sg.words, suggestWord{w, n})
	}
	sort.Slice(sg.words, func(i, j int) bool { return sg.words[i].word < sg.words[j].word })
	for _, t := range s.Titles {
		sg.keys = append(sg.keys, telugu.Normalize(t))
	}
	return sg
}

// Suggest returns up to MaxSuggestions completions of what the reader has
// typed: titles where it starts the title or a word of it, then the most
// frequent words that complete its last word. Matching is on the
// normalized form, so ZWNJ, nukta or case make no difference.
func (e *Engine) Suggest(prefix string) ([]string, error) {
	if len(prefix) > maxQueryBytes {
		return nil, invalidf("prefix is too long: at most %d bytes", maxQueryBytes)
	}
	out := []string{}
	var sg *suggester
	if l := e.cur.Load(); l != nil {
		sg = l.suggest
	}
	p := telugu.Normalize(strings.TrimSpace(prefix))
	if sg == nil || p == "" {
		return out, nil
	}
	for i, key := range sg.keys {
		if len(out) == maxTitleSuggestions {
			break
		}
		if strings.HasPrefix(key, p) || strings.Contains(key, " "+p) {
			out = append(out, sg.titles[i])
		}
	}
	// Complete the last word, keeping what comes before it.
	head, last := "", p
	if i := strings.LastIndexByte(p, ' '); i >= 0 {
		head, last = p[:i+1], p[i+1:]
	}
	lo := sort.Search(len(sg.words), func(i int) bool { return sg.words[i].word >= last })
	var found []suggestWord
	for i := lo; i < len(sg.words) && strings.HasPrefix(sg.words[i].word, last); i++ {
		found = append(found, sg.words[i])
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].count > found[j].count })
	for _, w := range found {
		if len(out) == MaxSuggestions {
			break
		}
		if w.word != last {
			out = append(out, head+w.word)
		}
	}
	return out, nil
}
