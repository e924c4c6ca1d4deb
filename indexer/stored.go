package indexer

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"

	"pressearch/corpus"
)

// StoredDocuments returns every document of a generation as the corpus
// gave it (its text as stored: NFC), in id order: for moving a collection
// to another backend, or rebuilding it from itself.
func StoredDocuments(idx bleve.Index) ([]corpus.Document, error) {
	fields := []string{FieldLang, FieldDate, FieldSource, FieldKind, FieldURL, FieldRelated, FieldTranslationOf}
	for _, a := range defaults.analyses {
		fields = append(fields, TitleField(a.Key), BodyField(a.Key))
	}
	const page = 1000
	var out []corpus.Document
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), page, 0, false)
		req.Fields = fields
		req.SortBy([]string{"_id"})
		if after != nil {
			req.SetSearchAfter(after)
		}
		res, err := idx.Search(req)
		if err != nil {
			return nil, fmt.Errorf("read the stored documents: %w", err)
		}
		for _, h := range res.Hits {
			f := h.Fields
			d := corpus.Document{ID: h.ID, Lang: storedString(f[FieldLang]), Source: storedString(f[FieldSource]),
				Kind: storedString(f[FieldKind]), URL: storedString(f[FieldURL]), TranslationOf: storedString(f[FieldTranslationOf]),
				Related: storedStrings(f[FieldRelated])}
			if date := storedString(f[FieldDate]); len(date) >= len(corpus.DateLayout) {
				d.Date = date[:len(corpus.DateLayout)]
			}
			key := AnalysisFor(d.Lang).Key
			d.Title, d.Body = storedString(f[TitleField(key)]), storedString(f[BodyField(key)])
			out = append(out, d)
			after = []string{h.ID}
		}
		if len(res.Hits) < page {
			return out, nil
		}
	}
}

// storedString is the first string of a stored value: a string or a list.
func storedString(v any) string {
	if s := storedStrings(v); len(s) > 0 {
		return s[0]
	}
	return ""
}

// storedStrings is the strings of a stored value.
func storedStrings(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
