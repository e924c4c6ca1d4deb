// Package baseline is plain Bleve as a user of Bleve would have it without
// pressearch: the default mapping (dynamic, standard analyzer, stored
// fields) over title and body, searched with a match query. Evaluations
// and benchmarks compare pressearch with it in the same run.
package baseline

import (
	"context"

	"github.com/blevesearch/bleve/v2"

	"pressearch/corpus"
)

// batchSize is how many documents go to Bleve in one batch.
const batchSize = 1000

// Build indexes docs into a new Bleve index at path and returns it open.
func Build(path string, docs []corpus.Document) (bleve.Index, error) {
	idx, err := bleve.New(path, bleve.NewIndexMapping())
	if err != nil {
		return nil, err
	}
	b := idx.NewBatch()
	for _, d := range docs {
		if err := b.Index(d.ID, map[string]string{"title": d.Title, "body": d.Body}); err != nil {
			idx.Close()
			return nil, err
		}
		if b.Size() >= batchSize {
			if err := idx.Batch(b); err != nil {
				idx.Close()
				return nil, err
			}
			b.Reset()
		}
	}
	if err := idx.Batch(b); err != nil {
		idx.Close()
		return nil, err
	}
	return idx, nil
}

// Search returns the ids and scores of the k best matches of text.
func Search(ctx context.Context, idx bleve.Index, text string, k int) ([]string, []float64, error) {
	res, err := idx.SearchInContext(ctx, bleve.NewSearchRequestOptions(bleve.NewMatchQuery(text), k, 0, false))
	if err != nil {
		return nil, nil, err
	}
	ids := make([]string, len(res.Hits))
	scores := make([]float64, len(res.Hits))
	for i, h := range res.Hits {
		ids[i], scores[i] = h.ID, h.Score
	}
	return ids, scores, nil
}
