package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pressearch/indexer/opensearch/ostest"
)

// TestParityWithOpenSearch measures the same collections on both
// backends: te-qa-dev MRR@100, and lk-pmd known-item MRR@100 in each
// language, must be within 0.005 of Bleve's (issue 16). It runs on the
// cluster of PRESSEARCH_OPENSEARCH_URL and skips without one. lk-pmd's
// 2,156 searches one after the other take minutes on OpenSearch (six on
// the shared two-core machine), too long for every CI run: it runs where
// PRESSEARCH_PARITY=all (README has the numbers).
func TestParityWithOpenSearch(t *testing.T) {
	c := ostest.Skip(t)
	url := strings.Join(c.URLs, ",")
	const mrr100, queries = 2, 4
	check := func(what string, bleve, onOS []float64) {
		t.Helper()
		if len(bleve) == 0 || len(onOS) == 0 {
			t.Fatalf("%s: no rows", what)
		}
		t.Logf("%s MRR@100: Bleve %.4f, OpenSearch %.4f (%+.4f) over %v queries", what, bleve[mrr100], onOS[mrr100], onOS[mrr100]-bleve[mrr100], onOS[queries])
		if bleve[queries] != onOS[queries] || onOS[queries] == 0 {
			t.Errorf("%s: %v queries on Bleve, %v on OpenSearch", what, bleve[queries], onOS[queries])
		}
		if d := math.Abs(onOS[mrr100] - bleve[mrr100]); d > 0.005 {
			t.Errorf("%s: MRR@100 %.4f on OpenSearch, %.4f on Bleve: %.4f apart, more than 0.005", what, onOS[mrr100], bleve[mrr100], d)
		}
	}
	t.Run("te-qa-dev", func(t *testing.T) {
		dir := sharedData(t, "te-qa-dev")
		args := []string{"--corpus", filepath.Join(dir, "corpus.jsonl"),
			"--queries", filepath.Join(dir, "queries.tsv"), "--qrels", filepath.Join(dir, "qrels.txt")}
		bleve := evalTable(t, args...)
		onOS := evalTable(t, append(args, "--backend", "opensearch", "--opensearch-url", url)...)
		check("te-qa-dev", bleve["te"], onOS["te/opensearch"])
	})
	t.Run("lk-pmd", func(t *testing.T) {
		if os.Getenv("PRESSEARCH_PARITY") != "all" {
			t.Skip("lk-pmd on both backends takes minutes: PRESSEARCH_PARITY=all runs it")
		}
		dir := sharedData(t, "lk-pmd")
		args := []string{"--corpus", filepath.Join(dir, "press-releases.jsonl"), "--known-item", "--by-lang"}
		bleve := evalTable(t, args...)
		onOS := evalTable(t, append(args, "--backend", "opensearch", "--opensearch-url", url)...)
		for _, lang := range []string{"en", "si", "ta"} {
			check("lk-pmd "+lang, bleve["te/"+lang], onOS["te/opensearch/"+lang])
		}
	})
}
