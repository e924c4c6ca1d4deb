package main

import (
	"context"
	"encoding/json"
	stdos "os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pressearch/indexer"
	osindex "pressearch/indexer/opensearch"
	"pressearch/indexer/opensearch/ostest"
)

// TestOpenSearchBackend drives the real binary on the cluster named by
// PRESSEARCH_OPENSEARCH_URL: index, search, serve (following the alias
// through a new build and a rollback, without failing a request), and
// the refusal of a generation built by another analysis.
func TestOpenSearchBackend(t *testing.T) {
	c := ostest.Config(t)
	os := []string{"--backend", "opensearch", "--opensearch-url", strings.Join(c.URLs, ","), "--opensearch-index", c.Index}
	dir := t.TempDir()

	code, out := runBinary(t, append([]string{"index", "--json", "--corpus", writeCorpus(t, dir, "first", 30)}, os...)...)
	if code != 0 {
		t.Fatalf("index: %d %s", code, out)
	}
	var sum struct {
		Generation string `json:"generation"`
		Documents  int    `json:"documents"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.Generation != "gen-000001" || sum.Documents != 30 {
		t.Fatalf("index --json: %s (%v)", out, err)
	}
	code, out = runBinary(t, append([]string{"search", "--json", "first"}, os...)...)
	var res apiResult
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.Total != 30 {
		t.Fatalf("search: %d %s", code, out)
	}
	if !strings.Contains(strings.Join(res.Hits[0].Snippets, " "), "<mark>first</mark>") {
		t.Errorf("search snippets: %q", res.Hits[0].Snippets)
	}

	srv := startServer(t, os...)
	if n := srv.total(t, "first"); n != 30 {
		t.Fatalf("serve finds %d documents of the first corpus, want 30", n)
	}
	// A second build moves the alias; the server follows within a second
	// or two, and answers every request meanwhile.
	code, out = runBinary(t, append([]string{"index", "--corpus", writeCorpus(t, dir, "second", 20)}, os...)...)
	if code != 0 {
		t.Fatalf("second index: %d %s", code, out)
	}
	waitFor(t, "serve follows the new generation", 30*time.Second, func() bool { return srv.total(t, "second") == 20 })
	if n := srv.total(t, "first"); n != 0 {
		t.Errorf("the first corpus still found after the switch: %d", n)
	}
	code, out = runBinary(t, append([]string{"index", "--rollback"}, os...)...)
	if code != 0 || !strings.Contains(out, "gen-000001") {
		t.Fatalf("rollback: %d %s", code, out)
	}
	waitFor(t, "serve follows the rollback", 30*time.Second, func() bool { return srv.total(t, "first") == 30 })
	var ready struct{}
	if code := srv.getJSON(t, "/readyz", &ready); code != 200 {
		t.Errorf("readyz: %d", code)
	}

	// The collection moves from Bleve to OpenSearch and back.
	data := t.TempDir()
	if code, out := runBinary(t, "index", "--data", data, "--corpus", writeCorpus(t, dir, "bleveside", 12)); code != 0 {
		t.Fatalf("index on Bleve: %d %s", code, out)
	}
	cluster := os[2:] // --opensearch-url and --opensearch-index, the source being Bleve
	code, out = runBinary(t, append([]string{"reindex", "--data", data, "--to", "opensearch"}, cluster...)...)
	if code != 0 || !strings.Contains(out, "indexed 12 documents") {
		t.Fatalf("reindex --to opensearch: %d %s", code, out)
	}
	waitFor(t, "serve follows the reindexed generation", 30*time.Second, func() bool { return srv.total(t, "bleveside") == 12 })
	back := t.TempDir()
	code, out = runBinary(t, append([]string{"reindex", "--data", back, "--to", "bleve"}, os...)...)
	if code != 0 || !strings.Contains(out, "indexed 12 documents") {
		t.Fatalf("reindex --to bleve: %d %s", code, out)
	}
	code, out = runBinary(t, "search", "--data", back, "--json", "bleveside")
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.Total != 12 {
		t.Fatalf("search after the move back: %d %s", code, out)
	}

	// An index made by another analysis is refused, saying which.
	store := ostest.Store(t)
	if _, err := store.Build(context.Background(), indexer.Slice{{ID: "x", Lang: "en", Title: "X", Body: "other analysis", Kind: "article"}}, nil); err != nil {
		t.Fatal(err)
	}
	cur, _ := store.Current(context.Background())
	stale := map[string]any{"_meta": map[string]any{"pressearch": osindex.Meta{Analysis: "sha256:00000000deadbeef",
		Generation: "gen-000001", Finished: "2020-01-01T00:00:00Z", Documents: 1}}}
	if err := store.Raw(context.Background(), "PUT", "/"+cur+"/_mapping", stale, nil); err != nil {
		t.Fatal(err)
	}
	code, out = runBinary(t, "search", "--backend", "opensearch", "--opensearch-url", strings.Join(c.URLs, ","),
		"--opensearch-index", store.Alias(), "other")
	if code != 1 || !strings.Contains(out, "sha256:00000000deadbeef") || !strings.Contains(out, osindex.AnalysisVersion()) {
		t.Errorf("search of an index made by another analysis: exit %d, %s", code, out)
	}
	code, out = runBinary(t, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--backend", "opensearch",
		"--opensearch-url", strings.Join(c.URLs, ","), "--opensearch-index", store.Alias())
	if code != 1 || !strings.Contains(out, "sha256:00000000deadbeef") || !strings.Contains(out, osindex.AnalysisVersion()) {
		t.Errorf("serve of an index made by another analysis: exit %d, %s", code, out)
	}

	// Usage mistakes are usage errors.
	t.Setenv("PRESSEARCH_OPENSEARCH_URL", "")
	if code, out := runBinary(t, "search", "--backend", "opensearch", "x"); code != 2 || !strings.Contains(out, "--opensearch-url") {
		t.Errorf("--backend opensearch without a URL: exit %d, %s", code, out)
	}
	if code, out := runBinary(t, "search", "--backend", "solr", "x"); code != 2 || !strings.Contains(out, "bleve or opensearch") {
		t.Errorf("--backend solr: exit %d, %s", code, out)
	}
}

// TestEvalOnOpenSearch measures the collection on the cluster as eval
// measures one under --data: the same queries, judgements and table.
func TestEvalOnOpenSearch(t *testing.T) {
	c := ostest.Config(t)
	os := []string{"--backend", "opensearch", "--opensearch-url", strings.Join(c.URLs, ","), "--opensearch-index", c.Index}
	dir := t.TempDir()
	corpusFile := filepath.Join(dir, "c.jsonl")
	write := func(path, text string) {
		if err := stdos.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(corpusFile, strings.Join([]string{
		`{"id":"d1","lang":"en","title":"d1","body":"tokyo summit on security"}`,
		`{"id":"d2","lang":"en","title":"d2","body":"fisheries report from colombo"}`,
		`{"id":"d3","lang":"en","title":"d3","body":"colombo port city and tokyo investors"}`,
	}, "\n"))
	queries := filepath.Join(dir, "q.tsv")
	write(queries, "q1\tsecurity summit\nq2\tfisheries colombo\nq3\tport investors\nq4\tunjudged\n")
	qrels := filepath.Join(dir, "qrels.txt")
	write(qrels, "q1 0 d1 1\nq2 0 d2 1\nq3 0 d3 2\n")
	if code, out := runBinary(t, append([]string{"index", "--corpus", corpusFile}, os...)...); code != 0 {
		t.Fatalf("index: %d %s", code, out)
	}
	code, out := runBinary(t, append([]string{"eval", "--queries", queries, "--qrels", qrels}, os...)...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 || strings.Join(strings.Fields(lines[1]), " ") != "gen-000001 1.0000 1.0000 1.0000 1.0000 3" {
		t.Errorf("eval --backend opensearch: exit %d\n%s", code, out)
	}
}
