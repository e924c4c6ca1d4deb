package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"pressearch/corpus"
)

// testKey is the write key of the tests' servers.
const testKey = "test-key-0123456789abcdef"

// send makes a request with the key (none where key is "") and returns the
// status, the headers and the body.
func (s *server) send(t *testing.T, method, path, key, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(raw)
}

func errorCode(t *testing.T, body string) string {
	t.Helper()
	code, _ := apiErr(body)
	return code
}

// apiErr returns the code and message of an error answer.
func apiErr(body string) (string, string) {
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	json.Unmarshal([]byte(body), &e)
	return e.Error.Code, e.Error.Message
}

const release = `{"id": "mea-2025-001", "lang": "en", "title": "Minister meets the Zanzibar delegation",
 "body": "The minister met the Zanzibar trade delegation in Colombo.", "date": "2025-03-01", "source": "Ministry"}`

// The documents API, over a real server: keys, validation with the
// loader's messages, created and replaced, delete, bulk with line numbers
// and atomic, the body limit, slowing down wrong keys, and names but never
// keys in logs and metrics.
func TestDocumentsAPI(t *testing.T) {
	s := startServerEnv(t, []string{"PRESSEARCH_API_KEY=" + testKey}, "--data", t.TempDir())
	put := func(key, body string, refresh bool) (int, string) {
		path := "/api/v1/docs/mea-2025-001"
		if refresh {
			path += "?refresh=wait_for"
		}
		code, _, b := s.send(t, "PUT", path, key, body)
		return code, b
	}
	// No key, a wrong key: 401 with the challenge.
	code, h, body := s.send(t, "PUT", "/api/v1/docs/mea-2025-001", "", release)
	if code != 401 || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") || errorCode(t, body) != "unauthorized" {
		t.Errorf("no key: %d %q %s", code, h.Get("WWW-Authenticate"), body)
	}
	code, h, _ = s.send(t, "PUT", "/api/v1/docs/mea-2025-001", "wrong-key-0000000000", release)
	if code != 401 || !strings.Contains(h.Get("WWW-Authenticate"), "invalid_token") {
		t.Errorf("wrong key: %d %q", code, h.Get("WWW-Authenticate"))
	}
	// Created, then replaced, and searchable at once with wait_for.
	if code, body := put(testKey, release, true); code != 201 || !strings.Contains(body, `"created"`) {
		t.Fatalf("first PUT: %d %s", code, body)
	}
	if s.total(t, "Zanzibar") != 1 {
		t.Error("the new document is not searchable after refresh=wait_for")
	}
	if code, body := put(testKey, strings.Replace(release, "Colombo", "Trincomalee", 1), false); code != 200 || !strings.Contains(body, `"replaced"`) {
		t.Fatalf("second PUT: %d %s", code, body)
	}
	deadline := time.Now().Add(time.Second)
	for s.total(t, "Trincomalee") != 1 {
		if time.Now().After(deadline) {
			t.Fatal("a write without wait_for is not searchable within 1 s")
		}
		time.Sleep(20 * time.Millisecond) // polling the condition the contract bounds
	}
	// Validation as the loader's, with its messages.
	for _, tt := range []struct{ name, body, want string }{
		{"missing body", `{"title": "t"}`, "missing field: body"},
		{"id differs", `{"id": "other", "title": "t", "body": "b"}`, `id "other" in the document is not "mea-2025-001"`},
		{"bad date", `{"title": "t", "body": "b", "date": "2025-02-30"}`, `bad date "2025-02-30"`},
		{"bad publish_at", `{"title": "t", "body": "b", "publish_at": "tomorrow"}`, `bad publish_at "tomorrow"`},
		{"a related id that is nowhere", `{"title": "t", "body": "b", "related": ["nope"]}`, `related id "nope" is not in the corpus`},
		{"not JSON", `{"title": `, "invalid JSON"},
	} {
		code, body := put(testKey, tt.body, false)
		if c, msg := apiErr(body); code != 400 || c != "invalid_document" || !strings.Contains(msg, tt.want) {
			t.Errorf("%s: %d %s, want 400 invalid_document with %q", tt.name, code, body, tt.want)
		}
	}
	// Too large: 413.
	big := `{"title": "t", "body": "` + strings.Repeat("x", 9<<20) + `"}`
	if code, body := put(testKey, big, false); code != 413 || errorCode(t, body) != "too_large" {
		t.Errorf("a 9 MiB document: %d %.200s", code, body)
	}
	// Bulk: each line its own result, with its line.
	bulk := strings.Join([]string{
		`{"id": "b1", "title": "Bulk one", "body": "first bulk document", "kind": "article"}`,
		`{"id": "b2", "title": "Bulk two", "body": "a statement on it", "kind": "statement", "related": ["b1"]}`,
		``,
		`{"id": "b3", "title": "no body"}`,
		`{"delete": "mea-2025-001"}`,
		`{"delete": "never-was"}`,
	}, "\n")
	code, _, body = s.send(t, "POST", "/api/v1/docs/_bulk?refresh=wait_for", testKey, bulk)
	var ans struct {
		Errors bool `json:"errors"`
		Items  []struct {
			Line   int    `json:"line"`
			ID     string `json:"id"`
			Status int    `json:"status"`
			Error  *struct{ Code, Message string }
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &ans); err != nil || code != 200 {
		t.Fatalf("bulk: %d %s", code, body)
	}
	want := []struct{ line, status int }{{1, 201}, {2, 201}, {4, 400}, {5, 200}, {6, 404}}
	if len(ans.Items) != len(want) || !ans.Errors {
		t.Fatalf("bulk items: %s", body)
	}
	for i, w := range want {
		if it := ans.Items[i]; it.Line != w.line || it.Status != w.status {
			t.Errorf("bulk item %d: line %d status %d, want line %d status %d", i, it.Line, it.Status, w.line, w.status)
		}
	}
	if !strings.Contains(body, "missing field: body") {
		t.Errorf("bulk: the bad line's reason is missing: %s", body)
	}
	// The statement written after its article shows under it.
	var doc struct {
		Related []struct{ ID string } `json:"related"`
	}
	if code := s.getJSON(t, "/api/v1/docs/b1", &doc); code != 200 || len(doc.Related) != 1 || doc.Related[0].ID != "b2" {
		t.Errorf("b1's related: %d %+v", code, doc)
	}
	// Atomic: one bad line, nothing applied.
	atomic := `{"id": "a1", "title": "t", "body": "b"}` + "\n" + `{"id": "a2", "title": "t"}`
	code, _, body = s.send(t, "POST", "/api/v1/docs/_bulk?atomic=true&refresh=wait_for", testKey, atomic)
	if code != 400 || !strings.Contains(body, `"not_applied"`) {
		t.Errorf("atomic bulk with a bad line: %d %s", code, body)
	}
	if code, _ := s.getBody(t, "/api/v1/docs/a1"); code != 404 {
		t.Errorf("an atomic bulk that failed wrote a1: %d", code)
	}
	// Delete: 200, then 404.
	if code, _, body := s.send(t, "DELETE", "/api/v1/docs/b2?refresh=wait_for", testKey, ""); code != 200 {
		t.Errorf("DELETE: %d %s", code, body)
	}
	if code, _, body := s.send(t, "DELETE", "/api/v1/docs/b2", testKey, ""); code != 404 || errorCode(t, body) != "not_found" {
		t.Errorf("DELETE again: %d %s", code, body)
	}
	if code := s.getJSON(t, "/api/v1/docs/b1", &doc); code != 200 || len(doc.Related) != 0 {
		t.Errorf("b1 still names its deleted statement: %+v", doc)
	}
	// Unknown parameters are refused on writes too.
	if code, _, body := s.send(t, "DELETE", "/api/v1/docs/b1?refreh=true", testKey, ""); code != 400 || errorCode(t, body) != "unknown_parameter" {
		t.Errorf("a misspelt parameter: %d %s", code, body)
	}
	// Wrong keys from one address are slowed down.
	var last int
	var retry string
	for i := 0; i < 12; i++ {
		var h http.Header
		last, h, _ = s.send(t, "DELETE", "/api/v1/docs/b1", fmt.Sprintf("guess-%020d", i), "")
		retry = h.Get("Retry-After")
	}
	if n, err := strconv.Atoi(retry); last != 429 || err != nil || n < 1 {
		t.Errorf("after 12 wrong keys: %d, Retry-After %q", last, retry)
	}
	// Names in the logs and metrics, never keys.
	_, metrics := s.getBody(t, "/metrics")
	if !strings.Contains(metrics, `pressearch_writes_total{key="env",result="created"}`) {
		t.Errorf("metrics lack the writes by key name")
	}
	if !strings.Contains(s.logged(), "key=env") {
		t.Errorf("the logs do not say who wrote")
	}
	for _, text := range []string{metrics, s.logged()} {
		if strings.Contains(text, testKey) || strings.Contains(text, "guess-0") {
			t.Errorf("a key appears in the logs or metrics")
		}
	}
}

// Without keys, writes answer 403 saying how to turn them on; a keys file
// others can read is refused.
func TestWritesNeedKeys(t *testing.T) {
	s := startServerEnv(t, []string{"PRESSEARCH_API_KEY="}, "--data", t.TempDir())
	code, _, body := s.send(t, "PUT", "/api/v1/docs/x", "anything-at-all-0000", release)
	if code != 403 || errorCode(t, body) != "writes_disabled" || !strings.Contains(body, "--api-keys") {
		t.Errorf("writes without keys: %d %s", code, body)
	}
	keys := filepath.Join(t.TempDir(), "keys")
	os.WriteFile(keys, []byte("press-office:"+testKey+"\n"), 0o644)
	c, _, errOut := runCmd(t, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--api-keys", keys)
	if c != 1 || !strings.Contains(errOut, "chmod 600") {
		t.Errorf("a keys file others read: exit %d, %s", c, errOut)
	}
}

// A 2xx is durable: write, kill -9 at once, restart, read. The bulk
// request is a large write (250 documents: indexed in parts, one a core),
// the PUT a small one (waiting for the next refresh's batch).
func TestWritesSurviveKill(t *testing.T) {
	const bulkDocs = 250
	data := t.TempDir()
	keys := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(keys, []byte("# the press office\npress-office:"+testKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 3; round++ {
		s := startServer(t, "--data", data, "--api-keys", keys)
		var lines []string
		for i := 0; i < bulkDocs; i++ {
			lines = append(lines, fmt.Sprintf(`{"id": "k%d-%d", "title": "Round %d release %d", "body": "durable text number %d"}`, round, i, round, i, i))
		}
		code, _, body := s.send(t, "POST", "/api/v1/docs/_bulk", testKey, strings.Join(lines, "\n"))
		if code != 200 || strings.Contains(body, `"errors":true`) {
			t.Fatalf("bulk: %d %s", code, body)
		}
		code, _, body = s.send(t, "PUT", fmt.Sprintf("/api/v1/docs/single-%d", round), testKey,
			`{"title": "single", "body": "one more durable text"}`)
		if code != 201 {
			t.Fatalf("PUT: %d %s", code, body)
		}
		s.cmd.Process.Signal(syscall.SIGKILL)
		<-s.done
		after := startServer(t, "--data", data, "--api-keys", keys)
		for r := 0; r <= round; r++ {
			for _, id := range []string{fmt.Sprintf("k%d-%d", r, bulkDocs-1), fmt.Sprintf("single-%d", r)} {
				if code, _ := after.getBody(t, "/api/v1/docs/"+id); code != 200 {
					t.Errorf("round %d: %s lost after kill -9 (%d)", round, id, code)
				}
			}
		}
		if got, want := after.total(t, "durable"), uint64((bulkDocs+1)*(round+1)); got != want {
			t.Errorf("round %d: %d documents found, want %d", round, got, want)
		}
		after.cmd.Process.Signal(syscall.SIGTERM)
		<-after.done
	}
}

// add, delete and reindex work on a data directory whether or not serve
// runs on it (through it when it does); index refuses to drop documents
// written through the API unless --replace, saying how many.
func TestCommandsWriteWithAndWithoutServe(t *testing.T) {
	data := t.TempDir()
	files := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(files, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if code, _, errOut := runCmd(t, "index", "--data", data); code != 0 {
		t.Fatalf("index: %s", errOut)
	}
	// Without serve: the command writes the data directory itself.
	a := write("a.jsonl", `{"id": "cli-1", "lang": "en", "title": "Quokka census", "body": "The quokka census is out."}`+"\n")
	if code, out, errOut := runCmd(t, "add", "--data", data, a); code != 0 || !strings.Contains(out, "added 1") {
		t.Fatalf("add without serve: %d %s %s", code, out, errOut)
	}
	if code, out, _ := runCmd(t, "search", "--data", data, "--json", "quokka"); code != 0 || !strings.Contains(out, "cli-1") {
		t.Errorf("search after add: %d %s", code, out)
	}
	bad := write("bad.jsonl", `{"id": "cli-2", "title": "x", "body": "y"}`+"\n"+`{"id": "cli-3", "title": "x", "body": "y", "related": ["nowhere"]}`+"\n")
	if code, _, errOut := runCmd(t, "add", "--data", data, bad); code != 1 || !strings.Contains(errOut, bad+`:2: related id "nowhere" is not in the corpus`) {
		t.Errorf("add with a bad reference: %d %s", code, errOut)
	}
	if code, _, _ := runCmd(t, "search", "--data", data, "--json", "cli-2"); code != 0 {
		t.Error("search failed")
	}
	// With serve: through it.
	s := startServer(t, "--data", data)
	b := write("b.md", "---\nid: cli-4\nlang: en\ntitle: Wombat survey\nkind: statement\nrelated: [cli-1]\n---\nThe wombat survey follows the quokka census.\n")
	if code, out, errOut := runCmd(t, "add", "--data", data, b); code != 0 || !strings.Contains(out, "added 1") {
		t.Fatalf("add through serve: %d %s %s", code, out, errOut)
	}
	if s.total(t, "wombat") != 1 {
		t.Error("the server does not find what add wrote through it")
	}
	if code, out, errOut := runCmd(t, "search", "--data", data, "--json", "wombat"); code != 0 || !strings.Contains(out, "cli-4") {
		t.Errorf("search while serve runs: %d %s %s", code, out, errOut)
	}
	if code, out, errOut := runCmd(t, "delete", "--data", data, "cli-4", "no-such"); code != 1 || !strings.Contains(out, "deleted 1") || !strings.Contains(errOut, "no-such") {
		t.Errorf("delete through serve: %d %s %s", code, out, errOut)
	}
	// Reindex through serve keeps every document.
	before := s.total(t, "quokka")
	if code, out, errOut := runCmd(t, "reindex", "--data", data); code != 0 || !strings.Contains(out, "into gen-") {
		t.Fatalf("reindex: %d %s %s", code, out, errOut)
	}
	if got := s.total(t, "quokka"); got != before || got == 0 {
		t.Errorf("after reindex: %d quokka hits, before %d", got, before)
	}
	// index from files would drop cli-1: refused, then --replace.
	if code, _, errOut := runCmd(t, "index", "--data", data); code != 1 || !strings.Contains(errOut, "drop 1 document") {
		t.Errorf("index dropping an API write: %d %s", code, errOut)
	}
	if s.total(t, "quokka") != before {
		t.Error("a refused index changed what is served")
	}
	if code, _, errOut := runCmd(t, "index", "--data", data, "--replace"); code != 0 {
		t.Fatalf("index --replace: %s", errOut)
	}
	if got := s.total(t, "quokka"); got != 0 {
		t.Errorf("after index --replace: %d quokka hits, want 0", got)
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.done
	// Without serve again: reindex and delete here.
	if code, out, errOut := runCmd(t, "add", "--data", data, a); code != 0 {
		t.Fatalf("add: %s %s", out, errOut)
	}
	if code, _, errOut := runCmd(t, "reindex", "--data", data); code != 0 {
		t.Fatalf("reindex without serve: %s", errOut)
	}
	if code, out, _ := runCmd(t, "search", "--data", data, "--json", "quokka"); code != 0 || !strings.Contains(out, "cli-1") {
		t.Errorf("after reindex without serve: %s", out)
	}
	if code, _, errOut := runCmd(t, "delete", "--data", data, "cli-1"); code != 0 {
		t.Errorf("delete without serve: %s", errOut)
	}
	if code, out, _ := runCmd(t, "search", "--data", data, "--json", "quokka"); code != 0 || strings.Contains(out, "cli-1") {
		t.Errorf("after delete: %s", out)
	}
}

// An embargoed document written through the API is in no read until its
// moment; a writer reads it with include_embargoed.
func TestEmbargoThroughTheAPI(t *testing.T) {
	s := startServerEnv(t, []string{"PRESSEARCH_API_KEY=" + testKey}, "--data", t.TempDir())
	until := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	doc := `{"title": "Embargoed Zanzibar accord", "body": "Zanzibar accord text", "source": "Embargo Office", "kind": "article", "publish_at": "` + until + `"}`
	if code, _, body := s.send(t, "PUT", "/api/v1/docs/emb-1?refresh=wait_for", testKey, doc); code != 201 {
		t.Fatalf("PUT: %d %s", code, body)
	}
	// A statement out now that names the embargoed article.
	vis := `{"title": "Zanzibar talks go on", "body": "Zanzibar talks text", "source": "Visible Office", "kind": "statement", "related": ["emb-1"]}`
	if code, _, body := s.send(t, "PUT", "/api/v1/docs/vis-1?refresh=wait_for", testKey, vis); code != 201 {
		t.Fatalf("PUT: %d %s", code, body)
	}
	if s.total(t, "Zanzibar") != 1 {
		t.Error("search finds a document under embargo")
	}
	// Nor is it counted in the facets.
	var res struct {
		Facets map[string][]struct {
			Value string
			Count int
		}
	}
	s.getJSON(t, "/api/v1/search?q=Zanzibar", &res)
	for field, values := range res.Facets {
		for _, v := range values {
			if v.Value == "Embargo Office" || v.Value == "article" || v.Count != 1 {
				t.Errorf("facet %s counts a document under embargo: %+v", field, values)
			}
		}
	}
	if code, _ := s.getBody(t, "/api/v1/docs/emb-1"); code != 404 {
		t.Errorf("GET a document under embargo: %d", code)
	}
	// Nor in the feed, the pages, or as a link from the statement.
	for _, path := range []string{"/search.atom?q=Zanzibar", "/search?q=Zanzibar", "/doc/vis-1", "/api/v1/docs/vis-1"} {
		code, body := s.getBody(t, path)
		if code != 200 || !strings.Contains(body, "Zanzibar talks") || strings.Contains(body, "accord") || strings.Contains(body, "emb-1") {
			t.Errorf("%s shows a document under embargo: %d %.2000s", path, code, body)
		}
	}
	if code, _ := s.getBody(t, "/doc/emb-1"); code != 404 {
		t.Errorf("the page of a document under embargo: %d", code)
	}
	if code, _, _ := s.send(t, "GET", "/api/v1/docs/emb-1?include_embargoed=true", "", ""); code != 401 {
		t.Errorf("include_embargoed without a key: %d", code)
	}
	code, _, body := s.send(t, "GET", "/api/v1/docs/emb-1?include_embargoed=true", testKey, "")
	if code != 200 || !strings.Contains(body, `"publish_at"`) {
		t.Errorf("a writer's look: %d %s", code, body)
	}
	q := url.Values{"q": {"Zanzibar"}, "include_embargoed": {"true"}}
	if code, _, body := s.send(t, "GET", "/api/v1/search?"+q.Encode(), testKey, ""); code != 200 || !strings.Contains(body, "emb-1") {
		t.Errorf("a writer's search: %d %s", code, body)
	}
	for _, prefix := range []string{"zanzi", "embarg"} {
		var sug struct{ Suggestions []string }
		s.getJSON(t, "/api/v1/suggest?q="+prefix, &sug)
		for _, w := range sug.Suggestions {
			if strings.Contains(strings.ToLower(w), "embargo") || strings.Contains(w, "accord") {
				t.Errorf("suggestions for %s show words under embargo: %q", prefix, sug.Suggestions)
			}
		}
	}
}

// keyFile writes name:key lines to a file only its owner reads.
func keyFile(t *testing.T, lines ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// With --read-keys, reads need a read or a write key; a read key does not
// write; health checks stay open; a read keys file others can read is
// refused.
func TestReadKeys(t *testing.T) {
	const readKey = "reader-key-0123456789abcdef"
	writes := keyFile(t, "press-office:"+testKey)
	reads := keyFile(t, "newsroom:"+readKey)
	s := startServer(t, "--data", t.TempDir(), "--api-keys", writes, "--read-keys", reads)
	for _, path := range []string{"/api/v1/search?q=japan", "/api/v1/suggest?q=ja", "/api/v1/docs/eu-japan-partnership-te", "/api/v1/analyze?text=x"} {
		code, h, body := s.send(t, "GET", path, "", "")
		if code != 401 || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") || errorCode(t, body) != "unauthorized" {
			t.Errorf("%s without a key: %d %q %s", path, code, h.Get("WWW-Authenticate"), body)
		}
		if code, _, body := s.send(t, "GET", path, "not-a-key-000000000000", ""); code != 401 {
			t.Errorf("%s with a wrong key: %d %s", path, code, body)
		}
		for _, key := range []string{readKey, testKey} {
			if code, _, body := s.send(t, "GET", path, key, ""); code != 200 {
				t.Errorf("%s with a key: %d %s", path, code, body)
			}
		}
	}
	// The pages ask a browser for the key as a password.
	code, h, _ := s.send(t, "GET", "/search?q=japan", "", "")
	if code != 401 || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Basic") {
		t.Errorf("a page without a key: %d %q", code, h.Get("WWW-Authenticate"))
	}
	req, _ := http.NewRequest("GET", s.url+"/search?q=japan", nil)
	req.SetBasicAuth("", readKey)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Errorf("a page with the key as a password: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, _, _ := s.send(t, "GET", path, "", ""); code != 200 {
			t.Errorf("%s needs a key: %d", path, code)
		}
	}
	// A read key is no write key.
	if code, _, body := s.send(t, "PUT", "/api/v1/docs/mea-2025-001", readKey, release); code != 401 {
		t.Errorf("a write with a read key: %d %s", code, body)
	}
	if code, _, body := s.send(t, "PUT", "/api/v1/docs/mea-2025-001", testKey, release); code != 201 {
		t.Errorf("a write with a write key: %d %s", code, body)
	}
	open := filepath.Join(t.TempDir(), "open-keys")
	os.WriteFile(open, []byte("newsroom:"+readKey+"\n"), 0o640)
	if c, _, errOut := runCmd(t, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--api-keys", writes, "--read-keys", open); c != 1 || !strings.Contains(errOut, "chmod 600") {
		t.Errorf("a read keys file others read: exit %d, %s", c, errOut)
	}
}

// add and delete --url write through the server that URL names, with the
// key of PRESSEARCH_API_KEY, whatever --data says; without a key they are
// refused as wrong usage, and with a wrong one they fail saying why.
func TestCommandsWriteThroughURL(t *testing.T) {
	s := startServer(t, "--data", t.TempDir(), "--api-keys", keyFile(t, "press-office:"+testKey))
	elsewhere := t.TempDir() // no index, no server: --url must not look here
	dir := t.TempDir()
	a := filepath.Join(dir, "a.jsonl")
	os.WriteFile(a, []byte(`{"id": "url-1", "lang": "en", "title": "Okapi sighting", "body": "An okapi was sighted."}`+"\n"+
		`{"id": "url-2", "lang": "en", "title": "Okapi follow-up", "body": "The okapi again.", "kind": "statement", "related": ["url-1"]}`+"\n"), 0o644)
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte(`{"id": "url-3", "lang": "en", "title": "t", "body": "b"}`+"\n"+`{"id": "url-4", "title": "t", "body": "b", "related": ["nowhere"]}`+"\n"), 0o644)

	t.Setenv("PRESSEARCH_API_KEY", "")
	if code, _, errOut := runCmd(t, "add", "--url", s.url, a); code != 2 || !strings.Contains(errOut, "PRESSEARCH_API_KEY") {
		t.Errorf("add --url without a key: %d %s", code, errOut)
	}
	t.Setenv("PRESSEARCH_API_KEY", "wrong-key-0000000000000")
	if code, _, errOut := runCmd(t, "add", "--url", s.url, a); code != 1 || !strings.Contains(errOut, "not one this server accepts") {
		t.Errorf("add --url with a wrong key: %d %s", code, errOut)
	}
	t.Setenv("PRESSEARCH_API_KEY", testKey)
	if code, out, errOut := runCmd(t, "add", "--data", elsewhere, "--url", s.url, a); code != 0 || !strings.Contains(out, "added 2") {
		t.Fatalf("add --url: %d %s %s", code, out, errOut)
	}
	if got := s.total(t, "okapi"); got != 2 {
		t.Errorf("after add --url: %d okapi hits, want 2", got)
	}
	var doc struct {
		Related []struct{ ID string } `json:"related"`
	}
	if code := s.getJSON(t, "/api/v1/docs/url-1", &doc); code != 200 || len(doc.Related) != 1 || doc.Related[0].ID != "url-2" {
		t.Errorf("url-1's related: %d %+v", code, doc)
	}
	// The server's reason comes back with the file and line; atomic: the
	// good line of the file is not added either.
	if code, _, errOut := runCmd(t, "add", "--url", s.url, bad); code != 1 || !strings.Contains(errOut, bad+`:2: related id "nowhere" is not in the corpus`) {
		t.Errorf("add --url with a bad reference: %d %s", code, errOut)
	}
	if code, _ := s.getBody(t, "/api/v1/docs/url-3"); code != 404 {
		t.Errorf("a refused file was partly added: url-3 answers %d", code)
	}
	if code, out, errOut := runCmd(t, "delete", "--url", s.url, "url-2", "not-there"); code != 1 || !strings.Contains(out, "deleted 1") || !strings.Contains(errOut, "not-there") {
		t.Errorf("delete --url: %d %s %s", code, out, errOut)
	}
	if got := s.total(t, "okapi"); got != 1 {
		t.Errorf("after delete --url: %d okapi hits, want 1", got)
	}
	if code, _, errOut := runCmd(t, "delete", "--url", "ftp://example", "url-1"); code != 2 || !strings.Contains(errOut, "--url") {
		t.Errorf("delete --url with a bad address: %d %s", code, errOut)
	}
}

// A bulk request without wait_for is searchable within 1 s of its answer
// (the contract), whatever its size: a request of 1,000 documents of about
// 2 KB, as pressbench sends them, its last document looked for by a word
// only it has.
func TestBulkSearchableWithinASecond(t *testing.T) {
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	for _, d := range docs {
		words = append(words, strings.Fields(d.Title+" "+d.Body)...)
	}
	s := startServerEnv(t, []string{"PRESSEARCH_API_KEY=" + testKey}, "--data", t.TempDir())
	for round := range 2 {
		var body strings.Builder
		enc := json.NewEncoder(&body)
		for i := range 1000 {
			var text strings.Builder
			for j := i * 7; text.Len() < 2048; j += 13 {
				text.WriteString(words[j%len(words)])
				text.WriteByte(' ')
			}
			fmt.Fprintf(&text, "marker%dx%d", round, i)
			enc.Encode(corpus.Document{ID: fmt.Sprintf("bulk-%d-%04d", round, i), Lang: "te", Title: fmt.Sprintf("Release %d", i), Body: text.String()})
		}
		code, _, answer := s.send(t, "POST", "/api/v1/docs/_bulk", testKey, body.String())
		answered := time.Now()
		if code != 200 || strings.Contains(answer, `"errors":true`) {
			t.Fatalf("bulk: %d %.300s", code, answer)
		}
		for s.total(t, fmt.Sprintf("marker%dx999", round)) != 1 {
			if time.Since(answered) > time.Second {
				t.Fatalf("round %d: the bulk's last document is not searchable within 1 s of the answer", round)
			}
			time.Sleep(20 * time.Millisecond) // polling the condition the contract bounds
		}
		t.Logf("round %d: searchable %v after the answer", round, time.Since(answered).Round(time.Millisecond))
	}
}
