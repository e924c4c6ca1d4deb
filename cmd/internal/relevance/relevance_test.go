package relevance

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMetrics(t *testing.T) {
	var m Metrics
	m.Add([]string{"x", "a", "y"}, map[string]int{"a": 1})
	m.Add([]string{"x", "y"}, map[string]int{"b": 1})
	v := m.Means()
	if v[1] != 0.25 || v[2] != 0.25 || v[3] != 0.5 || m.N != 2 {
		t.Errorf("means %v over %d: want MRR 0.25 and recall 0.5 over 2 queries", v, m.N)
	}
	if got := NDCG([]string{"x", "a"}, map[string]int{"a": 1}, 10); math.Abs(got-1/math.Log2(3)) > 1e-12 {
		t.Errorf("nDCG of a hit at rank 2: %v, want 1/log2(3) = 0.6309", got)
	}
	if got := NDCG([]string{"b", "a"}, map[string]int{"a": 2, "b": 1}, 10); got >= 1 || got <= 0.7 {
		t.Errorf("nDCG with the better grade second: %v, want below 1", got)
	}
}

func TestEvaluate(t *testing.T) {
	dir := t.TempDir()
	qf, rf, run := filepath.Join(dir, "q.tsv"), filepath.Join(dir, "qrels"), filepath.Join(dir, "run")
	os.WriteFile(qf, []byte("q1\tone\r\n\nq2\ttwo words\nq3\tunjudged\n"), 0o644)
	os.WriteFile(rf, []byte("q1 0 a 1\nq2 0 c 2\n"), 0o644)
	queries, err := ReadQueries(qf)
	if err != nil || len(queries) != 3 || queries[1] != (Query{"q2", "two words"}) || queries[0].Text != "one" {
		t.Fatalf("queries %q, %v", queries, err)
	}
	qrels, err := ReadQrels(rf)
	if err != nil || qrels["q2"]["c"] != 2 {
		t.Fatalf("qrels %v, %v", qrels, err)
	}
	ranked := func(ctx context.Context, text string, k int) ([]string, []float64, error) {
		return []string{"a", "b", "c"}[:k], []float64{3, 2, 1}[:k], nil
	}
	ms, err := Evaluate(context.Background(), ranked, queries, qrels, nil, 3, run)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	Print(&out, "x", ms)
	if got := strings.Join(strings.Fields(out.String()), " "); got != "x 0.7500 0.6667 0.6667 1.0000 2" {
		t.Errorf("row %q", got)
	}
	b, _ := os.ReadFile(run)
	if !strings.HasPrefix(string(b), "q1 Q0 a 1 3.000000 pressearch\n") || strings.Count(string(b), "\n") != 6 {
		t.Errorf("run file %q", b)
	}
	for _, bad := range []string{"q1 0 a\n", "q1 0 a x\n"} {
		os.WriteFile(rf, []byte(bad), 0o644)
		if _, err := ReadQrels(rf); err == nil || !strings.Contains(err.Error(), ":1:") {
			t.Errorf("qrels %q: %v, want an error naming the line", bad, err)
		}
	}
	os.WriteFile(qf, []byte("no tab\n"), 0o644)
	if _, err := ReadQueries(qf); err == nil {
		t.Error("a query line without a tab is read")
	}
}
