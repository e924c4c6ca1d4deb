package search

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"pressearch/corpus"
	"pressearch/indexer"
)

// BenchmarkSearch times one search on the default corpus: bare (ranked ids
// only) and as a page needs it (facets, snippets, related documents).
func BenchmarkSearch(b *testing.B) {
	e := defaultEngine(b)
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		req  Request
	}{
		{"bare", Request{Query: "జపాన్ రష్యా", NoSnippets: true}},
		{"page", Request{Query: "జపాన్ రష్యా"}},
		{"english", Request{Query: "Japan Russia"}},
		{"misspelt", Request{Query: "Japn Rusia"}}, // with the spelling offered
		// Issue 13's expensive query: one word sixty times.
		{"repeated", Request{Query: strings.TrimSpace(strings.Repeat("se~2 ", 60))}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Search(ctx, bc.req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSearchWritten times a page's search on a live collection of the
// default corpus as writes leave it between two persists: 40 writes, most
// of them in a segment of their own (Bleve's persister napping, the
// "segments" reported), beside the collection as built; and, "refreshed",
// with a write and a refresh before each search (untimed), each search on
// a new snapshot as under steady writes.
func BenchmarkSearchWritten(b *testing.B) {
	docs, err := corpus.Default()
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		writes int
		// each: a write (the same document replaced) and a refresh
		// before each search, untimed: every search on a new snapshot,
		// as under steady writes.
		each bool
	}{{0, false}, {40, false}, {40, true}} {
		writes := bc.writes
		name := fmt.Sprintf("writes=%d", writes)
		if bc.each {
			name += "/refreshed"
		}
		b.Run(name, func(b *testing.B) {
			store, err := indexer.OpenStore(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			store.PaceWrites(time.Hour) // no persist, no merge: one segment a write
			w := openLive(b, store, docs)
			e := NewEngine()
			if _, err := e.SwapLive(w); err != nil {
				b.Fatal(err)
			}
			defer e.Close()
			for i := range writes {
				d := docs[i*7%len(docs)]
				d.Body += " corrected"
				if _, err := w.Apply(context.Background(), []corpus.Action{{Doc: &d}}, indexer.WriteOptions{}); err != nil {
					b.Fatal(err)
				}
				// Each write its own refresh, so its own segment: the
				// engine applies the writes waiting at a refresh together.
				if err := e.Refresh(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			segs := segmentsOf(b, w.Index())
			if writes > 0 && segs < 4 {
				b.Fatalf("%d segments after %d writes, want the writes' own", segs, writes)
			}
			req := Request{Query: "Japan Russia"}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if bc.each {
					b.StopTimer()
					d := docs[0]
					d.Body += fmt.Sprintf(" corrected %d times", i)
					if _, err := w.Apply(context.Background(), []corpus.Action{{Doc: &d}}, indexer.WriteOptions{}); err != nil {
						b.Fatal(err)
					}
					if err := e.Refresh(context.Background()); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				if _, err := e.Search(context.Background(), req); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(segs), "segments")
		})
	}
}

// segmentsOf counts the segments idx is searched over now.
func segmentsOf(b *testing.B, idx bleve.Index) int {
	adv, err := idx.Advanced()
	if err != nil {
		b.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		b.Fatalf("a %T, not a scorch snapshot", r)
	}
	return len(snap.Segments())
}

// BenchmarkSuggesterFromLast times the completions of a live collection
// made again from the last ones after a few writes: 20,000 words (one in
// a hundred new, as many gone) and 20,000 titles (ten new ones first, ten
// gone), what the engine does at most every suggestEvery under writes.
func BenchmarkSuggesterFromLast(b *testing.B) {
	langs := indexer.DefaultRegistry()
	state := func(first int) *indexer.Suggestions {
		s := &indexer.Suggestions{Words: map[string]int{}, Forms: map[string]string{}}
		for i := first; i < first+20000; i++ {
			s.Words[fmt.Sprintf("word%06d", i*7919%1000003)] = 1 + i%97
			s.Titles = append(s.Titles, fmt.Sprintf("Title of release %d", 1000000-i))
		}
		return s
	}
	last := newSuggester(state(10), langs)
	next := state(0)
	for b.Loop() {
		newSuggesterFrom(last, next, langs)
	}
}

// BenchmarkSuggesterAfterWrite times the completions of a live collection
// made again from the last ones after one write, as the engine does under
// writes at most every suggestEvery: a collection of 3,000 documents of
// 150 words (Zipf-like, from 100,000), whose completions offer 20,000 words
// and the titles; each write (made beforehand, with the indexer's part)
// replaces a document with one of 150 other words. Corrected: with the
// words by count that corrections ask for (see byCount).
func BenchmarkSuggesterAfterWrite(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	word := func() string {
		n := rng.Intn(1 + rng.Intn(100000))
		w := []byte{'q'}
		for ; n > 0; n /= 26 {
			w = append(w, byte('a'+n%26))
		}
		return string(w)
	}
	doc := func(i int) corpus.Document {
		words := make([]string, 150)
		for k := range words {
			words[k] = word()
		}
		return corpus.Document{ID: fmt.Sprintf("d%05d", i), Lang: "en", Date: "2025-01-01",
			Title: strings.Join(words[:6], " "), Body: strings.Join(words[6:], " ")}
	}
	docs := make([]corpus.Document, 3000)
	for i := range docs {
		docs[i] = doc(i)
	}
	store, err := indexer.OpenStore(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	w := openLive(b, store, docs)
	// The completions after each of 64 writes, and the suggesters made
	// of them.
	langs := indexer.DefaultRegistry()
	var srcs []*indexer.Suggestions
	var made []*suggester
	for range 64 {
		src, _, _ := w.SuggestionsAt()
		if len(src.Words) < 20000 {
			b.Fatalf("%d words offered, want 20,000", len(src.Words))
		}
		srcs, made = append(srcs, src), append(made, newSuggester(src, langs))
		d := doc(rng.Intn(len(docs)))
		if _, err := w.Apply(context.Background(), []corpus.Action{{Line: 1, Doc: &d}}, indexer.WriteOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	// corrected: corrections had asked the last suggester for the words
	// of their letter by count (all the words start with q), and ask the
	// new one again.
	for _, corrected := range []bool{false, true} {
		b.Run(fmt.Sprintf("corrected=%v", corrected), func(b *testing.B) {
			for _, sg := range made {
				sg.countMu.Lock()
				sg.counted = nil
				sg.countMu.Unlock()
				if corrected {
					sg.byCount('q')
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				k := 1 + i%(len(srcs)-1)
				sg := newSuggesterFrom(made[k-1], srcs[k], langs)
				if corrected && len(sg.byCount('q')) < 20000 {
					b.Fatal("fewer words by count than offered")
				}
			}
		})
	}
}
