package search

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"pressearch/corpus"
	"pressearch/indexer"
	"pressearch/search/plan"
)

// present turns what the index answered into the result a reader sees:
// hits with their snippets, related documents and translations, and the
// facets.
func present(ctx context.Context, b Backend, langs *indexer.Registry, r *Request, p *plan.Plan, res *plan.Result) (*Result, error) {
	out := &Result{Query: r.Query, Total: res.Total, Hits: make([]Hit, 0, len(res.Hits)),
		Facets: map[string][]FacetValue{}}
	for i := range res.Hits {
		h := &res.Hits[i]
		if r.NoSnippets {
			out.Hits = append(out.Hits, Hit{ID: h.ID, Score: h.Score, Explanation: h.Explanation})
			continue
		}
		out.Hits = append(out.Hits, hitFrom(langs, h))
	}
	if !r.NoSnippets {
		if err := resolveRelated(ctx, b, langs, out.Hits, p.Hidden); err != nil {
			return nil, err
		}
		if err := resolveTranslations(ctx, b, langs, out.Hits, p.Hidden); err != nil {
			return nil, err
		}
	}
	for _, f := range facetFields {
		if out.Facets[f] = res.Facets[f]; out.Facets[f] == nil {
			out.Facets[f] = []FacetValue{}
		}
	}
	if r.Explain {
		out.Plan = p.Lines()
	}
	return out, nil
}

// facetFields are the facets every search counts.
var facetFields = []string{indexer.FieldLang, indexer.FieldSource, indexer.FieldKind, indexer.FieldYear}

// facetSize is how many values of each facet a search returns.
const facetSize = 20

// Snippet sizes, in bytes of text around the matches.
const (
	snippetWidth = 240
	maxSnippets  = 3
)

// storedFields are the fields a hit or a document needs.
func storedFields(langs *indexer.Registry) []string {
	titles, bodies := langs.TitleFields(), langs.BodyFields()
	f := make([]string, 0, 7+2*len(titles))
	f = append(f, indexer.FieldLang, indexer.FieldDate, indexer.FieldSource, indexer.FieldKind,
		indexer.FieldURL, indexer.FieldRelated, indexer.FieldTranslationOf)
	for i := range titles {
		f = append(f, titles[i], bodies[i])
	}
	return f
}

// refFields are the fields a reference to a document needs.
func refFields(langs *indexer.Registry) []string {
	titles := langs.TitleFields()
	f := make([]string, 0, 2+len(titles))
	f = append(f, indexer.FieldLang, indexer.FieldTranslationOf)
	return append(f, titles...)
}

// text returns the title and body a document stores, in the fields of
// its language.
func text(langs *indexer.Registry, lang string, first func(field string) string) (title, body string) {
	i := langs.Index(lang)
	return first(langs.TitleFields()[i]), first(langs.BodyFields()[i])
}

// hitFrom turns an executed hit into ours, with snippets cut from the
// stored body in the document's language at the match locations.
func hitFrom(langs *indexer.Registry, h *plan.Hit) Hit {
	hit := row(langs, h)
	i := langs.Index(hit.Lang)
	var spans []span
	// The prefix field indexes the same text: its matches mark words there.
	for _, field := range [...]string{langs.BodyFields()[i], indexer.PrefixField(langs.For(hit.Lang).Key), indexer.NamesField} {
		for _, l := range h.Locations[field] {
			spans = append(spans, span{l.Start, l.End})
		}
	}
	_, body := text(langs, hit.Lang, h.First)
	hit.Snippets = snippets(body, spans, snippetWidth, maxSnippets)
	for _, id := range h.Fields[indexer.FieldRelated] {
		hit.Related = append(hit.Related, Ref{ID: id})
	}
	return hit
}

// row is a hit as its stored fields give it, without snippets or links.
func row(langs *indexer.Registry, h *plan.Hit) Hit {
	hit := Hit{
		ID:            h.ID,
		Score:         h.Score,
		Lang:          h.First(indexer.FieldLang),
		Date:          dateOf(h.First(indexer.FieldDate)),
		Source:        h.First(indexer.FieldSource),
		Kind:          h.First(indexer.FieldKind),
		Explanation:   h.Explanation,
		translationOf: h.First(indexer.FieldTranslationOf),
		URL:           h.First(indexer.FieldURL),
	}
	hit.Title, _ = text(langs, hit.Lang, h.First)
	return hit
}

// resolveRelated fills in the titles and languages of the hits' related
// documents with one lookup. A related document that is not there (it was
// deleted) or hidden (under embargo) is left out.
func resolveRelated(ctx context.Context, b Backend, langs *indexer.Registry, hits []Hit, hidden plan.Node) error {
	var ids []string
	for _, h := range hits {
		for _, r := range h.Related {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	refs, _, err := refs(ctx, b, langs, plan.Lookup{IDs: ids, Hidden: hidden})
	if err != nil {
		return err
	}
	byID := map[string]Ref{}
	for _, r := range refs {
		byID[r.ID] = r
	}
	for i := range hits {
		var found []Ref
		for _, r := range hits[i].Related {
			if full, ok := byID[r.ID]; ok {
				found = append(found, full)
			}
		}
		hits[i].Related = found
	}
	return nil
}

// resolveTranslations lists, for each hit, the other documents of its story
// (its original and the original's translations), with one lookup. Hits
// that are originals themselves are loaded already: only translations and
// originals off the page are looked up, so a page without translations
// loads no document.
func resolveTranslations(ctx context.Context, b Backend, langs *indexer.Registry, hits []Hit, hidden plan.Node) error {
	if len(hits) == 0 {
		return nil
	}
	onPage := make(map[string]bool, len(hits))
	for _, h := range hits {
		onPage[h.ID] = true
	}
	l := plan.Lookup{Hidden: hidden, Values: make([]plan.FieldValue, 0, len(hits))}
	originals := make(map[string]bool, len(hits))
	for _, h := range hits {
		o := original(h)
		if originals[o] {
			continue
		}
		originals[o] = true
		l.Values = append(l.Values, plan.FieldValue{Field: indexer.FieldTranslationOf, Value: o})
		if !onPage[o] {
			l.IDs = append(l.IDs, o)
		}
	}
	refs, of, err := refs(ctx, b, langs, l)
	if err != nil {
		return err
	}
	found := make(map[string]bool, len(refs)+len(hits))
	for _, r := range refs {
		found[r.ID] = true
	}
	refs, of = slices.Grow(refs, len(hits)), slices.Grow(of, len(hits))
	for _, h := range hits {
		if originals[h.ID] && !found[h.ID] {
			refs = append(refs, Ref{ID: h.ID, Lang: h.Lang, Title: h.Title})
			of = append(of, h.translationOf)
			found[h.ID] = true
		}
	}
	order := make([]int, len(refs))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool { return refs[order[i]].ID < refs[order[j]].ID })
	for i := range hits {
		o := original(hits[i])
		for _, j := range order {
			if r := refs[j]; r.ID != hits[i].ID && (r.ID == o || of[j] == o) {
				hits[i].Translations = append(hits[i].Translations, r)
			}
		}
	}
	return nil
}

// original is the id of the document a hit's story starts from.
func original(h Hit) string {
	if h.translationOf != "" {
		return h.translationOf
	}
	return h.ID
}

// maxRefs bounds how many linked documents one lookup returns.
const maxRefs = 100

// refs returns the documents l finds as references, in id order, with
// the translation_of of each.
func refs(ctx context.Context, b Backend, langs *indexer.Registry, l plan.Lookup) ([]Ref, []string, error) {
	l.Fields, l.Limit = refFields(langs), maxRefs
	docs, err := b.Lookup(ctx, l)
	if err != nil {
		return nil, nil, searchError(ctx, err)
	}
	out := make([]Ref, 0, len(docs))
	of := make([]string, 0, len(docs))
	for _, d := range docs {
		lang := d.First(indexer.FieldLang)
		title, _ := text(langs, lang, d.First)
		out = append(out, Ref{ID: d.ID, Lang: lang, Title: title})
		of = append(of, d.First(indexer.FieldTranslationOf))
	}
	return out, of, nil
}

// document returns one document with its related documents and
// translations, none of them among hidden.
func document(ctx context.Context, b Backend, langs *indexer.Registry, id string, hidden plan.Node) (*Document, error) {
	fields := append(storedFields(langs), indexer.FieldPublishAt)
	docs, err := b.Lookup(ctx, plan.Lookup{IDs: []string{id}, Fields: fields, Limit: 1, Hidden: hidden})
	if err != nil {
		return nil, searchError(ctx, err)
	}
	if len(docs) == 0 {
		return nil, &Error{Code: CodeNotFound, Message: fmt.Sprintf("no document with id %q", id)}
	}
	f := &docs[0]
	d := &Document{
		ID:            id,
		Lang:          f.First(indexer.FieldLang),
		Date:          dateOf(f.First(indexer.FieldDate)),
		Source:        f.First(indexer.FieldSource),
		URL:           f.First(indexer.FieldURL),
		Kind:          f.First(indexer.FieldKind),
		TranslationOf: f.First(indexer.FieldTranslationOf),
		PublishAt:     f.First(indexer.FieldPublishAt),
		Related:       []Ref{},
		Translations:  []Ref{},
	}
	d.Title, d.Body = text(langs, d.Lang, f.First)

	// Related both ways: what this document names, and what names it.
	rel := plan.Lookup{IDs: f.Fields[indexer.FieldRelated],
		Values: []plan.FieldValue{{Field: indexer.FieldRelated, Value: id}}, Hidden: hidden}
	if d.Related, _, err = refs(ctx, b, langs, rel); err != nil {
		return nil, err
	}
	// Translations: the original and everything that translates it.
	original := id
	if d.TranslationOf != "" {
		original = d.TranslationOf
	}
	trs, _, err := refs(ctx, b, langs, plan.Lookup{IDs: []string{original},
		Values: []plan.FieldValue{{Field: indexer.FieldTranslationOf, Value: original}}, Hidden: hidden})
	if err != nil {
		return nil, err
	}
	for _, t := range trs {
		if t.ID != id {
			d.Translations = append(d.Translations, t)
		}
	}
	return d, nil
}

// dateOf turns a stored date (RFC 3339) back into YYYY-MM-DD.
func dateOf(s string) string {
	if len(s) >= len(corpus.DateLayout) && strings.Count(s[:10], "-") == 2 {
		return s[:10]
	}
	return s
}
