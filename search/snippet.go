package search

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// span is a matched byte range of a text.
type span struct{ start, end int }

// snippets cuts up to max fragments of text around the matched spans, each
// about width bytes, cut only between words (so never inside a Telugu
// syllable), with the matches wrapped in <mark> and everything else escaped.
// The fragments with the most matches are chosen and returned in document
// order. With no spans, it returns the start of the text.
func snippets(text string, spans []span, width, max int) []string {
	spans = mergeSpans(text, spans)
	if len(spans) == 0 {
		if text == "" {
			return nil
		}
		end := cutAfter(text, width)
		return []string{frame(text, 0, end, nil)}
	}
	type frag struct {
		start, end int
		spans      []span
	}
	var frags []frag
	for i := 0; i < len(spans); {
		start := cutBefore(text, spans[i].start-width/4)
		end := cutAfter(text, start+width)
		if end < spans[i].end {
			end = cutAfter(text, spans[i].end)
		}
		if end < spans[i].end {
			end = spans[i].end // a match always fits in its own fragment
		}
		j := i + 1
		for j < len(spans) && spans[j].end <= end {
			j++
		}
		frags = append(frags, frag{start, end, spans[i:j]})
		i = j
	}
	sort.SliceStable(frags, func(a, b int) bool { return len(frags[a].spans) > len(frags[b].spans) })
	if len(frags) > max {
		frags = frags[:max]
	}
	sort.Slice(frags, func(a, b int) bool { return frags[a].start < frags[b].start })
	out := make([]string, len(frags))
	for i, f := range frags {
		out[i] = frame(text, f.start, f.end, f.spans)
	}
	return out
}

// frame escapes text[start:end], marks the spans and adds an ellipsis where
// the fragment does not reach the end of the text.
func frame(text string, start, end int, spans []span) string {
	var b strings.Builder
	// Room for the text, the marks, the ellipses and a few escapes: one
	// allocation.
	b.Grow(end - start + len(spans)*len("<mark></mark>") + 2*len(" …") + 32)
	if start > 0 {
		b.WriteString("… ")
	}
	at := start
	for _, s := range spans {
		escapeHTML.WriteString(&b, text[at:s.start])
		b.WriteString("<mark>")
		escapeHTML.WriteString(&b, text[s.start:s.end])
		b.WriteString("</mark>")
		at = s.end
	}
	escapeHTML.WriteString(&b, strings.TrimRightFunc(text[at:end], unicode.IsSpace))
	if end < len(text) {
		b.WriteString(" …")
	}
	return b.String()
}

// escapeHTML escapes as html.EscapeString does, writing straight into a
// snippet.
var escapeHTML = strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;")

// mergeSpans sorts spans, drops any that are out of range or not on rune
// boundaries, and merges overlapping ones.
func mergeSpans(text string, spans []span) []span {
	ok := spans[:0:0]
	for _, s := range spans {
		if s.start >= 0 && s.start < s.end && s.end <= len(text) &&
			utf8.RuneStart(text[s.start]) && (s.end == len(text) || utf8.RuneStart(text[s.end])) {
			ok = append(ok, s)
		}
	}
	sort.Slice(ok, func(i, j int) bool { return ok[i].start < ok[j].start })
	var out []span
	for _, s := range ok {
		if n := len(out); n > 0 && s.start <= out[n-1].end {
			if s.end > out[n-1].end {
				out[n-1].end = s.end
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

// cutBefore moves i back to the start of a word: just after white space, or
// the start of the text. Chinese and Japanese have no spaces: there a
// fragment starts after a full stop or comma (。、，), before an opening
// bracket (not after a closing one, where a particle often follows:
// 」について), or else where a word begins (see cjkBoundary). Where no such
// place is near, it stops at a grapheme boundary.
func cutBefore(text string, i int) int {
	if i <= 0 {
		return 0
	}
	for i < len(text) && !utf8.RuneStart(text[i]) {
		i--
	}
	limit := i - reach(text, i)
	word := -1 // the nearest start of a Chinese or Japanese word
	for j := i; j > 0 && j > limit; {
		r, size := utf8.DecodeLastRuneInString(text[:j])
		next, _ := utf8.DecodeRuneInString(text[j:])
		switch {
		case unicode.IsSpace(r), cjkStop(r) && !cjkClose(r), cjkOpen(next):
			return j
		case word < 0 && cjkBoundary(r, next):
			word = j
		}
		j -= size
	}
	if word >= 0 {
		return word
	}
	return graphemeStart(text, i)
}

// cutAfter moves i forward to the end of a word: just before white space, or
// the end of the text. In Chinese and Japanese a fragment ends after a full
// stop or comma, or else where a word ends (see cjkBoundary). Where no such
// place is near, it stops at a grapheme boundary.
func cutAfter(text string, i int) int {
	for i < len(text) && !utf8.RuneStart(text[i]) {
		i++
	}
	if i >= len(text) {
		return len(text)
	}
	limit := i + reach(text, i)
	word := -1
	for j := i; j < len(text) && j < limit; {
		r, size := utf8.DecodeRuneInString(text[j:])
		prev, _ := utf8.DecodeLastRuneInString(text[:j])
		switch {
		case unicode.IsSpace(r), j > 0 && cjkStop(prev):
			return j
		case word < 0 && j > 0 && cjkBoundary(prev, r):
			word = j
		}
		j += size
	}
	if word >= 0 {
		return word
	}
	return graphemeStart(text, i)
}

// reach is how far a cut may move from i to find a word boundary: a
// quarter of a snippet, or half in Chinese or Japanese, whose clauses are
// long counted in bytes.
func reach(text string, i int) int {
	r, _ := utf8.DecodeRuneInString(text[i:])
	if cjkClass(r) != 0 {
		return snippetWidth / 2
	}
	return snippetWidth / 4
}

// cjkClass is the class of r in Chinese and Japanese text: hiragana (1),
// katakana and its long-vowel mark (2), kanji (3); 0 for anything else.
func cjkClass(r rune) int {
	switch {
	case unicode.Is(unicode.Hiragana, r):
		return 1
	case unicode.Is(unicode.Katakana, r) || r == 'ー':
		return 2
	case unicode.Is(unicode.Han, r):
		return 3
	}
	return 0
}

// cjkBoundary reports whether a word of Chinese or Japanese ends between
// prev and next: where the script changes (a run of kanji or katakana
// begins, or Latin letters or digits meet them), except before hiragana,
// which ends the word before it (an inflection or a particle).
func cjkBoundary(prev, next rune) bool {
	p, n := cjkClass(prev), cjkClass(next)
	if p == 0 && n == 0 || n == 1 || p == n {
		return false
	}
	latin := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	return (p != 0 || latin(prev)) && (n != 0 || latin(next))
}

// cjkStop reports whether r ends a clause in Chinese or Japanese: a full
// stop, comma, colon, semicolon, question or exclamation mark, or a closing
// bracket or quotation mark.
func cjkStop(r rune) bool {
	return strings.ContainsRune("。、，．！？；：」』）】〕〉》”", r)
}

// cjkClose reports whether r closes a bracket or quotation in Chinese or
// Japanese text.
func cjkClose(r rune) bool {
	return strings.ContainsRune("」』）】〕〉》”", r)
}

// cjkOpen reports whether r opens a bracket or quotation in Chinese or
// Japanese text: a fragment may start just before it.
func cjkOpen(r rune) bool {
	return strings.ContainsRune("「『（【〔〈《“", r)
}

// graphemeStart moves i back until it does not split a user-perceived
// character: not before a combining mark or joiner, and not after a virama
// (which binds the next consonant into a conjunct).
func graphemeStart(text string, i int) int {
	for i > 0 && i < len(text) {
		r, _ := utf8.DecodeRuneInString(text[i:])
		prev, size := utf8.DecodeLastRuneInString(text[:i])
		if !unicode.IsMark(r) && r != '\u200c' && r != '\u200d' && !isVirama(prev) {
			break
		}
		i -= size
	}
	return i
}

func isVirama(r rune) bool {
	switch r {
	case '\u094d', '\u09cd', '\u0a4d', '\u0acd', '\u0b4d', '\u0bcd',
		'\u0c4d', '\u0ccd', '\u0d4d', '\u0dca', '\u200d':
		return true
	}
	return false
}
