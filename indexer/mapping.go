package indexer

import (
	"strings"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
	"golang.org/x/text/unicode/norm"

	"pressearch/corpus"
	"pressearch/indexer/translit"
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
	// FieldPublishAt is the end of a document's embargo, where it has one.
	FieldPublishAt = "publish_at"
	// FieldWritten marks, with the value WrittenAPI, the documents written
	// through the documents API rather than built from corpus files.
	FieldWritten = "written"
	// FieldLengths keeps, stored alone, the token count of each text field
	// of a document, so that the statistics can take out exactly what the
	// document put in when it is replaced or deleted.
	FieldLengths = "lengths"
)

// WrittenAPI is the value of FieldWritten of a document written through
// the documents API.
const WrittenAPI = "api"

// Config changes how an index analyzes text. The zero Config is the one
// pressearch serves with; evaluation uses others to compare analyzers on the
// same documents.
type Config struct {
	// TeluguAnalyzer names the Bleve analyzer of the Telugu fields; "" means
	// the Telugu analyzer "te".
	TeluguAnalyzer string
	// NoCompanions leaves out the prefix and exact fields (they go with
	// the analyzer "te" only).
	NoCompanions bool
	// Registry holds the analyses the index has fields for; nil: the
	// default registry.
	Registry *Registry
}

// registry is c's registry of analyses.
func (c Config) registry() *Registry {
	if c.Registry == nil {
		return defaults
	}
	return c.Registry
}

// companions reports whether a's companion fields exist under c.
func (c Config) companions(a Analysis) bool {
	return !c.NoCompanions && (c.TeluguAnalyzer == "" || c.TeluguAnalyzer == a.Analyzer)
}

// prefix returns the analyzer of a's prefix field under c, or "".
func (c Config) prefix(a Analysis) string {
	if !c.companions(a) {
		return ""
	}
	return a.Prefix
}

// names reports whether the bodies of a also feed the sound keys of
// NamesField.
// Only Telugu and Latin-script bodies feed it: the sound keys join those two
// scripts, and the rest would only add the keys of the Latin words they quote.
func (c Config) names(a Analysis) bool {
	return !c.NoCompanions && c.TeluguAnalyzer == "" && a.CrossKeys != nil
}

// exact returns the analyzer of a's exact field under c, or "".
func (c Config) exact(a Analysis) string {
	if !c.companions(a) {
		return ""
	}
	return a.Exact
}

// analyzer returns the analyzer the fields of a use under c.
func (c Config) analyzer(a Analysis) string {
	if a.Key == "te" && c.TeluguAnalyzer != "" {
		return c.TeluguAnalyzer
	}
	return a.Analyzer
}

// NewMapping returns the index mapping pressearch serves with.
func NewMapping() mapping.IndexMapping { return Config{}.Mapping() }

// Mapping returns the index mapping under c: nothing dynamic, keyword fields
// for filters and facets, a date, and a stored title and body per analysis,
// with term vectors for highlighting.
func (c Config) Mapping() mapping.IndexMapping {
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
	publishAt := bleve.NewDateTimeFieldMapping()
	publishAt.IncludeInAll = false
	publishAt.DocValues = false
	doc.AddFieldMappingsAt(FieldPublishAt, publishAt)
	written := bleve.NewKeywordFieldMapping()
	written.IncludeInAll = false
	written.IncludeTermVectors = false
	written.DocValues = false
	written.Store = false
	doc.AddFieldMappingsAt(FieldWritten, written)

	url := bleve.NewTextFieldMapping()
	url.Index = false
	url.IncludeInAll = false
	url.IncludeTermVectors = false
	url.DocValues = false
	doc.AddFieldMappingsAt(FieldURL, url)

	for _, a := range c.registry().analyses {
		for _, name := range []string{TitleField(a.Key), BodyField(a.Key)} {
			f := bleve.NewTextFieldMapping()
			f.Analyzer = c.analyzer(a)
			f.IncludeInAll = false
			f.IncludeTermVectors = true
			f.DocValues = false
			doc.AddFieldMappingsAt(name, f)
		}
		lead := bleve.NewTextFieldMapping()
		lead.Analyzer = c.analyzer(a)
		lead.Store = false
		lead.IncludeInAll = false
		lead.IncludeTermVectors = false
		lead.DocValues = false
		doc.AddFieldMappingsAt(LeadField(a.Key), lead)
		// Companions index the body again, each its own way; highlighting
		// reads the prefix and names fields' locations, so they keep them.
		if p := c.prefix(a); p != "" {
			doc.AddFieldMappingsAt(BodyField(a.Key), companion(PrefixField(a.Key), p, true))
		}
		if c.names(a) {
			doc.AddFieldMappingsAt(BodyField(a.Key), companion(NamesField, translit.AnalyzerName, true))
		}
		if e := c.exact(a); e != "" {
			doc.AddFieldMappingsAt(BodyField(a.Key), companion(ExactField(a.Key), e, false))
		}
	}
	im.DefaultMapping = doc
	return im
}

// companion is an unstored field that indexes a property again, under
// another name and analyzer.
func companion(name, analyzer string, locations bool) *mapping.FieldMapping {
	f := bleve.NewTextFieldMapping()
	f.Name = name
	f.Analyzer = analyzer
	f.Store = false
	f.IncludeInAll = false
	f.IncludeTermVectors = locations
	f.DocValues = false
	return f
}

// Language returns the BCP 47 tag a document is indexed under: its declared
// lang, or the one detected from the script of its title and body.
func Language(d *corpus.Document) string {
	if d.Lang != "" {
		return d.Lang
	}
	return DetectLanguage(d.Title + "\n" + d.Body).String()
}

// LeadWords is how many words of a body its lead field keeps.
const LeadWords = 50

// Lead returns the first LeadWords words of a body: where a news story or
// press release says what it is about (the inverted pyramid), so a word
// there says more about the document than the same word further down.
// Chinese and Japanese put no spaces between words; there every two
// characters count as a word, the length of most of their words (and the
// bigrams their analyzer indexes), so that their lead is a lead too and
// not the whole body.
func Lead(body string) string {
	n := 0
	inWord := false
	run := 0 // characters of the current run of Chinese or Japanese
	for i, r := range body {
		start := false
		switch {
		case unicode.IsSpace(r):
			inWord, run = false, 0
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana):
			start = run%2 == 0
			inWord, run = true, run+1
		default:
			start = !inWord || run > 0
			inWord, run = true, 0
		}
		if start {
			n++
			if n > LeadWords {
				return body[:i]
			}
		}
	}
	return body
}

// fields turns a corpus document into the field values the mapping indexes.
// Stored text is NFC, so that what a page shows is what was matched.
func fields(r *Registry, d *corpus.Document) map[string]interface{} {
	lang := Language(d)
	a := r.For(lang)
	m := map[string]interface{}{
		FieldLang:          lang,
		FieldKind:          d.Kind,
		TitleField(a.Key):  norm.NFC.String(strings.TrimSpace(d.Title)),
		BodyField(a.Key):   norm.NFC.String(d.Body),
		LeadField(a.Key):   norm.NFC.String(Lead(d.Body)),
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
	if d.PublishAt != "" {
		if t, err := time.Parse(time.RFC3339, d.PublishAt); err == nil {
			m[FieldPublishAt] = t
		}
	}
	return m
}
