// Package lucene is a Lucene-equivalent Telugu analyzer for Bleve, assembled
// from the rules of Apache Lucene's analysis/te as ../shared/TELUGU.md
// describes them: a baseline to measure pressearch's Telugu analyzer
// against, registered as "te_lucene". It is not used to serve.
//
// Chain: Bleve's unicode tokenizer (Lucene's StandardTokenizer) →
// lower case → decimal digits to ASCII → NFC (standing in for Lucene's
// Indic normalization, without the వ+ు → మ rewrite Lucene has dropped) →
// Lucene's Telugu normalization (long vowels folded) → stop words → Lucene's
// one-suffix Telugu stemmer. The stop words are pressearch's list applied
// after the folding, as Lucene applies its own, so entries with long vowels
// never match, as 15 of Lucene's cannot.
package lucene

import (
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
	"golang.org/x/text/unicode/norm"

	te "pressearch/indexer/lang/te"
)

// AnalyzerName is the registry name of the Lucene-equivalent analyzer.
const AnalyzerName = "te_lucene"

// Normalize applies Lucene's Telugu normalization to a term.
func Normalize(s string) string {
	var b strings.Builder
	rs := []rune(norm.NFC.String(s))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\u0c00' || r == '\u0c01':
			r = '\u0c02'
		case r == '\u0c03' || r == '\u200c' || r == '\u200d':
			continue
		case r == '\u0c06': // ఆ → అ
			r = '\u0c05'
		case r == '\u0c08': // ఈ → ఇ
			r = '\u0c07'
		case r == '\u0c0a': // ఊ → ఉ
			r = '\u0c09'
		case r == '\u0c10': // ఐ → ఏ
			r = '\u0c0f'
		case r == '\u0c14': // ఔ → ఓ
			r = '\u0c13'
		case r == '\u0c40': // ీ → ి
			r = '\u0c3f'
		case r == '\u0c42': // ూ → ు
			r = '\u0c41'
		case r == '\u0c47': // ే → ె
			r = '\u0c46'
		case r == '\u0c4b': // ో → ొ
			r = '\u0c4a'
		case r == '\u0c46' && i+1 < len(rs) && rs[i+1] == '\u0c56':
			r = '\u0c48'
			i++
		case r == '\u0c12' && i+1 < len(rs) && rs[i+1] == '\u0c55':
			r = '\u0c13'
			i++
		case r == '\u0c12' && i+1 < len(rs) && rs[i+1] == '\u0c4c':
			r = '\u0c14'
			i++
		case r >= '\u0c66' && r <= '\u0c6f': // decimal digit folding
			r = '0' + (r - '\u0c66')
		}
		b.WriteRune(r)
	}
	return b.String()
}

var (
	longSuffixes  = []string{"ళ్ళు", "డ్లు"}
	shortSuffixes = []string{"డు", "ము", "వు", "లు", "ని", "ను", "చే", "కై", "లో", "ది", "కి", "సు", "వై", "పై"}
)

// Stem applies Lucene's Telugu stemmer: at most one suffix.
func Stem(s string) string {
	rs := []rune(s)
	n := len(rs)
	for _, suf := range longSuffixes {
		if n > 5 && strings.HasSuffix(s, suf) {
			return string(rs[:n-4])
		}
	}
	for _, suf := range shortSuffixes {
		if n > 3 && strings.HasSuffix(s, suf) {
			return string(rs[:n-2])
		}
	}
	if n > 2 && rs[n-1] >= '\u0c3e' && rs[n-1] <= '\u0c4c' { // a dependent vowel sign
		return string(rs[:n-1])
	}
	return s
}

type filter func(string) string

func (f filter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, t := range input {
		t.Term = []byte(f(string(t.Term)))
	}
	return input
}

// AnalyzerConstructor builds the Lucene-equivalent chain.
func AnalyzerConstructor(config map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
	tokenizer, err := cache.TokenizerNamed(unicodetok.Name)
	if err != nil {
		return nil, err
	}
	lower, err := cache.TokenFilterNamed(lowercase.Name)
	if err != nil {
		return nil, err
	}
	stops := analysis.NewTokenMap()
	if err := stops.LoadBytes(te.StopWords); err != nil {
		return nil, err
	}
	return &analysis.DefaultAnalyzer{
		Tokenizer: tokenizer,
		TokenFilters: []analysis.TokenFilter{
			lower, filter(Normalize), stop.NewStopTokensFilter(stops), filter(Stem),
		},
	}, nil
}

func init() {
	if err := registry.RegisterAnalyzer(AnalyzerName, AnalyzerConstructor); err != nil {
		panic(err)
	}
}
