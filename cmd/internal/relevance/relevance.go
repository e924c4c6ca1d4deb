// Package relevance measures rankings against judgements: it reads queries
// and TREC qrels, runs the queries through a Retriever, writes TREC run
// files and prints nDCG@10, MRR@10, MRR@100 and Recall@100.
package relevance

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"pressearch/search"
)

// A Query is one line of a queries file.
type Query struct{ ID, Text string }

// Qrels are the judgements: query id → document id → grade.
type Qrels map[string]map[string]int

// A Retriever returns up to k ranked ids, and their scores, for query text.
type Retriever func(ctx context.Context, text string, k int) ([]string, []float64, error)

// Engine retrieves with e, each query read as plain words, as eval does.
func Engine(e *search.Engine) Retriever {
	return func(ctx context.Context, text string, k int) ([]string, []float64, error) {
		var ids []string
		var scores []float64
		for from := 0; from < k; from += search.MaxSize {
			size := min(search.MaxSize, k-from)
			res, err := e.Search(ctx, search.Request{Query: text, Plain: true, From: from, Size: size, NoSnippets: true})
			if err != nil {
				return nil, nil, err
			}
			for _, h := range res.Hits {
				ids = append(ids, h.ID)
				scores = append(scores, h.Score)
			}
			if len(res.Hits) < size {
				break
			}
		}
		return ids, scores, nil
	}
}

// ReadQueries reads 'qid<TAB>query text' lines; blank lines are skipped.
func ReadQueries(path string) ([]Query, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Query
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		t := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(t) == "" {
			continue
		}
		id, text, ok := strings.Cut(t, "\t")
		if !ok {
			return nil, fmt.Errorf("%s:%d: want qid<TAB>query text", path, line)
		}
		out = append(out, Query{id, text})
	}
	return out, sc.Err()
}

// ReadQrels reads TREC qrels: qid, an ignored column, docid, grade.
func ReadQrels(path string) (Qrels, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := Qrels{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 4 {
			return nil, fmt.Errorf("%s:%d: want 'qid 0 docid grade'", path, line)
		}
		grade, err := strconv.Atoi(fields[3])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: bad grade %q", path, line, fields[3])
		}
		if out[fields[0]] == nil {
			out[fields[0]] = map[string]int{}
		}
		out[fields[0]][fields[2]] = grade
	}
	return out, sc.Err()
}

// evaluate is Evaluate writing the rankings to run (nil: nowhere).
func evaluate(ctx context.Context, r Retriever, queries []Query, qrels Qrels, group func(Query) string, k int, run io.Writer) (map[string]*Metrics, error) {
	ms := map[string]*Metrics{}
	for _, q := range queries {
		rel, judged := qrels[q.ID]
		if !judged {
			continue
		}
		ids, scores, err := r(ctx, q.Text, k)
		if err != nil {
			return nil, fmt.Errorf("query %s: %w", q.ID, err)
		}
		g := ""
		if group != nil {
			g = group(q)
		}
		if ms[g] == nil {
			ms[g] = &Metrics{}
		}
		ms[g].Add(ids, rel)
		if run != nil {
			for i, id := range ids {
				if _, err := fmt.Fprintf(run, "%s Q0 %s %d %.6f pressearch\n", q.ID, id, i+1, scores[i]); err != nil {
					return nil, err
				}
			}
		}
	}
	return ms, nil
}

// Evaluate runs every judged query with r, asking for k hits, and scores
// the rankings by the group each query is in (group nil: one group, "").
// With runPath set, it writes the rankings there as a TREC run file.
func Evaluate(ctx context.Context, r Retriever, queries []Query, qrels Qrels, group func(Query) string, k int, runPath string) (map[string]*Metrics, error) {
	if runPath == "" {
		return evaluate(ctx, r, queries, qrels, group, k, nil)
	}
	f, err := os.Create(runPath)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriter(f)
	ms, err := evaluate(ctx, r, queries, qrels, group, k, bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return ms, err
}

// Header is the line above the rows Print writes.
func Header(w io.Writer) {
	fmt.Fprintf(w, "%-12s\tnDCG@10\tMRR@10\tMRR@100\tRecall@100\tqueries\n", "index")
}

// Print prints a row per group, labelled with label and the group.
func Print(w io.Writer, label string, ms map[string]*Metrics) {
	groups := make([]string, 0, len(ms))
	for g := range ms {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	if len(groups) == 0 {
		(&Metrics{}).Print(w, label)
	}
	for _, g := range groups {
		l := label
		if g != "" {
			l += "/" + g
		}
		ms[g].Print(w, l)
	}
}

// Metrics accumulates the scores of the rankings of queries.
type Metrics struct {
	N                                int
	nDCG10, mrr10, mrr100, recall100 float64
}

// Add scores one query's ranking ids against its judgements rel.
func (m *Metrics) Add(ids []string, rel map[string]int) {
	m.N++
	first := 0
	for i, id := range ids {
		if rel[id] > 0 {
			first = i + 1
			break
		}
	}
	if first > 0 && first <= 10 {
		m.mrr10 += 1 / float64(first)
	}
	if first > 0 && first <= 100 {
		m.mrr100 += 1 / float64(first)
	}
	relevant, found := 0, 0
	for _, g := range rel {
		if g > 0 {
			relevant++
		}
	}
	for i, id := range ids {
		if i < 100 && rel[id] > 0 {
			found++
		}
	}
	if relevant > 0 {
		m.recall100 += float64(found) / float64(relevant)
	}
	m.nDCG10 += NDCG(ids, rel, 10)
}

// Means returns the means over the queries added: nDCG@10, MRR@10,
// MRR@100 and Recall@100.
func (m *Metrics) Means() [4]float64 {
	if m.N == 0 {
		return [4]float64{}
	}
	n := float64(m.N)
	return [4]float64{m.nDCG10 / n, m.mrr10 / n, m.mrr100 / n, m.recall100 / n}
}

// Print prints one row: label, the four means and the query count.
func (m *Metrics) Print(w io.Writer, label string) {
	v := m.Means()
	fmt.Fprintf(w, "%-12s\t%.4f\t%.4f\t%.4f\t%.4f\t%d\n", label, v[0], v[1], v[2], v[3], m.N)
}

// NDCG is normalized discounted cumulative gain at k with gains 2^grade-1.
func NDCG(ids []string, rel map[string]int, k int) float64 {
	dcg := 0.0
	for i, id := range ids {
		if i >= k {
			break
		}
		if g := rel[id]; g > 0 {
			dcg += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i+2))
		}
	}
	var grades []int
	for _, g := range rel {
		if g > 0 {
			grades = append(grades, g)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(grades)))
	ideal := 0.0
	for i, g := range grades {
		if i >= k {
			break
		}
		ideal += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i+2))
	}
	if ideal == 0 {
		return 0
	}
	return dcg / ideal
}
