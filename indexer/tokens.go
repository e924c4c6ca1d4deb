package indexer

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"

	"pressearch/corpus"
	"pressearch/indexer/translit"
)

// Tokenized is a document as the index sees it: the values it stores and,
// for each text field, the tokens its analysis makes, in order. An engine
// that does no analysis of its own (OpenSearch) is given these, so that it
// indexes exactly what a Bleve generation does.
type Tokenized struct {
	ID string
	// Lang is the document's BCP 47 tag; Key the analysis its text is
	// indexed under (TitleField(Key), BodyField(Key), ...).
	Lang, Key string
	// Title and Body are the stored text (NFC), as a page shows it.
	Title, Body string
	Kind        string
	Source      string   // "" when the document names none
	URL         string   // "" when the document has none
	Date        string   // YYYY-MM-DD, or ""
	Related     []string // ids
	// TranslationOf is the id of the document this one translates, or "".
	TranslationOf string
	// Fields holds the tokens of each text field the document has, keyed by
	// field name, in position order.
	Fields map[string][]Token
}

// tokenizing is what Tokenize maps documents with under a registry: its
// index mapping and text fields, built once.
type tokenizing struct {
	m      mapping.IndexMapping
	fields map[string]bool
}

// tokenizing returns r's, building it the first time.
func (r *Registry) tokenizing() *tokenizing {
	r.tokMu.Lock()
	defer r.tokMu.Unlock()
	if r.tok == nil {
		r.tok = &tokenizing{m: Config{Registry: r}.Mapping(), fields: textFields(r)}
	}
	return r.tok
}

// Tokenize maps one document as the index mapping does and runs each of its
// text fields (titles, bodies, leads and their companions) through that
// field's analyzer; with only given, just those of them.
func Tokenize(d *corpus.Document, only ...string) (*Tokenized, error) {
	return defaults.Tokenize(d, only...)
}

// Tokenize is Tokenize under r's analyses.
func (r *Registry) Tokenize(d *corpus.Document, only ...string) (*Tokenized, error) {
	tk := r.tokenizing()
	f := fields(r, d)
	doc := document.NewDocument(d.ID)
	if err := tk.m.MapDocument(doc, f); err != nil {
		return nil, fmt.Errorf("document %s: %w", d.ID, err)
	}
	lang := f[FieldLang].(string)
	t := &Tokenized{
		ID:            d.ID,
		Lang:          lang,
		Key:           r.For(lang).Key,
		Kind:          d.Kind,
		URL:           d.URL,
		Related:       d.Related,
		TranslationOf: d.TranslationOf,
		Fields:        map[string][]Token{},
	}
	t.Title, _ = f[TitleField(t.Key)].(string)
	t.Body, _ = f[BodyField(t.Key)].(string)
	t.Source, _ = f[FieldSource].(string)
	if _, ok := f[FieldYear]; ok {
		t.Date = d.Date
	}
	for _, field := range doc.Fields {
		tf, ok := field.(*document.TextField)
		if !ok || !tk.fields[tf.Name()] || tf.Analyzer() == nil || (len(only) > 0 && !slices.Contains(only, tf.Name())) {
			continue
		}
		stream := tf.Analyzer().Analyze(tf.Value())
		toks := make([]Token, len(stream))
		for i, s := range stream {
			toks[i] = Token{Term: string(s.Term), Position: s.Position, Start: s.Start, End: s.End}
		}
		t.Fields[tf.Name()] = append(t.Fields[tf.Name()], toks...)
	}
	return t, nil
}

// TextFields returns the names of every text field an index may have:
// each analysis's title, body, lead and companions, and NamesField.
func TextFields() []string {
	var out []string
	for _, a := range defaults.analyses {
		out = append(out, TitleField(a.Key), BodyField(a.Key), LeadField(a.Key), PrefixField(a.Key), ExactField(a.Key))
	}
	return append(out, NamesField)
}

// FieldAnalyzer returns the name of the analyzer that indexes field, or ""
// for a field the mapping does not analyze by its own path (companions
// name theirs where they are queried).
func FieldAnalyzer(field string) string { return defaults.FieldAnalyzer(field) }

// FieldAnalyzer is FieldAnalyzer under r's analyses.
func (r *Registry) FieldAnalyzer(field string) string {
	c := Config{Registry: r}
	for _, a := range r.analyses {
		switch field {
		case TitleField(a.Key), BodyField(a.Key), LeadField(a.Key):
			return c.analyzer(a)
		case PrefixField(a.Key):
			return a.Prefix
		case ExactField(a.Key):
			return a.Exact
		}
	}
	if field == NamesField {
		return translit.AnalyzerName
	}
	return ""
}

// AnalyzeWith runs text through the named analyzer: its tokens with their
// positions and byte offsets.
func AnalyzeWith(analyzer, text string) ([]Token, error) { return defaults.AnalyzeWith(analyzer, text) }

// AnalyzeWith is AnalyzeWith with r's analyzers.
func (r *Registry) AnalyzeWith(analyzer, text string) ([]Token, error) {
	a, err := r.analyzers.AnalyzerNamed(analyzer)
	if err != nil {
		return nil, err
	}
	stream := a.Analyze([]byte(text))
	toks := make([]Token, len(stream))
	for i, t := range stream {
		toks[i] = Token{Term: string(t.Term), Position: t.Position, Start: t.Start, End: t.End}
	}
	return toks, nil
}

// SuggestionSet collects, document by document, what completion offers:
// the same Suggestions a Bleve generation records.
type SuggestionSet struct{ b *suggestBuilder }

// NewSuggestionSet returns an empty set.
func NewSuggestionSet() *SuggestionSet { return &SuggestionSet{b: newSuggestBuilder(time.Now())} }

// Add counts one document, its titles offered in the order added.
// Its words are split as the default registry's fallback analysis splits
// them, which is how every default analysis does.
func (s *SuggestionSet) Add(title, body string) {
	s.b.add(suggestDoc{title: titleEntry{Title: title}, words: suggestWords(defaults.For(""), nil, title, body)})
}

// AddDocument counts one document as a Bleve generation does: its title
// among the newest first, nothing while it is under embargo.
func (s *SuggestionSet) AddDocument(d *corpus.Document) { s.b.add(suggestDocOf(d)) }

// suggestDocOf is what d gives to completion, analyzed as the default
// registry analyzes its language.
func suggestDocOf(d *corpus.Document) suggestDoc {
	return newSuggestDoc(defaults.For(Language(d)), d, d.Title, d.Body)
}

// Suggestions returns the titles and the most frequent words counted.
func (s *SuggestionSet) Suggestions() *Suggestions { return s.b.state().visible(s.b.now) }

// State returns what completion draws on for the documents added, to be
// kept up to date as the collection is written (SuggestState.Apply).
func (s *SuggestionSet) State() *SuggestState { return &SuggestState{s: s.b.state()} }

// SuggestState is what completion draws on for a collection written
// outside Bleve (an OpenSearch generation): the same counts, kept by the
// same rules, as a live Bleve collection keeps, so that after any writes
// it offers what a fresh build of the resulting collection offers. It is
// safe for concurrent use; it encodes to JSON and back whole.
//
// Where a collection has more than maxSuggestTitles titles and one of the
// listed ones leaves, the next title is not known to it (a live Bleve
// collection reads it again from its index): the list offered is one
// shorter until the next build.
type SuggestState struct {
	mu         sync.Mutex
	s          *suggestState
	cache      *Suggestions
	cacheUntil time.Time // the next embargo's end when cache was made; zero: none
}

// SuggestWrite is what one write changes in a SuggestState: the documents
// that leave the collection and those that come, in the order of the
// write's actions.
type SuggestWrite struct {
	now time.Time
	d   suggestDelta
}

// NewSuggestWrite starts the change of a write made at now.
func NewSuggestWrite(now time.Time) *SuggestWrite { return &SuggestWrite{now: now} }

// Remove records that d, as the collection held it, leaves it (deleted or
// replaced).
func (w *SuggestWrite) Remove(d *corpus.Document) { w.d.remove(suggestDocOf(d)) }

// Add records that d comes into the collection (created or replacing).
func (w *SuggestWrite) Add(d *corpus.Document) { w.d.add(suggestDocOf(d), w.now) }

// Apply changes s by the write w.
func (s *SuggestState) Apply(w *SuggestWrite) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.s.apply(&w.d, s.s.Seq+1, w.now)
	s.cache = nil
}

// Suggestions returns what completion offers at now: documents under
// embargo at now add nothing.
func (s *SuggestState) Suggestions(now time.Time) *Suggestions {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cache != nil && (s.cacheUntil.IsZero() || now.Before(s.cacheUntil)) {
		return s.cache
	}
	s.cache, s.cacheUntil = s.s.visible(now), s.s.nextRelease(now)
	return s.cache
}

// MarshalJSON encodes the state whole.
func (s *SuggestState) MarshalJSON() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return json.Marshal(s.s)
}

// UnmarshalJSON decodes a state MarshalJSON encoded.
func (s *SuggestState) UnmarshalJSON(raw []byte) error {
	st := newSuggestState()
	if err := json.Unmarshal(raw, st); err != nil {
		return err
	}
	st.complete()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.s, s.cache = st, nil
	return nil
}
