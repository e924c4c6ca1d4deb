package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"pressearch/corpus"
	"pressearch/indexer"
)

// hostileOptions say what -hostile measures.
type hostileOptions struct {
	query   string // the expensive query
	copies  int    // how many clients send it at once, each again as soon as answered
	rounds  int    // unloaded and loaded measures, alternated
	queries int    // ordinary queries a measure sends
	conns   int    // clients of the ordinary queries
	slots   int    // serve --max-searches; 0: its default
	profile string // where set, a CPU profile of serve during the first loaded round
}

// hostileLoad indexes lk-pmd, starts `pressearch serve` on it and measures
// what an expensive query costs: its latency alone, then the p50 and p99
// of ordinary two-word queries unloaded and while h.copies clients send
// the expensive one back to back, alternated h.rounds times (the machine
// may be shared: each pair is measured under the same conditions).
func hostileLoad(ctx context.Context, shared string, seed int64, h hostileOptions) error {
	docs, err := corpus.Load(filepath.Join(shared, "data", "lk-pmd", "press-releases.jsonl"))
	if err != nil {
		return fmt.Errorf("lk-pmd: %w", err)
	}
	tmp, err := os.MkdirTemp("", "pressbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	data := filepath.Join(tmp, "data")
	store, err := indexer.OpenStore(data)
	if err != nil {
		return err
	}
	if _, err := store.Build(ctx, docs, nil); err != nil {
		return err
	}
	var args []string
	if h.slots > 0 {
		args = append(args, "--max-searches", fmt.Sprint(h.slots))
	}
	if h.profile != "" {
		args = append(args, "--pprof")
	}
	srv, err := startServe(ctx, tmp, data, args...)
	if err != nil {
		return err
	}
	defer srv.stop()
	ordinary := titleQueries(docs, h.queries, rand.New(rand.NewSource(seed)))
	fmt.Printf("lk-pmd: %d documents; the expensive query is %d bytes: %.60s…\n", len(docs), len(h.query), h.query)

	// Alone: one client, one query after the other.
	var alone, took []time.Duration
	for range 50 {
		d, ms, err := timedSearch(http.DefaultClient, srv.base, h.query)
		if err != nil {
			return err
		}
		alone, took = append(alone, d), append(took, ms)
	}
	fmt.Printf("alone: p50 %s, p99 %s over HTTP; the engine's took_ms p50 %s\n",
		percentile(alone, .5).Round(time.Microsecond), percentile(alone, .99).Round(time.Microsecond),
		percentile(took, .5).Round(time.Microsecond))
	before, _ := procMemory(srv.pid)

	// Rounds alternate unloaded and loaded, each with its share of the
	// queries; the latencies of each kind are pooled, so that a burst of
	// the machine's other work weighs on both alike.
	fmt.Printf("\nordinary two-word queries from %d clients, %d in each of %d rounds unloaded and as many loaded, alternated; loaded: %d clients sending the expensive query back to back\n",
		h.conns, len(ordinary)/h.rounds, h.rounds, h.copies)
	fmt.Printf("%-6s %10s %10s %10s %10s %14s %6s\n", "round", "p50", "p99", "p50 load", "p99 load", "expensive/s", "503s")
	var quiet, loaded []time.Duration
	per := len(ordinary) / h.rounds
	for r := 0; r < h.rounds; r++ {
		qs := ordinary[r*per : (r+1)*per]
		q0, _, err := sendAll(srv.base, qs, h.conns)
		if err != nil {
			return err
		}
		flood, err := startFlood(ctx, srv.base, h)
		if err != nil {
			return err
		}
		start := time.Now()
		profiled := make(chan error, 1)
		if h.profile != "" && r == 0 {
			go func() { profiled <- fetchProfile(srv.base, h.profile) }()
		} else {
			profiled <- nil
		}
		q1, _, err := sendAll(srv.base, qs, h.conns)
		perr := <-profiled
		sent, refused, ferr := flood.stop()
		if perr != nil {
			return perr
		}
		if err != nil {
			return err
		}
		if ferr != nil {
			return ferr
		}
		quiet, loaded = append(quiet, q0...), append(loaded, q1...)
		fmt.Printf("%-6d %10s %10s %10s %10s %14.0f %6d\n", r+1, percentile(q0, .5).Round(time.Microsecond), percentile(q0, .99).Round(time.Microsecond),
			percentile(q1, .5).Round(time.Microsecond), percentile(q1, .99).Round(time.Microsecond), float64(sent)/time.Since(start).Seconds(), refused)
	}
	p50, p99 := percentile(quiet, .5), percentile(quiet, .99)
	l50, l99 := percentile(loaded, .5), percentile(loaded, .99)
	fmt.Printf("all rounds: unloaded p50 %s p99 %s; loaded p50 %s p99 %s; loaded / unloaded: p50 %.2f, p99 %.2f\n",
		p50.Round(time.Microsecond), p99.Round(time.Microsecond), l50.Round(time.Microsecond), l99.Round(time.Microsecond),
		float64(l50)/float64(p50), float64(l99)/float64(p99))
	m := procStatus(srv.pid)
	fmt.Printf("serve resident memory: %.0f MB before the load, %.0f MB after, peak %.0f MB\n",
		float64(before)/1e6, float64(m["VmRSS"])/1e6, float64(m["VmHWM"])/1e6)
	return nil
}

// flood is a process of its own sending the expensive query from many
// clients, at the lowest CPU priority: it stands for clients on other
// machines, whose work is not the server's.
type flood struct {
	cmd *exec.Cmd
	out *bufio.Reader
}

// startFlood starts the flood and returns once it is sending.
func startFlood(ctx context.Context, base string, h hostileOptions) (*flood, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	f := &flood{cmd: exec.CommandContext(ctx, "nice", "-n", "19", self, "-flood", base, "-copies", fmt.Sprint(h.copies), "-hostile-query", h.query)}
	f.cmd.Stderr = os.Stderr
	out, err := f.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := f.cmd.Start(); err != nil {
		return nil, err
	}
	f.out = bufio.NewReader(out)
	if line, err := f.out.ReadString('\n'); line != "sending\n" {
		f.cmd.Process.Kill()
		f.cmd.Wait()
		return nil, fmt.Errorf("flood: %q, %v", line, err)
	}
	return f, nil
}

// stop ends the flood and returns how many queries it sent and how many
// were answered 503.
func (f *flood) stop() (sent, refused int, err error) {
	f.cmd.Process.Signal(os.Interrupt)
	if _, err = fmt.Fscanf(f.out, "%d %d", &sent, &refused); err != nil {
		err = fmt.Errorf("flood's count: %w", err)
	}
	if werr := f.cmd.Wait(); werr != nil {
		return 0, 0, fmt.Errorf("flood: %w", werr)
	}
	return sent, refused, err
}

// runFlood sends q to base from copies clients, each again as soon as
// answered, until interrupted; then it prints how many it sent and how
// many were answered 503.
func runFlood(base string, copies int, q string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	fmt.Println("sending") // the interrupt is heard from now on
	var sent, refused atomic.Int64
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: copies}, Timeout: 30 * time.Second}
	for range copies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				code, err := get(client, base, q)
				if err != nil {
					continue
				}
				sent.Add(1)
				if code == http.StatusServiceUnavailable {
					refused.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	fmt.Println(sent.Load(), refused.Load())
	return nil
}

// timedSearch sends one query and returns how long it took over HTTP and
// by the engine's own count (took_ms).
func timedSearch(client *http.Client, base, q string) (time.Duration, time.Duration, error) {
	start := time.Now()
	resp, err := client.Get(base + "/api/v1/search?q=" + url.QueryEscape(q))
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	var res struct {
		TookMS float64 `json:"took_ms"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || resp.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("search %.40q: status %d, %v", q, resp.StatusCode, err)
	}
	return time.Since(start), time.Duration(res.TookMS * float64(time.Millisecond)), nil
}

// get sends one query and returns the status.
func get(client *http.Client, base, q string) (int, error) {
	resp, err := client.Get(base + "/api/v1/search?q=" + url.QueryEscape(q))
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// titleQueries are n queries of two words of three letters or more from
// the title of a random document: what a reader who saw a headline types.
func titleQueries(docs []corpus.Document, n int, rng *rand.Rand) []string {
	var out []string
	for len(out) < n {
		var words []string
		for _, w := range strings.FieldsFunc(docs[rng.Intn(len(docs))].Title, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsMark(r)
		}) {
			if len([]rune(w)) >= 3 {
				words = append(words, w)
			}
		}
		if len(words) < 2 {
			continue
		}
		i := rng.Intn(len(words) - 1)
		out = append(out, plainWords(words[i]+" "+words[i+1]))
	}
	return out
}
