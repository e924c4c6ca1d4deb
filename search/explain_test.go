package search

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"pressearch/search/plan"
)

// An explained search says what it asked the index for, and each hit's
// explanation adds up to its score, down to the weight, field and term of
// each match; the scores are those of the same search unexplained, which
// carries no plan and no explanations.
func TestExplainAddsUp(t *testing.T) {
	e := defaultEngine(t)
	for _, r := range []Request{
		{Query: "జపాన్ రష్యా"},
		{Query: "security and defence partnership"},
		{Query: `"security and defence" Japan`},
		{Query: "బోరెల్ kind:statement"},
		{Query: "బోరెల్", Kind: "statement", FromDate: "2024-01-01"},
		{Query: "nakat* OR Borell~"},
		{Query: "Japan -Russia", Sort: "date"},
		{Query: "borrell tokyo", Lang: "te"},
	} {
		plainRes, err := e.Search(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		r.Explain = true
		res, err := e.Search(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		if plainRes.Plan != nil || len(res.Plan) == 0 || !strings.HasPrefix(res.Plan[0], "query: ") {
			t.Errorf("%q: plan %q, unexplained %q", r.Query, res.Plan, plainRes.Plan)
		}
		if len(res.Hits) == 0 || len(res.Hits) != len(plainRes.Hits) {
			t.Fatalf("%q: %d hits explained, %d not", r.Query, len(res.Hits), len(plainRes.Hits))
		}
		for i, h := range res.Hits {
			if plainRes.Hits[i].Explanation != nil {
				t.Errorf("%q: an unexplained hit has an explanation", r.Query)
			}
			if h.ID != plainRes.Hits[i].ID || h.Score != plainRes.Hits[i].Score {
				t.Errorf("%q: hit %d is %s %v explained, %s %v not", r.Query, i, h.ID, h.Score, plainRes.Hits[i].ID, plainRes.Hits[i].Score)
			}
			x := h.Explanation
			if x == nil {
				t.Fatalf("%q: %s has no explanation", r.Query, h.ID)
			}
			if math.Abs(x.Value-h.Score) > 1e-9*math.Max(1, h.Score) {
				t.Errorf("%q: %s scores %v, its explanation %v", r.Query, h.ID, h.Score, x.Value)
			}
			// Our term scorer, or Bleve's for prefixes and fuzzy words.
			if !leaf(x, "bm25(") && !leaf(x, "fieldWeight(") {
				t.Errorf("%q: %s: no term's score in %+v", r.Query, h.ID, x)
			}
		}
	}
}

// The pairs rescoring the best hits show in their explanation, as do the
// weights of title matches and the statement prior.
func TestExplainShowsWeightsPairsAndPriors(t *testing.T) {
	e := defaultEngine(t)
	res, err := e.Search(context.Background(), Request{Query: "security and defence partnership", Explain: true, Size: 20})
	if err != nil {
		t.Fatal(err)
	}
	var pairs, title, prior bool
	for _, h := range res.Hits {
		pairs = pairs || leaf(h.Explanation, "side by side")
		title = title || leaf(h.Explanation, fmt.Sprintf("weight %g ×", float64(titleBoost)))
		prior = prior || (h.Kind == "statement" && leaf(h.Explanation, "×0.5"))
	}
	if !pairs || !title || !prior {
		t.Errorf("explanations show pairs %v, title weight %v, statement prior %v; want all", pairs, title, prior)
	}
	if !strings.Contains(strings.Join(res.Plan, "\n"), "rescore the best 100") {
		t.Errorf("plan %q does not rescore", res.Plan)
	}
}

// leaf reports whether an explanation or one of its parts says s.
func leaf(x *plan.Explanation, s string) bool {
	if x == nil {
		return false
	}
	if strings.Contains(x.Description, s) {
		return true
	}
	for _, d := range x.Details {
		if leaf(d, s) {
			return true
		}
	}
	return false
}
