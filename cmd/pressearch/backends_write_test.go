package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"pressearch/indexer/opensearch/ostest"
)

// TestWritesOnBothBackends runs the documents API and the commands that
// write (add, delete, reindex keeping the writes made meanwhile, index
// refusing to drop written documents) against a server of each backend:
// the same requests, the same answers. The OpenSearch half runs on the
// cluster of PRESSEARCH_OPENSEARCH_URL and skips without one.
func TestWritesOnBothBackends(t *testing.T) {
	for _, backend := range []string{"bleve", "opensearch"} {
		t.Run(backend, func(t *testing.T) {
			var flags []string
			if backend == "opensearch" {
				c := ostest.Config(t)
				flags = []string{"--backend", "opensearch", "--opensearch-url", strings.Join(c.URLs, ","), "--opensearch-index", c.Index}
			}
			writesScenario(t, backend, flags)
		})
	}
}

func writesScenario(t *testing.T, backend string, flags []string) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	with := func(args ...string) []string { return append(args, flags...) }
	if code, out := runBinary(t, with("index", "--data", data, "--corpus", writeCorpus(t, dir, "built", 40))...); code != 0 {
		t.Fatalf("index: %d %s", code, out)
	}
	s := startServerEnv(t, []string{"PRESSEARCH_API_KEY=" + testKey}, with("--data", data)...)

	// One document: created, searchable at once with wait_for, replaced.
	code, _, body := s.send(t, "PUT", "/api/v1/docs/mea-2025-001?refresh=wait_for", testKey, release)
	if code != 201 || !strings.Contains(body, `"created"`) {
		t.Fatalf("first PUT: %d %s", code, body)
	}
	if n := s.total(t, "Zanzibar"); n != 1 {
		t.Errorf("the new document: %d hits after refresh=wait_for, want 1", n)
	}
	// Completions follow writes: the words of a document written are
	// offered, those only a replaced or deleted one had are not.
	s.suggests(t, "zanzi", "Zanzibar", true)
	s.suggests(t, "colom", "Colombo", true)
	code, _, body = s.send(t, "PUT", "/api/v1/docs/mea-2025-001?refresh=wait_for", testKey, strings.Replace(release, "Colombo", "Trincomalee", 1))
	if code != 200 || !strings.Contains(body, `"replaced"`) || s.total(t, "Trincomalee") != 1 || s.total(t, "Colombo") != 0 {
		t.Errorf("replace: %d %s", code, body)
	}
	s.suggests(t, "trinc", "Trincomalee", true)
	s.suggests(t, "colom", "Colombo", false)
	// A write answered is durable: the server killed at once and started
	// again finds it.
	code, _, body = s.send(t, "PUT", "/api/v1/docs/durable-1", testKey, `{"title": "Durable", "body": "Pangolin"}`)
	if code != 201 {
		t.Fatalf("PUT before the kill: %d %s", code, body)
	}
	s.cmd.Process.Kill()
	<-s.done
	s = startServerEnv(t, []string{"PRESSEARCH_API_KEY=" + testKey}, with("--data", data)...)
	// (Searchable within the refresh interval, on OpenSearch.)
	waitFor(t, "a write answered before serve was killed is there", 5*time.Second, func() bool {
		code, body := s.getBody(t, "/api/v1/docs/durable-1")
		return code == 200 && strings.Contains(body, "Pangolin")
	})
	// A document in a language the collection had none of is found by
	// that language's analysis at once.
	ja := `{"id": "ja-1", "lang": "ja", "title": "外務大臣の会見", "body": "外務大臣は東京で記者会見を行った。"}`
	if code, _, body := s.send(t, "PUT", "/api/v1/docs/ja-1?refresh=wait_for", testKey, ja); code != 201 {
		t.Fatalf("PUT ja: %d %s", code, body)
	}
	if n := s.total(t, "記者会見"); n != 1 {
		t.Errorf("a Japanese document written to a collection without one: %d hits, want 1", n)
	}
	// Bulk: each line its own result; atomic: nothing applied.
	bulk := strings.Join([]string{
		`{"id": "b1", "title": "Bulk one", "body": "first bulk document", "kind": "article"}`,
		`{"id": "b2", "title": "Bulk two", "body": "a statement on it", "kind": "statement", "related": ["b1"]}`,
		`{"id": "b3", "title": "no body"}`,
		`{"delete": "never-was"}`,
	}, "\n")
	code, _, body = s.send(t, "POST", "/api/v1/docs/_bulk?refresh=wait_for", testKey, bulk)
	var ans struct {
		Items []struct {
			Line, Status int
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &ans); err != nil || code != 200 {
		t.Fatalf("bulk: %d %s", code, body)
	}
	if got := fmt.Sprint(ans.Items); got != "[{1 201} {2 201} {3 400} {4 404}]" {
		t.Errorf("bulk items %s", got)
	}
	var doc struct {
		Related []struct{ ID string } `json:"related"`
	}
	if code := s.getJSON(t, "/api/v1/docs/b1", &doc); code != 200 || len(doc.Related) != 1 || doc.Related[0].ID != "b2" {
		t.Errorf("b1's related: %d %+v", code, doc)
	}
	atomic := `{"id": "a1", "title": "t", "body": "b"}` + "\n" + `{"delete": "never-was"}`
	if code, _, body := s.send(t, "POST", "/api/v1/docs/_bulk?atomic=true&refresh=wait_for", testKey, atomic); code != 400 || !strings.Contains(body, `"not_applied"`) {
		t.Errorf("atomic bulk with a missing delete: %d %s", code, body)
	}
	if code, _ := s.getBody(t, "/api/v1/docs/a1"); code != 404 {
		t.Errorf("an atomic bulk that failed wrote a1: %d", code)
	}
	// Delete: 200, then 404.
	s.suggests(t, "statem", "statement", true)
	if code, _, body := s.send(t, "DELETE", "/api/v1/docs/b2?refresh=wait_for", testKey, ""); code != 200 {
		t.Errorf("DELETE: %d %s", code, body)
	}
	s.suggests(t, "statem", "statement", false)
	if code, _, body := s.send(t, "DELETE", "/api/v1/docs/b2", testKey, ""); code != 404 || errorCode(t, body) != "not_found" {
		t.Errorf("DELETE again: %d %s", code, body)
	}
	// Under embargo: hidden from readers, shown to a writer.
	embargoed := `{"title": "Embargoed Quokka statement", "body": "Quokka", "publish_at": "2099-01-01T00:00:00Z"}`
	if code, _, body := s.send(t, "PUT", "/api/v1/docs/emb-1?refresh=wait_for", testKey, embargoed); code != 201 {
		t.Fatalf("PUT embargoed: %d %s", code, body)
	}
	if n := s.total(t, "Quokka"); n != 0 {
		t.Errorf("a document under embargo found by %d searches", n)
	}
	s.suggests(t, "quok", "Quokka", false)
	// The count of documents served follows writes too: the 40 built,
	// mea-2025-001, durable-1, ja-1, b1 and emb-1.
	if n := s.documents(t); n != 45 {
		t.Errorf("%d documents served after the writes, want 45", n)
	}
	if code, _, body := s.send(t, "GET", "/api/v1/search?q=Quokka&include_embargoed=true", testKey, ""); code != 200 || !strings.Contains(body, `"total":1`) {
		t.Errorf("a writer's search for the embargoed document: %d %.300s", code, body)
	}

	// add and delete on the machine of the server go through it.
	added := filepath.Join(dir, "added.jsonl")
	os.WriteFile(added, []byte(`{"id":"cli-1","title":"Wombat one","body":"wombat"}`+"\n"+`{"id":"cli-2","title":"Wombat two","body":"wombat"}`+"\n"), 0o644)
	if code, out := runBinary(t, with("add", "--data", data, added)...); code != 0 || !strings.Contains(out, "added 2 documents") {
		t.Fatalf("add: %d %s", code, out)
	}
	if n := s.total(t, "wombat"); n != 2 {
		t.Errorf("after add: %d hits, want 2", n)
	}
	if code, out := runBinary(t, with("delete", "--data", data, "cli-2", "never-was")...); code != 1 || !strings.Contains(out, "deleted 1 document\n") || !strings.Contains(out, "never-was") {
		t.Errorf("delete: %d %s", code, out)
	}
	if n := s.total(t, "wombat"); n != 1 {
		t.Errorf("after delete: %d hits, want 1", n)
	}
	if backend == "opensearch" {
		// Another machine (another --data) writes the cluster itself;
		// the server sees it within the refresh interval.
		other := filepath.Join(dir, "elsewhere")
		os.WriteFile(added, []byte(`{"id":"cli-3","title":"Wombat three","body":"wombat"}`+"\n"), 0o644)
		if code, out := runBinary(t, with("add", "--data", other, added)...); code != 0 || !strings.Contains(out, "added 1 document,") {
			t.Fatalf("add to the cluster: %d %s", code, out)
		}
		waitFor(t, "the server finds what add wrote to the cluster", 10*time.Second, func() bool { return s.total(t, "wombat") == 2 })
		if _, err := os.Stat(other); err == nil {
			t.Errorf("add --backend opensearch created %s", other)
		}
		// A data directory served for another collection is refused.
		if code, out := runBinary(t, "add", "--data", data, added); code != 1 || !strings.Contains(out, "opensearch") {
			t.Errorf("add to Bleve beside a server of OpenSearch: %d %s", code, out)
		}
	}

	// reindex through the server keeps the writes made while it runs.
	var writes int
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			d := fmt.Sprintf(`{"title": "During %d", "body": "numbat"}`, writes)
			if code, _, body := s.send(t, "PUT", fmt.Sprintf("/api/v1/docs/during-%d", writes), testKey, d); code != 201 {
				t.Errorf("a write during the reindex: %d %s", code, body)
				return
			}
			writes++
		}
	}()
	code, out := runBinary(t, with("reindex", "--data", data, "--json")...)
	close(stop)
	wg.Wait()
	if code != 0 {
		t.Fatalf("reindex: %d %s", code, out)
	}
	var sum struct {
		Generation string `json:"generation"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.Generation != "gen-000002" {
		t.Errorf("reindex: %s (%v)", out, err)
	}
	if writes == 0 {
		t.Fatal("no write was made during the reindex")
	}
	waitFor(t, "every write made during the reindex is found", 10*time.Second, func() bool { return s.total(t, "numbat") == uint64(writes) })
	s.suggests(t, "numba", "numbat", true)
	s.suggests(t, "statem", "statement", false)
	// A write after the reindex changes the new generation's completions.
	if code, _, body := s.send(t, "PUT", "/api/v1/docs/after-1?refresh=wait_for", testKey, `{"title": "After", "body": "Bilby"}`); code != 201 {
		t.Fatalf("PUT after the reindex: %d %s", code, body)
	}
	s.suggests(t, "bilb", "Bilby", true)
	want := 45 + 1 + writes + 1 // cli-1, the writes during the reindex, after-1
	if backend == "opensearch" {
		want++ // cli-3
	}
	if n := s.documents(t); n != want {
		t.Errorf("%d documents served after the reindex, want %d", n, want)
	}
	if n := s.total(t, "Trincomalee"); n != 1 {
		t.Errorf("a write made before the reindex: %d hits after it", n)
	}
	if n := s.total(t, "Quokka"); n != 0 {
		t.Errorf("the embargoed document is found after the reindex: %d", n)
	}
	t.Logf("%d writes during the reindex", writes)

	// index from files would drop the documents written through the API
	// (--allow-shrink: however many writes were made above, the check of
	// a shrinking corpus is not the one tested here).
	if code, out := runBinary(t, with("index", "--data", data, "--allow-shrink", "--corpus", writeCorpus(t, dir, "kangaroo", 100))...); code != 1 || !strings.Contains(out, "--replace") {
		t.Errorf("index dropping written documents: %d %s", code, out)
	}
	if code, out := runBinary(t, with("index", "--data", data, "--allow-shrink", "--replace", "--corpus", writeCorpus(t, dir, "kangaroo", 100))...); code != 0 {
		t.Errorf("index --replace: %d %s", code, out)
	}
	waitFor(t, "serve follows index --replace", 30*time.Second, func() bool { return s.total(t, "kangaroo") == 100 })
	if n := s.total(t, "numbat"); n != 0 {
		t.Errorf("written documents found after index --replace: %d", n)
	}
}

// suggests checks whether the server's completions of prefix offer word.
func (s *server) suggests(t *testing.T, prefix, word string, want bool) {
	t.Helper()
	var sug struct{ Suggestions []string }
	if code := s.getJSON(t, "/api/v1/suggest?q="+url.QueryEscape(prefix), &sug); code != 200 {
		t.Fatalf("suggest %s: %d", prefix, code)
	}
	if got := slices.Contains(sug.Suggestions, word); got != want {
		t.Errorf("completions of %q: %q; offering %q: %v, want %v", prefix, sug.Suggestions, word, got, want)
	}
}

// documents returns the count of documents the server says it serves.
func (s *server) documents(t *testing.T) int {
	t.Helper()
	_, body := s.getBody(t, "/metrics")
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, "pressearch_index_documents "); ok {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return int(n)
		}
	}
	t.Fatal("/metrics lacks pressearch_index_documents")
	return 0
}
