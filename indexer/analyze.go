package indexer

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/text/language"
)

// Token is one term the index stores for a text.
type Token struct {
	Term     string `json:"term"`
	Position int    `json:"position"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
}

// ErrUnknownLanguage is the error of Analyze for a tag that names no
// language.
var ErrUnknownLanguage = errors.New("unknown language")

// KnownLanguage reports whether lang is a BCP 47 tag naming a language: one
// of Languages, analyzed by its own analysis, or any other, analyzed by the
// standard one as its documents are.
func KnownLanguage(lang string) bool {
	tag, err := language.Parse(lang)
	if err != nil {
		return false
	}
	_, conf := tag.Base()
	return conf >= language.High
}

// Languages returns the codes of the languages with an analysis of their
// own in the default registry, sorted.
func Languages() []string { return defaults.Languages() }

// Analyze runs text through the default registry's analyzer for the
// language lang, as indexing does.
func Analyze(lang, text string) ([]Token, error) { return defaults.Analyze(lang, text) }

// Analyze runs text through the analyzer for the language lang, as indexing
// does. A lang that names no language is ErrUnknownLanguage.
func (r *Registry) Analyze(lang, text string) ([]Token, error) {
	if !KnownLanguage(lang) {
		return nil, fmt.Errorf("%w %q: want a language code such as %s; any other language uses the standard analysis",
			ErrUnknownLanguage, lang, strings.Join(r.Languages(), ", "))
	}
	a, err := r.analyzers.AnalyzerNamed(r.For(lang).Analyzer)
	if err != nil {
		return nil, fmt.Errorf("analyzer for %q: %w", lang, err)
	}
	stream := a.Analyze([]byte(text))
	toks := make([]Token, 0, len(stream))
	for _, t := range stream {
		if len(t.Term) > MaxTokenBytes {
			continue // the index drops it too
		}
		toks = append(toks, Token{Term: string(t.Term), Position: t.Position, Start: t.Start, End: t.End})
	}
	return toks, nil
}

// Terms returns the terms the named analyzer makes of text.
func Terms(analyzer, text string) ([]string, error) { return defaults.Terms(analyzer, text) }

// Terms returns the terms the named analyzer makes of text.
func (r *Registry) Terms(analyzer, text string) ([]string, error) {
	a, err := r.analyzers.AnalyzerNamed(analyzer)
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
