package scoring

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"pressearch/corpus"
	"pressearch/indexer"
	"pressearch/search/plan"
)

// linkedIndex is an index of 30 documents in English and Telugu, a third
// of them translations of the one before, every fifth related to the
// fifth before it.
func linkedIndex(t *testing.T) bleve.Index {
	t.Helper()
	var docs []corpus.Document
	for i := range 30 {
		d := corpus.Document{ID: fmt.Sprintf("k%02d", i), Lang: []string{"en", "te"}[i%2], Kind: corpus.KindPressRelease,
			Title: fmt.Sprintf("Story %d", i), Body: "summit " + strings.Repeat("trade summit ", i%4) + "రష్యా"}
		if i%3 == 1 { // a translation of the story before it
			d.TranslationOf = fmt.Sprintf("k%02d", i-1)
		}
		if i%5 == 0 && i > 0 {
			d.Related = []string{fmt.Sprintf("k%02d", i-5), "k29"}
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
	t.Cleanup(func() { idx.Close() })
	return idx
}

// A lookup finds what Bleve's own search of its ids and values finds, in
// id order, whether its values are in the index or not (a value no
// document has is not searched for), with the stored fields asked for.
func TestLookupAgreesWithBleve(t *testing.T) {
	idx := linkedIndex(t)
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

// Details gives each hit the spans where the query matches, by field, as
// Bleve's search with locations gives them (Details may give a span twice
// and in another order; a snippet sorts and merges them), and the stored
// values of the fields asked for, a list where the document has several.
func TestDetailsAgreeWithBleve(t *testing.T) {
	idx := linkedIndex(t)
	adv, err := idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	match := func(field, text string) query.Query {
		q := bleve.NewMatchQuery(text)
		q.SetField(field)
		return q
	}
	q := bleve.NewDisjunctionQuery(match("body_en", "trade summit"), match("body_te", "రష్యా summit"), match("title_en", "story"))
	fields := []string{indexer.FieldLang, indexer.FieldRelated, indexer.FieldTranslationOf, "title_en", "title_te"}
	// Every other document a hit, most matching, in reverse order.
	var hits bsearch.DocumentMatchCollection
	for i := 29; i >= 0; i -= 2 {
		id := fmt.Sprintf("k%02d", i)
		ids, err := r.DocIDReaderOnly([]string{id})
		if err != nil {
			t.Fatal(err)
		}
		num, err := ids.Next()
		ids.Close()
		if err != nil || num == nil {
			t.Fatalf("%s: %v, %v", id, num, err)
		}
		hits = append(hits, &bsearch.DocumentMatch{ID: id, IndexInternalID: append(index.IndexInternalID(nil), num...)})
	}
	out := make([]plan.Hit, len(hits))
	if err := Details(context.Background(), r, idx.Mapping(), q, hits, fields, out); err != nil {
		t.Fatal(err)
	}
	spans := func(m map[string][]plan.Span) map[string][]plan.Span {
		for f, ss := range m {
			sort.Slice(ss, func(i, j int) bool {
				return ss[i].Start < ss[j].Start || ss[i].Start == ss[j].Start && ss[i].End < ss[j].End
			})
			m[f] = slices.Compact(ss)
		}
		return m
	}
	located := 0
	for i, h := range hits {
		req := bleve.NewSearchRequest(bleve.NewConjunctionQuery(bleve.NewDocIDQuery([]string{h.ID}), q))
		req.IncludeLocations = true
		res, err := idx.Search(req)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][]plan.Span{}
		for _, bh := range res.Hits {
			for f, terms := range bh.Locations {
				for _, locs := range terms {
					for _, l := range locs {
						want[f] = append(want[f], plan.Span{Start: int(l.Start), End: int(l.End)})
					}
				}
			}
		}
		if len(want) > 0 {
			located++
		}
		if got := spans(out[i].Locations); !reflect.DeepEqual(got, spans(want)) && (len(got) > 0 || len(want) > 0) {
			t.Errorf("%s: spans %v, Bleve %v", h.ID, got, want)
		}
		doc, err := r.Document(h.ID)
		if err != nil {
			t.Fatal(err)
		}
		stored := map[string][]string{}
		visitStored(doc, func(f, v string) {
			if slices.Contains(fields, f) {
				stored[f] = append(stored[f], v)
			}
		})
		if !reflect.DeepEqual(out[i].Fields, stored) {
			t.Errorf("%s: fields %v, stored %v", h.ID, out[i].Fields, stored)
		}
	}
	if located < 10 {
		t.Errorf("%d of %d hits located: the query should match most", located, len(hits))
	}
}
