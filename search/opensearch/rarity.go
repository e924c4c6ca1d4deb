package opensearch

import (
	"context"
	"math"
	"strings"
	"sync"
	"time"

	osindex "pressearch/indexer/opensearch"
	"pressearch/search/plan"
)

// A Match or Pair with RarityFrom takes each term's idf not from its own
// field but from the text over other fields (plan.Match). OpenSearch
// scores a term with its field's idf; the term query is boosted by the
// ratio of the two, which are both computed here from document counts the
// cluster gives (the same counts dfs_query_then_fetch gathers: documents
// with the field, documents with the term, over every shard).

// countKey is one count: the documents with a term in a field, or, where
// term is "", the documents with the field.
type countKey struct{ field, term string }

// rarityCounts lists the counts the RarityFrom nodes under n need.
func (a analysis) rarityCounts(n plan.Node, out map[countKey]bool) error {
	switch n := n.(type) {
	case *plan.Sum:
		for _, c := range n.Clauses {
			if err := a.rarityCounts(c.Node, out); err != nil {
				return err
			}
		}
	case *plan.Bool:
		for _, list := range [][]plan.Node{n.Must, n.Should, n.MustNot} {
			for _, c := range list {
				if err := a.rarityCounts(c, out); err != nil {
					return err
				}
			}
		}
	case *plan.Boost:
		return a.rarityCounts(n.Inner, out)
	case *plan.IfAbsent:
		return a.rarityCounts(n.Then, out)
	case *plan.Match:
		if len(n.RarityFrom) > 0 {
			return a.needs(n.Field, n.Analyzer, n.Text, []string{n.Text}, n.RarityFrom, out)
		}
	case *plan.Pair:
		if len(n.RarityFrom) > 0 {
			words := strings.Fields(n.Text)
			if len(words) > 0 {
				return a.needs(n.Field, n.Analyzer, n.Text, []string{words[0], words[len(words)-1]}, n.RarityFrom, out)
			}
		}
	}
	return nil
}

// needs adds the counts of field's own idf of text's terms and of the
// words' rarity over from.
func (a analysis) needs(field, analyzer, text string, words, from []string, out map[countKey]bool) error {
	toks, err := a.analyze(field, analyzer, text)
	if err != nil {
		return err
	}
	out[countKey{field, ""}] = true
	for _, t := range toks {
		out[countKey{field, t.Term}] = true
	}
	for _, f := range from {
		out[countKey{f, ""}] = true
		for _, w := range words {
			toks, err := a.analyze(f, "", w)
			if err != nil {
				return err
			}
			for _, t := range toks {
				out[countKey{f, t.Term}] = true
			}
		}
	}
	return nil
}

// idf is BM25's idf (OpenSearch's, and ours) of a term in docs of which n
// have it.
func idf(docs, n float64) float64 { return math.Log(1 + (docs-n+0.5)/(n+0.5)) }

// rarity is the idf of text over fields, as the Bleve backend computes it:
// the documents of all of them, and in each those with the text's
// commonest term (all of them for a text the field's analysis drops),
// added up; 0 where the fields have no documents.
func (a analysis) rarity(counts map[countKey]float64, fields []string, text string) (float64, error) {
	docs, df := 0.0, 0.0
	for _, f := range fields {
		d := counts[countKey{f, ""}]
		if d == 0 {
			continue
		}
		docs += d
		toks, err := a.analyze(f, "", text)
		if err != nil {
			return 0, err
		}
		n := d
		if len(toks) > 0 {
			n = 0
		}
		for _, t := range toks {
			n = max(n, counts[countKey{f, t.Term}])
		}
		df += n
	}
	if docs == 0 {
		return 0, nil
	}
	return idf(docs, df), nil
}

// boost is what a term query of field scores times so that its idf is
// want rather than the field's own: 1 where want is 0 or the term is in
// no document of the field (it then matches nothing).
func boost(counts map[countKey]float64, field, term string, want float64) float64 {
	docs, n := counts[countKey{field, ""}], counts[countKey{field, term}]
	if want == 0 || docs == 0 || n == 0 {
		return 1
	}
	return want / idf(docs, n)
}

// termBoosted is a term query whose score is multiplied by b.
func termBoosted(field, t string, b float64) obj {
	if b == 1 {
		return term(field, t)
	}
	return obj{"term": obj{field: obj{"value": osindex.Term(t), "boost": b}}}
}

// countCache keeps counts for a while, at most max of them: a
// generation's counts change only with writes to it.
type countCache struct {
	mu   sync.Mutex
	max  int
	ttl  time.Duration
	vals map[countKey]countEntry
}

type countEntry struct {
	n    float64
	when time.Time
}

func newCountCache(max int, ttl time.Duration) *countCache {
	return &countCache{max: max, ttl: ttl, vals: map[countKey]countEntry{}}
}

func (c *countCache) get(k countKey) (float64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.vals[k]
	if !ok || time.Since(e.when) > c.ttl {
		return 0, false
	}
	return e.n, true
}

func (c *countCache) put(k countKey, n float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.vals) >= c.max {
		clear(c.vals)
	}
	c.vals[k] = countEntry{n: n, when: time.Now()}
}

// lookUpCounts gets the counts the plan's RarityFrom nodes need, from the
// cache or in one multi-search.
func (x *Index) lookUpCounts(ctx context.Context, p *plan.Plan) (map[countKey]float64, error) {
	want := map[countKey]bool{}
	if err := x.rarityCounts(p.Query, want); err != nil {
		return nil, err
	}
	if p.Rescore != nil {
		if err := x.rarityCounts(p.Rescore.Query, want); err != nil {
			return nil, err
		}
	}
	out := map[countKey]float64{}
	var keys []countKey
	var queries []map[string]any
	for k := range want {
		if n, ok := x.countCache.get(k); ok {
			out[k] = n
			continue
		}
		q := map[string]any{"exists": map[string]any{"field": k.field}}
		if k.term != "" {
			q = map[string]any{"term": map[string]any{k.field: osindex.Term(k.term)}}
		}
		keys, queries = append(keys, k), append(queries, q)
	}
	if len(keys) == 0 {
		return out, nil
	}
	ns, err := x.store.Counts(ctx, x.index, queries)
	if err != nil {
		return nil, err
	}
	for i, k := range keys {
		out[k] = float64(ns[i])
		x.countCache.put(k, float64(ns[i]))
	}
	return out, nil
}
