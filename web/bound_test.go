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
