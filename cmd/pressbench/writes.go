package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/blevesearch/bleve/v2"

	"pressearch/corpus"
	"pressearch/indexer"
)

// writeOptions say what -writes measures.
type writeOptions struct {
	bulk     int // documents a bulk request carries
	bulkDocs int // documents added in bulk
	// full builds and bulks of bulkDocs timed in pairs, each bulk right
	// after its build: the first pair before the other phases, the others
	// after the searches (the machine's pace drifts over a run; a pair
	// shares it)
	bulkPairs int
	puts      int // single writes timed one after the other
	rate      int // writes a second while searches are timed
	replace   int // percent of the documents replaced before the size is read
	// the least time the searches alone and those under writes each take
	// (the queries repeated), over rounds of each, alternated
	minSearch time.Duration
	rounds    int
	// phases left out, for quicker runs while iterating: plain Bleve's,
	// and the replacements with the size against a fresh build
	skipPlain, skipSize bool
	// the full build compared with: "files" (pressearch index over a
	// corpus file), "memory" (indexer.Store.Build in this process) or
	// "both" (memory first, into a store of its own)
	build string
}

// benchKey is the write key of the server pressbench starts.
const benchKey = "pressbench-key-0123456789"

// writesRun measures the documents API against plain Bleve's own batch
// updates on the same documents: bulk upserts in requests of o.bulk, one
// write at a time (durable: pressearch's answer, Bleve's Batch with its
// default persistence), searches with and without o.rate writes a second,
// and the index size after o.replace percent of the documents are replaced,
// against a fresh build of the resulting collection.
func writesRun(ctx context.Context, o options, w writeOptions) error {
	if w.rounds < 1 || w.rate < 1 || w.bulkPairs < 1 {
		return fmt.Errorf("-search-rounds, -bulk-pairs and -write-rate must be at least 1")
	}
	if buildKinds[w.build] == "" && w.build != "both" {
		return fmt.Errorf("-build is files, memory or both, not %q", w.build)
	}
	rng := rand.New(rand.NewSource(o.seed))
	vocab, err := vocabularies(o.shared)
	if err != nil {
		return err
	}
	docs, raw, inUse := synthesize(vocab, o.docs, o.size, rng)
	queries, err := makeQueries(vocab, inUse, o.queries, o.mix, rng)
	if err != nil {
		return err
	}
	// New documents, and the replacements: other texts under the ids of
	// existing documents.
	extra, _, _ := synthesize(vocab, w.bulkDocs*w.bulkPairs+w.puts+o.docs*w.replace/100, o.size, rand.New(rand.NewSource(o.seed+1)))
	for i := range extra {
		extra[i].ID = fmt.Sprintf("new-%07d", i)
	}
	added := extra[:w.bulkDocs]
	allAdded := extra[:w.bulkDocs*w.bulkPairs] // every pair's
	rest := extra[w.bulkDocs*w.bulkPairs:]
	replacements := make([]corpus.Document, o.docs*w.replace/100)
	for i, j := range rng.Perm(o.docs)[:len(replacements)] {
		d := rest[i]
		d.ID = docs[j].ID
		replacements[i] = d
	}
	rest = rest[len(replacements):]
	tmp, err := os.MkdirTemp("", "pressbench-writes")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	fmt.Printf("%d documents, %.1f MB of text; writes: %d in bulk requests of %d (%d times, each after a full build), %d one at a time, %d searches (repeated for %s at least) alone and at %d writes/s, %d%% replaced; %d cores, %s, %s\n\n",
		len(docs), float64(raw)/1e6, len(added), w.bulk, w.bulkPairs, w.puts, len(queries), w.minSearch, w.rate, w.replace,
		runtime.NumCPU(), runtime.Version(), time.Now().Format("2006-01-02"))

	// Plain Bleve: its own batches, durable as they are by default.
	var plainBuild, plainBulk time.Duration
	var plainOne []time.Duration
	var plainSize, plainFresh int64
	if !w.skipPlain {
		var err error
		if plainBuild, plainBulk, plainOne, plainSize, plainFresh, err = plainRun(tmp, docs, added, replacements, w, rng); err != nil {
			return err
		}
		fmt.Printf("plain Bleve: full build %.0f documents/s, bulk upsert %.0f documents/s, one write p50 %s p99 %s, size after replacing / fresh %.2f\n",
			float64(len(docs))/plainBuild.Seconds(), float64(len(added))/plainBulk.Seconds(),
			percentile(plainOne, .5).Round(time.Microsecond), percentile(plainOne, .99).Round(time.Microsecond), float64(plainSize)/float64(plainFresh))
	} else {
		for range w.puts { // the documents pressearch's single writes take stay the same
			rng.Intn(len(docs))
		}
	}

	// pressearch: a full build, then serve and its documents API. The
	// full build is the one a user runs to rebuild the collection:
	// pressearch index over a corpus file of the documents, in a process
	// of its own, as the bulk upserts are serve's work on documents that
	// come as JSON text. With -build both, a build of the documents
	// already in memory, in this process, comes first, into a store of
	// its own, and the bulk is compared with each.
	data := filepath.Join(tmp, "pressearch")
	var build, buildCPU, memBuild, memCPU time.Duration
	if w.build != "files" {
		dir := data
		if w.build == "both" {
			dir = filepath.Join(tmp, "pressearch-memory")
		}
		if memBuild, memCPU, err = buildInMemory(ctx, dir, docs); err != nil {
			return err
		}
		build, buildCPU = memBuild, memCPU
		if w.build == "both" {
			os.RemoveAll(dir)
		}
	}
	if w.build != "memory" {
		if build, buildCPU, err = indexFiles(ctx, tmp, data, docs); err != nil {
			return err
		}
	}
	store, err := indexer.OpenStore(data)
	if err != nil {
		return err
	}
	os.Setenv("PRESSEARCH_API_KEY", benchKey)
	var serveArgs []string
	if o.serveProfile != "" {
		serveArgs = append(serveArgs, "--pprof")
	}
	srv, err := startServe(ctx, tmp, data, serveArgs...)
	if err != nil {
		return err
	}
	// profile saves two seconds of serve's CPU profile, from now, to the
	// file of -serve-cpuprofile with suffix, where one is asked for.
	var profiles sync.WaitGroup
	profile := func(suffix string) {
		if o.serveProfile == "" {
			return
		}
		profiles.Go(func() {
			if err := fetchProfile(srv.base, o.serveProfile+suffix); err != nil {
				fmt.Fprintln(os.Stderr, "profile:", err)
			}
		})
	}
	defer srv.stop()
	client := &http.Client{Timeout: time.Minute}
	// What the index's upkeep did in each phase (merges, refreshes,
	// segments), from serve's metrics; a run goes on without them.
	upkeepOf := func() upkeep {
		u, err := readUpkeep(srv.base)
		if err != nil {
			fmt.Fprintln(os.Stderr, "upkeep:", err)
		}
		return u
	}
	report := func(phase string, before upkeep) {
		fmt.Printf("pressearch: %s: %s\n", phase, upkeepOf().since(before))
	}
	// The requests' bodies are encoded before the clock starts, as a
	// load generator replays bulk files: the rate is serve's, not that
	// of pressbench's JSON encoder, which would otherwise run between
	// the requests on the cores serve uses (plain Bleve's batches are
	// given documents, nothing encoded).
	// Each request's time is printed too (fastest, median, slowest, and
	// which one): a bulk slower than its pair's build shows whether one
	// request (a merge beside it, the first after idle) or all of them
	// took the difference.
	timeBulk := func(some []corpus.Document) (took, cpu time.Duration, err error) {
		bodies := bulkBodies(some, w.bulk)
		each := make([]time.Duration, 0, len(bodies))
		start := time.Now()
		cpu = procCPU(srv.pid)
		for _, body := range bodies {
			t := time.Now()
			if err := postBulk(client, srv.base, body); err != nil {
				return 0, 0, err
			}
			each = append(each, time.Since(t))
		}
		took, cpu = time.Since(start), procCPU(srv.pid)-cpu
		fmt.Printf("pressearch: bulk requests %s\n", spread(each))
		return took, cpu, nil
	}
	profile(".bulk")
	beforeBulk := upkeepOf()
	bulkTime, bulkCPU, err := timeBulk(added)
	if err != nil {
		return err
	}
	rate := func(n int, d time.Duration) float64 { return float64(n) / d.Seconds() }
	perDoc := func(cpu time.Duration, n int) float64 { return float64(cpu.Microseconds()) / 1e3 / float64(n) }
	// The bulk against the full build, each pair's; more pairs come after
	// the searches.
	pairs := []float64{rate(len(added), bulkTime) / rate(len(docs), build)}
	// Each figure as soon as it is measured: a run that fails later keeps them.
	fullKind := buildKinds[w.build]
	if w.build == "both" {
		fullKind = buildKinds["files"]
		fmt.Printf("pressearch: build %s %.0f documents/s, CPU a document %.2f ms (%.2f cores busy): bulk rate / its rate %.2f\n",
			buildKinds["memory"], rate(len(docs), memBuild), float64(memCPU.Microseconds())/1e3/float64(len(docs)),
			memCPU.Seconds()/memBuild.Seconds(), rate(len(added), bulkTime)/rate(len(docs), memBuild))
	}
	fmt.Printf("pressearch: full build (%s) %.0f documents/s, bulk upsert in requests of %d %.0f documents/s\n",
		fullKind, rate(len(docs), build), w.bulk, rate(len(added), bulkTime))
	// On a shared machine the two rates are measured minutes apart under
	// different loads: the CPU each document took says what is the
	// program's (the build's in its process, the bulk's in serve's,
	// background merges included while they run).
	fmt.Printf("pressearch: CPU a document: full build %.2f ms (%.2f cores busy), bulk upsert %.2f ms (%.2f cores busy)\n",
		perDoc(buildCPU, len(docs)), buildCPU.Seconds()/build.Seconds(),
		perDoc(bulkCPU, len(added)), bulkCPU.Seconds()/bulkTime.Seconds())
	report("the bulk upserts", beforeBulk)
	profiles.Wait()
	profile(".puts")
	var one []time.Duration
	for i := 0; i < w.puts; i++ {
		d := docs[rng.Intn(len(docs))]
		t := time.Now()
		if err := put(client, srv.base, d); err != nil {
			return err
		}
		one = append(one, time.Since(t))
	}
	fmt.Printf("pressearch: one write p50 %s p99 %s\n", percentile(one, .5).Round(time.Microsecond), percentile(one, .99).Round(time.Microsecond))
	// Searches, alone and with writes going on, in rounds alternated as
	// -hostile's are: the machine may be shared, and a burst of its other
	// work then weighs on both kinds alike; each kind's latencies are
	// pooled over the rounds. A round alone starts once serve is idle (the
	// writes before it refreshed and their merges done), so that it carries
	// none of the writes' work.
	profiles.Wait()
	var calm, busy, busyWrites []time.Duration
	var calmCPU, busyCPU, calmTime, busyTime time.Duration
	var written, failed, behind int
	var writeErr error
	sent := 0 // writes sent so far, the next one rest[sent%len(rest)]
	perRound := w.minSearch / time.Duration(w.rounds)
	fmt.Printf("pressearch: searches in %d rounds alone and %d under %d writes/s, alternated, each %s at least and all %d queries\n",
		w.rounds, w.rounds, w.rate, perRound, len(queries))
	for r := range w.rounds {
		if !waitIdle(srv.pid, time.Minute) {
			fmt.Println("pressearch: serve still busy after a minute; the round alone starts anyway")
		}
		profile(fmt.Sprintf(".calm%d", r+1))
		beforeCalm := upkeepOf()
		start := time.Now()
		cpu := procCPU(srv.pid)
		c, _, err := sendWithin(srv.base, queries, 2, perRound, 0)
		if err != nil {
			return err
		}
		calmCPU += procCPU(srv.pid) - cpu
		roundCalm := time.Since(start)
		calmTime += roundCalm
		report(fmt.Sprintf("round %d, the searches alone", r+1), beforeCalm)
		profiles.Wait()

		// The searches under writes stop at a time limit where they (or
		// the writes) fall far behind, and say so: a phase that cannot
		// keep up is measured at the rate it can, not waited for.
		busyLimit := max(4*roundCalm, 40*time.Second)
		profile(fmt.Sprintf(".busy%d", r+1))
		beforeBusy := upkeepOf()
		start = time.Now()
		cpu = procCPU(srv.pid)
		wr := startWrites(client, srv.base, rest, sent, w.rate)
		b, cut, err := sendWithin(srv.base, queries, 2, perRound, busyLimit)
		wr.halt()
		roundBusy := time.Since(start)
		busyTime += roundBusy
		busyCPU += procCPU(srv.pid) - cpu
		if err != nil {
			return err
		}
		sent += wr.sent
		written, failed, behind = written+wr.written, failed+wr.failed, behind+wr.behind
		busyWrites = append(busyWrites, wr.lat...)
		if writeErr == nil {
			writeErr = wr.err
		}
		if cut {
			fmt.Printf("pressearch: round %d: searches with writes STOPPED at the time limit of %s: %d searches done, %d alone\n", r+1, busyLimit.Round(time.Second), len(b), len(c))
		}
		fmt.Printf("pressearch: round %d: searches alone p50 %s p99 %s; under writes p50 %s p99 %s (%.0f writes/s): p99 ratio %.2f\n",
			r+1, percentile(c, .5).Round(time.Microsecond), percentile(c, .99).Round(time.Microsecond),
			percentile(b, .5).Round(time.Microsecond), percentile(b, .99).Round(time.Microsecond),
			float64(wr.written)/roundBusy.Seconds(), float64(percentile(b, .99))/float64(percentile(c, .99)))
		report(fmt.Sprintf("round %d, the searches under writes", r+1), beforeBusy)
		calm, busy = append(calm, c...), append(busy, b...)
	}
	fmt.Printf("pressearch: searches alone p50 %s p99 %s\n", percentile(calm, .5).Round(time.Microsecond), percentile(calm, .99).Round(time.Microsecond))
	fmt.Printf("pressearch: searches with writes p50 %s p99 %s; writes %d done (%.0f/s, p50 %s p99 %s), %d failed, %d not sent (a second's worth in flight)\n",
		percentile(busy, .5).Round(time.Microsecond), percentile(busy, .99).Round(time.Microsecond),
		written, float64(written)/busyTime.Seconds(), percentile(busyWrites, .5).Round(time.Microsecond), percentile(busyWrites, .99).Round(time.Microsecond), failed, behind)
	if writeErr != nil {
		fmt.Fprintln(os.Stderr, "the first failed write:", writeErr)
	}
	// serve's CPU, less sensitive to the machine's load than latencies:
	// a search's alone, and what each write took beyond the searches
	// beside it (its own work, the merges, refreshes and completions it
	// causes), the searches counted at their CPU alone.
	perSearch := calmCPU.Seconds() / float64(len(calm))
	fmt.Printf("pressearch: serve's CPU: %.2f ms a search alone (%.2f cores busy); under writes %.2f cores busy, %.2f ms a write beyond the searches\n",
		perSearch*1e3, calmCPU.Seconds()/calmTime.Seconds(), busyCPU.Seconds()/busyTime.Seconds(),
		(busyCPU.Seconds()-perSearch*float64(len(busy)))*1e3/float64(max(written, 1)))
	fmt.Printf("pressearch: searches done: %d alone in %s (%.0f/s), %d under writes in %s (%.0f/s)\n",
		len(calm), calmTime.Round(time.Millisecond), float64(len(calm))/calmTime.Seconds(),
		len(busy), busyTime.Round(time.Millisecond), float64(len(busy))/busyTime.Seconds())
	rss, peak := procMemory(srv.pid)
	fmt.Printf("pressearch: serve's resident memory %.0f MB, at its peak %.0f MB\n", float64(rss)/1e6, float64(peak)/1e6)
	profiles.Wait()
	// The other pairs of a full build and a bulk of new documents, the
	// bulk right after its build: the machine's pace drifts over a run
	// (the same build's CPU a document moved by 40% between two phases of
	// one), and a pair measured back to back shares it. serve is let go
	// idle first, so that the build runs beside none of its work.
	for r := 2; r <= w.bulkPairs; r++ {
		if !waitIdle(srv.pid, time.Minute) {
			fmt.Printf("pressearch: pair %d: serve still busy after a minute; its build runs beside serve's work\n", r)
		}
		dir := filepath.Join(tmp, fmt.Sprintf("pressearch-pair%d", r))
		var took, cpu time.Duration
		if w.build == "memory" {
			took, cpu, err = buildInMemory(ctx, dir, docs)
		} else {
			took, cpu, err = indexFiles(ctx, tmp, dir, docs)
		}
		if err != nil {
			return err
		}
		os.RemoveAll(dir)
		some := allAdded[(r-1)*w.bulkDocs : r*w.bulkDocs]
		profile(fmt.Sprintf(".pair%d", r))
		before := upkeepOf()
		bt, bc, err := timeBulk(some)
		if err != nil {
			return err
		}
		profiles.Wait()
		pairs = append(pairs, rate(len(some), bt)/rate(len(docs), took))
		fmt.Printf("pressearch: pair %d: full build (%s) %.0f documents/s (CPU a document %.2f ms), bulk upsert %.0f documents/s (%.2f ms): bulk / build %.2f\n",
			r, fullKind, rate(len(docs), took), perDoc(cpu, len(docs)), rate(len(some), bt), perDoc(bc, len(some)), pairs[len(pairs)-1])
		report(fmt.Sprintf("pair %d's bulk upserts", r), before)
	}
	// Replace a share of the documents, let the merges settle, close.
	var size, freshSize int64
	var liveParts, freshParts parts
	if !w.skipSize {
		for _, body := range bulkBodies(replacements, w.bulk) {
			if err := postBulk(client, srv.base, body); err != nil {
				return err
			}
		}
		gen, err := store.Current()
		if err != nil {
			return err
		}
		settledSize(store.Path(gen))
		srv.stop()
		size = dirSize(store.Path(gen))
		liveParts = sizeParts(store.Path(gen))
		final := finalCollection(docs, allAdded, replacements)
		final = append(final, rest[:min(sent, len(rest))]...)
		freshDir := filepath.Join(tmp, "fresh")
		if _, err := indexer.BuildIndex(ctx, freshDir, final, indexer.Config{}, nil); err != nil {
			return err
		}
		freshSize = dirSize(freshDir)
		freshParts = sizeParts(freshDir)
	}

	fmt.Println()
	fmt.Printf("%-44s %14s %14s\n", "", "plain Bleve", "pressearch")
	fullRow := "full build, documents/s"
	if w.build != "memory" {
		fullRow += " (ours from files)"
	}
	fmt.Printf("%-44s %14.0f %14.0f\n", fullRow, rate(len(docs), plainBuild), rate(len(docs), build))
	fmt.Printf("%-44s %14.0f %14.0f\n", fmt.Sprintf("bulk upsert in requests of %d, documents/s", w.bulk), rate(len(added), plainBulk), rate(len(added), bulkTime))
	fmt.Printf("%-44s %14s %14s\n", "one write, p50", percentile(plainOne, .5).Round(time.Microsecond), percentile(one, .5).Round(time.Microsecond))
	fmt.Printf("%-44s %14s %14s\n", "one write, p99", percentile(plainOne, .99).Round(time.Microsecond), percentile(one, .99).Round(time.Microsecond))
	fmt.Printf("%-44s %14s %14.2f\n", fmt.Sprintf("index size after %d%% replaced / fresh build", w.replace), fmt.Sprintf("%.2f", float64(plainSize)/float64(plainFresh)), float64(size)/float64(freshSize))
	fmt.Printf("\nsearches over HTTP, 2 connections: p50 %s p99 %s alone; p50 %s p99 %s with %.0f writes/s (%d written): p99 ratio %.2f\n",
		percentile(calm, .5).Round(time.Microsecond), percentile(calm, .99).Round(time.Microsecond),
		percentile(busy, .5).Round(time.Microsecond), percentile(busy, .99).Round(time.Microsecond),
		float64(written)/busyTime.Seconds(), written, float64(percentile(busy, .99))/float64(percentile(calm, .99)))
	fmt.Printf("bulk rate / full build rate: pressearch %.2f, plain Bleve %.2f\n",
		rate(len(added), bulkTime)/rate(len(docs), build), rate(len(added), plainBulk)/rate(len(docs), plainBuild))
	if len(pairs) > 1 {
		fmt.Printf("bulk rate / full build rate, each bulk right after its build: pressearch median %.2f of %d pairs (%s)\n",
			median(pairs), len(pairs), joinRatios(pairs))
	}
	if w.build == "both" {
		fmt.Printf("bulk rate / the rate of a build %s: pressearch %.2f\n", buildKinds["memory"], rate(len(added), bulkTime)/rate(len(docs), memBuild))
	}
	fmt.Printf("index size after the writes: %s\nfresh build:                  %s\n", liveParts, freshParts)
	return nil
}

// buildKinds names the full builds of -build.
var buildKinds = map[string]string{
	"files":  "pressearch index over a corpus file",
	"memory": "in process, documents in memory",
}

// buildInMemory times a build of docs, already in memory, into a store
// at dir in this process, with the CPU this process took meanwhile.
func buildInMemory(ctx context.Context, dir string, docs []corpus.Document) (took, cpu time.Duration, err error) {
	store, err := indexer.OpenStore(dir)
	if err != nil {
		return 0, 0, err
	}
	start, before := time.Now(), selfCPU()
	if _, err := store.Build(ctx, docs, nil); err != nil {
		return 0, 0, err
	}
	return time.Since(start), selfCPU() - before, nil
}

// indexFiles writes docs to a corpus file under tmp and times pressearch
// index building them into data, with the CPU its process took.
func indexFiles(ctx context.Context, tmp, data string, docs []corpus.Document) (took, cpu time.Duration, err error) {
	bin, err := pressearchBinary(ctx, tmp)
	if err != nil {
		return 0, 0, err
	}
	file := filepath.Join(tmp, "corpus.jsonl")
	f, err := os.Create(file)
	if err != nil {
		return 0, 0, err
	}
	out := bufio.NewWriter(f)
	enc := json.NewEncoder(out)
	for i := range docs {
		if err := enc.Encode(&docs[i]); err != nil {
			f.Close()
			return 0, 0, err
		}
	}
	if err := out.Flush(); err != nil {
		f.Close()
		return 0, 0, err
	}
	if err := f.Close(); err != nil {
		return 0, 0, err
	}
	cmd := exec.CommandContext(ctx, bin, "index", "--data", data, "--corpus", file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, 0, fmt.Errorf("pressearch index: %w\n%s", err, stderr.Bytes())
	}
	took = time.Since(start)
	return took, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}

// plainRun measures plain Bleve on the same documents: its build, its
// bulk, its single writes (durable, as Bleve's Batch is by default) and its
// size after the replacements against a fresh build.
func plainRun(tmp string, docs, added, replacements []corpus.Document, w writeOptions, rng *rand.Rand) (build, bulk time.Duration, one []time.Duration, size, fresh int64, err error) {
	bdir := filepath.Join(tmp, "bleve")
	plain, err := bleve.New(bdir, bleve.NewIndexMapping())
	if err != nil {
		return
	}
	start := time.Now()
	if err = bleveBatches(plain, docs, 1000); err != nil {
		return
	}
	build = time.Since(start)
	start = time.Now()
	if err = bleveBatches(plain, added, w.bulk); err != nil {
		return
	}
	bulk = time.Since(start)
	for i := 0; i < w.puts; i++ {
		d := docs[rng.Intn(len(docs))]
		t := time.Now()
		if err = bleveBatches(plain, []corpus.Document{d}, 1); err != nil {
			return
		}
		one = append(one, time.Since(t))
	}
	if err = bleveBatches(plain, replacements, w.bulk); err != nil {
		return
	}
	size = settledSize(bdir)
	plain.Close()
	fdir := filepath.Join(tmp, "bleve-fresh")
	f, err := bleve.New(fdir, bleve.NewIndexMapping())
	if err != nil {
		return
	}
	if err = bleveBatches(f, finalCollection(docs, added, replacements), 1000); err != nil {
		return
	}
	fresh = settledSize(fdir)
	f.Close()
	return
}

// selfCPU is the CPU time this process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procCPU is the CPU time process pid has used (utime and stime of
// /proc/PID/stat, in clock ticks of 1/100 s); 0 where it cannot be read.
func procCPU(pid string) time.Duration {
	raw, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces: count after it.
	f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// sendWithin sends queries as sendAll does, in rounds: all of them, and
// again from the first until at least least has passed, so that writes sent
// meanwhile reach their steady state; it stops starting rounds once limit
// has passed (0: no limit).
func sendWithin(base string, queries []string, conns int, least, limit time.Duration) (lat []time.Duration, cut bool, err error) {
	const round = 100
	start := time.Now()
	var all []time.Duration
	for i := 0; len(queries) > 0 && (i < len(queries) || time.Since(start) < least); i += round {
		if limit > 0 && time.Since(start) > limit {
			return all, true, nil
		}
		j := i % len(queries)
		lat, _, err := sendAll(base, queries[j:min(j+round, len(queries))], conns)
		all = append(all, lat...)
		if err != nil {
			return all, false, err
		}
	}
	return all, false, nil
}

// parts is where the bytes of an index directory are.
type parts struct {
	segments, segmentBytes int64 // Bleve's segment files
	log                    int64 // the write-ahead log
	other                  int64 // everything else (Bleve's root, statistics, completion)
}

func (p parts) String() string {
	return fmt.Sprintf("%.1f MB in %d segments, %.1f MB of log, %.1f MB else",
		float64(p.segmentBytes)/1e6, p.segments, float64(p.log)/1e6, float64(p.other)/1e6)
}

func sizeParts(dir string) parts {
	var p parts
	filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return nil
		}
		switch rel, _ := filepath.Rel(dir, path); {
		case strings.HasSuffix(path, ".zap"):
			p.segments++
			p.segmentBytes += info.Size()
		case strings.HasPrefix(rel, "wal"+string(filepath.Separator)):
			p.log += info.Size()
		default:
			p.other += info.Size()
		}
		return nil
	})
	return p
}

func bleveBatches(idx bleve.Index, docs []corpus.Document, size int) error {
	b := idx.NewBatch()
	for _, d := range docs {
		b.Index(d.ID, map[string]string{"title": d.Title, "body": d.Body})
		if b.Size() >= size {
			if err := idx.Batch(b); err != nil {
				return err
			}
			b.Reset()
		}
	}
	if b.Size() == 0 {
		return nil
	}
	return idx.Batch(b)
}

// finalCollection is docs with added, and with replacements in the place
// of the documents of their ids.
func finalCollection(docs, added, replacements []corpus.Document) []corpus.Document {
	byID := map[string]int{}
	out := append([]corpus.Document(nil), docs...)
	for i, d := range out {
		byID[d.ID] = i
	}
	out = append(out, added...)
	for _, r := range replacements {
		out[byID[r.ID]] = r
	}
	return out
}

// settledSize waits until the files under dir stop changing for a few
// seconds (merges done), at most five minutes, and returns their size.
func settledSize(dir string) int64 {
	last, since := dirSize(dir), time.Now()
	for deadline := time.Now().Add(5 * time.Minute); time.Now().Before(deadline); {
		time.Sleep(500 * time.Millisecond) // a background merge says nothing when it ends
		if n := dirSize(dir); n != last {
			last, since = n, time.Now()
		} else if time.Since(since) > 5*time.Second {
			break
		}
	}
	return last
}

// bulkBodies encodes docs as the NDJSON bodies of bulk requests of n
// documents each.
func bulkBodies(docs []corpus.Document, n int) [][]byte {
	var bodies [][]byte
	for i := 0; i < len(docs); i += n {
		var body bytes.Buffer
		enc := json.NewEncoder(&body)
		for j := i; j < min(i+n, len(docs)); j++ {
			enc.Encode(&docs[j])
		}
		bodies = append(bodies, body.Bytes())
	}
	return bodies
}

// postBulk sends one bulk request's body.
func postBulk(client *http.Client, base string, body []byte) error {
	return send(client, "POST", base+"/api/v1/docs/_bulk", bytes.NewReader(body))
}

func put(client *http.Client, base string, d corpus.Document) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return send(client, "PUT", base+"/api/v1/docs/"+d.ID, bytes.NewReader(raw))
}

func send(client *http.Client, method, url string, body io.Reader) error {
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+benchKey)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 || bytes.Contains(raw, []byte(`"errors":true`)) {
		return fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, strings.TrimSpace(string(raw[:min(len(raw), 300)])))
	}
	return nil
}

// writes is a stream of single writes at a steady rate, in an open loop:
// a write every 1/rate s whether or not the last one has answered, as
// independent clients send them; a second's worth at most in flight, a
// tick past that counted as behind.
type writes struct {
	stop chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex // guards what follows until halt returns
	// sent: writes sent; written, failed: answered with success or not;
	// behind: ticks with no write sent
	sent, written, failed, behind, inFlight int
	lat                                     []time.Duration // the successful writes'
	err                                     error           // the first failure
}

// startWrites sends docs[from%len(docs)], docs[(from+1)%len(docs)]... at
// rate writes a second until halt.
func startWrites(client *http.Client, base string, docs []corpus.Document, from, rate int) *writes {
	ws := &writes{stop: make(chan struct{})}
	ws.wg.Go(func() {
		t := time.NewTicker(time.Second / time.Duration(rate))
		defer t.Stop()
		for {
			select {
			case <-ws.stop:
				return
			case <-t.C:
			}
			ws.mu.Lock()
			full := ws.inFlight >= rate
			if full {
				ws.behind++
			} else {
				ws.inFlight++
			}
			d := docs[(from+ws.sent)%len(docs)]
			if !full {
				ws.sent++
			}
			ws.mu.Unlock()
			if full {
				continue
			}
			ws.wg.Go(func() {
				t := time.Now()
				err := put(client, base, d)
				ws.mu.Lock()
				defer ws.mu.Unlock()
				ws.inFlight--
				if err != nil {
					if ws.err == nil {
						ws.err = err
					}
					ws.failed++
					return
				}
				ws.lat = append(ws.lat, time.Since(t))
				ws.written++
			})
		}
	})
	return ws
}

// halt stops sending and waits for the writes in flight to answer.
func (ws *writes) halt() {
	close(ws.stop)
	ws.wg.Wait()
}

// waitIdle waits until process pid has used under 5% of a core in two
// windows of two seconds in a row (for serve: its refreshes, persister
// naps, the merges after them, and the merge of small segments it makes
// once idle for two seconds, done), at most limit; it says whether it got
// there.
func waitIdle(pid string, limit time.Duration) bool {
	const window = 2 * time.Second
	quiet := 0
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); {
		before := procCPU(pid)
		time.Sleep(window) // a process says nothing when it goes idle
		if procCPU(pid)-before >= window/20 {
			quiet = 0
		} else if quiet++; quiet == 2 {
			return true
		}
	}
	return false
}

// spread describes durations: the fastest, the median and the slowest, with
// the slowest's place (from 1). ds is left as it is.
func spread(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	slowest := 0
	for i, d := range ds {
		if d > ds[slowest] {
			slowest = i
		}
	}
	sorted := slices.Sorted(slices.Values(ds))
	return fmt.Sprintf("fastest %s, median %s, slowest %s (request %d of %d)",
		sorted[0].Round(time.Millisecond), percentile(sorted, .5).Round(time.Millisecond),
		ds[slowest].Round(time.Millisecond), slowest+1, len(ds))
}

// median is the middle of xs (the mean of the two middle ones for an even
// number); 0 for none. xs is left as it is.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// joinRatios writes ratios as "1.04, 0.98".
func joinRatios(rs []float64) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = strconv.FormatFloat(r, 'f', 2, 64)
	}
	return strings.Join(parts, ", ")
}
