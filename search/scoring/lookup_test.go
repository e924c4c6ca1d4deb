package scoring

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"pressearch/corpus"
	"pressearch/indexer"
	"pressearch/search/plan"
)

// A lookup finds what Bleve's own search of its ids and values finds, in
// id order, whether its values are in the index or not (a value no
// document has is not searched for), with the stored fields asked for.
func TestLookupAgreesWithBleve(t *testing.T) {
	var docs []corpus.Document
	for i := range 30 {
		d := corpus.Document{ID: fmt.Sprintf("k%02d", i), Lang: []string{"en", "te"}[i%2], Kind: corpus.KindPressRelease,
			Title: fmt.Sprintf("Story %d", i), Body: "summit"}
		if i%3 == 1 { // a translation of the story before it
			d.TranslationOf = fmt.Sprintf("k%02d", i-1)
		}
		if i%5 == 0 && i > 0 {
			d.Related = []string{fmt.Sprintf("k%02d", i-5)}
		}
		docs = append(docs, d)
	}
	path := filepath.Join(t.TempDir(), "idx")
	if _, err := indexer.BuildIndex(context.Background(), path, docs, indexer.Config{}, nil); err != nil {
		t.Fatal(err)
	}
	idx, err := indexer.OpenIndex(path)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	x, err := New(context.Background(), idx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Retire()
	tr := func(v string) plan.FieldValue { return plan.FieldValue{Field: indexer.FieldTranslationOf, Value: v} }
	rel := func(v string) plan.FieldValue { return plan.FieldValue{Field: indexer.FieldRelated, Value: v} }
	for _, c := range []struct {
		name   string
		ids    []string
		values []plan.FieldValue
		found  int
	}{
		{"values all absent", nil, []plan.FieldValue{tr("k02"), tr("k05"), tr("nosuch")}, 0},
		{"values some present", nil, []plan.FieldValue{tr("k00"), tr("k02"), tr("k03")}, 2},
		{"absent values and ids", []string{"k02", "k04"}, []plan.FieldValue{tr("k02"), tr("k04")}, 2},
		{"present values and ids", []string{"k07"}, []plan.FieldValue{tr("k06"), rel("k00"), rel("k05"), rel("k03")}, 3},
		{"a value of another field", nil, []plan.FieldValue{rel("k09"), tr("k10")}, 0},
		{"ids alone", []string{"k01", "k29", "nosuch"}, nil, 2},
		{"nothing", nil, nil, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			fields := []string{indexer.FieldLang, indexer.FieldTranslationOf}
			got, err := x.Lookup(context.Background(), plan.Lookup{IDs: c.ids, Values: c.values, Fields: fields, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			// Bleve's search of every value and id, unpruned.
			var qs []query.Query
			for _, fv := range c.values {
				q := bleve.NewTermQuery(fv.Value)
				q.SetField(fv.Field)
				qs = append(qs, q)
			}
			if len(c.ids) > 0 {
				qs = append(qs, bleve.NewDocIDQuery(c.ids))
			}
			var want []plan.Document
			if len(qs) > 0 {
				req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(qs...), 100, 0, false)
				req.Fields = fields
				res, err := idx.Search(req)
				if err != nil {
					t.Fatal(err)
				}
				for _, h := range res.Hits {
					d := plan.Document{ID: h.ID, Fields: map[string][]string{}}
					for _, f := range fields {
						if v, ok := h.Fields[f].(string); ok {
							d.Fields[f] = []string{v}
						}
					}
					want = append(want, d)
				}
				sort.Slice(want, func(i, j int) bool { return want[i].ID < want[j].ID })
			}
			// A lookup whose time is up fails as Bleve's collector does,
			// whether it had anything to search for or not.
			done, cancel := context.WithCancel(context.Background())
			cancel()
			if _, err := x.Lookup(done, plan.Lookup{IDs: c.ids, Values: c.values, Fields: fields, Limit: 100}); err == nil {
				t.Errorf("a cancelled lookup answered")
			}
			if len(got) != c.found || len(want) != c.found {
				t.Fatalf("found %d, Bleve %d, want %d", len(got), len(want), c.found)
			}
			for i := range got {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Errorf("document %d: %+v, Bleve %+v", i, got[i], want[i])
				}
			}
		})
	}
}
