// Command pressbench measures pressearch against plain Bleve on the same
// synthetic corpus, in the same run: index build rate, index size, and
// query latency and throughput.
//
//	go run ./cmd/pressbench [-docs 10000] [-size 2048] [-queries 2000] [-shared ../shared] [-seed 1]
//
// The corpus is synthesized from real text: the default corpus, the lk-pmd
// press releases under -shared when present, and the Debian hunspell-te
// word list when installed; each document draws its words from one
// language's vocabulary, with lengths spread around -size bytes.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"

	"pressearch/corpus"
	"pressearch/indexer"
	"pressearch/search"
	"pressearch/web"
)

func main() {
	n := flag.Int("docs", 10000, "documents to synthesize")
	size := flag.Int("size", 2048, "mean document size in bytes")
	nq := flag.Int("queries", 2000, "queries to run against each index")
	shared := flag.String("shared", "../shared", "the shared folder, for lk-pmd")
	seed := flag.Int64("seed", 1, "random seed")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pressbench:", err)
			os.Exit(1)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "pressbench:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(*n, *size, *nq, *shared, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "pressbench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

// vocabularies are words by language, from real text.
func vocabularies(shared string) (map[string][]string, error) {
	words := map[string]map[string]bool{}
	add := func(lang, text string) {
		if words[lang] == nil {
			words[lang] = map[string]bool{}
		}
		for _, w := range strings.Fields(text) {
			w = strings.Trim(w, `.,;:!?"“”‘’()[]`)
			if w != "" {
				words[lang][w] = true
			}
		}
	}
	docs, err := corpus.Default()
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		add(d.Lang, d.Title+" "+d.Body)
	}
	if pmd, err := corpus.Load(filepath.Join(shared, "data", "lk-pmd", "press-releases.jsonl")); err == nil {
		for _, d := range pmd {
			add(d.Lang, d.Title+" "+d.Body)
		}
	}
	if raw, err := os.ReadFile("/usr/share/hunspell/te_IN.dic"); err == nil {
		lines := strings.Split(string(raw), "\n")
		add("te", strings.Join(lines[1:], " "))
	}
	out := map[string][]string{}
	for lang, set := range words {
		for w := range set {
			out[lang] = append(out[lang], w)
		}
		sort.Strings(out[lang])
	}
	return out, nil
}

func synthesize(vocab map[string][]string, n, size int, rng *rand.Rand) ([]corpus.Document, int64) {
	langs := make([]string, 0, len(vocab))
	for l := range vocab {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	docs := make([]corpus.Document, n)
	var bytes int64
	for i := range docs {
		lang := langs[rng.Intn(len(langs))]
		words := vocab[lang]
		target := size/2 + rng.Intn(size)
		var b strings.Builder
		for b.Len() < target {
			// Zipf-like: common words often, rare words sometimes.
			b.WriteString(words[int(float64(len(words))*rng.Float64()*rng.Float64()*rng.Float64())])
			b.WriteByte(' ')
		}
		fields := strings.Fields(b.String())
		title := strings.Join(fields[:min(6, len(fields))], " ")
		docs[i] = corpus.Document{ID: fmt.Sprintf("d%07d", i), Lang: lang, Title: title, Body: b.String(),
			Date: fmt.Sprintf("2025-%02d-%02d", 1+rng.Intn(12), 1+rng.Intn(28)), Kind: corpus.KindPressRelease,
			Source: []string{"Ministry A", "Ministry B", "Agency C"}[rng.Intn(3)]}
		bytes += int64(len(title) + len(docs[i].Body))
	}
	return docs, bytes
}

// syntax blanks out the characters of the query language.
var syntax = strings.NewReplacer("(", " ", ")", " ", `"`, " ", "*", " ", "~", " ", ":", " ", "+", " ", "-", " ")

func dirSize(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}

type result struct {
	name          string
	build         time.Duration
	bytes         int64
	p50, p95, p99 time.Duration
	qps           float64
	heap          uint64
}

func percentile(d []time.Duration, p float64) time.Duration {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[int(float64(len(d)-1)*p)]
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func measure(name string, build func() error, dir string, query func(q string) error, queries []string) (result, error) {
	r := result{name: name}
	start := time.Now()
	if err := build(); err != nil {
		return r, err
	}
	r.build = time.Since(start)
	r.bytes = dirSize(dir)
	lat := make([]time.Duration, 0, len(queries))
	qstart := time.Now()
	for _, q := range queries {
		t := time.Now()
		if err := query(q); err != nil {
			return r, err
		}
		lat = append(lat, time.Since(t))
	}
	r.qps = float64(len(queries)) / time.Since(qstart).Seconds()
	r.p50, r.p95, r.p99 = percentile(lat, .5), percentile(lat, .95), percentile(lat, .99)
	r.heap = heapInUse()
	return r, nil
}

func run(n, size, nq int, shared string, seed int64) error {
	rng := rand.New(rand.NewSource(seed))
	vocab, err := vocabularies(shared)
	if err != nil {
		return err
	}
	docs, raw := synthesize(vocab, n, size, rng)
	// Two-word OR queries from the vocabulary of a random language.
	var queries []string
	langs := make([]string, 0, len(vocab))
	for l := range vocab {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for i := 0; i < nq; i++ {
		w := vocab[langs[rng.Intn(len(langs))]]
		a := w[int(float64(len(w))*rng.Float64()*rng.Float64())]
		b := w[int(float64(len(w))*rng.Float64()*rng.Float64())]
		// Plain words: no query syntax, so that the API reads them as the
		// engine does.
		queries = append(queries, syntax.Replace(a+" "+b))
	}
	tmp, err := os.MkdirTemp("", "pressbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	ctx := context.Background()
	fmt.Printf("%d documents, %.1f MB of text, %d two-word queries, %d cores, %s\n\n",
		n, float64(raw)/1e6, nq, runtime.NumCPU(), time.Now().Format("2006-01-02"))

	// Plain Bleve: the default mapping (dynamic, standard analyzer, stored
	// fields), title and body, a match query.
	var plain bleve.Index
	bdir := filepath.Join(tmp, "bleve")
	plainRes, err := measure("plain Bleve", func() error {
		idx, err := bleve.New(bdir, bleve.NewIndexMapping())
		if err != nil {
			return err
		}
		plain = idx
		b := idx.NewBatch()
		for _, d := range docs {
			b.Index(d.ID, map[string]string{"title": d.Title, "body": d.Body})
			if b.Size() >= 1000 {
				if err := idx.Batch(b); err != nil {
					return err
				}
				b.Reset()
			}
		}
		return idx.Batch(b)
	}, bdir, func(q string) error {
		_, err := plain.Search(bleve.NewSearchRequest(bleve.NewMatchQuery(q)))
		return err
	}, queries)
	if err != nil {
		return err
	}
	plain.Close()

	var engine *search.Engine
	pdir := filepath.Join(tmp, "pressearch")
	bare, err := measure("pressearch", func() error {
		if _, err := indexer.BuildIndex(ctx, pdir, docs, indexer.Config{}, nil); err != nil {
			return err
		}
		idx, err := indexer.OpenIndex(pdir)
		if err != nil {
			return err
		}
		engine = search.NewEngine()
		engine.Swap(idx, "bench")
		return nil
	}, pdir, func(q string) error {
		_, err := engine.Search(ctx, search.Request{Query: q, Plain: true, NoSnippets: true})
		return err
	}, queries)
	if err != nil {
		return err
	}
	full, err := measure("pressearch, facets and snippets", func() error { return nil }, pdir, func(q string) error {
		_, err := engine.Search(ctx, search.Request{Query: q, Plain: true})
		return err
	}, queries)
	if err != nil {
		return err
	}
	full.build, full.bytes = bare.build, bare.bytes

	fmt.Printf("%-32s %10s %8s %10s %9s %9s %9s %9s %9s\n", "", "docs/s", "MB/s", "bytes/doc", "p50", "p95", "p99", "q/s", "heap MB")
	for _, r := range []result{plainRes, bare, full} {
		fmt.Printf("%-32s %10.0f %8.2f %10.0f %9s %9s %9s %9.0f %9.0f\n", r.name,
			float64(n)/r.build.Seconds(), float64(raw)/1e6/r.build.Seconds(), float64(r.bytes)/float64(n),
			r.p50.Round(time.Microsecond), r.p95.Round(time.Microsecond), r.p99.Round(time.Microsecond), r.qps, float64(r.heap)/1e6)
	}
	fmt.Printf("\nratios, pressearch / plain Bleve: build rate %.2f, index size %.2f, bare query p50 %.2f p99 %.2f\n",
		plainRes.build.Seconds()/bare.build.Seconds(), float64(bare.bytes)/float64(plainRes.bytes),
		float64(bare.p50)/float64(plainRes.p50), float64(bare.p99)/float64(plainRes.p99))
	fmt.Printf("index size / raw text: pressearch %.2f, plain Bleve %.2f\n", float64(bare.bytes)/float64(raw), float64(plainRes.bytes)/float64(raw))

	// The JSON API over HTTP on 127.0.0.1, 8 connections.
	srv, err := web.New(engine, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	ts := httptest.NewServer(srv)
	httpQPS, httpP99, slow, err := loadHTTP(ts.URL, queries, 8)
	ts.Close()
	engine.Close()
	if err != nil {
		return err
	}
	fmt.Printf("/api/v1/search over HTTP, 8 connections: %.0f queries/s, p99 %s, %d answered 503 (the search deadline)\n",
		httpQPS, httpP99.Round(time.Microsecond), slow)
	return nil
}

// loadHTTP sends every query to /api/v1/search from conns clients at once
// and returns the throughput, the 99th percentile latency and how many
// searches ran out of time (503); any other failure is an error.
func loadHTTP(base string, queries []string, conns int) (float64, time.Duration, int, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns}, Timeout: 30 * time.Second}
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr error
	slow := 0
	next := make(chan string)
	var wg sync.WaitGroup
	start := time.Now()
	for c := 0; c < conns; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for q := range next {
				t := time.Now()
				resp, err := client.Get(base + "/api/v1/search?q=" + url.QueryEscape(q))
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode == http.StatusServiceUnavailable {
						mu.Lock()
						slow++
						mu.Unlock()
					} else if resp.StatusCode != 200 {
						err = fmt.Errorf("status %d for %q", resp.StatusCode, q)
					}
				}
				mu.Lock()
				lat = append(lat, time.Since(t))
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	for _, q := range queries {
		next <- q
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return 0, 0, 0, firstErr
	}
	return float64(len(queries)) / time.Since(start).Seconds(), percentile(lat, .99), slow, nil
}
