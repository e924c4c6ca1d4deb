// Command pressbench measures pressearch against plain Bleve on the same
// synthetic corpus, in the same run: index build rate, index size, and
// query latency and throughput.
//
//	go run ./cmd/pressbench [-docs 10000] [-size 2048] [-queries 2000] [-mix uniform|common] [-serve] [-conns 8] [-dump DIR] [-shared ../shared] [-seed 1]
//	go run ./cmd/pressbench -writes [-docs 100000] [-bulk 1000] [-bulk-docs 10000] [-puts 300] [-write-rate 50] [-replace 10] [-build both|files|memory]
//	go run ./cmd/pressbench -hostile [-hostile-query Q] [-copies 16] [-rounds 3] [-ordinary 2] [-max-searches N] [-queries 2000] [-shared ../shared]
//
// The corpus is synthesized from real text: the default corpus, the lk-pmd
// press releases under -shared when present, and the Debian hunspell-te
// word list when installed; each document draws its words from one
// language's vocabulary, with lengths spread around -size bytes.
//
// It prints, for plain Bleve (default mapping, standard analyzer) and for
// pressearch: documents/s and MB/s of the build, index bytes a document,
// in-process latency percentiles and queries/s of two-word queries, and
// peak resident memory; the ratios; then it starts `pressearch serve` on
// the index as a process of its own and prints its start-up time, resident
// memory and the JSON API's throughput under -conns connections. -shards N
// adds the shard experiment; -dump DIR writes the documents and queries for
// sidebyside.py (beside this file), which runs SQLite FTS5 and Xapian on
// them.
//
// -writes measures instead the documents API against plain Bleve's own
// batch updates: bulk upserts against the full build (pressearch index over
// a corpus file of the documents, and the build of the documents already in
// memory), single writes, searches alone and under writes in alternated
// rounds, and the index size after replacing documents.
//
// -hostile measures instead what an expensive query costs a server on
// lk-pmd: its latency alone, and the p50 and p99 of ordinary two-word
// queries (from headlines) unloaded and while -copies clients send it back
// to back, in alternated rounds.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"pressearch/cmd/internal/baseline"
	"pressearch/corpus"
	"pressearch/indexer"
	"pressearch/search"
)

type options struct {
	docs, size, queries, conns int
	shared, mix                string
	seed                       int64
	serve                      bool
	serveProfile               string
	dump                       string
	shards                     int
	// opensearch, where set, is a cluster to run pressearch on as well;
	// corpus, where set, is a corpus file measured instead of synthesized
	// documents.
	opensearch, corpus string
}

func main() {
	var o options
	flag.IntVar(&o.docs, "docs", 10000, "documents to synthesize")
	flag.IntVar(&o.size, "size", 2048, "mean document size in bytes")
	flag.IntVar(&o.queries, "queries", 2000, "queries to run against each index")
	flag.StringVar(&o.mix, "mix", "uniform", "query words: uniform (any word the documents use) or common (frequent words: long posting lists)")
	flag.StringVar(&o.shared, "shared", "../shared", "the shared folder, for lk-pmd")
	flag.Int64Var(&o.seed, "seed", 1, "random seed")
	flag.BoolVar(&o.serve, "serve", true, "also start `pressearch serve` on the index and load its JSON API")
	flag.IntVar(&o.conns, "conns", 8, "concurrent connections of the HTTP load")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the in-process run to this file")
	memProfile := flag.String("memprofile", "", "write the allocations of the in-process run (Go's allocs profile) to this file")
	flag.IntVar(&o.shards, "shards", 0, "also build the index as this many shards at once and compare searching them through an IndexAlias with searching one index")
	flag.StringVar(&o.dump, "dump", "", "also write the documents (docs.jsonl) and queries (queries.txt) to this folder, for sidebyside.py")
	flag.StringVar(&o.serveProfile, "serve-cpuprofile", "", "write a CPU profile of the serve process during the first seconds of the HTTP load to this file (-writes: of each phase and round, to this file with a suffix)")
	flag.IntVar(&profileSeconds, "serve-cpuprofile-seconds", profileSeconds, "how many seconds each profile of -serve-cpuprofile covers")
	flag.StringVar(&o.opensearch, "opensearch", "", "also build and search the documents on this OpenSearch cluster (URLs, comma-separated) with pressearch's OpenSearch backend")
	flag.StringVar(&o.corpus, "corpus", "", "measure the documents of this corpus file (e.g. ../shared/data/lk-pmd/press-releases.jsonl) instead of synthesized ones; -docs is then ignored")
	hostile := flag.Bool("hostile", false, "instead, index lk-pmd, serve it, and measure an expensive query alone and what -copies clients sending it do to ordinary queries")
	var h hostileOptions
	flag.StringVar(&h.query, "hostile-query", strings.TrimSpace(strings.Repeat("se~2 ", 60)), "the expensive query of -hostile")
	flag.IntVar(&h.copies, "copies", 16, "clients sending the expensive query at once (-hostile)")
	flag.IntVar(&h.rounds, "rounds", 3, "unloaded and loaded measures, alternated (-hostile)")
	flag.IntVar(&h.conns, "ordinary", 2, "clients sending ordinary queries (-hostile)")
	flag.IntVar(&h.slots, "max-searches", 0, "serve --max-searches (-hostile; 0: serve's default)")
	flag.StringVar(&h.profile, "hostile-cpuprofile", "", "write a CPU profile of the serve process during the first loaded round of -hostile to this file")
	writes := flag.Bool("writes", false, "instead, measure the documents API against plain Bleve's batch updates: bulk upserts, one write at a time, searches under writes, size after replacing documents")
	var w writeOptions
	flag.IntVar(&w.bulk, "bulk", 1000, "documents a bulk request carries (-writes)")
	flag.IntVar(&w.bulkDocs, "bulk-docs", 10000, "documents added in bulk (-writes)")
	flag.IntVar(&w.bulkPairs, "bulk-pairs", 5, "full builds and bulks of -bulk-docs new documents timed in pairs, each bulk right after its build; the first pair before the other phases, the rest after the searches (-writes)")
	flag.IntVar(&w.puts, "puts", 300, "single writes timed one after the other (-writes)")
	flag.IntVar(&w.rate, "write-rate", 50, "writes a second while searches are timed (-writes)")
	flag.IntVar(&w.replace, "replace", 10, "percent of the documents replaced before the index size is read (-writes)")
	flag.DurationVar(&w.minSearch, "search-time", time.Minute, "the least time the searches alone and those under writes each take, the queries repeated (-writes)")
	flag.IntVar(&w.rounds, "search-rounds", 6, "rounds of searches alone and under writes, alternated, that -search-time is shared among (-writes)")
	flag.BoolVar(&w.skipPlain, "skip-plain", false, "leave plain Bleve out, for quicker runs while iterating (-writes)")
	flag.StringVar(&w.build, "build", "both", "the full build the bulk upserts are compared with: files (pressearch index over a corpus file of the documents, in a process of its own, as a user rebuilds), memory (the documents given to the indexer in pressbench's process, already read) or both (memory first, into a store of its own) (-writes)")
	flag.BoolVar(&w.skipSize, "skip-size", false, "leave out the replacements and the size against a fresh build, for quicker runs while iterating (-writes)")
	floodURL := flag.String("flood", "", "send the -hostile-query to this server from -copies clients until interrupted (what -hostile runs as a process of its own)")
	flag.Parse()
	if *floodURL != "" {
		if err := runFlood(*floodURL, h.copies, h.query); err != nil {
			fmt.Fprintln(os.Stderr, "pressbench:", err)
			os.Exit(1)
		}
		return
	}
	if *writes {
		if err := writesRun(context.Background(), o, w); err != nil {
			fmt.Fprintln(os.Stderr, "pressbench:", err)
			os.Exit(1)
		}
		return
	}
	if *hostile {
		h.queries = o.queries
		if err := hostileLoad(context.Background(), o.shared, o.seed, h); err != nil {
			fmt.Fprintln(os.Stderr, "pressbench:", err)
			os.Exit(1)
		}
		return
	}
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
	if *memProfile != "" {
		runtime.MemProfileRate = 4096
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "pressbench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
	if *memProfile != "" {
		if err := writeAllocs(*memProfile); err != nil {
			fmt.Fprintln(os.Stderr, "pressbench:", err)
			os.Exit(1)
		}
	}
}

// writeAllocs writes Go's allocation profile of the run so far to path.
func writeAllocs(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// vocabularies are words by language, from real text.
func vocabularies(shared string) (map[string][]string, error) {
	words := map[string]map[string]bool{}
	add := func(lang, text string) {
		if words[lang] == nil {
			words[lang] = map[string]bool{}
		}
		for _, w := range strings.Fields(text) {
			w = strings.Trim(w, `.,;:!?"“”‘’()[]、。「」`)
			for _, piece := range cjkPieces(w) {
				words[lang][piece] = true
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

// cjkPieces cuts a word into the pieces a reader would search for: a run
// of Chinese or Japanese text of four characters or more, which has no
// spaces between words, into pieces of two characters (the last may have
// one), the bigrams the CJK analyzer indexes; shorter runs and runs of
// other scripts stay whole, and punctuation between runs goes. A word of
// one script comes back whole.
func cjkPieces(w string) []string {
	var out []string
	var run []rune
	cjk := false
	flush := func() {
		if cjk && len(run) > 3 {
			for i := 0; i < len(run); i += 2 {
				out = append(out, string(run[i:min(i+2, len(run))]))
			}
		} else if len(run) > 0 {
			out = append(out, string(run))
		}
		run = run[:0]
	}
	for _, r := range w {
		if r >= 0x3000 && unicode.IsPunct(r) { // 、。「」 and the like
			flush()
			continue
		}
		isCJK := unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || r == 'ー'
		if isCJK != cjk {
			flush()
			cjk = isCJK
		}
		run = append(run, r)
	}
	flush()
	return out
}

// synthesize makes n documents, each drawing the words of its title and body
// from one language's vocabulary, common words more often than rare ones. It
// returns them, the bytes of text they hold, and per language the words
// they use.
func synthesize(vocab map[string][]string, n, size int, rng *rand.Rand) ([]corpus.Document, int64, map[string][]string) {
	langs := make([]string, 0, len(vocab))
	for l := range vocab {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	docs := make([]corpus.Document, n)
	var bytes int64
	used := map[string][]bool{}
	for i := range docs {
		lang := langs[rng.Intn(len(langs))]
		words := vocab[lang]
		if used[lang] == nil {
			used[lang] = make([]bool, len(words))
		}
		target := size/2 + rng.Intn(size)
		var b strings.Builder
		for b.Len() < target {
			// Zipf-like: common words often, rare words sometimes.
			k := int(float64(len(words)) * rng.Float64() * rng.Float64() * rng.Float64())
			used[lang][k] = true
			b.WriteString(words[k])
			b.WriteByte(' ')
		}
		fields := strings.Fields(b.String())
		title := strings.Join(fields[:min(6, len(fields))], " ")
		docs[i] = corpus.Document{ID: fmt.Sprintf("d%07d", i), Lang: lang, Title: title, Body: b.String(),
			Date: fmt.Sprintf("2025-%02d-%02d", 1+rng.Intn(12), 1+rng.Intn(28)), Kind: corpus.KindPressRelease,
			Source: []string{"Ministry A", "Ministry B", "Agency C"}[rng.Intn(3)]}
		bytes += int64(len(title) + len(docs[i].Body))
	}
	inUse := map[string][]string{}
	for lang, u := range used {
		for k, ok := range u {
			if ok {
				inUse[lang] = append(inUse[lang], vocab[lang][k])
			}
		}
	}
	return docs, bytes, inUse
}

// makeQueries draws n two-word queries, each from the words of one language.
// Mix "uniform" takes any word the documents use with the same chance, as a
// reader looking for a particular thing would (most words are rare); mix
// "common" draws towards the most frequent words, whose posting lists are
// long: a stress test.
func makeQueries(vocab, inUse map[string][]string, n int, mix string, rng *rand.Rand) ([]string, error) {
	langs := make([]string, 0, len(inUse))
	for l := range inUse {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	var queries []string
	for i := 0; i < n; i++ {
		lang := langs[rng.Intn(len(langs))]
		var a, b string
		switch mix {
		case "uniform":
			w := inUse[lang]
			a, b = w[rng.Intn(len(w))], w[rng.Intn(len(w))]
		case "common":
			w := vocab[lang]
			a = w[int(float64(len(w))*rng.Float64()*rng.Float64())]
			b = w[int(float64(len(w))*rng.Float64()*rng.Float64())]
		default:
			return nil, fmt.Errorf("-mix must be uniform or common, not %q", mix)
		}
		// Plain words: no query syntax, so that the API reads them as the
		// engine does.
		queries = append(queries, plainWords(a+" "+b))
	}
	return queries, nil
}

// syntax blanks out the characters of the query language.
var syntax = strings.NewReplacer("(", " ", ")", " ", `"`, " ", "*", " ", "~", " ", ":", " ", "+", " ", "-", " ")

// plainWords makes text a query of plain words: the characters of the
// query language blanked out, its operators AND, OR and NOT lower-cased.
func plainWords(text string) string {
	words := strings.Fields(syntax.Replace(text))
	for i, w := range words {
		if w == "AND" || w == "OR" || w == "NOT" {
			words[i] = strings.ToLower(w)
		}
	}
	return strings.Join(words, " ")
}

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
	peak          uint64 // peak resident memory of the build and queries
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[int(float64(len(d)-1)*p)]
}

// resetPeak returns freed memory to the system and starts a new measure of
// this process's peak resident memory (Linux: clear_refs 5 resets VmHWM).
func resetPeak() {
	runtime.GC()
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// procMemory reads a process's resident memory now (VmRSS) and at its peak
// (VmHWM) from /proc, in bytes; zeros where /proc is missing.
func procMemory(pid string) (rss, peak uint64) {
	m := procStatus(pid)
	return m["VmRSS"], m["VmHWM"]
}

// procStatus reads the memory figures (kB) of /proc/PID/status, in bytes.
func procStatus(pid string) map[string]uint64 {
	out := map[string]uint64{}
	raw, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(raw), "\n") {
		name, rest, ok := strings.Cut(line, ":")
		var kb uint64
		if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb); ok && err == nil {
			out[name] = kb << 10
		}
	}
	return out
}

func measure(name string, build func() error, dir string, query func(q string) error, queries []string) (result, error) {
	r := result{name: name}
	resetPeak()
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
	_, r.peak = procMemory("self")
	return r, nil
}

func run(o options) error {
	rng := rand.New(rand.NewSource(o.seed))
	vocab, err := vocabularies(o.shared)
	if err != nil {
		return err
	}
	docs, raw, inUse := synthesize(vocab, o.docs, o.size, rng)
	if o.corpus != "" {
		if docs, raw, inUse, err = loadCorpus(o.corpus); err != nil {
			return err
		}
		vocab = inUse
	}
	n := len(docs)
	queries, err := makeQueries(vocab, inUse, o.queries, o.mix, rng)
	if err != nil {
		return err
	}
	if o.dump != "" {
		if err := dump(o.dump, docs, queries); err != nil {
			return err
		}
	}
	tmp, err := os.MkdirTemp("", "pressbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	ctx := context.Background()
	distinct := 0
	for _, w := range inUse {
		distinct += len(w)
	}
	fmt.Printf("%d documents, %.1f MB of text, %d distinct words; %d two-word queries (%s); %d cores, %s, %s\n\n",
		n, float64(raw)/1e6, distinct, len(queries), o.mix, runtime.NumCPU(), runtime.Version(), time.Now().Format("2006-01-02"))

	// Plain Bleve: the default mapping (dynamic, standard analyzer, stored
	// fields), title and body, a match query.
	var plain bleve.Index
	bdir := filepath.Join(tmp, "bleve")
	plainRes, err := measure("plain Bleve", func() error {
		plain, err = baseline.Build(bdir, docs)
		return err
	}, bdir, func(q string) error {
		_, _, err := baseline.Search(ctx, plain, q, 10)
		return err
	}, queries)
	if err != nil {
		return err
	}
	plain.Close()
	plain = nil

	var engine *search.Engine
	data := filepath.Join(tmp, "pressearch")
	bare, err := measure("pressearch", func() error {
		engine, _, err = search.BuildEngine(ctx, data, docs, indexer.Config{})
		return err
	}, data, func(q string) error {
		_, err := engine.Search(ctx, search.Request{Query: q, Plain: true, NoSnippets: true})
		return err
	}, queries)
	if err != nil {
		return err
	}
	full, err := measure("pressearch, facets and snippets", func() error { return nil }, data, func(q string) error {
		_, err := engine.Search(ctx, search.Request{Query: q, Plain: true})
		return err
	}, queries)
	if err != nil {
		return err
	}
	full.build, full.bytes, full.peak = bare.build, bare.bytes, max(bare.peak, full.peak)
	store, err := indexer.FindStore(data)
	if err != nil {
		return err
	}
	single := store.Path(engine.Generation())
	engine.Close()

	fmt.Printf("%-32s %10s %8s %10s %9s %9s %9s %9s %9s\n", "", "docs/s", "MB/s", "bytes/doc", "p50", "p95", "p99", "q/s", "peak MB")
	for _, r := range []result{plainRes, bare, full} {
		fmt.Printf("%-32s %10.0f %8.2f %10.0f %9s %9s %9s %9.0f %9.0f\n", r.name,
			float64(n)/r.build.Seconds(), float64(raw)/1e6/r.build.Seconds(), float64(r.bytes)/float64(n),
			r.p50.Round(time.Microsecond), r.p95.Round(time.Microsecond), r.p99.Round(time.Microsecond), r.qps, float64(r.peak)/1e6)
	}
	fmt.Printf("\nratios, pressearch / plain Bleve: build rate %.2f, index size %.2f, bare query p50 %.2f p99 %.2f\n",
		plainRes.build.Seconds()/bare.build.Seconds(), float64(bare.bytes)/float64(plainRes.bytes),
		float64(bare.p50)/float64(plainRes.p50), float64(bare.p99)/float64(plainRes.p99))
	fmt.Printf("index size / raw text: pressearch %.2f, plain Bleve %.2f\n", float64(bare.bytes)/float64(raw), float64(plainRes.bytes)/float64(raw))

	if o.shards > 1 {
		if err := shardExperiment(ctx, tmp, single, docs, queries, o.shards, bare.build); err != nil {
			return err
		}
	}
	if o.serve {
		if err := serveLoad(ctx, tmp, data, queries, o.conns, o.serveProfile); err != nil {
			return err
		}
	}
	if o.opensearch != "" {
		return openSearchRun(ctx, o, tmp, docs, raw, queries, plainRes)
	}
	return nil
}

// serveLoad starts `pressearch serve` on the index just built, as a process
// of its own, and measures how soon it is ready, the JSON API's throughput
// and latency under conns connections, and its resident memory.
func serveLoad(ctx context.Context, tmp, data string, queries []string, conns int, profile string, extra ...string) error {
	args := extra
	if profile != "" {
		args = append(args, "--pprof")
	}
	srv, err := startServe(ctx, tmp, data, args...)
	if err != nil {
		return err
	}
	defer srv.stop()
	base, pid, ready := srv.base, srv.pid, srv.ready
	idleRSS, _ := procMemory(pid)
	profiled := make(chan error, 1)
	if profile != "" {
		go func() { profiled <- fetchProfile(base, profile) }()
	} else {
		profiled <- nil
	}
	qps, p50, p99, slow, err := loadHTTP(base, queries, conns)
	if err != nil {
		return err
	}
	if err := <-profiled; err != nil {
		return err
	}
	m := procStatus(pid)
	fmt.Printf("\npressearch serve: ready in %s on the existing index; resident memory %.0f MB idle, %.0f MB after the load (%.0f MB of it the process's own, %.0f MB pages of the mapped index files), peak %.0f MB\n",
		ready.Round(time.Millisecond), float64(idleRSS)/1e6, float64(m["VmRSS"])/1e6, float64(m["RssAnon"])/1e6, float64(m["RssFile"])/1e6, float64(m["VmHWM"])/1e6)
	fmt.Printf("/api/v1/search over HTTP, %d connections: %.0f queries/s, p50 %s, p99 %s, %d answered 503 (the search deadline)\n",
		conns, qps, p50.Round(time.Microsecond), p99.Round(time.Microsecond), slow)
	return nil
}

// served is a `pressearch serve` process.
type served struct {
	base, pid string
	ready     time.Duration // from its start until /readyz answered 200
	stop      func()
}

// startServe builds pressearch and starts `pressearch serve` on data with
// args, returning once /readyz answers 200.
func startServe(ctx context.Context, tmp, data string, args ...string) (*served, error) {
	bin, err := pressearchBinary(ctx, tmp)
	if err != nil {
		return nil, err
	}
	args = append([]string{"serve", "--data", data, "--addr", "127.0.0.1:0", "--log-format", "json"}, args...)
	cmd := exec.CommandContext(ctx, bin, args...)
	logs, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &served{pid: fmt.Sprint(cmd.Process.Pid), stop: func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}}
	// serve logs the address it listens on; then /readyz says when the
	// index is open.
	lines := bufio.NewScanner(logs)
	for s.base == "" && lines.Scan() {
		var entry struct{ Msg, URL string }
		if json.Unmarshal(lines.Bytes(), &entry) == nil && entry.Msg == "serving" {
			s.base = entry.URL
		}
	}
	if s.base == "" {
		s.stop()
		return nil, fmt.Errorf("serve did not say where it listens")
	}
	// Serve's errors and warnings go on to stderr, the rest nowhere.
	go func() {
		for lines.Scan() {
			var entry struct{ Level string }
			if json.Unmarshal(lines.Bytes(), &entry) == nil && (entry.Level == "ERROR" || entry.Level == "WARN") {
				fmt.Fprintln(os.Stderr, "serve:", lines.Text())
			}
		}
		io.Copy(io.Discard, logs)
	}()
	for {
		resp, err := http.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.ready = time.Since(start)
				return s, nil
			}
		}
		if time.Since(start) > time.Minute {
			s.stop()
			return nil, fmt.Errorf("serve not ready after a minute")
		}
		time.Sleep(time.Millisecond)
	}
}

// pressearchBinary builds the pressearch command into tmp, once.
func pressearchBinary(ctx context.Context, tmp string) (string, error) {
	bin := filepath.Join(tmp, "pressearch-bin")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "pressearch/cmd/pressearch")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("build pressearch: %w", err)
	}
	return bin, nil
}

// shardExperiment builds the index as n shards at once, one slice of the
// documents each, and compares the build with the single index's and a
// search through an IndexAlias of the shards (which searches them in
// parallel) with the same search of the single index. The search is
// Bleve's: each query word matched in the title and body fields of every
// analysis, the main clause of pressearch's query without its own scoring,
// which reads statistics of one index.
func shardExperiment(ctx context.Context, tmp, single string, docs []corpus.Document, queries []string, n int, singleBuild time.Duration) error {
	dirs := make([]string, n)
	errs := make([]error, n)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range n {
		dirs[i] = filepath.Join(tmp, fmt.Sprintf("shard%d", i))
		part := make([]corpus.Document, 0, len(docs)/n+1)
		for j := i; j < len(docs); j += n {
			part = append(part, docs[j])
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = indexer.BuildIndex(ctx, dirs[i], part, indexer.Config{}, nil)
		}()
	}
	wg.Wait()
	build := time.Since(start)
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	alias := bleve.NewIndexAlias()
	for _, d := range dirs {
		idx, err := indexer.OpenIndex(d)
		if err != nil {
			return err
		}
		defer idx.Close()
		alias.Add(idx)
	}
	one, err := indexer.OpenIndex(single)
	if err != nil {
		return err
	}
	defer one.Close()
	var fields []string
	for _, a := range indexer.Analyses() {
		fields = append(fields, indexer.TitleField(a.Key), indexer.BodyField(a.Key))
	}
	search := func(idx bleve.Index) (p50, p99 time.Duration, err error) {
		lat := make([]time.Duration, 0, len(queries))
		for _, q := range queries {
			var clauses []query.Query
			for _, f := range fields {
				m := bleve.NewMatchQuery(q)
				m.SetField(f)
				clauses = append(clauses, m)
			}
			t := time.Now()
			if _, err := idx.SearchInContext(ctx, bleve.NewSearchRequest(bleve.NewDisjunctionQuery(clauses...))); err != nil {
				return 0, 0, err
			}
			lat = append(lat, time.Since(t))
		}
		return percentile(lat, .5), percentile(lat, .99), nil
	}
	s50, s99, err := search(one)
	if err != nil {
		return err
	}
	a50, a99, err := search(alias)
	if err != nil {
		return err
	}
	fmt.Printf("\n%d shards built at once: %.0f docs/s (one index: %.0f, %.2fx); Bleve's search of every title and body field: one index p50 %s p99 %s, %d shards p50 %s p99 %s\n",
		n, float64(len(docs))/build.Seconds(), float64(len(docs))/singleBuild.Seconds(), singleBuild.Seconds()/build.Seconds(),
		s50.Round(time.Microsecond), s99.Round(time.Microsecond), n, a50.Round(time.Microsecond), a99.Round(time.Microsecond))
	return nil
}

// dump writes docs as JSON lines (id, lang, title, body) and the queries
// one a line, for other engines to index and run.
func dump(dir string, docs []corpus.Document, queries []string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, "docs.jsonl"))
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, d := range docs {
		if err := enc.Encode(map[string]string{"id": d.ID, "lang": d.Lang, "title": d.Title, "body": d.Body}); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "queries.txt"), []byte(strings.Join(queries, "\n")+"\n"), 0o644)
}

// fetchProfile saves two seconds of the serve process's CPU profile.
// profileSeconds is how long a profile of serve lasts (-serve-cpuprofile-seconds).
var profileSeconds = 2

func fetchProfile(base, path string) error {
	resp, err := http.Get(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", base, profileSeconds))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// loadHTTP sends every query to /api/v1/search from conns clients at once
// and returns the throughput, the 99th percentile latency and how many
// searches ran out of time (503); any other failure is an error.
func loadHTTP(base string, queries []string, conns int) (float64, time.Duration, time.Duration, int, error) {
	start := time.Now()
	lat, slow, err := sendAll(base, queries, conns)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	return float64(len(queries)) / time.Since(start).Seconds(), percentile(lat, .5), percentile(lat, .99), slow, nil
}

// sendAll sends every query to /api/v1/search from conns clients at once
// and returns the latency of each and how many answered 503; any other
// failure is an error.
func sendAll(base string, queries []string, conns int) ([]time.Duration, int, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns}, Timeout: 30 * time.Second}
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr error
	slow := 0
	next := make(chan string)
	var wg sync.WaitGroup
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
	return lat, slow, firstErr
}
