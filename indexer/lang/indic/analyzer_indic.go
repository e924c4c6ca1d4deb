// Package indic is a generic analyzer for the Indic scripts Bleve has no
// analyzer for (Tamil, Sinhala, Kannada, Malayalam, Bengali, Gujarati,
// Gurmukhi, Odia), registered as "indic": words split as the Telugu
// tokenizer splits them (current Unicode, script changes), NFC, ZWJ and ZWNJ
// removed, lower case, no వ+ు → మ rewrite, English stop words dropped, and
// each word cut to its first four letters, a light stemmer for
// agglutinative languages without one.
package indic

import (
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/registry"

	te "pressearch/indexer/lang/te"
)

// AnalyzerName is the registry name of the analyzer.
const AnalyzerName = "indic"

// Letters is how many letters of a word the analyzer keeps. Measured on the
// Sinhala and Tamil press releases of lk-pmd (known-item MRR@100, with the
// search's BM25, lead and word-pair scoring): whole words 0.859 and 0.830;
// five letters 0.864 and 0.844; four 0.873 and 0.858; three 0.865 and 0.874.
// Four is the best for the two together.
const Letters = 4

// TruncateFilter cuts every word in an Indic script (not Latin, not digits)
// to its first Letters letters, with the marks on them.
type TruncateFilter struct{}

// Filter implements analysis.TokenFilter.
func (TruncateFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, tok := range input {
		if r, _ := utf8.DecodeRune(tok.Term); r >= 0x0900 { // Latin and digits stay whole
			tok.Term = te.FirstLetters(tok.Term, Letters)
		}
	}
	return input
}

// AnalyzerConstructor builds the chain.
// English stop words go too: these releases quote English, and an English
// query should not meet them in "the" and "of".
func AnalyzerConstructor(config map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
	stop, err := cache.TokenFilterNamed(en.StopName)
	if err != nil {
		return nil, err
	}
	return &analysis.DefaultAnalyzer{
		Tokenizer:    te.NewTokenizer(),
		TokenFilters: []analysis.TokenFilter{te.NewNormalizeFilter(), stop, TruncateFilter{}},
	}, nil
}

func init() {
	if err := registry.RegisterAnalyzer(AnalyzerName, AnalyzerConstructor); err != nil {
		panic(err)
	}
}
