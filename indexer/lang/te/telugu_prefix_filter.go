package te

import (
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// Registry names of the prefix filter and of the analyzer that ends in it.
const (
	PrefixName         = "prefix_te"
	PrefixAnalyzerName = "te_prefix"
)

// PrefixLetters is how many letters of a stem the prefix filter keeps.
const PrefixLetters = 3

// PrefixFilter cuts a Telugu stem to its first PrefixLetters letters (with
// their vowel signs and conjuncts), so that words of one root meet even
// where derivation changes their ending: కేంద్రీకృత and కేంద్రీకరించింది.
// It merges far more than a stemmer should; pressearch uses it only for a
// second, low-weight field beside the stemmed one.
type PrefixFilter struct{}

// Filter implements analysis.TokenFilter.
func (PrefixFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, tok := range input {
		if isTelugu(tok.Term) {
			tok.Term = FirstLetters(tok.Term, PrefixLetters)
		}
	}
	return input
}

// FirstLetters cuts a term after its first n letters (consonants and
// independent vowels), keeping the vowel signs and virama on them.
func FirstLetters(term []byte, n int) []byte {
	seen := 0
	for i, r := range string(term) {
		if unicode.IsLetter(r) {
			if seen++; seen > n {
				return term[:i]
			}
		}
	}
	return term
}

func prefixConstructor(config map[string]interface{}, cache *registry.Cache) (analysis.TokenFilter, error) {
	return PrefixFilter{}, nil
}

// PrefixAnalyzerConstructor builds the Telugu analyzer followed by the
// prefix filter.
func PrefixAnalyzerConstructor(config map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
	a, err := AnalyzerConstructor(config, cache)
	if err != nil {
		return nil, err
	}
	d := a.(*analysis.DefaultAnalyzer)
	return &analysis.DefaultAnalyzer{
		Tokenizer:    d.Tokenizer,
		TokenFilters: append(append([]analysis.TokenFilter(nil), d.TokenFilters...), PrefixFilter{}),
	}, nil
}

func init() {
	if err := registry.RegisterTokenFilter(PrefixName, prefixConstructor); err != nil {
		panic(err)
	}
	if err := registry.RegisterAnalyzer(PrefixAnalyzerName, PrefixAnalyzerConstructor); err != nil {
		panic(err)
	}
}
