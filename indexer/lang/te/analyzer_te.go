// Package te is Telugu analysis for Bleve: a tokenizer that keeps Telugu
// words whole, a normalizer, stop words and a stemmer, registered with
// Bleve's registry under the names below so that any Bleve mapping can use
// the analyzer "te".
package te

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// AnalyzerName is the registry name of the Telugu analyzer.
const AnalyzerName = "te"

// AnalyzerConstructor builds the Telugu analyzer: tokenize, normalize
// (without folding long vowels), drop stop words, stem. The order matters:
// the stop words and the stemmer's suffixes are written in the normalized
// forms with long vowels, which is what they see.
func AnalyzerConstructor(config map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
	tokenizer, err := cache.TokenizerNamed(TokenizerName)
	if err != nil {
		return nil, err
	}
	var filters []analysis.TokenFilter
	for _, name := range []string{NormalizeName, StopName, StemmerName} {
		f, err := cache.TokenFilterNamed(name)
		if err != nil {
			return nil, err
		}
		filters = append(filters, f)
	}
	return &analysis.DefaultAnalyzer{Tokenizer: tokenizer, TokenFilters: filters}, nil
}

func init() {
	if err := registry.RegisterAnalyzer(AnalyzerName, AnalyzerConstructor); err != nil {
		panic(err)
	}
}

// ExactAnalyzerName is the registry name of the Telugu analyzer without the
// stemmer, for a field that recognizes the very form a query uses.
const ExactAnalyzerName = "te_exact"

// ExactAnalyzerConstructor builds the Telugu analyzer without its stemmer.
func ExactAnalyzerConstructor(config map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
	a, err := AnalyzerConstructor(config, cache)
	if err != nil {
		return nil, err
	}
	d := a.(*analysis.DefaultAnalyzer)
	return &analysis.DefaultAnalyzer{Tokenizer: d.Tokenizer, TokenFilters: d.TokenFilters[:len(d.TokenFilters)-1]}, nil
}

func init() {
	if err := registry.RegisterAnalyzer(ExactAnalyzerName, ExactAnalyzerConstructor); err != nil {
		panic(err)
	}
}
