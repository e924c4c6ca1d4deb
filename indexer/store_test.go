package indexer

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"pressearch/corpus"
)

func TestMappingValidates(t *testing.T) {
	if err := NewMapping().Validate(); err != nil {
		t.Fatalf("mapping does not validate: %v", err)
	}
}

func testDocs(n int, word string) []corpus.Document {
	docs := make([]corpus.Document, n)
	for i := range docs {
		docs[i] = corpus.Document{ID: "doc-" + string(rune('a'+i)), Title: "title " + word,
			Body: "body " + word, Kind: corpus.KindPressRelease, Date: "2025-01-31"}
	}
	return docs
}

func docCount(t *testing.T, s *Store, gen Generation) uint64 {
	t.Helper()
	idx, err := s.Open(gen)
	if err != nil {
		t.Fatalf("open %s: %v", gen, err)
	}
	defer idx.Close()
	n, err := idx.DocCount()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestStoreBuildSwitchesAndPrunes(t *testing.T) {
	s, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Current(); err != ErrNoGeneration {
		t.Fatalf("empty store: got %v, want ErrNoGeneration", err)
	}
	var gens []Generation
	for i := 1; i <= 4; i++ {
		sum, err := s.Build(context.Background(), testDocs(i, "alpha"), nil)
		if err != nil {
			t.Fatalf("build %d: %v", i, err)
		}
		if sum.Documents != i || sum.Languages["en"] != i {
			t.Errorf("build %d summary: %+v", i, sum)
		}
		cur, err := s.Current()
		if err != nil || cur != sum.Generation {
			t.Fatalf("current after build %d: %v, %v; want %v", i, cur, err, sum.Generation)
		}
		if n := docCount(t, s, cur); n != uint64(i) {
			t.Errorf("generation %s has %d documents, want %d", cur, n, i)
		}
		gens = append(gens, cur)
	}
	all, err := s.Generations()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(all, gens[1:]) {
		t.Errorf("generations after four builds: %v, want the last %d of %v", all, DefaultKeep, gens)
	}
}

func TestStoreFailedBuildLeavesCurrent(t *testing.T) {
	s, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sum, err := s.Build(context.Background(), testDocs(2, "alpha"), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Build(ctx, testDocs(5, "beta"), nil); err == nil {
		t.Fatal("a cancelled build succeeded")
	}
	if cur, _ := s.Current(); cur != sum.Generation {
		t.Errorf("current after a failed build: %s, want %s", cur, sum.Generation)
	}
	if n := docCount(t, s, sum.Generation); n != 2 {
		t.Errorf("live generation has %d documents, want 2", n)
	}
	entries, _ := os.ReadDir(s.Dir())
	for _, e := range entries {
		if filepath.Ext(e.Name()) == partialSuffix {
			t.Errorf("failed build left %s behind", e.Name())
		}
	}
}

func TestStoreRemovesPartialBuildOfADeadRun(t *testing.T) {
	s, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	dead := filepath.Join(s.Dir(), "gen-000009"+partialSuffix)
	if err := os.MkdirAll(filepath.Join(dead, "store"), 0o755); err != nil {
		t.Fatal(err)
	}
	sum, err := s.Build(context.Background(), testDocs(1, "alpha"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("partial build of a dead run still there: %v", err)
	}
	if sum.Generation.String() != "gen-000010" {
		t.Errorf("generation %s, want gen-000010 (numbers never reused)", sum.Generation)
	}
}

func TestBM25StatsGiveTrueAverageLength(t *testing.T) {
	s, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	docs := []corpus.Document{
		{ID: "short", Lang: "en", Title: "t", Body: "alpha beta", Kind: "article"},
		{ID: "long", Lang: "en", Title: "t", Body: "alpha alpha alpha alpha beta beta gamma gamma delta delta", Kind: "article"},
	}
	sum, err := s.Build(context.Background(), docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := s.Open(sum.Generation)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	stats, err := ReadStats(idx, nil)
	if err != nil || stats == nil {
		t.Fatalf("stats: %v, %v", stats, err)
	}
	// 12 tokens over 2 documents: an average of 6, where Bleve's own
	// estimate (4 distinct terms / 2 documents) would say 2.
	if got := float64(stats.Global.FieldCardinality[BodyField("en")]) / stats.Global.DocCount; got != 6 {
		t.Errorf("average body length %v, want 6", got)
	}
	body := stats.PerField[BodyField("en")]
	if body == nil || body.DocCount != 2 || float64(body.FieldCardinality[BodyField("en")])/body.DocCount != 6 {
		t.Errorf("body_en statistics %+v, want 2 documents averaging 6 tokens", body)
	}
	var _ bleve.Index = idx
}

func TestStoreRefusesDamagedGeneration(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, dir string) string // returns the file it damaged
	}{
		{"truncated file", func(t *testing.T, dir string) string {
			f := largestFile(t, dir)
			if err := os.Truncate(f, 10); err != nil {
				t.Fatal(err)
			}
			return f
		}},
		{"deleted file", func(t *testing.T, dir string) string {
			f := largestFile(t, dir)
			if err := os.Remove(f); err != nil {
				t.Fatal(err)
			}
			return f
		}},
		{"deleted manifest", func(t *testing.T, dir string) string {
			f := filepath.Join(dir, manifestFile)
			if err := os.Remove(f); err != nil {
				t.Fatal(err)
			}
			return "manifest"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := OpenStore(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			sum, err := s.Build(context.Background(), testDocs(3, "alpha"), nil)
			if err != nil {
				t.Fatal(err)
			}
			damaged := tt.damage(t, s.Path(sum.Generation))
			_, err = s.Open(sum.Generation)
			if err == nil {
				t.Fatal("a damaged generation opened")
			}
			if !strings.Contains(err.Error(), "damaged") || !strings.Contains(err.Error(), filepath.Base(damaged)) && damaged != "manifest" {
				t.Errorf("error %q does not say what is damaged (%s)", err, damaged)
			}
		})
	}
}

func largestFile(t *testing.T, dir string) string {
	t.Helper()
	var best string
	var size int64 = -1
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() != manifestFile {
			if info, err := d.Info(); err == nil && info.Size() > size {
				best, size = path, info.Size()
			}
		}
		return nil
	})
	return best
}
