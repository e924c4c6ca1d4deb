package indexer

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/registry"
)

// Token is one term the index stores for a text.
type Token struct {
	Term     string `json:"term"`
	Position int    `json:"position"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
}

// Analyze runs text through the analyzer for the language lang, as indexing
// does.
func Analyze(lang, text string) ([]Token, error) {
	a, err := analyzers.AnalyzerNamed(AnalysisFor(lang).Analyzer)
	if err != nil {
		return nil, fmt.Errorf("analyzer for %q: %w", lang, err)
	}
	stream := a.Analyze([]byte(text))
	toks := make([]Token, 0, len(stream))
	for _, t := range stream {
		toks = append(toks, Token{Term: string(t.Term), Position: t.Position, Start: t.Start, End: t.End})
	}
	return toks, nil
}

// Terms returns the terms the named analyzer makes of text.
func Terms(analyzer, text string) ([]string, error) {
	a, err := analyzers.AnalyzerNamed(analyzer)
	if err != nil {
		return nil, err
	}
	stream := a.Analyze([]byte(text))
	out := make([]string, len(stream))
	for i, t := range stream {
		out[i] = string(t.Term)
	}
	return out, nil
}

// analyzers caches the analyzers Analyze builds; Bleve's cache is safe for
// concurrent use.
var analyzers = registry.NewCache()
