package search

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"pressearch/corpus"
	"pressearch/indexer"
)

// rankCorpus is the default corpus and 400 documents drawn from a small
// vocabulary: many share scores (some bodies are equal), so ties matter.
func rankCorpus(t *testing.T) []corpus.Document {
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	words := []string{"security", "defence", "japan", "ministry", "cooperation", "tokyo", "trade", "summit",
		"రష్యా", "జపాన్", "భద్రత", "రక్షణ"}
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < 400; i++ {
		var b []string
		n := 3 + rng.Intn(12)
		if i%10 == 0 {
			n = 5 // equal bodies
		}
		for j := 0; j < n; j++ {
			if i%10 == 0 {
				b = append(b, words[j])
			} else {
				b = append(b, words[rng.Intn(len(words))])
			}
		}
		docs = append(docs, corpus.Document{ID: fmt.Sprintf("r%03d", i), Lang: []string{"en", "te"}[i%2],
			Kind: corpus.KindPressRelease, Title: fmt.Sprintf("Release %d", i), Body: strings.Join(b, " ")})
	}
	return docs
}

// Searches running while the index is swapped, and the old one closed
// (as serve does after a reindex), each read one index whole: none fails,
// and each counts the documents of one of the two.
func TestSwapWhileSearching(t *testing.T) {
	docs := rankCorpus(t)
	store, err := indexer.OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var gens []indexer.Generation
	for _, d := range [][]corpus.Document{docs, docs[:5]} {
		sum, err := store.BuildFrom(context.Background(), indexer.Slice(d), indexer.BuildOptions{AllowShrink: true})
		if err != nil {
			t.Fatal(err)
		}
		gens = append(gens, sum.Generation)
	}
	open := func(gen indexer.Generation) bleve.Index {
		idx, err := store.Open(gen)
		if err != nil {
			t.Fatal(err)
		}
		return idx
	}
	e := NewEngine()
	defer e.Close()
	if _, err := e.Swap(open(gens[0]), gens[0]); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	errs := make(chan error, 2)
	for w := 0; w < 2; w++ {
		go func() {
			for {
				select {
				case <-stop:
					errs <- nil
					return
				default:
				}
				res, err := e.Search(context.Background(), Request{Query: "security OR జపాన్ OR \"japan security\""})
				if err == nil && res.Total > uint64(len(docs)) {
					err = fmt.Errorf("%d matches of %d documents", res.Total, len(docs))
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := 1; i <= 40; i++ {
		gen := gens[i%2]
		old, err := e.Swap(open(gen), gen)
		if err != nil {
			t.Fatal(err)
		}
		if old != nil {
			old.Close()
		}
	}
	close(stop)
	for w := 0; w < 2; w++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// A page's hits carry their stored fields and snippets marked where the
// query matched, sorted by relevance or by date.
func TestPageHitsHaveFieldsAndSnippets(t *testing.T) {
	e := newTestEngine(t, []corpus.Document{
		{ID: "a", Lang: "en", Title: "Harbour opens", Body: "The new harbour opens in May.", Date: "2024-05-01",
			Source: "Ministry A", Kind: corpus.KindPressRelease, Related: []string{"b"}},
		{ID: "b", Lang: "te", Title: "ఓడరేవు", Body: "కొత్త ఓడరేవు harbour మేలో తెరుచుకుంటుంది.", Date: "2025-02-03",
			Source: "Ministry B", Kind: corpus.KindStatement},
	})
	for _, sort := range []string{"", "date"} {
		res, err := e.Search(context.Background(), Request{Query: "harbour", Sort: sort})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != 2 {
			t.Fatalf("sort %q: %d hits, want 2", sort, len(res.Hits))
		}
		for _, h := range res.Hits {
			want := map[string][3]string{"a": {"en", "2024-05-01", "Ministry A"}, "b": {"te", "2025-02-03", "Ministry B"}}[h.ID]
			if got := [3]string{h.Lang, h.Date, h.Source}; got != want || h.Title == "" {
				t.Errorf("sort %q, %s: lang, date, source %v, title %q; want %v", sort, h.ID, got, h.Title, want)
			}
			if len(h.Snippets) == 0 || !strings.Contains(h.Snippets[0], "<mark>harbour</mark>") {
				t.Errorf("sort %q, %s: snippets %q do not mark the match", sort, h.ID, h.Snippets)
			}
		}
		if a := res.Hits[0]; sort == "" && (a.ID != "a" || len(a.Related) != 1 || a.Related[0].Title != "ఓడరేవు") {
			t.Errorf("first hit %+v: want a, related to b by title", a)
		}
	}
}
