package search

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"pressearch/corpus"
	"pressearch/indexer"
	"pressearch/search/scoring"
)

// Facets counted from the in-memory columns are the ones Bleve counts from
// the index, for every kind of query and filter.
func TestFacetColumnsCountAsBleveDoes(t *testing.T) {
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	// More documents than one facet value's worth, some without a source
	// or a date, in several years and languages.
	for i := 0; i < 300; i++ {
		d := corpus.Document{ID: fmt.Sprintf("extra-%03d", i), Lang: []string{"en", "te", "ja"}[i%3],
			Kind: corpus.KindPressRelease, Title: fmt.Sprintf("Release %d on security", i),
			Body: "The ministry spoke on security and defence cooperation with Japan."}
		if i%4 != 0 {
			d.Source = fmt.Sprintf("Ministry %d", i%25)
		}
		if i%5 != 0 {
			d.Date = fmt.Sprintf("%d-03-01", 2000+i%30)
		}
		docs = append(docs, d)
	}
	e := newTestEngine(t, docs)
	for _, r := range []Request{
		{Query: ""},
		{Query: "security"},
		{Query: "జపాన్"},
		{Query: "tokyo OR borrell"},
		{Query: "security", Lang: "en"},
		{Query: "defence", From: 20, Size: 5},
		{Query: "nothingmatchesthis"},
	} {
		withCols, withBleve := searchBothWays(t, e, r)
		if !reflect.DeepEqual(withCols.Facets, withBleve.Facets) {
			t.Errorf("%+v: facets from columns\n%v\nfrom Bleve\n%v", r, withCols.Facets, withBleve.Facets)
		}
		if withCols.Total != withBleve.Total || !reflect.DeepEqual(ids(withCols.Hits), ids(withBleve.Hits)) {
			t.Errorf("%+v: hits differ with facet columns", r)
		}
	}
}

// Generations written before the offline builder have several segments;
// the columns number their documents as Bleve's searches do.
func TestFacetColumnsOnSegmentedIndex(t *testing.T) {
	idx, err := bleve.New(filepath.Join(t.TempDir(), "idx"), indexer.NewMapping())
	if err != nil {
		t.Fatal(err)
	}
	for b := 0; b < 4; b++ {
		batch := idx.NewBatch()
		for i := 0; i < 50; i++ {
			n := b*50 + i
			batch.Index(fmt.Sprintf("d%03d", n), map[string]interface{}{
				indexer.FieldLang: []string{"en", "fr"}[n%2], indexer.FieldKind: "press_release",
				indexer.FieldSource: fmt.Sprintf("Ministry %d", n%7), indexer.FieldYear: fmt.Sprint(2000 + n%11),
				indexer.TitleField("en"): "security release", indexer.BodyField("en"): fmt.Sprintf("security words %d", n),
			})
		}
		if err := idx.Batch(batch); err != nil {
			t.Fatal(err)
		}
	}
	e := NewEngine()
	if _, err := e.Swap(idx, 1); err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	withCols, withBleve := searchBothWays(t, e, Request{Query: "security"})
	if withCols.Total != 200 || !reflect.DeepEqual(withCols.Facets, withBleve.Facets) {
		t.Errorf("%d matches; facets from columns\n%v\nfrom Bleve\n%v", withCols.Total, withCols.Facets, withBleve.Facets)
	}
}

// searchBothWays runs r with the engine's facet columns and again with
// Bleve counting the facets, and returns both results.
func searchBothWays(t *testing.T, e *Engine, r Request) (withCols, withBleve *Result) {
	t.Helper()
	withCols, err := e.Search(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	l := e.cur.Load()
	stats, err := indexer.ReadStats(l.index, e.langs)
	if err != nil {
		t.Fatal(err)
	}
	o := scoring.Options{}
	if stats != nil {
		o.Stats = &scoring.Stats{Global: stats.Global, PerField: stats.PerField}
	}
	noCols, err := scoring.New(context.Background(), l.index, o) // no facet fields: Bleve counts
	if err != nil {
		t.Fatal(err)
	}
	e.cur.Store(&live{backend: noCols, index: l.index, info: l.info, present: l.present, suggest: l.suggest})
	defer e.cur.Store(l)
	withBleve, err = e.Search(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	return withCols, withBleve
}
