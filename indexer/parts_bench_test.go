package indexer

import (
	"cmp"
	"hash/fnv"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"
)

// BenchmarkBulkParts makes the segments of ten requests of 1,000 prepared
// documents (new), each request in two parts made one after the other, and
// merges the twenty parts into one segment as Bleve's merger would
// (merge). The parts: by a hash of the id, as Live makes a large write's
// (hashed); by analysis, the analyses largest first cut at half the text's
// bytes (analysis), which gives the parts mostly different fields; the
// same with one document of every analysis in every part (analysis-seeded),
// so that every part has every field; and one segment a request (one), as
// the build's batches. new reports the larger part's share of a request's
// time (balance: 1 when both cores would be busy alike, 2 when one does it
// all). One goroutine: the time is the CPU, beside the collector's.
func BenchmarkBulkParts(b *testing.B) {
	const requests, request = 10, 1000
	docs := synthDocs(b, requests*request, 2048, "p", rand.New(rand.NewSource(1)))
	m, text := NewMapping(), textFields(defaults)
	preps := make([]prepared, len(docs))
	for i := range docs {
		if preps[i] = prepare(m, defaults, text, &docs[i], true); preps[i].err != nil {
			b.Fatal(preps[i].err)
		}
		// As Bleve's Batch gives it to zap.
		preps[i].doc.AddIDField()
		preps[i].doc.Fields[len(preps[i].doc.Fields)-1].Analyze()
	}
	hashed := func(from int) []int {
		part := make([]int, request)
		for i := range part {
			h := fnv.New32a()
			h.Write([]byte(docs[from+i].ID))
			part[i] = int(h.Sum32() % 2)
		}
		return part
	}
	byAnalysis := func(seeded bool) func(int) []int {
		return func(from int) []int {
			key := func(i int) int { return defaults.Index(preps[from+i].lang) }
			size := func(i int) int { return len(docs[from+i].Title) + len(docs[from+i].Body) }
			bytes := map[int]int{}
			total := 0
			order := make([]int, request)
			for i := range order {
				order[i] = i
				bytes[key(i)] += size(i)
				total += size(i)
			}
			slices.SortStableFunc(order, func(x, y int) int {
				return cmp.Or(cmp.Compare(bytes[key(y)], bytes[key(x)]), cmp.Compare(key(x), key(y)))
			})
			part := make([]int, request)
			acc := 0
			for _, i := range order {
				part[i] = min(1, (2*acc+size(i))/total)
				acc += size(i)
			}
			if seeded {
				for k := range bytes {
					for p := range 2 {
						var in []int
						for _, i := range order {
							if key(i) == k && part[i] != p {
								in = append(in, i)
							}
						}
						has := slices.ContainsFunc(order, func(i int) bool { return key(i) == k && part[i] == p })
						if !has && len(in) > 1 {
							part[in[0]] = p
						}
					}
				}
			}
			return part
		}
	}
	one := func(from int) []int { return make([]int, request) }
	plugin := &zap.ZapPlugin{}
	// segments makes the parts' segments of every request, and the time
	// of the larger part of each and of both.
	segments := func(b *testing.B, split func(int) []int) (segs []segment.Segment, larger, all time.Duration) {
		for r := range requests {
			from := r * request
			part := split(from)
			var parts [2][]index.Document
			for i, p := range part {
				parts[p] = append(parts[p], preps[from+i].doc)
			}
			var took [2]time.Duration
			for p, ds := range parts {
				if len(ds) == 0 {
					continue
				}
				start := time.Now()
				seg, _, err := plugin.New(ds)
				if err != nil {
					b.Fatal(err)
				}
				took[p] = time.Since(start)
				segs = append(segs, seg)
			}
			larger += max(took[0], took[1])
			all += took[0] + took[1]
		}
		return segs, larger, all
	}
	for _, v := range []struct {
		name  string
		split func(int) []int
	}{{"hashed", hashed}, {"analysis", byAnalysis(false)}, {"analysis-seeded", byAnalysis(true)}, {"one", one}} {
		b.Run("new/"+v.name, func(b *testing.B) {
			var larger, all time.Duration
			for b.Loop() {
				_, l, a := segments(b, v.split)
				larger, all = larger+l, all+a
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1e3/float64(b.N*requests*request), "ms/doc")
			b.ReportMetric(2*larger.Seconds()/all.Seconds(), "balance")
		})
		b.Run("merge/"+v.name, func(b *testing.B) {
			segs, _, _ := segments(b, v.split)
			path := filepath.Join(b.TempDir(), "merged.zap")
			for b.Loop() {
				if _, _, err := plugin.Merge(segs, make([]*roaring.Bitmap, len(segs)), path, nil, nil); err != nil {
					b.Fatal(err)
				}
				if err := os.Remove(path); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1e3/float64(b.N*requests*request), "ms/doc")
		})
	}
}
