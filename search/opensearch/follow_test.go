package opensearch

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"pressearch/indexer"
	"pressearch/search"
	"pressearch/search/plan"
)

// fakeBackend is an executor that only counts its closing.
type fakeBackend struct {
	name     string
	closed   int
	closeErr error
}

func (b *fakeBackend) Execute(context.Context, *plan.Plan) (*plan.Result, error) {
	return &plan.Result{}, nil
}
func (b *fakeBackend) Lookup(context.Context, plan.Lookup) ([]plan.Document, error) { return nil, nil }
func (b *fakeBackend) Close() error                                                 { b.closed++; return b.closeErr }

// The follower puts the generation the alias names in service, closes the
// one it replaces, refuses a generation that will not serve once, and
// says once that the alias cannot be read.
func TestFollowerOfTheAlias(t *testing.T) {
	alias, aliasErr := "c-gen-000001", error(nil)
	backends := map[string]*fakeBackend{}
	var logs bytes.Buffer
	e := search.NewEngine()
	f := &follower{
		current: func(context.Context) (string, error) { return alias, aliasErr },
		serve: func(_ context.Context, index string) (search.Served, error) {
			if strings.HasSuffix(index, "bad") {
				return search.Served{}, errors.New("built by another analysis")
			}
			b := &fakeBackend{name: index, closeErr: errors.New("cannot close " + index)}
			backends[index] = b
			return search.Served{Backend: b, Info: search.Info{Generation: indexer.Generation(len(backends))}}, nil
		},
		gen: func(index string) indexer.Generation { return indexer.Generation(len(index)) },
		e:   e, log: slog.New(slog.NewTextHandler(&logs, nil)),
	}
	ctx := context.Background()
	if !f.check(ctx) || !e.Ready() || f.serving != alias {
		t.Fatalf("first look: serving %q, ready %v", f.serving, e.Ready())
	}
	if f.check(ctx) {
		t.Error("switched with the alias unmoved")
	}
	alias = "c-gen-000002"
	if !f.check(ctx) || f.serving != alias || backends["c-gen-000001"].closed != 1 {
		t.Errorf("after the alias moved: serving %q, the old closed %d times", f.serving, backends["c-gen-000001"].closed)
	}
	if !strings.Contains(logs.String(), "cannot close c-gen-000001") {
		t.Errorf("the old executor's closing error is not logged:\n%s", logs.String())
	}
	alias = "c-gen-000003-bad"
	for i := 0; i < 2; i++ {
		if f.check(ctx) || f.serving != "c-gen-000002" {
			t.Errorf("a generation that will not serve: serving %q", f.serving)
		}
	}
	if n := strings.Count(logs.String(), "new generation refused"); n != 1 {
		t.Errorf("refused %d times in the log, want once:\n%s", n, logs.String())
	}
	aliasErr = errors.New("cluster unreachable")
	for i := 0; i < 3; i++ {
		f.check(ctx)
	}
	if n := strings.Count(logs.String(), "cluster unreachable"); n != 1 || f.serving != "c-gen-000002" {
		t.Errorf("the alias unreadable: logged %d times, serving %q; want once, the old one", n, f.serving)
	}
	aliasErr, alias = nil, "c-gen-000004"
	if !f.check(ctx) || f.serving != alias {
		t.Errorf("after the cluster came back: serving %q", f.serving)
	}
}

// A generation that would not serve is tried again once retryRefused has
// passed, not at every look, and served once it can be: a failure that
// passes (the cluster busy) does not leave the old generation in service
// for good while the documents API writes to the new one.
func TestFollowerTriesARefusedGenerationAgain(t *testing.T) {
	clock := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	alias, failing := "c-gen-000001", true
	tries := map[string]int{}
	var logs bytes.Buffer
	f := &follower{
		current: func(context.Context) (string, error) { return alias, nil },
		serve: func(_ context.Context, index string) (search.Served, error) {
			tries[index]++
			if index == "c-gen-000002" && failing {
				return search.Served{}, errors.New("cluster busy")
			}
			return search.Served{Backend: &fakeBackend{name: index}}, nil
		},
		gen: func(index string) indexer.Generation { return indexer.Generation(len(index)) },
		e:   search.NewEngine(), log: slog.New(slog.NewTextHandler(&logs, nil)),
		now: func() time.Time { return clock },
	}
	ctx := context.Background()
	if !f.check(ctx) {
		t.Fatal("the first generation is not served")
	}
	alias = "c-gen-000002"
	tests := []struct {
		after   time.Duration
		failing bool
		served  string
		tries   int
	}{
		{0, true, "c-gen-000001", 1},
		{time.Second, true, "c-gen-000001", 1},
		{retryRefused - 2*time.Second, true, "c-gen-000001", 1},
		{2 * time.Second, true, "c-gen-000001", 2}, // tried again, still failing
		{time.Second, false, "c-gen-000001", 2},    // not yet
		{retryRefused, false, "c-gen-000002", 3},
		{time.Second, false, "c-gen-000002", 3},
	}
	for i, tc := range tests {
		clock = clock.Add(tc.after)
		failing = tc.failing
		f.check(ctx)
		if f.serving != tc.served || tries["c-gen-000002"] != tc.tries {
			t.Errorf("look %d: serving %q after %d tries of the new one; want %q after %d", i, f.serving, tries["c-gen-000002"], tc.served, tc.tries)
		}
	}
	if n := strings.Count(logs.String(), "new generation refused"); n != 1 {
		t.Errorf("refused %d times in the log, want once:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "serving new generation") || !strings.Contains(logs.String(), "c-gen-000002") {
		t.Errorf("the generation served at last is not logged:\n%s", logs.String())
	}
}
