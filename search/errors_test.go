package search

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"runtime"
	"strings"
	"testing"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"

	"pressearch/indexer"
	"pressearch/search/plan"
)

// An analysis whose analyzer cannot be had.
func brokenTelugu() indexer.Analysis {
	a := indexer.DefaultRegistry().For("te")
	a.Analyzer = "no-such-analyzer"
	return a
}

// Two neighbouring Telugu words are looked for as their compound too; an
// analyzer that cannot be had fails the plan: it is no word without a
// compound.
func TestJoinedAnalyzerErrorIsReturned(t *testing.T) {
	root, _, err := parseQuery("మండల కేంద్రం", false, false)
	if err != nil {
		t.Fatal(err)
	}
	ok := vocab{langs: indexer.DefaultRegistry(), list: []indexer.Analysis{indexer.DefaultRegistry().For("te")}}
	if _, err := translate(root, ok); err != nil {
		t.Fatalf("with the Telugu analyzer: %v", err)
	}
	broken := vocab{langs: indexer.DefaultRegistry(), list: []indexer.Analysis{brokenTelugu()}}
	if _, err := translate(root, broken); err == nil || !strings.Contains(err.Error(), "no-such-analyzer") {
		t.Errorf("with an analyzer that cannot be had: %v, want its error", err)
	}
	if _, err := joined(root.(*seqNode).items[0], root.(*seqNode).items[1], broken); err == nil {
		t.Error("joined read the analyzer's error as no compound")
	}
}

// A word every analysis drops is a stop word, never offered a spelling.
// (An analyzer that cannot be had is an error here too; a registry refuses
// such an analysis, so no test can hand one to the engine.)
func TestDropped(t *testing.T) {
	e := NewEngine()
	if drop, err := e.dropped("the", map[string]bool{"en": true}); err != nil || !drop {
		t.Errorf("the: dropped %v, %v; want a stop word", drop, err)
	}
	if drop, err := e.dropped("harbour", map[string]bool{"en": true}); err != nil || drop {
		t.Errorf("harbour: dropped %v, %v; want a word English keeps", drop, err)
	}
}

// A language filter asks for its language's documents in the engine's
// registry: a Latin word is then no quotation in that language's fields,
// and takes its rarity there.
func TestLanguageFilterReadsTheEnginesRegistry(t *testing.T) {
	reg := indexer.DefaultRegistry()
	if err := reg.Register(indexer.Analysis{Key: "ka", Langs: []string{"ka"}, Analyzer: standard.Name,
		Scripts: []*unicode.RangeTable{unicode.Georgian}}); err != nil {
		t.Fatal(err)
	}
	e := NewEngine(WithRegistry(reg))
	root, _, err := parseQuery("tbilisi", false, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lang   string
		quoted bool
	}{{"", true}, {"ka", false}} {
		p, err := e.plan(root, &Request{Query: "tbilisi", Lang: c.lang, Size: 10}, nil)
		if err != nil {
			t.Fatal(err)
		}
		m := findMatch(p.Query, indexer.BodyField("ka"))
		if m == nil {
			t.Fatalf("lang %q: no match in body_ka: %v", c.lang, p.Query)
		}
		if got := len(m.RarityFrom) > 0; got != c.quoted {
			t.Errorf("lang %q: body_ka's match takes its rarity from %v; want quoted %v", c.lang, m.RarityFrom, c.quoted)
		}
	}
}

// findMatch returns the first Match of field in n.
func findMatch(n plan.Node, field string) *plan.Match {
	switch n := n.(type) {
	case *plan.Match:
		if n.Field == field {
			return n
		}
	case *plan.Sum:
		for _, c := range n.Clauses {
			if m := findMatch(c.Node, field); m != nil {
				return m
			}
		}
	case *plan.Bool:
		for _, l := range [][]plan.Node{n.Must, n.Should, n.MustNot} {
			for _, c := range l {
				if m := findMatch(c, field); m != nil {
					return m
				}
			}
		}
	case *plan.Boost:
		return findMatch(n.Inner, field)
	}
	return nil
}

// failingCount fails every plan that asks for no hits: the count of a "did
// you mean".
type failingCount struct{ Backend }

func (f failingCount) Execute(ctx context.Context, p *plan.Plan) (*plan.Result, error) {
	if p.Size == 0 {
		return nil, errors.New("the index could not count")
	}
	return f.Backend.Execute(ctx, p)
}

// When the count of a "did you mean" fails, the search is answered without
// the offer and the failure is logged, not read as a correction that finds
// nothing.
func TestDidYouMeanCountFailureIsLogged(t *testing.T) {
	base := defaultEngine(t)
	l := base.cur.Load()
	var logged bytes.Buffer
	e := NewEngine(WithLog(slog.New(slog.NewTextHandler(&logged, nil))))
	e.cur.Store(&live{backend: failingCount{l.backend}, info: l.info, present: l.present, suggest: l.suggest})
	res, err := e.Search(context.Background(), Request{Query: "Japn"})
	if err != nil {
		t.Fatal(err)
	}
	if res.DidYouMean != "" {
		t.Errorf("did you mean %q, counted by a failing index", res.DidYouMean)
	}
	if !strings.Contains(logged.String(), "the index could not count") || !strings.Contains(logged.String(), "Japan") {
		t.Errorf("log %q: want the failure and the correction", logged.String())
	}
	if res, err := base.Search(context.Background(), Request{Query: "Japn"}); err != nil || res.DidYouMean != "Japan" {
		t.Errorf("on the index itself: did you mean %q, %v", res.DidYouMean, err)
	}
}

// Close takes the index out of service first (new searches are answered
// unavailable at once), waits for the searches holding it, then closes it.
func TestCloseTakesTheIndexOutOfServiceFirst(t *testing.T) {
	e := defaultEngine(t)
	l, err := e.hold() // a search in flight
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- e.Close() }()
	for e.Ready() {
		runtime.Gosched()
	}
	if _, err := e.Search(context.Background(), Request{Query: "Japan"}); ErrorCode(err) != CodeUnavailable {
		t.Errorf("a search while closing: %v, want unavailable", err)
	}
	select {
	case err := <-done:
		t.Fatalf("Close returned (%v) under a search in flight", err)
	default:
	}
	if _, err := l.index.DocCount(); err != nil {
		t.Fatalf("the index was closed under a search: %v", err)
	}
	l.release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := l.index.DocCount(); err == nil {
		t.Error("the index is still open after Close")
	}
}
