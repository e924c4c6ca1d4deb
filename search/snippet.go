package search

import (
	"html"
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
	if start > 0 {
		b.WriteString("… ")
	}
	at := start
	for _, s := range spans {
		b.WriteString(html.EscapeString(text[at:s.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[s.start:s.end]))
		b.WriteString("</mark>")
		at = s.end
	}
	b.WriteString(html.EscapeString(strings.TrimRightFunc(text[at:end], unicode.IsSpace)))
	if end < len(text) {
		b.WriteString(" …")
	}
	return b.String()
}

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
// the start of the text. Where no space is near, it stops at a grapheme
// boundary.
func cutBefore(text string, i int) int {
	if i <= 0 {
		return 0
	}
	for i < len(text) && !utf8.RuneStart(text[i]) {
		i--
	}
	limit := i - snippetWidth/4
	for j := i; j > 0 && j > limit; {
		r, size := utf8.DecodeLastRuneInString(text[:j])
		if unicode.IsSpace(r) {
			return j
		}
		j -= size
	}
	return graphemeStart(text, i)
}

// cutAfter moves i forward to the end of a word: just before white space, or
// the end of the text. Where no space is near, it stops at a grapheme
// boundary.
func cutAfter(text string, i int) int {
	for i < len(text) && !utf8.RuneStart(text[i]) {
		i++
	}
	if i >= len(text) {
		return len(text)
	}
	limit := i + snippetWidth/4
	for j := i; j < len(text) && j < limit; {
		r, size := utf8.DecodeRuneInString(text[j:])
		if unicode.IsSpace(r) {
			return j
		}
		j += size
	}
	return graphemeStart(text, i)
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
