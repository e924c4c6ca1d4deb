package scoring

import (
	"testing"

	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// A term in no document of its field opens no term reader where the
// search knows its snapshot's dictionaries, and the search finds and
// scores what it finds without them; a term some document has is read.
func TestAbsentTermsOpenNoReader(t *testing.T) {
	ti := newTestIndex(t)
	m := ti.idx.Mapping()
	p := newPresence(ti.r)
	if p == nil {
		t.Fatalf("no presence for a %T", ti.r)
	}
	scores := func(r index.IndexReader, withP bool, text string) map[uint64]float64 {
		t.Helper()
		ctx := WithAnalysisMemo(ti.ctx)
		if withP {
			ctx = withPresence(ctx, p)
		}
		s, err := words(text).Searcher(ctx, r, m, bsearch.SearcherOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0)}
		out := map[uint64]float64{}
		dm, err := s.Next(sctx)
		for ; err == nil && dm != nil; dm, err = s.Next(sctx) {
			out[dm.IndexInternalID.Value()] = dm.Score
			sctx.DocumentMatchPool.Put(dm)
		}
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	// words() asks for each word in 7 fields: the bodies and leads of
	// English and Telugu have "summit" (an English word in the Telugu
	// documents' vocabulary too), no title or Hindi field does.
	for _, c := range []struct {
		text    string
		readers int // the fields that have the words
	}{
		{"summit", 4},
		{"summit nosuchword", 4},
		{"nosuchword", 0},
		{"రష్యా summit", 8},
	} {
		with, without := &countingReader{IndexReader: ti.r}, &countingReader{IndexReader: ti.r}
		got, want := scores(with, true, c.text), scores(without, false, c.text)
		if len(got) != len(want) {
			t.Errorf("%q: %d matches, %d without the dictionaries", c.text, len(got), len(want))
		}
		for n, w := range want {
			if got[n] != w {
				t.Errorf("%q: document %d scores %v, %v without the dictionaries", c.text, n, got[n], w)
			}
		}
		if with.readers != c.readers {
			t.Errorf("%q: %d term readers opened (%d without the dictionaries), want %d", c.text, with.readers, without.readers, c.readers)
		}
	}
}
