package indexer

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"

	"pressearch/corpus"
)

// BenchmarkWritesRefreshed writes 50 single documents a second for 30 s to a
// live collection of 20,000 synthetic documents whose writes are deferred
// and flushed every 600 ms, as serve's searches refresh them (one segment a
// refresh), and reports what Bleve's merges did meanwhile: the documents
// of the segments they wrote, a write (those in memory as the persister
// writes several refreshes' segments as one among them); the merges of
// files; and the segments a search would visit (sampled every 50 ms). The
// writes are pressbench's under searches: 300 new documents, then the same
// again (each replacing itself); WRITES_NEW=1 writes a new document each
// time instead. WRITES_MERGE_PLANS is a JSON list of Bleve's
// merge plan options to compare (null: its defaults); WRITES_BASE a folder
// that keeps the built collection between runs; -test.v with
// WRITES_TRACE=1 logs the segments (live/full documents) as they change.
func BenchmarkWritesRefreshed(b *testing.B) {
	const built, reused, rate, refresh, span = 20000, 300, 50, 600 * time.Millisecond, 30 * time.Second
	rng := rand.New(rand.NewSource(1))
	docs := synthDocs(b, built, 2048, "d", rng)
	fresh := os.Getenv("WRITES_NEW") != ""
	extra := synthDocs(b, reused, 2048, "new-", rng)
	if fresh {
		extra = synthDocs(b, int(span/time.Second)*rate*2, 2048, "new-", rng)
	}
	plans := []map[string]any{nil}
	if v := os.Getenv("WRITES_MERGE_PLANS"); v != "" {
		plans = nil
		if err := json.Unmarshal([]byte(v), &plans); err != nil {
			b.Fatal("WRITES_MERGE_PLANS:", err)
		}
	}
	base := os.Getenv("WRITES_BASE")
	if base == "" {
		base = b.TempDir()
	}
	s, err := OpenStore(base)
	if err != nil {
		b.Fatal(err)
	}
	gen, err := s.Current()
	if err != nil {
		sum, err := s.Build(context.Background(), docs, nil)
		if err != nil {
			b.Fatal(err)
		}
		gen = sum.Generation
	}
	trace := os.Getenv("WRITES_TRACE") != ""
	for _, plan := range plans {
		name, _ := json.Marshal(plan)
		b.Run(string(name), func(b *testing.B) {
			mergePlan = plan
			defer func() { mergePlan = nil }()
			for b.Loop() {
				dir := filepath.Join(b.TempDir(), "store")
				if err := os.CopyFS(dir, os.DirFS(base)); err != nil {
					b.Fatal(err)
				}
				s, err := OpenStore(dir)
				if err != nil {
					b.Fatal(err)
				}
				s.PaceWrites(500 * time.Millisecond) // as serve
				l, err := s.OpenLive(gen)
				if err != nil {
					b.Fatal(err)
				}
				l.DeferBatches()
				stat := func(name string) uint64 {
					n, _ := l.idx.StatsMap()["index"].(map[string]interface{})[name].(uint64)
					return n
				}
				merges := stat("TotFileMergePlanTasksDone")
				stop := make(chan struct{})
				var wg sync.WaitGroup
				var samples, segs, most int
				var merged int64 // documents of the segments merges wrote
				wg.Go(func() {
					flush := time.NewTicker(refresh)
					sample := time.NewTicker(50 * time.Millisecond)
					defer flush.Stop()
					defer sample.Stop()
					last, err := segmentsNow(l)
					if err != nil {
						b.Error(err)
						return
					}
					flushed := map[uint64]bool{} // the refreshes' own segments
					lastTrace := ""
					for {
						select {
						case <-stop:
							return
						case <-flush.C:
							if err := l.Flush(); err != nil {
								b.Error(err)
								return
							}
							now, err := segmentsNow(l)
							if err != nil {
								b.Error(err)
								return
							}
							for id := range now {
								if last[id] == nil {
									flushed[id] = true
								}
							}
						case <-sample.C:
							now, err := segmentsNow(l)
							if err != nil {
								b.Error(err)
								return
							}
							for id, s := range now {
								if last[id] == nil && !flushed[id] {
									merged += s.FullSize()
								}
							}
							last = now
							samples++
							segs += len(now)
							most = max(most, len(now))
							if trace {
								if t := segmentSizes(now); t != lastTrace {
									b.Logf("%s %s", time.Now().Format("05.000"), t)
									lastTrace = t
								}
							}
						}
					}
				})
				cpu := cpuTime()
				tick := time.NewTicker(time.Second / rate)
				n := 0
				for end := time.Now().Add(span); time.Now().Before(end); n++ {
					<-tick.C
					d := extra[n%len(extra)]
					want := Created
					if n >= len(extra) {
						want = Replaced
					}
					out, err := l.Apply(context.Background(), []corpus.Action{{Line: 1, Doc: &d}}, WriteOptions{})
					if err != nil || out[0].Result != want {
						b.Fatal(out, err)
					}
				}
				tick.Stop()
				close(stop)
				wg.Wait()
				cpu = cpuTime() - cpu
				if fresh && n > len(extra) {
					b.Fatalf("%d writes of %d new documents", n, len(extra))
				}
				b.ReportMetric(float64(cpu.Microseconds())/1e3/float64(n), "cpu-ms/write")
				b.ReportMetric(float64(merged)/float64(n), "merged-docs/write")
				b.ReportMetric(float64(stat("TotFileMergePlanTasksDone")-merges), "merges")
				b.ReportMetric(float64(segs)/float64(max(samples, 1)), "segments-avg")
				b.ReportMetric(float64(most), "segments-max")
				if err := l.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// segmentsNow is the segments l's index is searched over now, by id.
func segmentsNow(l *Live) (map[uint64]*scorch.SegmentSnapshot, error) {
	adv, err := l.idx.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("a %T, not a scorch snapshot", r)
	}
	out := map[uint64]*scorch.SegmentSnapshot{}
	for _, s := range snap.Segments() {
		out[s.Id()] = s
	}
	return out, nil
}

// segmentSizes lists segs' live/full documents, largest first.
func segmentSizes(segs map[uint64]*scorch.SegmentSnapshot) string {
	list := slices.SortedFunc(maps.Values(segs), func(a, b *scorch.SegmentSnapshot) int {
		return cmp.Or(cmp.Compare(b.FullSize(), a.FullSize()), cmp.Compare(a.Id(), b.Id()))
	})
	var out []string
	for _, s := range list {
		out = append(out, fmt.Sprintf("%d/%d", s.LiveSize(), s.FullSize()))
	}
	return strings.Join(out, " ")
}
