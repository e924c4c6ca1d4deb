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

// AnalyzerConstructor builds the Telugu analyzer: tokenize, then normalize.
func AnalyzerConstructor(config map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
	tokenizer, err := cache.TokenizerNamed(TokenizerName)
	if err != nil {
		return nil, err
	}
	normalize, err := cache.TokenFilterNamed(NormalizeName)
	if err != nil {
		return nil, err
	}
	return &analysis.DefaultAnalyzer{
		Tokenizer:    tokenizer,
		TokenFilters: []analysis.TokenFilter{normalize},
	}, nil
}

func init() {
	if err := registry.RegisterAnalyzer(AnalyzerName, AnalyzerConstructor); err != nil {
		panic(err)
	}
}
