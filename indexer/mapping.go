package indexer

import (
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
	"golang.org/x/text/unicode/norm"

	"pressearch/corpus"
)

// Names of the fields that are the same in every language.
const (
	FieldLang          = "lang"
	FieldSource        = "source"
	FieldKind          = "kind"
	FieldYear          = "year"
	FieldDate          = "date"
	FieldURL           = "url"
	FieldRelated       = "related"
	FieldTranslationOf = "translation_of"
)

// NewMapping returns the index mapping: nothing dynamic, keyword fields for
// filters and facets, a date, and a stored title and body per analysis, with
// term vectors for highlighting.
func NewMapping() mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	im.ScoringModel = index.BM25Scoring
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	im.DefaultAnalyzer = keyword.Name

	doc := bleve.NewDocumentStaticMapping()
	for _, name := range []string{FieldLang, FieldSource, FieldKind, FieldYear, FieldRelated, FieldTranslationOf} {
		f := bleve.NewKeywordFieldMapping()
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = name != FieldRelated && name != FieldTranslationOf
		f.Store = name != FieldYear
		doc.AddFieldMappingsAt(name, f)
	}
	date := bleve.NewDateTimeFieldMapping()
	date.IncludeInAll = false
	doc.AddFieldMappingsAt(FieldDate, date)

	url := bleve.NewTextFieldMapping()
	url.Index = false
	url.IncludeInAll = false
	url.IncludeTermVectors = false
	url.DocValues = false
	doc.AddFieldMappingsAt(FieldURL, url)

	for _, a := range analyses {
		for _, name := range []string{TitleField(a.Key), BodyField(a.Key)} {
			f := bleve.NewTextFieldMapping()
			f.Analyzer = a.Analyzer
			f.IncludeInAll = false
			f.IncludeTermVectors = true
			f.DocValues = false
			doc.AddFieldMappingsAt(name, f)
		}
	}
	im.DefaultMapping = doc
	return im
}

// Language returns the BCP 47 tag a document is indexed under: its declared
// lang, or the one detected from the script of its title and body.
func Language(d *corpus.Document) string {
	if d.Lang != "" {
		return d.Lang
	}
	return DetectLanguage(d.Title + "\n" + d.Body).String()
}

// fields turns a corpus document into the field values the mapping indexes.
// Stored text is NFC, so that what a page shows is what was matched.
func fields(d *corpus.Document) map[string]interface{} {
	lang := Language(d)
	a := AnalysisFor(lang)
	m := map[string]interface{}{
		FieldLang:          lang,
		FieldKind:          d.Kind,
		TitleField(a.Key):  norm.NFC.String(strings.TrimSpace(d.Title)),
		BodyField(a.Key):   norm.NFC.String(d.Body),
		FieldRelated:       d.Related,
		FieldTranslationOf: d.TranslationOf,
	}
	if d.Source != "" {
		m[FieldSource] = norm.NFC.String(d.Source)
	}
	if d.URL != "" {
		m[FieldURL] = d.URL
	}
	if t, err := time.Parse(corpus.DateLayout, d.Date); err == nil {
		m[FieldDate] = t
		m[FieldYear] = d.Date[:4]
	}
	return m
}
