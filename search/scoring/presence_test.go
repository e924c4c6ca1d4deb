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

// dictCounting counts the field dictionaries a search opens to look terms
// up in.
type dictCounting struct {
	index.IndexReader
	dicts int
}

func (r *dictCounting) FieldDictContains(field string) (index.FieldDictContains, error) {
	r.dicts++
	return r.IndexReader.(index.IndexReaderContains).FieldDictContains(field)
}

// Whether a field has a text's terms (IfAbsent, a compound's parts) is
// answered from the snapshot's dictionaries where the search has them, as
// the reader's dictionary answers it; an index that is written still asks
// its reader whether a document has the term.
func TestHasFromSnapshotDictionaries(t *testing.T) {
	ti := newTestIndex(t)
	m := ti.idx.Mapping()
	p := newPresence(ti.r)
	for _, c := range []struct {
		field, text string
		has, some   bool
	}{
		{"body_en", "summit", true, true},
		{"body_en", "nosuchword", false, true},
		{"title_en", "summit", false, true},
		{"body_en", "the", false, false}, // a stop word: no term
		{"body_te", "రష్యా", true, true},
	} {
		for _, written := range []bool{false, true} {
			plainR, withR := &dictCounting{IndexReader: ti.r}, &dictCounting{IndexReader: ti.r}
			var plain, with index.IndexReader = plainR, withR
			if written {
				plain, with = liveDicts{plainR}, liveDicts{withR}
			}
			b := &builder{ctx: WithAnalysisMemo(ti.ctx), r: plain, m: m}
			wantHas, wantSome, err := b.has(c.field, c.text, "")
			if err != nil {
				t.Fatal(err)
			}
			b = &builder{ctx: withPresence(WithAnalysisMemo(ti.ctx), p), r: with, m: m}
			has, some, err := b.has(c.field, c.text, "")
			if err != nil {
				t.Fatal(err)
			}
			if has != wantHas || some != wantSome || has != c.has || some != c.some {
				t.Errorf("%s %q written %v: has %v some %v, from the reader %v %v, want %v %v",
					c.field, c.text, written, has, some, wantHas, wantSome, c.has, c.some)
			}
			// Unwritten, the snapshot answers alone; written, a term the
			// snapshot has is asked of the reader.
			want := 0
			if written && c.has {
				want = 1
			}
			if withR.dicts != want {
				t.Errorf("%s %q written %v: %d dictionaries opened, want %d", c.field, c.text, written, withR.dicts, want)
			}
		}
	}
}
