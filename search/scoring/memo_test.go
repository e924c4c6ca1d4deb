package scoring

import (
	"context"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

type countingAnalyzer struct{ calls int }

func (a *countingAnalyzer) Analyze(text []byte) analysis.TokenStream {
	a.calls++
	return analysis.TokenStream{{Term: text, Position: 1}}
}

func (a *countingAnalyzer) Type() string { return "counting" }

// One search analyzes a text once per analyzer, however many fields ask;
// without a memo every call analyzes.
func TestAnalysisMemo(t *testing.T) {
	a := &countingAnalyzer{}
	ctx := WithAnalysisMemo(context.Background())
	for range 3 {
		if toks := analyze(ctx, "x", a, "word"); len(toks) != 1 || string(toks[0].Term) != "word" {
			t.Fatalf("tokens %v", toks)
		}
	}
	analyze(ctx, "y", a, "word")  // another analyzer
	analyze(ctx, "x", a, "other") // another text
	if a.calls != 3 {
		t.Errorf("%d analyses, want 3 (one per analyzer and text)", a.calls)
	}
	analyze(context.Background(), "x", a, "word")
	if a.calls != 4 {
		t.Errorf("without a memo: %d analyses, want 4", a.calls)
	}
}

// countingReader counts the term readers a search opens.
type countingReader struct {
	index.IndexReader
	readers int
}

func (r *countingReader) TermFieldReader(ctx context.Context, term []byte, field string, freq, norm, vectors bool) (index.TermFieldReader, error) {
	r.readers++
	return r.IndexReader.TermFieldReader(ctx, term, field, freq, norm, vectors)
}

// A text's rarity over a set of fields is read from the index once a
// search, and is what reading it again would give.
func TestRarityMemo(t *testing.T) {
	ti := newTestIndex(t)
	m := ti.idx.Mapping()
	from := []string{"title_en", "body_en", "lead_en"}
	r := &countingReader{IndexReader: ti.r}
	want, err := rarity(ti.ctx, r, m, from, "security")
	if err != nil || want <= 0 {
		t.Fatalf("rarity %g, %v", want, err)
	}
	plain := r.readers
	ctx := WithAnalysisMemo(ti.ctx)
	for range 3 {
		got, err := rarity(ctx, r, m, from, "security")
		if err != nil || got != want {
			t.Fatalf("memo: %g, %v; want %g", got, err, want)
		}
	}
	if n := r.readers - plain; n != plain {
		t.Errorf("three asks read %d term readers, want %d (those of one)", n, plain)
	}
	// Other fields, or another text, are their own.
	if other, _ := rarity(ctx, r, m, from[:1], "security"); other == want {
		t.Errorf("the title alone gives the same idf as title, body and lead: %g", other)
	}
	if other, _ := rarity(ctx, r, m, from, "tokyo"); other == want {
		t.Errorf("another word gives the same idf: %g", other)
	}
}

// A pair of the rescoring whose word the search's own clauses found in no
// document of the field opens no term reader, and finds what it would
// find without the memo.
func TestPairOfAbsentWordOpensNoReader(t *testing.T) {
	ti := newTestIndex(t)
	m := ti.idx.Mapping()
	for _, c := range []struct {
		field, text string
		absent      bool
	}{
		{"body_en", "japan security", false},
		{"body_en", "japan nosuchword", true},
		{"body_en", "nosuchword japan", true},
		{"title_en", "japan security", true}, // the titles are "Release n"
	} {
		r := &countingReader{IndexReader: ti.r}
		ctx := WithAnalysisMemo(ti.ctx)
		ws, err := words(c.text).Searcher(ctx, r, m, bsearch.SearcherOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ws.Close()
		before := r.readers
		p := &Pair{Field: c.field, Text: c.text}
		s, err := p.Searcher(ctx, r, m, bsearch.SearcherOptions{})
		if err != nil {
			t.Fatal(err)
		}
		opened := r.readers - before
		got := empty(s)
		s.Close()
		// Without the memo, the same answer.
		s, err = p.Searcher(ti.ctx, ti.r, m, bsearch.SearcherOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := s.Count() == 0
		s.Close()
		if got != want || got != c.absent {
			t.Errorf("%s %q: finds nothing %v, without the memo %v, want %v", c.field, c.text, got, want, c.absent)
		}
		if c.absent && opened != 0 {
			t.Errorf("%s %q: %d term readers opened for a pair of a word in no document of the field", c.field, c.text, opened)
		}
		if !c.absent && opened != 2 {
			t.Errorf("%s %q: %d term readers opened, want 2", c.field, c.text, opened)
		}
	}
}
