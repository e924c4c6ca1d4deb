package main

import (
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"pressearch/corpus"
	"pressearch/indexer"
)

// The writes of a round take the documents in turn from where the last
// round stopped, and every write sent is counted as written or failed
// once halt returns.
func TestWritesTakeDocumentsInTurn(t *testing.T) {
	var mu sync.Mutex
	var got []string
	arrived := make(chan struct{}, 1000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimPrefix(r.URL.Path, "/api/v1/docs/")
		mu.Lock()
		got = append(got, id)
		mu.Unlock()
		if id == "d3" {
			http.Error(w, "no", http.StatusBadRequest)
		} else {
			w.WriteHeader(http.StatusOK)
		}
		arrived <- struct{}{}
	}))
	defer srv.Close()
	docs := []corpus.Document{{ID: "d0"}, {ID: "d1"}, {ID: "d2"}, {ID: "d3"}}
	ws := startWrites(srv.Client(), srv.URL, docs, 2, 200)
	for range 6 {
		select {
		case <-arrived:
		case <-time.After(10 * time.Second):
			t.Fatal("writes do not arrive")
		}
	}
	ws.halt()
	if ws.sent < 6 || ws.written+ws.failed != ws.sent || ws.inFlight != 0 {
		t.Fatalf("sent %d, written %d, failed %d, in flight %d", ws.sent, ws.written, ws.failed, ws.inFlight)
	}
	if len(ws.lat) != ws.written || ws.err == nil || ws.failed == 0 {
		t.Errorf("%d latencies for %d written; %d failed, first error %v", len(ws.lat), ws.written, ws.failed, ws.err)
	}
	mu.Lock()
	defer mu.Unlock()
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
	}
	// From d2 on, in turn and round again: d2 d3 d0 d1 d2 d3 ...
	for i := range ws.sent {
		seen[docs[(2+i)%len(docs)].ID]--
	}
	for id, n := range seen {
		if n != 0 {
			t.Errorf("%s: %d more writes than in turn (arrived %q)", id, n, got)
		}
	}
}

// The full build pressbench times is pressearch index over a corpus file
// of the very documents: every one of them is in the generation it makes.
func TestIndexFilesBuildsEveryDocument(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the pressearch command")
	}
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	for i := range docs { // ids of their own: not the default corpus's
		docs[i].ID = "bench-" + docs[i].ID
		docs[i].Related, docs[i].TranslationOf = nil, ""
	}
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	took, cpu, err := indexFiles(context.Background(), tmp, data, docs)
	if err != nil {
		t.Fatal(err)
	}
	if took <= 0 || cpu <= 0 {
		t.Errorf("took %s, CPU %s: the build was not timed", took, cpu)
	}
	store, err := indexer.OpenStore(data)
	if err != nil {
		t.Fatal(err)
	}
	gen, err := store.Current()
	if err != nil {
		t.Fatal(err)
	}
	idx, err := bleve.Open(store.Path(gen))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	for _, d := range docs {
		if got, err := idx.Document(d.ID); err != nil || got == nil {
			t.Errorf("%s: not in the built index (%v)", d.ID, err)
		}
	}
}

// The pairs' ratio is their median: the middle one, or the mean of the
// two middle ones.
func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		xs   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{1.04}, 1.04},
		{[]float64{1.04, 0.97, 1.01}, 1.01},
		{[]float64{1.2, 0.9, 1.0, 1.1}, 1.05},
	} {
		if got := median(tc.xs); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("median(%v) = %v, want %v", tc.xs, got, tc.want)
		}
	}
	xs := []float64{3, 1, 2}
	median(xs)
	if xs[0] != 3 || xs[1] != 1 {
		t.Errorf("median reordered its argument: %v", xs)
	}
}

func TestSpread(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		var ds []time.Duration
		for _, n := range ns {
			ds = append(ds, time.Duration(n)*time.Millisecond)
		}
		return ds
	}
	for _, tc := range []struct {
		ds   []time.Duration
		want string
	}{
		{nil, "none"},
		{ms(7), "fastest 7ms, median 7ms, slowest 7ms (request 1 of 1)"},
		{ms(500, 480, 2100, 510, 490), "fastest 480ms, median 500ms, slowest 2.1s (request 3 of 5)"},
	} {
		orig := slices.Clone(tc.ds)
		if got := spread(tc.ds); got != tc.want {
			t.Errorf("spread(%v) = %q, want %q", orig, got, tc.want)
		}
		if !slices.Equal(tc.ds, orig) {
			t.Errorf("spread reordered its argument: %v", tc.ds)
		}
	}
}
