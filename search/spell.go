package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
)

// "Did you mean": when a search finds nothing, or far less than a near
// spelling of its words would, the result offers that spelling. Candidates
// are the words completion draws on (the collection's most frequent
// words), compared with each word of the query in matching form by an edit
// distance in which near letters (in Telugu vowel length and aspiration;
// see indexer.Analysis.Near) cost half an edit.

// Spelling thresholds.
const (
	// spellPopular is how many times more documents a near word must be
	// in than the word typed for the word typed to be doubted.
	spellPopular = 50
	// spellGain is how many times more documents the corrected query
	// must find than the query typed.
	spellGain = 5
	// spellWords bounds the words of a query that are checked.
	spellWords = 8
	// maxWordRunes is the longest word the vocabulary holds, in runes
	// (indexer's bound on a word completion offers).
	maxWordRunes = 30
	// nearCost is what a near letter costs, in edits.
	nearCost = 0.5
)

// maxEdits is how far a word of n letters may be from its correction, as
// Elasticsearch's AUTO fuzziness has it: none for one letter or two, one
// edit for three to five, two above; but a word of two letters may differ
// by one near letter. A Telugu letter with its vowel sign is a syllable, so
// that two of them (మంచి, చేసే, దూరం) are a word as long as a Latin one of
// five or six letters, and a slip of vowel length or aspiration in it
// (మంఛి, ఛేసే, ధూరం) is as common as in a longer one.
func maxEdits(n int) float64 {
	switch {
	case n <= 1:
		return 0
	case n == 2:
		return nearCost
	case n <= 5:
		return 1
	}
	return 2
}

// letters counts the letters of w, a Telugu consonant with its vowel sign
// or virama counting once.
func letters(w []rune) int {
	n := 0
	for _, r := range w {
		if !unicode.IsMark(r) {
			n++
		}
	}
	return n
}

// speller knows which letters are near (indexer.Registry.Spelling).
type speller struct {
	near   func(rune) rune
	slight func(rune) bool
}

// editDistance is the Levenshtein distance of a and b in which a near
// letter, or a slight sign added or left out, costs nearCost; it stops
// early, returning more than max, once the distance must exceed max.
func (sp speller) editDistance(a, b []rune, max float64) float64 {
	var rows [2][]int32
	return float64(sp.distance(sp.prepare(a), b, sp.prepare(b).indel, halves(max), &rows)) / 2
}

// halves is d, a multiple of nearCost, in half edits.
func halves(d float64) int32 { return int32(d * 2) }

// spelled is a word ready for distance: its runes, and for each what
// adding or leaving it out costs and its near letter.
type spelled struct {
	runes []rune
	indel []int32 // in half edits
	near  []rune
}

// prepare reads the costs of w's letters once, for the many distances
// from or to it a correction measures.
func (sp speller) prepare(w []rune) spelled {
	s := spelled{runes: w, indel: make([]int32, len(w)), near: make([]rune, len(w))}
	for i, r := range w {
		s.indel[i] = halves(sp.indelCost(r))
		s.near[i] = sp.near(r)
	}
	return s
}

// distance is editDistance in half edits, from a to the word b whose
// letters cost bIndel to add or leave out, with max in half edits. rows
// is its working memory, grown as needed.
func (sp speller) distance(a spelled, b []rune, bIndel []int32, limit int32, rows *[2][]int32) int32 {
	for k := range rows {
		if cap(rows[k]) <= len(b) {
			rows[k] = make([]int32, len(b)+1, max(len(b)+1, maxWordRunes+2))
		}
	}
	prev, cur := rows[0][:len(b)+1], rows[1][:len(b)+1]
	prev[0] = 0
	for j := 1; j <= len(b); j++ {
		prev[j] = prev[j-1] + bIndel[j-1]
	}
	const whole, near = 2, 1 // a letter for another, and for its near one
	for i, ai := range a.runes {
		del, nearA := a.indel[i], a.near[i]
		cur[0] = prev[0] + del
		lowest := cur[0]
		for j, bj := range b {
			d := prev[j]
			if ai != bj {
				if nearA != 0 && nearA == bj {
					d += near
				} else {
					d += whole
				}
			}
			d = min(d, prev[j+1]+del, cur[j]+bIndel[j])
			cur[j+1] = d
			lowest = min(lowest, d)
		}
		if lowest > limit {
			return lowest
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// indelCost is what adding or leaving out r costs: half an edit for a
// slight sign (Telugu's long a), a whole one for anything else.
func (sp speller) indelCost(r rune) float64 {
	if sp.slight(r) {
		return nearCost
	}
	return 1
}

// correction is a word of the vocabulary offered for one typed.
type correction struct {
	form  string
	count int
}

// correct returns the word of the vocabulary to offer for the typed word
// w (in matching form), if w is doubtful: no document has it, or a word
// spellPopular times as frequent lies near it. Of the near words, the
// closest wins, then the most frequent.
func (sg *suggester) correct(w string) (correction, bool) {
	rw := []rune(w)
	n := letters(rw)
	max := maxEdits(n)
	if max == 0 {
		return correction{}, false
	}
	own := 0
	if i := sort.Search(len(sg.words), func(i int) bool { return sg.words[i].word >= w }); i < len(sg.words) && sg.words[i].word == w {
		own = sg.words[i].count
	}
	// A misspelling seldom starts with a wrong letter (Lucene's spelling
	// checker assumes as much): only words that begin with the same
	// letter, or with its near one, are compared.
	best, bestDist := -1, halves(max)+1
	limit := halves(max)
	typed := sg.spell.prepare(rw)
	var rows [2][]int32
	for _, first := range []rune{rw[0], sg.spell.near(rw[0])} {
		if first == 0 {
			continue
		}
		// The words of the letter, the most frequent first (of equal
		// counts, in the order of the vocabulary): those less frequent
		// than a doubt needs are not looked at. The closest wins, then
		// the most frequent, then the first, in any order they come.
		for _, k := range sg.byCount(first) {
			i := int(k)
			c := sg.words[i]
			if c.count < spellPopular*own || c.count == 0 {
				break
			}
			if c.word == w {
				continue
			}
			if d := sg.letters[i] - n; d > int(max) || -d > int(max) {
				continue
			}
			d := sg.spell.distance(typed, sg.wordRunes(i), sg.wordIndel(i), limit, &rows)
			if d > limit {
				continue
			}
			if d < bestDist || d == bestDist && c.count > sg.words[best].count {
				best, bestDist = i, d
				limit = d // a farther word can no longer win
			}
		}
	}
	if best < 0 {
		return correction{}, false
	}
	return correction{sg.words[best].form, sg.words[best].count}, true
}

// byCount returns the words that start with first, as indexes of words,
// the most frequent first and of equal counts in the vocabulary's order:
// worked out when a correction first asks for the letter, unless taken
// over from the last suggester (countedFrom).
func (sg *suggester) byCount(first rune) []int32 {
	sg.countMu.Lock()
	defer sg.countMu.Unlock()
	if l, ok := sg.counted[first]; ok {
		return l
	}
	p := string(first)
	var l []int32
	for i := sort.Search(len(sg.words), func(i int) bool { return sg.words[i].word >= p }); i < len(sg.words) && strings.HasPrefix(sg.words[i].word, p); i++ {
		l = append(l, int32(i))
	}
	slices.SortStableFunc(l, func(a, b int32) int { return cmp.Compare(sg.words[b].count, sg.words[a].count) })
	if sg.counted == nil {
		sg.counted = map[rune][]int32{}
	}
	sg.counted[first] = l
	return l
}

// didYouMean returns the query text of r with its doubtful words corrected,
// where that query finds spellGain times what r found (total), or "". An
// analyzer failing is an error, not a word to correct; the index failing
// to count the correction is logged, and nothing offered.
func (e *Engine) didYouMean(ctx context.Context, l *live, r *Request, root node, total uint64) (string, error) {
	// The words the collection has: a built index's, or a live
	// collection's as its writes leave them.
	sg := e.suggester(l)
	if sg == nil || root == nil {
		return "", nil
	}
	rs := []rune(r.Query)
	type fix struct {
		start, end int
		form       string
	}
	var fixes []fix
	most := 0
	// A word the query repeats is looked up once: a query may be one
	// word sixty times, and each look-up goes over the vocabulary's words
	// of its first letter.
	type looked struct {
		c  correction
		ok bool
	}
	seen := map[string]looked{}
	for i, t := range words(root, nil) {
		if i == spellWords {
			break
		}
		if t.pos < 1 || strings.ContainsFunc(t.text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsMark(r) }) {
			continue
		}
		start, end := t.pos-1, t.pos-1+len([]rune(t.text))
		if end > len(rs) || string(rs[start:end]) != t.text {
			continue // not where the query has it: leave it
		}
		lk, done := seen[t.text]
		if !done {
			lk.c, lk.ok = sg.correct(sg.fold(t.text))
			if lk.ok {
				drop, err := e.dropped(t.text, l.present)
				if err != nil {
					return "", err
				}
				lk.ok = !drop
			}
			seen[t.text] = lk
		}
		if !lk.ok {
			continue
		}
		c := lk.c
		fixes = append(fixes, fix{start, end, caseLike(t.text, c.form)})
		most = max(most, c.count)
	}
	// The corrected query finds about the documents of its most frequent
	// correction (a few times more through other forms of the word): where
	// the typed one finds twice that already, it will not find spellGain
	// times more, and the count is not worth running.
	if len(fixes) == 0 || total > 2*uint64(most) {
		return "", nil
	}
	var b strings.Builder
	at := 0
	for _, f := range fixes {
		b.WriteString(string(rs[at:f.start]))
		b.WriteString(f.form)
		at = f.end
	}
	b.WriteString(string(rs[at:]))
	corrected := b.String()
	if corrected == r.Query {
		return "", nil
	}
	root2, _, err := parseQuery(corrected, false, r.Lenient)
	if err != nil {
		return "", nil // a correction that is no query is not offered
	}
	count := *r
	count.Query, count.From, count.Size, count.NoHits, count.NoSnippets, count.Explain = corrected, 0, 0, true, true, false
	p, err := e.plan(root2, &count, l.present)
	if err != nil {
		return "", err
	}
	res, err := l.backend.Execute(ctx, p)
	if err != nil && ctx.Err() != nil {
		return "", searchError(ctx, err)
	}
	if err != nil {
		// The search itself is answered: it goes without the offer.
		e.log.Warn("did you mean: counting the corrected query failed", "query", corrected, "err", err)
		return "", nil
	}
	if res.Total == 0 || res.Total < spellGain*total || res.Total <= total {
		return "", nil
	}
	return corrected, nil
}

// dropped reports whether every analysis with documents that takes w's
// script drops it: a stop word (the, మరియు), which no document is found
// by and no spelling of which is doubted. An analyzer that cannot be had
// is an error, not a word it keeps.
func (e *Engine) dropped(w string, present map[string]bool) (bool, error) {
	for _, a := range e.langs.All() {
		if present != nil && !present[a.Key] || !a.Matches(w) {
			continue
		}
		ts, err := e.langs.Terms(a.Analyzer, w)
		if err != nil {
			return false, fmt.Errorf("analysis %s: %w", a.Key, err)
		}
		if len(ts) > 0 {
			return false, nil
		}
	}
	return true, nil
}

// caseLike writes the correction form as the reader wrote typed: a form
// with capitals of its own (a name, as the documents write it) is kept;
// otherwise a word typed in capitals, or with a first capital, gets them.
func caseLike(typed, form string) string {
	if strings.ToLower(form) != form {
		return form
	}
	tr := []rune(typed)
	if len(tr) > 1 && strings.ToUpper(typed) == typed && strings.ToLower(typed) != typed {
		return strings.ToUpper(form)
	}
	if len(tr) > 0 && unicode.IsUpper(tr[0]) {
		fr := []rune(form)
		fr[0] = unicode.ToUpper(fr[0])
		return string(fr)
	}
	return form
}
