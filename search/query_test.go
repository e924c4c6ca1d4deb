package search

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"pressearch/indexer"
	"pressearch/search/plan"
)

func TestParsePrecedence(t *testing.T) {
	tests := []struct{ in, want string }{
		{"జపాన్", "జపాన్"},
		{"జపాన్ రష్యా", "(seq జపాన్ రష్యా)"},
		{"a OR b", "(or a b)"},
		{"a AND b", "(and a b)"},
		// NOT binds tighter than AND, AND tighter than juxtaposition,
		// juxtaposition tighter than OR.
		{"a b AND c OR d", "(or (seq a (and b c)) d)"},
		{"a OR b c", "(or a (seq b c))"},
		{"NOT a AND b", "(and (not a) b)"},
		{"a AND NOT b", "(and a (not b))"},
		{"(a OR b) AND c", "(and (or a b) c)"},
		{"a AND (b OR (c d))", "(and a (or b (seq c d)))"},
		{"+tokyo -seoul japan", "(seq (req tokyo) (not seoul) japan)"},
		{`"joint exercises" OR title:partnership`, `(or "joint exercises" title:partnership)`},
		{`lang:te kind:"statement" source:"Ministry of Defense of Japan"`, `(seq lang:te kind:"statement" source:"Ministry of Defense of Japan")`},
		{"జపా* tokio~ borell~2", "(seq జపా* tokio~1 borell~2)"},
		// Fuzziness follows the length of the word; ~2 never exceeds it.
		{"se~2", "se"},
		{"se~", "se"},
		{"sec~", "sec~1"},
		{"tokyo~2", "tokyo~1"},
		{"minister~", "minister~2"},
		{"minister~1", "minister~1"},
		{"జపాన్~2", "జపాన్~1"}, // five letters: జ ప ా న ్
		{"ప్రభుత్వం~2", "ప్రభుత్వం~2"},
		{"date:>=2024-11-01 japan", "(seq date:>=2024-11-01 japan)"},
		{"and or not", "(seq and or not)"}, // operators only in capitals
		{"EU - Japan", "(seq EU Japan)"},   // a lone minus is punctuation
		{"12:30 జపాన్:", "(seq 12:30 జపాన్:)"},
		{"   ", "<nil>"},
	}
	for _, tt := range tests {
		n, err := parse(tt.in)
		if err != nil {
			t.Errorf("parse(%q): %v", tt.in, err)
			continue
		}
		got := "<nil>"
		if n != nil {
			got = n.String()
		}
		if got != tt.want {
			t.Errorf("parse(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, msg string }{
		{`"open`, "the quote at position 1 has no closing quote"},
		{`tokyo "open`, "position 7"},
		{`colour:red`, `unknown field "colour" at position 1`},
		{`lang:`, "lang: at position 1 has no value"},
		{`lang:(te)`, "lang: at position 1 has no value"},
		{`(tokyo`, "parenthesis at position 1 is not closed"},
		{`tokyo)`, `unexpected ")" at position 6`},
		{`()`, "empty parentheses at position 1"},
		{`AND tokyo`, "AND at position 1 needs something before it"},
		{`tokyo AND`, "AND at position 7 needs something after it"},
		{`tokyo OR`, "OR at position 7 needs something after it"},
		{`NOT`, "NOT at position 1 needs something after it"},
		{`a* *`, ""}, // a lone * is punctuation-free text: caught below
		{`j*`, "two letters or more before *"},
		{`to*kyo`, "wildcards are only allowed at the end"},
		{`tokyo~3`, "must be ~, ~1 or ~2"},
		{`date:2024-13-01`, `bad date "2024-13-01" at position 1`},
		{`date:2025-01-01..2024-01-01`, "ends before it starts"},
		{strings.Repeat("a ", maxClauses+1), "too many words"},
	}
	for _, tt := range tests {
		_, err := parse(tt.in)
		if tt.msg == "" {
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.msg) || ErrorCode(err) != CodeInvalid {
			t.Errorf("parse(%q) error %v, want invalid_query mentioning %q", tt.in, err, tt.msg)
		}
	}
}

func TestParseDateRanges(t *testing.T) {
	tests := []struct{ in, from, to string }{
		{"date:2024-11-01", "2024-11-01", "2024-11-02"},
		{"date:>=2024-11-01", "2024-11-01", ""},
		{"date:>2024-11-01", "2024-11-02", ""},
		{"date:<=2024-11-01", "", "2024-11-02"},
		{"date:<2024-11-01", "", "2024-11-01"},
		{"date:2024-01-01..2024-12-31", "2024-01-01", "2025-01-01"},
	}
	for _, tt := range tests {
		n, err := parse(tt.in)
		if err != nil {
			t.Fatalf("parse(%q): %v", tt.in, err)
		}
		d := n.(*term)
		f, to := "", ""
		if !d.from.IsZero() {
			f = d.from.Format("2006-01-02")
		}
		if !d.to.IsZero() {
			to = d.to.Format("2006-01-02")
		}
		if f != tt.from || to != tt.to {
			t.Errorf("parse(%q): from %q to %q, want %q %q (to exclusive)", tt.in, f, to, tt.from, tt.to)
		}
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"జపాన్", `"a b" -c +d lang:te`, `title:"x`, "kind:", "++--", "\x00\xff",
		"(a OR (b AND NOT c)) d*", "date:>=2024-11-01", "a~2 b* (", "NOT NOT x"} {
		f.Add(s)
	}
	e := NewEngine()
	f.Fuzz(func(t *testing.T, s string) {
		q, _, err := parseQuery(s, false, false)
		if err != nil {
			if q != nil || ErrorCode(err) != CodeInvalid {
				t.Fatalf("parseQuery(%q) = %v, %v: want no query and invalid_query", s, q, err)
			}
			return
		}
		// Every query that parses can be planned.
		if _, err := e.plan(q, &Request{Query: s, Size: DefaultSize}, nil); err != nil {
			t.Fatalf("plan of %q: %v", s, err)
		}
	})
}

// The sound keys come the same from the cache, which stays bounded.
func TestCrossKeysCache(t *testing.T) {
	c := newKeyCache(maxCrossCache, indexer.DefaultRegistry())
	for _, w := range []string{"బోరెల్", "borrell", "టోక్యో", "tokyo", "EU"} {
		want := indexer.DefaultRegistry().CrossKeys(w)
		for range 2 {
			if got := c.keys(w); !reflect.DeepEqual(got, want) {
				t.Errorf("keys(%q) = %v, want %v", w, got, want)
			}
		}
	}
	for i := range maxCrossCache + 10 {
		c.keys(fmt.Sprintf("word%d", i))
	}
	c.mu.Lock()
	n := len(c.m)
	c.mu.Unlock()
	if n > maxCrossCache {
		t.Errorf("cache holds %d words, bound %d", n, maxCrossCache)
	}
}

// A query that repeats its words (issue 13's expensive query is one word
// sixty times) is planned as its words and pairs once, each weighed by how
// often the query has it: no sum of its plan holds the same clause twice.
func TestRepeatedWordsArePlannedOnce(t *testing.T) {
	e := defaultEngine(t)
	for _, q := range []string{
		strings.TrimSpace(strings.Repeat("se~2 ", 60)),
		strings.TrimSpace(strings.Repeat("మండల కేంద్రం ", 20)),
		"Japan Russia Japan Russia Japan",
		"మండల కేంద్రం జపాన్ మండల కేంద్రం",
	} {
		root, _, err := parseQuery(q, false, false)
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.plan(root, &Request{Query: q, Size: 10}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []plan.Node{p.Query, rescoreQuery(p)} {
			if dup := repeatedClause(n); dup != "" {
				t.Errorf("%.40s: a sum of its plan holds %s twice", q, dup)
			}
		}
	}
}

// rescoreQuery is p's rescoring query, or nil.
func rescoreQuery(p *plan.Plan) plan.Node {
	if p.Rescore == nil {
		return nil
	}
	return p.Rescore.Query
}

// repeatedClause returns a clause that a sum under n holds twice, or "".
func repeatedClause(n plan.Node) string {
	switch n := n.(type) {
	case *plan.Sum:
		seen := map[string]bool{}
		for _, c := range n.Clauses {
			key := c.Node.String()
			if seen[key] {
				return key
			}
			seen[key] = true
			if dup := repeatedClause(c.Node); dup != "" {
				return dup
			}
		}
	case *plan.Bool:
		for _, c := range slices.Concat(n.Must, n.Should, n.MustNot) {
			if dup := repeatedClause(c); dup != "" {
				return dup
			}
		}
	case *plan.Boost:
		if dup := repeatedClause(n.Inner); dup != "" {
			return dup
		}
		return repeatedClause(n.Filter)
	case *plan.IfAbsent:
		return repeatedClause(n.Then)
	}
	return ""
}

// A search without snippets plans nothing for them (what they look for),
// unless it is explained; its hits are those of the search with them.
func TestNoSnippetsPlansNoHighlight(t *testing.T) {
	e := defaultEngine(t)
	ctx := context.Background()
	for _, q := range []string{"జపాన్ రష్యా", "Japan Russia", `"prime minister" tokyo`} {
		root, _, err := parseQuery(q, false, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []struct {
			req  Request
			want bool
		}{
			{Request{Query: q, Size: 10}, true},
			{Request{Query: q, Size: 10, NoSnippets: true}, false},
			{Request{Query: q, Size: 10, NoSnippets: true, Explain: true}, true},
		} {
			p, err := e.plan(root, &r.req, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Highlight != nil; got != r.want {
				t.Errorf("%s, no snippets %v, explain %v: highlight planned %v, want %v", q, r.req.NoSnippets, r.req.Explain, got, r.want)
			}
		}
		page, err := e.Search(ctx, Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		bare, err := e.Search(ctx, Request{Query: q, NoSnippets: true})
		if err != nil {
			t.Fatal(err)
		}
		if bare.Total != page.Total || len(bare.Hits) != len(page.Hits) || len(page.Hits) == 0 {
			t.Fatalf("%s: %d hits of %d without snippets, %d of %d with", q, len(bare.Hits), bare.Total, len(page.Hits), page.Total)
		}
		for i := range page.Hits {
			if bare.Hits[i].ID != page.Hits[i].ID || bare.Hits[i].Score != page.Hits[i].Score {
				t.Errorf("%s: hit %d without snippets %s %g, with %s %g", q, i, bare.Hits[i].ID, bare.Hits[i].Score, page.Hits[i].ID, page.Hits[i].Score)
			}
		}
	}
}

// A plan analyzes each text with each analyzer once (the stop-word checks
// of its pairs and the compound checks ask for the same words), and plans
// what it would plan analyzing every time.
func TestPlanAnalyzesEachTextOnce(t *testing.T) {
	e := defaultEngine(t)
	for _, q := range []string{
		"మండల కేంద్రం",
		"మండల కేంద్రం జపాన్ మండల కేంద్రం",
		"Japan Russia of the Japan",
		"erosion admired",
	} {
		root, _, err := parseQuery(q, true, false)
		if err != nil {
			t.Fatal(err)
		}
		v := e.vocab(nil)
		var got []string
		main, err := translate(root, v)
		if err != nil {
			t.Fatal(err)
		}
		pairs, err := proximity(root, v)
		if err != nil || pairs == nil {
			t.Fatalf("%s: pairs %v, %v", q, pairs, err)
		}
		got = append(got, main.String(), pairs.String())
		if v.memo.analyzed == 0 || v.memo.analyzed != len(v.memo.terms) {
			t.Errorf("%s: %d analyses for %d texts and analyzers", q, v.memo.analyzed, len(v.memo.terms))
		}
		// Without the memo, the same plan.
		v = e.vocab(nil)
		v.memo = nil
		main, err = translate(root, v)
		if err != nil {
			t.Fatal(err)
		}
		if pairs, err = proximity(root, v); err != nil {
			t.Fatal(err)
		}
		if want := []string{main.String(), pairs.String()}; !slices.Equal(got, want) {
			t.Errorf("%s: planned\n%s\nwithout the memo\n%s", q, got, want)
		}
	}
}
