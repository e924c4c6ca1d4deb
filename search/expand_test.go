package search

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"pressearch/corpus"
)

// expansionDocs are documents in Swahili (the standard analysis, which
// keeps words as they are), one word each: zq00 to zq04 and yq00 to yq04
// once, zq05 to zq54 and yq05 to yq54 twice; kolam once and 75 words one
// letter from it, 25 of them (bolam, colam, ...) once, 50 twice.
func expansionDocs() []corpus.Document {
	var docs []corpus.Document
	add := func(word string, times int) {
		for i := range times {
			docs = append(docs, corpus.Document{ID: fmt.Sprintf("%s-%d", word, i), Lang: "sw", Kind: corpus.KindArticle,
				Title: "habari", Body: word})
		}
	}
	for _, p := range []string{"zq", "yq"} {
		for k := range 55 {
			add(fmt.Sprintf("%s%02d", p, k), 1+min(k/5, 1))
		}
	}
	add("kolam", 1)
	n := 0
	for i := range 5 {
		for _, c := range "bcdefghijklmnpqrst" {
			if w := "kolam"[:i] + string(c) + "kolam"[i+1:]; w != "kolam" && n < 75 {
				add(w, 1+min(n/25, 1))
				n++
			}
		}
	}
	return docs
}

func TestPrefixAndFuzzyWordsExpandToTheirMostFrequentTerms(t *testing.T) {
	e := newTestEngine(t, expansionDocs())
	search := func(q string) map[string]bool {
		t.Helper()
		ids := map[string]bool{}
		for from := 0; ; from += MaxSize {
			res, err := e.Search(context.Background(), Request{Query: q, From: from, Size: MaxSize, NoSnippets: true})
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			for _, h := range res.Hits {
				ids[h.ID] = true
			}
			if len(res.Hits) < MaxSize {
				if int(res.Total) != len(ids) {
					t.Fatalf("%s: total %d, %d hits", q, res.Total, len(ids))
				}
				return ids
			}
		}
	}

	// zq* has 55 terms: the 50 twice-used ones are searched, the five
	// rarest not.
	got := search("zq*")
	if len(got) != 100 || got["zq00-0"] || got["zq04-0"] || !got["zq05-1"] || !got["zq54-0"] {
		t.Errorf("zq*: %d hits, want the 100 documents of zq05 to zq54", len(got))
	}
	// kolam~ has 76 terms within one edit: kolam itself, the rarest, is
	// searched first, and 49 of its neighbours used twice.
	got = search("kolam~")
	if !got["kolam-0"] || len(got) != 1+49*2 {
		t.Errorf("kolam~: %d hits (kolam among them: %v), want kolam and 49 neighbours used twice", len(got), got["kolam-0"])
	}

	// The words of a query share its bound evenly: 60 terms for two
	// prefixes are 30 each, the most frequent (ties in dictionary order).
	e.maxExpansion = 60
	got = search("zq* yq*")
	if len(got) != 120 || !got["zq05-0"] || !got["zq34-1"] || got["zq35-0"] || !got["yq34-0"] || got["yq35-1"] {
		t.Errorf("zq* yq* within 60 terms: %d hits, want 120: zq05 to zq34 and yq05 to yq34", len(got))
	}
	// A word alone keeps its own bound within the query's.
	if got := search("zq*"); len(got) != 100 {
		t.Errorf("zq* within 60 terms: %d hits, want 100", len(got))
	}
}

func TestExpansionBoundsShowInThePlan(t *testing.T) {
	e := newTestEngine(t, expansionDocs())
	res, err := e.Search(context.Background(), Request{Query: "zq* kolam~", Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	plan := strings.Join(res.Plan, "\n")
	for _, want := range []string{"zq* (50 terms at most)", "kolam~1 (50 terms at most)", "1024 terms at most in all"} {
		if !strings.Contains(plan, want) {
			t.Errorf("the plan lacks %q:\n%s", want, plan)
		}
	}
}

func TestRepeatedWordsCountAsOftenForTheCostOfOne(t *testing.T) {
	e := defaultEngine(t)
	ctx := context.Background()
	once, err := e.Search(ctx, Request{Query: "Japan", Size: MaxSize})
	if err != nil {
		t.Fatal(err)
	}
	twice, err := e.Search(ctx, Request{Query: "Japan Japan", Size: MaxSize})
	if err != nil {
		t.Fatal(err)
	}
	if len(once.Hits) == 0 || len(once.Hits) != len(twice.Hits) {
		t.Fatalf("Japan: %d hits, Japan Japan: %d", len(once.Hits), len(twice.Hits))
	}
	for i := range once.Hits {
		a, b := once.Hits[i], twice.Hits[i]
		if a.ID != b.ID || math.Abs(b.Score-2*a.Score) > 1e-9*a.Score {
			t.Errorf("hit %d: %s %g for Japan, %s %g for Japan Japan: want twice the score", i, a.ID, a.Score, b.ID, b.Score)
		}
	}
	// Sixty copies of a word plan one clause a field, not sixty.
	res, err := e.Search(ctx, Request{Query: strings.TrimSpace(strings.Repeat("se~2 ", 60)), Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	plan := strings.Join(res.Plan, "\n")
	if n := strings.Count(plan, `title_en:"se"`); n != 1 {
		t.Errorf("se~2 sixty times: title_en:\"se\" %d times in the plan, want 1:\n%.3000s", n, plan)
	}
}

func TestHeavyQueries(t *testing.T) {
	for _, tt := range []struct {
		q     string
		plain bool
		heavy bool
	}{
		{"Japan", false, false},
		{"జపాన్ రష్యా సంబంధాలు", false, false},
		{`"security and defence" lang:te -Tokyo`, false, false},
		{"minist*", false, true},
		{"Borell~", false, true},
		{"Tokyo -Borell~", false, true},
		{"se~2", false, false}, // two letters: no fuzziness
		{strings.TrimSpace(strings.Repeat("se~2 ", 60)), false, true},
		{strings.Repeat("word ", 17), true, true},
		{strings.Repeat("word ", 16), false, false},
		{`"open`, false, false}, // fails at once
	} {
		r := Request{Query: tt.q, Plain: tt.plain}
		if got := r.Heavy(); got != tt.heavy {
			t.Errorf("%.40q heavy: %v, want %v", tt.q, got, tt.heavy)
		}
	}
}

// A search of a request Heavy has read finds what one of the same request
// unread finds; a request changed after Heavy read it (another query, or
// the same read another way) is read again.
func TestSearchAfterHeavy(t *testing.T) {
	e := defaultEngine(t)
	ctx := context.Background()
	ids := func(r Request) string {
		t.Helper()
		res, err := e.Search(ctx, r)
		if err != nil {
			return "error: " + ErrorCode(err)
		}
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.ID)
		}
		return fmt.Sprint(res.Total, out, res.Notice != nil)
	}
	for _, tt := range []struct {
		name   string
		read   Request
		change func(*Request)
	}{
		{"unchanged", Request{Query: "జపాన్ రష్యా"}, func(*Request) {}},
		{"a prefix", Request{Query: "minist*"}, func(*Request) {}},
		{"another query", Request{Query: "జపాన్"}, func(r *Request) { r.Query = "Tokyo" }},
		{"read plainly", Request{Query: "Japan -Russia"}, func(r *Request) { r.Plain = true }},
		{"read leniently", Request{Query: `"Japan Russia`}, func(r *Request) { r.Lenient = true }},
		{"an error", Request{Query: `"open`}, func(*Request) {}},
	} {
		r := tt.read
		r.Heavy()
		tt.change(&r)
		fresh := r
		fresh.parsed = nil
		if got, want := ids(r), ids(fresh); got != want {
			t.Errorf("%s: %s, unread %s", tt.name, got, want)
		}
	}
}
