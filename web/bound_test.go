package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"pressearch/search"
)

// blockingEngine holds every search until release is closed, and records
// how many ran at once.
type blockingEngine struct {
	Engine
	entered chan string // the query of each search as it starts
	release chan struct{}

	mu            sync.Mutex
	running, most int
}

func (e *blockingEngine) Search(ctx context.Context, r search.Request) (*search.Result, error) {
	e.mu.Lock()
	e.running++
	e.most = max(e.most, e.running)
	e.mu.Unlock()
	e.entered <- r.Query
	<-e.release
	e.mu.Lock()
	e.running--
	e.mu.Unlock()
	return &search.Result{Hits: []search.Hit{}, Facets: map[string][]search.FacetValue{}}, nil
}

func newBlockingServer(t *testing.T, bound int) (*Server, *blockingEngine) {
	t.Helper()
	e := &blockingEngine{Engine: search.NewEngine(), entered: make(chan string, 100), release: make(chan struct{})}
	s, err := New(e, slog.New(slog.NewTextHandler(io.Discard, nil)), MaxSearches(bound))
	if err != nil {
		t.Fatal(err)
	}
	return s, e
}

func TestSearchesAtOnceAreBounded(t *testing.T) {
	const bound, clients = 2, 6
	s, e := newBlockingServer(t, bound)
	codes := make(chan int, clients)
	for i := range clients {
		target := "/api/v1/search?q=x"
		if i%2 == 1 {
			target = "/search?q=x"
		}
		go func() { codes <- get(t, s, target).Code }()
	}
	// The first searches fill the slots; the others wait for one.
	for range bound {
		<-e.entered
	}
	close(e.release)
	for range clients {
		if code := <-codes; code != http.StatusOK {
			t.Errorf("a search that waited for a slot: %d, want 200", code)
		}
	}
	if e.most != bound {
		t.Errorf("%d searches ran at once, want the bound, %d", e.most, bound)
	}
}

func TestSearchPastTheBoundAnswers503AtItsDeadline(t *testing.T) {
	s, e := newBlockingServer(t, 1)
	defer close(e.release)
	go get(t, s, "/api/v1/search?q=first")
	<-e.entered

	for _, target := range []string{"/api/v1/search?q=second", "/search?q=second"} {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil).WithContext(ctx))
		cancel()
		if rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("%s past the bound: %d, want 503", target, rec.Code)
		}
		if rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s: a 503 without Retry-After", target)
		}
		if strings.HasPrefix(target, "/api/") {
			var body struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error.Code != search.CodeUnavailable ||
				!strings.Contains(body.Error.Message, "at most 1 searches at once") {
				t.Errorf("error body %s", rec.Body)
			}
		}
	}
	if !strings.Contains(get(t, s, "/metrics").Body.String(), "pressearch_searches_refused_total 2") {
		t.Errorf("/metrics does not count the refused searches")
	}
	if e.most != 1 {
		t.Errorf("%d searches ran at once, want 1", e.most)
	}
}

func TestDefaultBound(t *testing.T) {
	s := newTestServer(t)
	if cap(s.slots) != DefaultMaxSearches() || DefaultMaxSearches() < 2 {
		t.Errorf("bound %d, default %d", cap(s.slots), DefaultMaxSearches())
	}
}

func TestHeavySearchesLeaveSlotsForTheOthers(t *testing.T) {
	s, e := newBlockingServer(t, 8) // two heavy searches at once
	codes := make(chan int, 10)
	for range 4 {
		go func() { codes <- get(t, s, "/api/v1/search?q=minist*").Code }()
	}
	for range 2 {
		if q := <-e.entered; q != "minist*" {
			t.Fatalf("%q started", q)
		}
	}
	// The heavy slots are taken, two heavy searches wait: an ordinary one
	// starts at once.
	go func() { codes <- get(t, s, "/api/v1/search?q=Japan").Code }()
	if q := <-e.entered; q != "Japan" {
		t.Errorf("%q started while the heavy slots were taken, want the ordinary search", q)
	}
	close(e.release)
	for range 5 {
		if code := <-codes; code != http.StatusOK {
			t.Errorf("status %d", code)
		}
	}
	if e.most != 3 {
		t.Errorf("%d searches ran at once, want 3: two heavy and the ordinary one", e.most)
	}
}

// heavyAtWrite records how many heavy slots are taken when the answer is
// written.
type heavyAtWrite struct {
	*httptest.ResponseRecorder
	s     *Server
	taken int
}

func (w *heavyAtWrite) Write(b []byte) (int, error) {
	w.taken = len(w.s.heavy)
	return w.ResponseRecorder.Write(b)
}

// A heavy request holds its heavy slot until its answer is written; the
// slot then rests seven times as long as it was held if an ordinary search
// ran meanwhile or started lately, and not at all if none did.
func TestHeavyLaneRestsWhileOrdinarySearchesRun(t *testing.T) {
	s, e := newBlockingServer(t, 4) // one heavy search at once
	var rests []time.Duration
	var wake []func()
	s.after = func(d time.Duration, f func()) { rests, wake = append(rests, d), append(wake, f) }
	// The clock moves a millisecond each time it is read.
	clock := time.Unix(1e9, 0)
	s.now = func() time.Time { clock = clock.Add(time.Millisecond); return clock }
	heavy := "/api/v1/search?q=minist*"

	// Alone.
	w := &heavyAtWrite{ResponseRecorder: httptest.NewRecorder(), s: s}
	done := make(chan struct{})
	go func() {
		s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, heavy, nil))
		close(done)
	}()
	<-e.entered
	e.release <- struct{}{}
	<-done
	if w.Code != http.StatusOK || w.taken != 1 {
		t.Errorf("a heavy search alone: status %d, %d heavy slots taken as it was answered; want 200 and 1", w.Code, w.taken)
	}
	if len(s.heavy) != 0 || len(rests) != 0 {
		t.Errorf("a heavy search alone: %d heavy slots still taken, rests %v; want its slot back at once", len(s.heavy), rests)
	}

	// With an ordinary search running beside it.
	codes := make(chan int, 2)
	go func() { codes <- get(t, s, heavy).Code }()
	if q := <-e.entered; q != "minist*" {
		t.Fatalf("%q started", q)
	}
	go func() { codes <- get(t, s, "/api/v1/search?q=Japan").Code }()
	if q := <-e.entered; q != "Japan" {
		t.Fatalf("%q started", q)
	}
	e.release <- struct{}{}
	e.release <- struct{}{}
	for range 2 {
		if code := <-codes; code != http.StatusOK {
			t.Errorf("status %d", code)
		}
	}
	if len(s.heavy) != 1 || len(rests) != 1 || rests[0] <= 0 || rests[0] > maxHeavyRest {
		t.Fatalf("after a heavy search beside an ordinary one: %d heavy slots taken, rests %v; want the slot resting once", len(s.heavy), rests)
	}
	wake[0]()
	if len(s.heavy) != 0 {
		t.Errorf("the rest over, %d heavy slots still taken", len(s.heavy))
	}
	if !strings.Contains(get(t, s, "/metrics").Body.String(), "pressearch_heavy_rests_total 1") {
		t.Errorf("/metrics does not count the rests")
	}

	// After an ordinary search, lately: the ordinary traffic may go on.
	heavyAlone := func() {
		t.Helper()
		go func() { codes <- get(t, s, heavy).Code }()
		<-e.entered
		e.release <- struct{}{}
		if code := <-codes; code != http.StatusOK {
			t.Errorf("status %d", code)
		}
	}
	rests = nil
	heavyAlone()
	if len(s.heavy) != 1 || len(rests) != 1 {
		t.Fatalf("a heavy search just after an ordinary one: %d heavy slots taken, rests %v; want the slot resting", len(s.heavy), rests)
	}
	wake[1]()
	// Long after it: no rest.
	clock = clock.Add(ordinaryRecent)
	rests = nil
	heavyAlone()
	if len(s.heavy) != 0 || len(rests) != 0 {
		t.Errorf("a heavy search long after the last ordinary one: %d heavy slots taken, rests %v; want its slot back at once", len(s.heavy), rests)
	}
}
