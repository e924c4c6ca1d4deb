package indexer

import (
	"context"
	"path/filepath"
	"testing"

	"pressearch/corpus"
)

// BenchmarkBuild times building an index of the default corpus, repeated to
// a batch of 400 documents.
func BenchmarkBuild(b *testing.B) {
	base, err := corpus.Default()
	if err != nil {
		b.Fatal(err)
	}
	var docs []corpus.Document
	var size int64
	for i := 0; len(docs) < 400; i++ {
		for _, d := range base {
			d.ID = d.ID + "-" + string(rune('a'+i%26)) + string(rune('a'+i/26))
			d.Related, d.TranslationOf = nil, ""
			docs = append(docs, d)
			size += int64(len(d.Title) + len(d.Body))
		}
	}
	b.SetBytes(size)
	n := 0
	for b.Loop() {
		n++
		if _, err := BuildIndex(context.Background(), filepath.Join(b.TempDir(), "i"), docs, Config{}, nil); err != nil {
			b.Fatal(err)
		}
	}
}
