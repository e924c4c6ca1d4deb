package search

import (
	"context"

	"pressearch/indexer"
)

// exportBatch is how many rows an export asks the index for at a time: its
// memory is a batch's, and the first rows leave before the last are read.
const exportBatch = 1000

// rowFields are the stored fields an exported row needs.
func rowFields(langs *indexer.Registry) []string {
	f := []string{indexer.FieldLang, indexer.FieldDate, indexer.FieldSource, indexer.FieldKind, indexer.FieldURL}
	for _, a := range langs.Analyses() {
		f = append(f, indexer.TitleField(a.Key))
	}
	return f
}

// validateExport checks an export's request: its size may be up to
// MaxWindow, and 0 means all.
func validateExport(r Request) error {
	check := r
	check.Size, check.NoHits = 1, false // checked as one batch of it would be
	if err := check.validate(); err != nil {
		return err
	}
	if r.Size < 0 || r.From+r.Size > MaxWindow {
		return invalidf("from + size must be at most %d; narrow the query instead of paging this deep", MaxWindow)
	}
	if _, _, err := parseQuery(r.Query, r.Plain, r.Lenient); err != nil {
		return err
	}
	_, err := r.filters()
	return err
}

// Export runs r for every match from r.From on, at most r.Size of them (0:
// up to MaxWindow; none where r.NoHits), in the order of the search, and hands them to emit a
// batch at a time: each with its id, title, language, date, source, kind,
// address and score, without snippets, links or facets. Every batch comes
// from the index in service when Export began. An error of emit ends the
// export and is returned.
func (e *Engine) Export(ctx context.Context, r Request, emit func([]Hit) error) error {
	l, err := e.hold()
	if err != nil {
		return err
	}
	defer l.release()
	if err := validateExport(r); err != nil || r.NoHits {
		return err
	}
	limit := r.Size
	if limit == 0 {
		limit = MaxWindow - r.From
	}
	root, _, err := parseQuery(r.Query, r.Plain, r.Lenient)
	if err != nil {
		return err
	}
	for from := r.From; from < r.From+limit; from += exportBatch {
		batch := r
		batch.From, batch.Size, batch.NoSnippets, batch.NoHits, batch.Explain = from, min(exportBatch, r.From+limit-from), true, false, false
		p, err := e.plan(root, &batch, l.present)
		if err != nil {
			return err
		}
		p.Fields, p.Highlight = rowFields(e.langs), nil
		res, err := l.backend.Execute(ctx, p)
		if err != nil {
			return searchError(ctx, err)
		}
		rows := make([]Hit, len(res.Hits))
		for i := range res.Hits {
			rows[i] = row(e.langs, &res.Hits[i])
		}
		if len(rows) > 0 {
			if err := emit(rows); err != nil {
				return err
			}
		}
		if len(rows) < batch.Size {
			break
		}
	}
	return nil
}
