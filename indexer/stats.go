package indexer

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

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

// fieldLengths are the token counts of one document's text fields.
type fieldLengths map[string]uint64

// lengthsOf counts the analyzed tokens of an analyzed document's text
// fields (those of text), as the analysis that indexes them counted them.
func lengthsOf(doc *document.Document, text map[string]bool) fieldLengths {
	l := fieldLengths{}
	for _, f := range doc.Fields {
		if text[f.Name()] {
			l[f.Name()] += uint64(f.AnalyzedLength())
		}
	}
	return l
}

// String encodes the lengths as the FieldLengths field stores them:
// name=count, by name, comma-separated.
func (l fieldLengths) String() string {
	names := make([]string, 0, len(l))
	for n := range l {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%d", n, l[n])
	}
	return b.String()
}

// parseLengths reads what fieldLengths.String wrote.
func parseLengths(s string) (fieldLengths, error) {
	l := fieldLengths{}
	if s == "" {
		return l, nil
	}
	for _, part := range strings.Split(s, ",") {
		name, count, ok := strings.Cut(part, "=")
		n, err := strconv.ParseUint(count, 10, 64)
		if !ok || err != nil {
			return nil, fmt.Errorf("bad field lengths %q", s)
		}
		l[name] = n
	}
	return l, nil
}

// add counts one document's text fields.
func (s *fieldStats) add(l fieldLengths) {
	s.Docs++
	for name, n := range l {
		s.Tokens[name] += n
		s.With[name]++
	}
}

// remove takes out what add of the same lengths put in.
func (s *fieldStats) remove(l fieldLengths) {
	s.Docs -= min(s.Docs, 1)
	for name, n := range l {
		s.Tokens[name] -= min(s.Tokens[name], n)
		if s.With[name] <= 1 {
			delete(s.With, name)
			delete(s.Tokens, name)
		} else {
			s.With[name]--
		}
	}
}

func (s *fieldStats) clone() *fieldStats {
	c := &fieldStats{Docs: s.Docs, Tokens: make(map[string]uint64, len(s.Tokens)),
		With: make(map[string]uint64, len(s.With)), text: s.text}
	for k, v := range s.Tokens {
		c.Tokens[k] = v
	}
	for k, v := range s.With {
		c.With[k] = v
	}
	return c
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

// Internals is what statistics are read from: an index, or one snapshot of
// it (index.IndexReader).
type Internals interface {
	GetInternal(key []byte) ([]byte, error)
	DocCount() (uint64, error)
}

// decodeStats reads the statistics record of idx into s, and reports
// whether there is one (a generation from before they were recorded has
// none).
func decodeStats(idx Internals, s *fieldStats) (bool, error) {
	raw, err := idx.GetInternal(statsKey)
	if err != nil {
		return false, fmt.Errorf("field statistics: %w", err)
	}
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, s); err != nil {
		return false, fmt.Errorf("field statistics: %w", err)
	}
	return true, nil
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
func ReadStats(idx Internals, r *Registry) (*Stats, error) {
	if r == nil {
		r = defaults
	}
	var s fieldStats
	if found, err := decodeStats(idx, &s); err != nil || !found {
		return nil, err
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
	f := []string{FieldLang, FieldSource, FieldKind, FieldYear, FieldDate, FieldURL, FieldRelated, FieldTranslationOf,
		FieldPublishAt, FieldWritten, NamesField}
	for _, a := range r.analyses {
		f = append(f, TitleField(a.Key), BodyField(a.Key), LeadField(a.Key), PrefixField(a.Key), ExactField(a.Key))
	}
	return f
}
