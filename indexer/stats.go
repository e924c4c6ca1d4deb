package indexer

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
)

// statsKey is where a generation keeps its field statistics.
var statsKey = []byte("pressearch:field-stats")

// fieldStats counts, per text field, the tokens indexed and the documents
// that have the field.
type fieldStats struct {
	cfg    Config
	Docs   uint64            `json:"docs"`
	Tokens map[string]uint64 `json:"tokens"`
	With   map[string]uint64 `json:"with"`
}

func newFieldStats(cfg Config) *fieldStats {
	return &fieldStats{cfg: cfg, Tokens: map[string]uint64{}, With: map[string]uint64{}}
}

// add counts the analyzed tokens of one document's text fields.
func (s *fieldStats) add(f map[string]interface{}) error {
	s.Docs++
	for _, a := range analyses {
		for _, name := range []string{TitleField(a.Key), BodyField(a.Key)} {
			text, ok := f[name].(string)
			if !ok {
				continue
			}
			an, err := analyzers.AnalyzerNamed(s.cfg.analyzer(a))
			if err != nil {
				return err
			}
			n := uint64(len(an.Analyze([]byte(text))))
			s.Tokens[name] += n
			s.With[name]++
			// The companions keep every token: only the stemmer differs.
			if name == BodyField(a.Key) && s.cfg.prefix(a) != "" {
				s.Tokens[PrefixField(a.Key)] += n
				s.With[PrefixField(a.Key)]++
			}
			if name == BodyField(a.Key) && s.cfg.names() {
				// About one key a word: counting them exactly would mean
				// romanizing every body twice.
				s.Tokens[NamesField] += n
				s.With[NamesField]++
			}
			if name == BodyField(a.Key) && s.cfg.exact(a) != "" {
				s.Tokens[ExactField(a.Key)] += n
				s.With[ExactField(a.Key)]++
			}
		}
	}
	return nil
}

// BM25Stats returns the statistics Bleve's BM25 scorer needs for idx, read
// from what the build recorded, or nil for an index without them.
//
// Bleve estimates a field's average length as the number of distinct terms
// in the field divided by the number of documents, which is far below the
// real average once documents repeat words, and so punishes every long
// document. Bleve divides the "field cardinality" it is given by the document
// count, so giving it tokens × documents ÷ documents-with-the-field makes
// that quotient the true average length of the field where it occurs.
func BM25Stats(idx bleve.Index) (*bsearch.BM25Stats, error) {
	raw, err := idx.GetInternal(statsKey)
	if err != nil || raw == nil {
		return nil, err
	}
	var s fieldStats
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("field statistics: %w", err)
	}
	n, err := idx.DocCount()
	if err != nil {
		return nil, err
	}
	out := &bsearch.BM25Stats{DocCount: float64(n), FieldCardinality: map[string]int{}}
	for _, name := range allFields() {
		out.FieldCardinality[name] = int(n) // one token a document
	}
	// Bleve merges the postings of an unscored disjunction into a term
	// searcher over the pseudo-field "*", which asks for statistics too.
	out.FieldCardinality["*"] = int(n)
	for name, tokens := range s.Tokens {
		if with := s.With[name]; with > 0 {
			out.FieldCardinality[name] = int(math.Round(float64(tokens) * float64(n) / float64(with)))
		}
	}
	return out, nil
}

// allFields lists every field of the mapping.
func allFields() []string {
	f := []string{FieldLang, FieldSource, FieldKind, FieldYear, FieldDate, FieldURL, FieldRelated, FieldTranslationOf, NamesField}
	for _, a := range analyses {
		f = append(f, TitleField(a.Key), BodyField(a.Key), PrefixField(a.Key), ExactField(a.Key))
	}
	return f
}

// PresentAnalyses returns the keys of the analyses that have documents in
// idx, or nil where the index does not record it (then all may).
func PresentAnalyses(idx bleve.Index) map[string]bool {
	raw, err := idx.GetInternal(statsKey)
	if err != nil || raw == nil {
		return nil
	}
	var s fieldStats
	if json.Unmarshal(raw, &s) != nil {
		return nil
	}
	out := map[string]bool{}
	for _, a := range analyses {
		if s.With[BodyField(a.Key)] > 0 || s.With[TitleField(a.Key)] > 0 {
			out[a.Key] = true
		}
	}
	if s.With[NamesField] > 0 {
		out[NamesField] = true
	}
	return out
}
