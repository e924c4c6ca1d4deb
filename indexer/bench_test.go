package indexer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"strings"
	"syscall"
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
			l := benchLive(b, docs, nap)
			i := 0
			for b.Loop() {
				correct(b, l, docs, &i)
			}
		})
	}
}

// benchLive builds docs and opens the generation for writing, Bleve's
// persister napping nap, until b ends.
func benchLive(b *testing.B, docs []corpus.Document, nap time.Duration) *Live {
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
	b.Cleanup(func() { l.Close() })
	return l
}

// correct writes document *i of docs again with its title changed, one
// durable write, and moves *i on.
func correct(b *testing.B, l *Live, docs []corpus.Document, i *int) {
	d := docs[*i%len(docs)]
	d.Title = fmt.Sprintf("Corrected %d: %s", *i, d.Title)
	*i++
	out, err := l.Apply(context.Background(), []corpus.Action{{Line: 1, Doc: &d}}, WriteOptions{})
	if err != nil || out[0].Result != Replaced {
		b.Fatal(out, err)
	}
}

// BenchmarkApplyDeferred times single writes to a live collection of 400
// whose batches wait for a flush, as serve's do between refreshes: n
// writes, then the flush, a write's share of it reported (time and CPU).
// A write's cost should not grow with the writes that wait beside it.
func BenchmarkApplyDeferred(b *testing.B) {
	docs, _ := benchDocs(b, 400)
	for _, n := range []int{30, 300} {
		b.Run(fmt.Sprintf("writes=%d", n), func(b *testing.B) {
			l := benchLive(b, docs, time.Second)
			l.DeferBatches()
			i := 0
			cpu := cpuTime()
			for b.Loop() {
				for range n {
					correct(b, l, docs, &i)
				}
				if err := l.Flush(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/write")
			b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(b.N*n), "cpu-µs/write")
		})
	}
}

// BenchmarkSuggestionsVisible times what completion offers worked out from
// the state of a collection of 400,000 distinct words (Zipf-like counts)
// and 22,000 titles: what a live collection of about 100,000 documents
// does at most every half second while it is written. From every word, and
// from what it offered last after a write of ten documents of 200 words.
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
	b.Run("every word", func(b *testing.B) {
		for b.Loop() {
			s.visibleAll(now)
		}
	})
	b.Run("after a write", func(b *testing.B) {
		s.visible(now)
		var seq uint64
		for b.Loop() {
			d := &suggestDelta{}
			for range 10 {
				var words []suggestWord
				for range 200 {
					words = append(words, suggestWord{Key: fmt.Sprintf("w%06d", int(400000/float64(1+rng.Intn(400000))))})
				}
				d.words(words, 1)
			}
			seq++
			s.apply(d, seq, now)
			s.visible(now)
		}
	})
}

// BenchmarkTitlesOfABulkRequest times the titles of a bulk request of
// 1,000 new documents (dates drawn from a year) going into a full list of
// keptTitles, as completion's state applies the request: one after the
// other, each moving the list's tail, or at once.
func BenchmarkTitlesOfABulkRequest(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	entry := func(n int) titleEntry {
		return titleEntry{ID: fmt.Sprintf("d%07d", n), Date: fmt.Sprintf("2025-%02d-%02d", 1+rng.Intn(12), 1+rng.Intn(28)), Title: fmt.Sprint("title ", n)}
	}
	base := newSuggestState()
	for n := range keptTitles() {
		base.Titles = append(base.Titles, entry(n))
	}
	slices.SortFunc(base.Titles, compareTitles)
	var titles []titleEntry
	for n := range 1000 {
		titles = append(titles, entry(keptTitles()+n))
	}
	for _, at := range []bool{false, true} {
		b.Run(map[bool]string{false: "one by one", true: "at once"}[at], func(b *testing.B) {
			for b.Loop() {
				s := &suggestState{Titles: slices.Clone(base.Titles)}
				if at {
					s.insertTitles(slices.Clone(titles))
				} else {
					for _, t := range titles {
						s.insertTitle(t)
					}
				}
			}
		})
	}
}

// synthDocs makes n documents of about size bytes from the words of the
// default corpus (and lk-pmd's where PRESSEARCH_SHARED has it), drawn
// Zipf-like in each document's language, as pressbench does, under ids
// prefix and a number.
func synthDocs(b *testing.B, n, size int, prefix string, rng *rand.Rand) []corpus.Document {
	base, err := corpus.Default()
	if err != nil {
		b.Fatal(err)
	}
	if shared := os.Getenv("PRESSEARCH_SHARED"); shared != "" {
		if pmd, err := corpus.Load(filepath.Join(shared, "data", "lk-pmd", "press-releases.jsonl")); err == nil {
			base = append(base, pmd...)
		}
	}
	seen := map[string]map[string]bool{}
	vocab := map[string][]string{}
	for _, d := range base {
		if seen[d.Lang] == nil {
			seen[d.Lang] = map[string]bool{}
		}
		for _, w := range strings.Fields(d.Title + " " + d.Body) {
			if !seen[d.Lang][w] {
				seen[d.Lang][w] = true
				vocab[d.Lang] = append(vocab[d.Lang], w)
			}
		}
	}
	langs := make([]string, 0, len(vocab))
	for l := range vocab {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	docs := make([]corpus.Document, n)
	for i := range docs {
		lang := langs[rng.Intn(len(langs))]
		words := vocab[lang]
		target := size/2 + rng.Intn(size)
		var t strings.Builder
		for t.Len() < target {
			t.WriteString(words[int(float64(len(words))*rng.Float64()*rng.Float64()*rng.Float64())])
			t.WriteByte(' ')
		}
		fields := strings.Fields(t.String())
		docs[i] = corpus.Document{ID: fmt.Sprintf("%s%07d", prefix, i), Lang: lang, Title: strings.Join(fields[:min(6, len(fields))], " "),
			Body: t.String(), Date: fmt.Sprintf("2025-%02d-%02d", 1+rng.Intn(12), 1+rng.Intn(28)), Kind: corpus.KindPressRelease, Source: "Ministry A"}
	}
	return docs
}

// cpuTime is the CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkBulkUpsert compares the CPU a document takes in bulk writes of
// 1,000 new documents (NDJSON parsed, applied, durable) to a live
// collection of 20,000 with the CPU a document took to build those 20,000,
// as pressbench -writes does over HTTP; "settled" counts the merges that
// follow the writes until the index's files stop changing.
// BULK_CPUPROFILE=FILE profiles the writes and what follows them.
func BenchmarkBulkUpsert(b *testing.B) {
	const built, added, request = 20000, 10000, 1000
	rng := rand.New(rand.NewSource(1))
	docs := synthDocs(b, built, 2048, "d", rng)
	extra := synthDocs(b, added, 2048, "new-", rng)
	var bodies [][]byte
	for i := 0; i < len(extra); i += request {
		var body bytes.Buffer
		enc := json.NewEncoder(&body)
		for j := i; j < min(i+request, len(extra)); j++ {
			enc.Encode(&extra[j])
		}
		bodies = append(bodies, body.Bytes())
	}
	for b.Loop() {
		s, err := OpenStore(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		s.PaceWrites(500 * time.Millisecond) // as serve
		runtime.GC()
		cpu, start := cpuTime(), time.Now()
		sum, err := s.Build(context.Background(), docs, nil)
		if err != nil {
			b.Fatal(err)
		}
		buildCPU, buildTime := cpuTime()-cpu, time.Since(start)
		l, err := s.OpenLive(sum.Generation)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		if path := os.Getenv("BULK_CPUPROFILE"); path != "" {
			f, err := os.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				// Another profile runs (-test.cpuprofile): the file would
				// stay empty, and stopping ours would stop that one.
				b.Fatalf("BULK_CPUPROFILE: %v (not with -test.cpuprofile)", err)
			}
			defer f.Close()
			defer pprof.StopCPUProfile()
		}
		cpu, start = cpuTime(), time.Now()
		for _, body := range bodies {
			out, err := l.Apply(context.Background(), corpus.ParseBulk(body), WriteOptions{})
			if err != nil || len(out) != request || out[0].Result != Created {
				b.Fatal(len(out), err)
			}
		}
		bulkCPU, bulkTime := cpuTime()-cpu, time.Since(start)
		dir := s.Path(sum.Generation)
		last, since := dirBytes(dir), time.Now()
		for time.Since(since) < 3*time.Second {
			time.Sleep(100 * time.Millisecond) // merges say nothing when they end
			if n := dirBytes(dir); n != last {
				last, since = n, time.Now()
			}
		}
		settledCPU := cpuTime() - cpu
		pprof.StopCPUProfile()
		if err := l.Close(); err != nil {
			b.Fatal(err)
		}
		ms := func(d time.Duration, n int) float64 { return float64(d.Microseconds()) / 1e3 / float64(n) }
		b.ReportMetric(ms(buildCPU, built), "build-ms/doc")
		b.ReportMetric(ms(bulkCPU, added), "bulk-ms/doc")
		b.ReportMetric(ms(settledCPU, added), "settled-ms/doc")
		b.ReportMetric(buildCPU.Seconds()/buildTime.Seconds(), "build-cores")
		b.ReportMetric(bulkCPU.Seconds()/bulkTime.Seconds(), "bulk-cores")
		b.ReportMetric(float64(added)/bulkTime.Seconds()/(float64(built)/buildTime.Seconds()), "bulk/build")
	}
}

// dirBytes is the size of the files under dir.
func dirBytes(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}

// BenchmarkSuggestBulkRequests times what completion's state does for bulk
// requests of 1,000 new documents beyond what a build does: their words
// counted as prepareMany's workers count them (two of 500, then added up),
// five requests a loop; and five requests' counts applied to the state of
// 20,000 documents, then made visible (one making of the completions in a
// series of large writes, see search's waitLargeWrites).
func BenchmarkSuggestBulkRequests(b *testing.B) {
	const built, request, requests = 20000, 1000, 5
	rng := rand.New(rand.NewSource(1))
	docs := synthDocs(b, built+request*requests, 2048, "d", rng)
	sdocs := make([]suggestDoc, len(docs))
	for i := range docs {
		d := &docs[i]
		sdocs[i] = newSuggestDoc(defaults.For(d.Lang), d, d.Title, d.Body)
	}
	count := func(r int) *suggestDelta {
		docs := sdocs[built+r*request : built+(r+1)*request]
		sums := []*suggestDelta{{}, {}}
		for i, d := range docs {
			sums[i*2/len(docs)].words(d.words, 1)
		}
		sums[0].merge(sums[1])
		return sums[0]
	}
	b.Run("count", func(b *testing.B) {
		for b.Loop() {
			for r := range requests {
				count(r)
			}
		}
	})
	b.Run("apply and visible", func(b *testing.B) {
		now := time.Now()
		sb := newSuggestBuilder(now)
		for _, d := range sdocs[:built] {
			sb.add(d)
		}
		s := sb.state()
		s.visible(now)
		var deltas []*suggestDelta
		for r := range requests {
			deltas = append(deltas, count(r))
		}
		var seq uint64
		for b.Loop() {
			for _, d := range deltas {
				seq++
				s.apply(d, seq, now)
			}
			s.visible(now)
		}
	})
}
