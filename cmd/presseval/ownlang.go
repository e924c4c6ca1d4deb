package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"

	"pressearch/cmd/internal/relevance"
	"pressearch/corpus"
	"pressearch/indexer"
)

// ownLanguageQueries is how many words, and how many word pairs, of each
// language the own-language check asks for.
const ownLanguageQueries = 40

// ownLanguageMinDocs is the fewest documents a language needs to be checked.
const ownLanguageMinDocs = 100

// ownQuery is one query of the own-language check: a word or a pair of
// words of a language, written in its script, found in many of its
// documents.
type ownQuery struct {
	lang, kind, text string
	df               int
}

// ownLanguageQueries lists, for each language with enough documents, the
// ownLanguageQueries words and as many pairs of neighbouring words found in
// the most of its documents: words in the language's own script that its
// analyzer keeps (no stop words), pairs of two such words with nothing but
// spaces between them. They are what a reader of the language types most.
func ownLanguageSet(docs []corpus.Document) []ownQuery {
	type counts struct {
		docs         int
		words, pairs map[string]int
	}
	by := map[string]*counts{}
	for i := range docs {
		lang := indexer.Language(&docs[i])
		c := by[lang]
		if c == nil {
			c = &counts{words: map[string]int{}, pairs: map[string]int{}}
			by[lang] = c
		}
		c.docs++
		a := indexer.AnalysisFor(lang)
		kept := func(w string) bool {
			if !a.Matches(w) || a.Foreign(w) || len([]rune(w)) < 2 {
				return false
			}
			ts, err := indexer.Terms(a.Analyzer, w)
			return err == nil && len(ts) > 0
		}
		seenW, seenP := map[string]bool{}, map[string]bool{}
		prev := ""
		for _, w := range spacedWords(docs[i].Body) {
			if w.afterPunct || !kept(w.text) {
				prev = ""
			}
			if !kept(w.text) {
				continue
			}
			if !seenW[w.text] {
				seenW[w.text] = true
				c.words[w.text]++
			}
			if p := prev + " " + w.text; prev != "" && !seenP[p] {
				seenP[p] = true
				c.pairs[p]++
			}
			prev = w.text
		}
	}
	var out []ownQuery
	langs := make([]string, 0, len(by))
	for l := range by {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, l := range langs {
		c := by[l]
		if c.docs < ownLanguageMinDocs {
			continue
		}
		out = append(out, top(l, "words", c.words)...)
		out = append(out, top(l, "pairs", c.pairs)...)
	}
	return out
}

// top is the ownLanguageQueries texts found in the most documents, ties
// in the order of the text.
func top(lang, kind string, df map[string]int) []ownQuery {
	var out []ownQuery
	for t, n := range df {
		out = append(out, ownQuery{lang: lang, kind: kind, text: t, df: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].df != out[j].df {
			return out[i].df > out[j].df
		}
		return out[i].text < out[j].text
	})
	return out[:min(len(out), ownLanguageQueries)]
}

type spacedWord struct {
	text string
	// afterPunct: something other than spaces stands between this word
	// and the one before.
	afterPunct bool
}

// spacedWords splits text into lower-cased words (letters and marks), each
// marked with whether anything but spaces precedes it.
func spacedWords(text string) []spacedWord {
	var out []spacedWord
	var b strings.Builder
	punct := false
	flush := func() {
		if b.Len() > 0 {
			out = append(out, spacedWord{text: strings.ToLower(b.String()), afterPunct: punct})
			b.Reset()
			punct = false
		}
	}
	for _, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsMark(r) || r == '\u200c' || r == '\u200d':
			b.WriteRune(r)
		case unicode.IsSpace(r):
			flush()
		default:
			flush()
			punct = true
		}
	}
	flush()
	return out
}

// ownLanguage runs the own-language check with r and prints, for each
// language and kind, the share of queries whose three best hits are all in
// the language, after a line starting with # for each query that fails.
func ownLanguage(ctx context.Context, w io.Writer, label string, r relevance.Retriever, set []ownQuery, langOf map[string]string) error {
	type row struct{ own, n int }
	rows := map[[2]string]*row{}
	var keys [][2]string
	for _, q := range set {
		ids, _, err := r(ctx, q.text, 3)
		if err != nil {
			return fmt.Errorf("%q: %w", q.text, err)
		}
		own := len(ids) == 3
		for _, id := range ids {
			own = own && langOf[id] == q.lang
		}
		k := [2]string{q.lang, q.kind}
		if rows[k] == nil {
			rows[k] = &row{}
			keys = append(keys, k)
		}
		rows[k].n++
		if own {
			rows[k].own++
		} else {
			var langs []string
			for _, id := range ids {
				langs = append(langs, langOf[id])
			}
			fmt.Fprintf(w, "# %s %q (in %d documents): best hits in %s\n", q.lang, q.text, q.df, strings.Join(langs, ", "))
		}
	}
	for _, k := range keys {
		rw := rows[k]
		fmt.Fprintf(w, "%-12s\t%s\t%s\t%.3f\t%d\n", label, k[0], k[1], float64(rw.own)/float64(rw.n), rw.n)
	}
	return nil
}
