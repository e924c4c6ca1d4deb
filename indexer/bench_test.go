package indexer

import (
	"context"
	"fmt"
	"math/rand"
	"path/filepath"
	"testing"
	"time"

	"pressearch/corpus"
)

// benchDocs is the default corpus repeated to at least n documents, with
// their text's size.
func benchDocs(b *testing.B, n int) ([]corpus.Document, int64) {
	base, err := corpus.Default()
	if err != nil {
		b.Fatal(err)
	}
	var docs []corpus.Document
	var size int64
	for i := 0; len(docs) < n; i++ {
		for _, d := range base {
			d.ID = d.ID + "-" + string(rune('a'+i%26)) + string(rune('a'+i/26))
			d.Related, d.TranslationOf = nil, ""
			docs = append(docs, d)
			size += int64(len(d.Title) + len(d.Body))
		}
	}
	return docs, size
}

// BenchmarkBuild times building an index of the default corpus, repeated to
// a batch of 400 documents.
func BenchmarkBuild(b *testing.B) {
	docs, size := benchDocs(b, 400)
	b.SetBytes(size)
	n := 0
	for b.Loop() {
		n++
		if _, err := BuildIndex(context.Background(), filepath.Join(b.TempDir(), "i"), docs, Config{}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApplyOne times one durable write of one document to a live
// collection of 400: a PUT's work below HTTP (validation, analysis, the
// log synced, the Bleve batch with its statistics), with Bleve persisting
// each write at once and, as serve has it, after a nap of a second.
func BenchmarkApplyOne(b *testing.B) {
	docs, _ := benchDocs(b, 400)
	for _, nap := range []time.Duration{0, time.Second} {
		b.Run(fmt.Sprintf("nap=%s", nap), func(b *testing.B) {
			s, err := OpenStore(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			s.PaceWrites(nap)
			sum, err := s.Build(context.Background(), docs, nil)
			if err != nil {
				b.Fatal(err)
			}
			l, err := s.OpenLive(sum.Generation)
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			i := 0
			for b.Loop() {
				d := docs[i%len(docs)]
				d.Title = fmt.Sprintf("Corrected %d: %s", i, d.Title)
				i++
				out, err := l.Apply(context.Background(), []corpus.Action{{Line: 1, Doc: &d}}, WriteOptions{})
				if err != nil || out[0].Result != Replaced {
					b.Fatal(out, err)
				}
			}
		})
	}
}

// BenchmarkSuggestionsVisible times what completion offers worked out from
// the state of a collection of 400,000 distinct words (Zipf-like counts)
// and 22,000 titles: what a live collection of about 100,000 documents
// does at most every half second while it is written.
func BenchmarkSuggestionsVisible(b *testing.B) {
	s := newSuggestState()
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 400000; i++ {
		s.DF[fmt.Sprintf("w%06d", i)] = 1 + int(100000/float64(1+rng.Intn(400000)))
	}
	for i := 0; i < keptTitles(); i++ {
		s.Titles = append(s.Titles, titleEntry{ID: fmt.Sprintf("d%06d", i), Date: "2025-01-01", Title: fmt.Sprintf("title %d", i)})
	}
	now := time.Now()
	for b.Loop() {
		s.visible(now)
	}
}
