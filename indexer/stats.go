package indexer

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	bsearch "github.com/blevesearch/bleve/v2/search"
)

// statsKey is where a generation keeps its field statistics.
var statsKey = []byte("pressearch:field-stats")

// fieldStats counts, per text field, the tokens indexed and the documents
// that have the field.
type fieldStats struct {
	Docs   uint64            `json:"docs"`
	Tokens map[string]uint64 `json:"tokens"`
	With   map[string]uint64 `json:"with"`

	text map[string]bool // the fields counted
}

func newFieldStats(r *Registry) *fieldStats {
	return &fieldStats{Tokens: map[string]uint64{}, With: map[string]uint64{}, text: textFields(r)}
}

// add counts the analyzed tokens of one document's text fields, as the
// analysis that indexes them counted them.
func (s *fieldStats) add(doc *document.Document) {
	s.Docs++
	for _, f := range doc.Fields {
		if s.text[f.Name()] {
			s.Tokens[f.Name()] += uint64(f.AnalyzedLength())
			s.With[f.Name()]++
		}
	}
}

// textFields are the fields whose token counts BM25 needs.
func textFields(r *Registry) map[string]bool {
	m := map[string]bool{NamesField: true}
	for _, a := range r.analyses {
		for _, name := range []string{TitleField(a.Key), BodyField(a.Key), LeadField(a.Key), PrefixField(a.Key), ExactField(a.Key)} {
			m[name] = true
		}
	}
	return m
}

// Stats are what a generation records of its fields for scoring: Global,
// the statistics Bleve's own scorers read for any field; PerField, for each
// text field those of the documents that have it; and Present, the keys of
// the analyses that have documents (and NamesField where bodies fed it).
type Stats struct {
	Global   *bsearch.BM25Stats
	PerField map[string]*bsearch.BM25Stats
	Present  map[string]bool
}

// ReadStats returns the statistics of idx, whose analyses are r's (nil:
// the default registry's), read from what the build recorded, or nil for
// an index without them.
//
// Bleve scores a term in a field with one document count for the whole
// index and estimates the field's average length as its number of distinct
// terms divided by that count. In an index of many languages both are wrong
// for every field: a word in two thirds of the English releases looks rare
// when a third of the index is English, and long documents are punished.
// PerField gives each text field its own count (documents with the field)
// and, as "field cardinality", its true token count, which Bleve divides by
// the document count to get the true average length.
func ReadStats(idx bleve.Index, r *Registry) (*Stats, error) {
	if r == nil {
		r = defaults
	}
	raw, err := idx.GetInternal(statsKey)
	if err != nil {
		return nil, fmt.Errorf("field statistics: %w", err)
	}
	if raw == nil {
		return nil, nil
	}
	var s fieldStats
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("field statistics: %w", err)
	}
	n, err := idx.DocCount()
	if err != nil {
		return nil, err
	}
	global := &bsearch.BM25Stats{DocCount: float64(n), FieldCardinality: map[string]int{}}
	for _, name := range allFields(r) {
		global.FieldCardinality[name] = int(n) // one token a document
	}
	// Bleve merges the postings of an unscored disjunction into a term
	// searcher over the pseudo-field "*", which asks for statistics too.
	global.FieldCardinality["*"] = int(n)
	out := &Stats{Global: global, PerField: map[string]*bsearch.BM25Stats{}, Present: map[string]bool{}}
	for name, tokens := range s.Tokens {
		with := s.With[name]
		if with == 0 {
			continue
		}
		global.FieldCardinality[name] = int(math.Round(float64(tokens) * float64(n) / float64(with)))
		out.PerField[name] = &bsearch.BM25Stats{DocCount: float64(with), FieldCardinality: map[string]int{name: int(tokens)}}
	}
	for _, a := range r.analyses {
		if s.With[BodyField(a.Key)] > 0 || s.With[TitleField(a.Key)] > 0 {
			out.Present[a.Key] = true
		}
	}
	if s.With[NamesField] > 0 {
		out.Present[NamesField] = true
	}
	return out, nil
}

// allFields lists every field of the mapping.
func allFields(r *Registry) []string {
	f := []string{FieldLang, FieldSource, FieldKind, FieldYear, FieldDate, FieldURL, FieldRelated, FieldTranslationOf, NamesField}
	for _, a := range r.analyses {
		f = append(f, TitleField(a.Key), BodyField(a.Key), LeadField(a.Key), PrefixField(a.Key), ExactField(a.Key))
	}
	return f
}
