package search

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"pressearch/indexer"
)

// MaxSuggestions is the most completions Suggest returns.
const MaxSuggestions = 10

// maxTitleSuggestions is how many of them may be titles.
const maxTitleSuggestions = 4

type suggestWord struct {
	word  string // the matching form
	form  string // as the documents write it
	count int
}

// suggester completes prefixes from one generation's titles and words.
type suggester struct {
	src    *indexer.Suggestions // what it was made of
	words  []suggestWord        // sorted by word
	titles []string
	keys   []string            // the titles in matching form
	fold   func(string) string // the matching form
	// For spelling: each word's runes, one word after the other
	// (runes[at[i]:at[i+1]] are word i's), what adding or leaving out
	// each costs (indel, the same bounds), its letters, and which letters
	// are near. Arrays of numbers, not a slice a word: the collector
	// marks a served heap's objects on every cycle, and two a word were
	// most of them.
	runes   []rune
	indel   []int32
	at      []int32
	letters []int
	spell   speller
	// counted are, by first letter, the words a correction compares
	// (see byCount), or those taken over from the last suggester
	// (countedFrom).
	countMu sync.Mutex
	counted map[rune][]int32
}

func newSuggester(s *indexer.Suggestions, langs *indexer.Registry) *suggester {
	return newSuggesterFrom(nil, s, langs)
}

// newSuggesterFrom makes the suggester of s, taking from last (nil: none),
// the suggester of an earlier state of the same collection, what it worked
// out of the titles and words both have (matching forms, letters, spelling
// costs), which is most of the work.
//
// Where s was worked out from last's (see Suggestions.ChangedSince), only
// the words changed since are looked at: the others, and their runes,
// costs and letters, are last's, copied a run at a time.
func newSuggesterFrom(last *suggester, s *indexer.Suggestions, langs *indexer.Registry) *suggester {
	sg := &suggester{src: s, titles: s.Titles, fold: langs.Fold}
	sg.spell.near, sg.spell.slight = langs.Spelling()
	if last != nil {
		if changed, ok := s.ChangedSince(last.src); ok {
			sg.wordsChanged(last, s, changed)
			sg.titleKeys(last, s, langs)
			return sg
		}
	}
	sg.words = sortedWords(last, s)
	sg.letters, sg.at = make([]int, len(sg.words)), make([]int32, len(sg.words)+1)
	n := 0
	for _, w := range sg.words {
		n += utf8.RuneCountInString(w.word)
	}
	sg.runes, sg.indel = make([]rune, 0, n), make([]int32, 0, n)
	j := 0 // last's words are sorted too: walk both
	for i, w := range sg.words {
		if last != nil {
			for j < len(last.words) && last.words[j].word < w.word {
				j++
			}
			if j < len(last.words) && last.words[j].word == w.word {
				sg.runes = append(sg.runes, last.wordRunes(j)...)
				sg.indel = append(sg.indel, last.wordIndel(j)...)
				sg.letters[i] = last.letters[j]
				sg.at[i+1] = int32(len(sg.runes))
				continue
			}
		}
		start := len(sg.runes)
		for _, r := range w.word {
			sg.runes = append(sg.runes, r)
			sg.indel = append(sg.indel, halves(sg.spell.indelCost(r)))
		}
		sg.letters[i] = letters(sg.runes[start:])
		sg.at[i+1] = int32(len(sg.runes))
	}
	sg.titleKeys(last, s, langs)
	return sg
}

// titleKeys works out the matching forms of s's titles, taking those of
// last's (nil: none) where they are the same.
func (sg *suggester) titleKeys(last *suggester, s *indexer.Suggestions, langs *indexer.Registry) {
	sg.keys = make([]string, len(s.Titles))
	// Titles come newest first: from one state to the next, a few come
	// in and a few leave, and the rest keep their order. Walk both lists,
	// looking a little ahead in last's where a title left.
	j := 0
	for i, t := range s.Titles {
		k, ok := "", false
		if last != nil {
			for d := 0; d < titleLookahead && j+d < len(last.titles); d++ {
				if last.titles[j+d] == t {
					k, ok = last.keys[j+d], true
					j += d + 1
					break
				}
			}
		}
		if !ok {
			k = langs.Fold(t)
		}
		sg.keys[i] = k
	}
}

// wordsChanged makes sg's words, with their runes, costs and letters,
// from last's and the words of s changed since (sorted): last's others
// are s's too, with the same counts and forms, and are copied in runs
// between the changed ones.
func (sg *suggester) wordsChanged(last *suggester, s *indexer.Suggestions, changed []string) {
	n := len(last.words) + len(changed)
	sg.words, sg.letters = make([]suggestWord, 0, n), make([]int, 0, n)
	sg.at = make([]int32, 1, n+1)
	sg.runes = make([]rune, 0, len(last.runes)+len(changed)*8)
	sg.indel = make([]int32, 0, cap(sg.runes))
	j := 0 // in last's words
	// The words by count last has worked out are taken over (see
	// countedFrom): moved is then where each of last's words is in sg's,
	// -1 where it changed or is gone, and added are sg's words changed
	// since.
	counted := last.countedNow()
	var moved, added []int32
	if len(counted) > 0 {
		moved = make([]int32, len(last.words))
	}
	// upTo copies last's words from j to end.
	upTo := func(end int) {
		if end <= j {
			return
		}
		if moved != nil {
			for k := j; k < end; k++ {
				moved[k] = int32(len(sg.words) + k - j)
			}
		}
		sg.words = append(sg.words, last.words[j:end]...)
		sg.letters = append(sg.letters, last.letters[j:end]...)
		shift := int32(len(sg.runes)) - last.at[j]
		sg.runes = append(sg.runes, last.runes[last.at[j]:last.at[end]]...)
		sg.indel = append(sg.indel, last.indel[last.at[j]:last.at[end]]...)
		for _, a := range last.at[j+1 : end+1] {
			sg.at = append(sg.at, a+shift)
		}
		j = end
	}
	for _, w := range changed {
		k := j + sort.Search(len(last.words)-j, func(i int) bool { return last.words[j+i].word >= w })
		upTo(k)
		if j < len(last.words) && last.words[j].word == w {
			if moved != nil {
				moved[j] = -1
			}
			j++ // replaced or gone
		}
		count, ok := s.Words[w]
		if !ok {
			continue
		}
		f := s.Forms[w]
		if f == "" {
			f = w
		}
		added = append(added, int32(len(sg.words)))
		sg.words = append(sg.words, suggestWord{w, f, count})
		start := len(sg.runes)
		for _, r := range w {
			sg.runes = append(sg.runes, r)
			sg.indel = append(sg.indel, halves(sg.spell.indelCost(r)))
		}
		sg.letters = append(sg.letters, letters(sg.runes[start:]))
		sg.at = append(sg.at, int32(len(sg.runes)))
	}
	upTo(len(last.words))
	if len(counted) > 0 {
		sg.countedFrom(counted, moved, added)
	}
}

// countedNow returns the words by count of the letters sg has worked out
// so far (see byCount).
func (sg *suggester) countedNow() map[rune][]int32 {
	sg.countMu.Lock()
	defer sg.countMu.Unlock()
	if len(sg.counted) == 0 {
		return nil
	}
	counted := make(map[rune][]int32, len(sg.counted))
	for first, l := range sg.counted { // lists are not changed once made
		counted[first] = l
	}
	return counted
}

// countedFrom takes over the words by count (byCount) of the letters the
// last suggester had worked out (counted): its words that are sg's
// unchanged, in the same order (moved says where each is now; -1: changed
// or gone), and sg's words changed since (added) put in where their
// counts go. Under writes a suggester is made every suggestEvery, and
// each worked the lists out again as corrections asked for their letters,
// on the searches' path and one search at a time (byCount's lock): at
// 100,000 documents under 50 writes/s, 0.25 s of serve's CPU in 25 s,
// against 0.01 s without writes.
func (sg *suggester) countedFrom(counted map[rune][]int32, moved, added []int32) {
	// before reports whether word a comes before word b by count: the
	// most frequent first, of equal counts in the vocabulary's order.
	before := func(a, b int32) bool {
		ca, cb := sg.words[a].count, sg.words[b].count
		return ca > cb || ca == cb && a < b
	}
	byFirst := map[rune][]int32{}
	for _, k := range added {
		w := sg.words[k].word
		if first, _ := utf8.DecodeRuneInString(w); strings.HasPrefix(w, string(first)) {
			byFirst[first] = append(byFirst[first], k)
		}
	}
	for _, in := range byFirst {
		slices.SortFunc(in, func(a, b int32) int {
			if before(a, b) {
				return -1
			}
			return 1
		})
	}
	sg.counted = make(map[rune][]int32, len(counted))
	for first, l := range counted {
		in := byFirst[first]
		var out []int32
		if n := len(l) + len(in); n > 0 {
			out = make([]int32, 0, n)
		}
		for _, k := range l {
			k = moved[k]
			if k < 0 {
				continue
			}
			for len(in) > 0 && before(in[0], k) {
				out, in = append(out, in[0]), in[1:]
			}
			out = append(out, k)
		}
		sg.counted[first] = append(out, in...)
	}
}

// wordRunes are the runes of word i.
func (sg *suggester) wordRunes(i int) []rune { return sg.runes[sg.at[i]:sg.at[i+1]:sg.at[i+1]] }

// wordIndel is what adding or leaving out each rune of word i costs.
func (sg *suggester) wordIndel(i int) []int32 { return sg.indel[sg.at[i]:sg.at[i+1]:sg.at[i+1]] }

// titleLookahead is how far, in the last suggester's titles, a title is
// looked for past where the walk is: further, it is folded again.
const titleLookahead = 8

// sortedWords returns the words of s sorted, with their forms and counts.
// Most are last's words (sorted already): they are taken in last's order,
// and only those new since are sorted and merged in.
func sortedWords(last *suggester, s *indexer.Suggestions) []suggestWord {
	word := func(w string, n int) suggestWord {
		f := s.Forms[w]
		if f == "" {
			f = w
		}
		return suggestWord{w, f, n}
	}
	out := make([]suggestWord, 0, len(s.Words))
	if last != nil {
		for _, lw := range last.words {
			if n, ok := s.Words[lw.word]; ok {
				out = append(out, word(lw.word, n))
			}
		}
	}
	if len(out) == len(s.Words) {
		return out
	}
	var had map[string]bool
	if len(out) > 0 {
		had = make(map[string]bool, len(out))
		for _, w := range out {
			had[w.word] = true
		}
	}
	added := make([]suggestWord, 0, len(s.Words)-len(out))
	for w, n := range s.Words {
		if !had[w] {
			added = append(added, word(w, n))
		}
	}
	cmp := func(a, b suggestWord) int { return strings.Compare(a.word, b.word) }
	slices.SortFunc(added, cmp)
	if len(out) == 0 {
		return added
	}
	merged := make([]suggestWord, 0, len(s.Words))
	i, k := 0, 0
	for i < len(out) && k < len(added) {
		if cmp(out[i], added[k]) < 0 {
			merged = append(merged, out[i])
			i++
		} else {
			merged = append(merged, added[k])
			k++
		}
	}
	merged = append(merged, out[i:]...)
	return append(merged, added[k:]...)
}

// Suggest returns up to MaxSuggestions completions of what the reader has
// typed: titles where it starts the title or a word of it (or, in Chinese
// or Japanese, stands anywhere in it), then the most frequent words that
// complete its last word, each as the documents write it (EU, not eu).
// Matching is on the normalized form, so ZWNJ, nukta or case make no
// difference; what the reader typed before the last word is kept as typed.
// In Chinese or Japanese, which have no spaces, the last word is the last
// run of kanji or katakana.
func (e *Engine) Suggest(prefix string) ([]string, error) {
	if len(prefix) > maxQueryBytes {
		return nil, invalidf("prefix is too long: at most %d bytes", maxQueryBytes)
	}
	out := []string{}
	var sg *suggester
	if l := e.cur.Load(); l != nil {
		sg = e.suggester(l)
	}
	typed := strings.TrimSpace(prefix)
	if sg == nil {
		return out, nil
	}
	p := sg.fold(typed)
	if p == "" {
		return out, nil
	}
	cjk := isCJK(lastRune(typed))
	for i, key := range sg.keys {
		if len(out) == maxTitleSuggestions {
			break
		}
		if strings.HasPrefix(key, p) || strings.Contains(key, " "+p) || cjk && strings.Contains(key, p) {
			out = append(out, sg.titles[i])
		}
	}
	// Complete the last word, keeping what comes before it.
	head, last := splitLast(typed)
	last = sg.fold(last)
	if last == "" {
		return out, nil
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
		if w.word != last && !slices.Contains(out, head+w.form) {
			out = append(out, head+w.form)
		}
	}
	return out, nil
}

// splitLast splits typed text before its last word: after the last space,
// or, where the text ends in Chinese or Japanese script, before its last
// run of kanji or of katakana.
func splitLast(typed string) (head, last string) {
	i := strings.LastIndexFunc(typed, unicode.IsSpace)
	head, last = typed[:i+1], typed[i+1:]
	if !isCJK(lastRune(last)) {
		return head, last
	}
	class := func(r rune) int {
		switch {
		case unicode.Is(unicode.Han, r):
			return 1
		case unicode.Is(unicode.Katakana, r) || r == 'ー':
			return 2
		}
		return 0
	}
	want := class(lastRune(last))
	j := len(last)
	for j > 0 {
		r, size := utf8.DecodeLastRuneInString(last[:j])
		if class(r) != want || want == 0 {
			break
		}
		j -= size
	}
	return head + last[:j], last[j:]
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}
