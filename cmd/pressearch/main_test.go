package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// binary is the pressearch binary built once for the tests that need a real
// process.
var binary string

func TestMain(m *testing.M) {
	gin.SetMode(gin.ReleaseMode) // as main does
	dir, err := os.MkdirTemp("", "pressearch-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "pressearch")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("building pressearch: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runCmd runs a command in-process and returns its status and output.
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// server is a running `pressearch serve`.
type server struct {
	cmd  *exec.Cmd
	url  string
	logs chan string
	done chan error

	mu  sync.Mutex
	all []string // every line it logged
}

// logged returns every line the server has logged so far.
func (s *server) logged() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.all, "\n")
}

var servingURL = regexp.MustCompile(`msg=serving url=(http://\S+)`)

// startServer runs the real binary's serve on 127.0.0.1:0 and waits until
// it says where it listens.
func startServer(t *testing.T, args ...string) *server {
	t.Helper()
	return startServerEnv(t, nil, args...)
}

// startServerEnv is startServer with env added to the environment.
func startServerEnv(t *testing.T, env []string, args ...string) *server {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, logs: make(chan string, 1000), done: make(chan error, 1)}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.all = append(s.all, line)
			s.mu.Unlock()
			if m := servingURL.FindStringSubmatch(line); m != nil {
				found <- m[1]
			}
			select {
			case s.logs <- line:
			default:
			}
		}
		s.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
	})
	select {
	case s.url = <-found:
	case err := <-s.done:
		t.Fatalf("serve exited before listening: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not start listening within 60s")
	}
	return s
}

func (s *server) getJSON(t *testing.T, path string, v any) int {
	t.Helper()
	code, body := s.getBody(t, path)
	if v != nil {
		if err := json.Unmarshal([]byte(body), v); err != nil {
			t.Fatalf("GET %s: %v in %s", path, err, body)
		}
	}
	return code
}

func (s *server) getBody(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(s.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

type apiResult struct {
	Total uint64 `json:"total"`
	Hits  []struct {
		ID       string   `json:"id"`
		Snippets []string `json:"snippets"`
	} `json:"hits"`
}

func hitIDs(r apiResult) string {
	var ids []string
	for _, h := range r.Hits {
		ids = append(ids, h.ID)
	}
	return strings.Join(ids, ",")
}

func TestServeEndToEnd(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, "--data", data)

	// The seed article first, the word marked.
	var res apiResult
	if code := s.getJSON(t, "/api/v1/search?q="+url.QueryEscape("జపాన్"), &res); code != 200 {
		t.Fatalf("search status %d", code)
	}
	if len(res.Hits) == 0 || res.Hits[0].ID != "eu-japan-partnership-te" ||
		!strings.Contains(strings.Join(res.Hits[0].Snippets, ""), "<mark>జపాన్</mark>") {
		t.Fatalf("search జపాన్: %+v", res)
	}
	// The results page in English shows the translation.
	if code, body := s.getBody(t, "/search?q=Japan"); code != 200 || !strings.Contains(body, "/doc/eu-japan-partnership-en") {
		t.Errorf("/search?q=Japan: %d, translation missing", code)
	}
	// The served collection offers a near spelling, on the page and in the API.
	if code, body := s.getBody(t, "/search?hl=te&q="+url.QueryEscape("బొరెల్")); code != 200 || !strings.Contains(body, `class="dym"`) {
		t.Errorf("/search?q=బొరెల్: %d, no did you mean", code)
	}
	if _, body := s.getBody(t, "/api/v1/search?q=Japn"); !strings.Contains(body, `"did_you_mean":"Japan"`) {
		t.Errorf("/api/v1/search?q=Japn: %.300s, no did_you_mean", body)
	}
	// The command line gives the same hits as the API.
	code, out, errOut := runCmd(t, "search", "--data", data, "--json", "జపాన్")
	if code != 0 {
		t.Fatalf("search --json: exit %d: %s", code, errOut)
	}
	var cli apiResult
	if err := json.Unmarshal([]byte(out), &cli); err != nil {
		t.Fatalf("search --json output: %v", err)
	}
	if hitIDs(cli) != hitIDs(res) {
		t.Errorf("CLI hits %s, API hits %s", hitIDs(cli), hitIDs(res))
	}

	// A bad corpus: exit 1, naming file and line; the live index serves on.
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte(`{"id":"a","title":"t","body":"b"}`+"\n"+`{"id":"b","title":"t"}`+"\n"), 0o644)
	code, _, errOut = runCmd(t, "index", "--data", data, "--corpus", bad)
	if code != 1 || !strings.Contains(errOut, bad+":2: missing field: body") {
		t.Errorf("index with a bad corpus: exit %d, stderr %q", code, errOut)
	}
	var again apiResult
	s.getJSON(t, "/api/v1/search?q="+url.QueryEscape("జపాన్"), &again)
	if hitIDs(again) != hitIDs(res) {
		t.Errorf("after a failed index the answers changed: %s, want %s", hitIDs(again), hitIDs(res))
	}

	// A good new corpus of 1 document where 8 are live: refused unless
	// --allow-shrink; then serve switches to it without a restart.
	good := filepath.Join(t.TempDir(), "new.jsonl")
	os.WriteFile(good, []byte(`{"id":"new-1","lang":"te","title":"కొత్త వార్త","body":"జపాన్ ప్రభుత్వం కొత్త ప్రకటన"}`+"\n"), 0o644)
	code, _, errOut = runCmd(t, "index", "--data", data, "--corpus", good)
	if code != 1 || !strings.Contains(errOut, "1 document, fewer than half the 8 documents of the live gen-000001") ||
		!strings.Contains(errOut, "--allow-shrink") {
		t.Errorf("index of a corpus an eighth the size: exit %d, stderr %q", code, errOut)
	}
	if code, out, errOut := runCmd(t, "index", "--data", data, "--corpus", good, "--allow-shrink"); code != 0 ||
		!strings.Contains(out, "indexed 1 document (te 1) into gen-000002") {
		t.Fatalf("index --allow-shrink: exit %d: %s %s", code, out, errOut)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		var now apiResult
		s.getJSON(t, "/api/v1/search?q="+url.QueryEscape("జపాన్"), &now)
		if hitIDs(now) == "new-1" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve still answers %s 10s after the new generation", hitIDs(now))
		}
		time.Sleep(100 * time.Millisecond) // polling a condition, bounded by the deadline
	}

	// SIGTERM: a clean shutdown with status 0.
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("serve after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Error("serve did not stop within 15s of SIGTERM")
	}
}

func TestCommandLine(t *testing.T) {
	data := t.TempDir()
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{"no command", nil, 2, nil, []string{"usage: pressearch"}},
		{"unknown command", []string{"frobnicate"}, 2, nil, []string{`unknown command "frobnicate"`}},
		{"unknown flag", []string{"index", "--frob"}, 2, nil, []string{"frob"}},
		{"serve with no searches at once", []string{"serve", "--data", data, "--max-searches", "0"}, 2, nil, []string{"--max-searches must be at least 1"}},
		{"search before any index", []string{"search", "--data", data, "x"}, 1, nil, []string{"no index in " + data, "pressearch index"}},
		{"generations before any index", []string{"generations", "--data", data}, 1, nil, []string{"no index in " + data}},
		{"index", []string{"index", "--data", data}, 0, []string{"indexed 8 documents (en 1, ja 1, te 6) into gen-000001"}, nil},
		{"index --json", []string{"index", "--data", data, "--json"}, 0, []string{`"generation":"gen-000002"`, `"documents":8`}, nil},
		{"search without a query", []string{"search", "--data", data}, 2, nil, []string{"QUERY is required"}},
		{"search with a bad query", []string{"search", "--data", data, `"open`}, 2, nil, []string{"closing quote"}},
		{"search", []string{"search", "--data", data, "--size", "1", "రష్యాతో"}, 0, []string{"1. "}, nil},
		{"search --explain", []string{"search", "--data", data, "--explain", "--size", "1", "జపాన్ రష్యా"}, 0,
			[]string{"plan:\n  query: sum(", "rescore the best 100", "weight 2 ×", "bm25(title_te:జపాన్"}, nil},
		{"search with flags after the query", []string{"search", "Japan", "--data", data, "--lang", "en"}, 0, []string{"eu-japan-partnership-en"}, nil},
		{"search for an exclusion after --", []string{"search", "--data", data, "--lang", "en", "--", "Japan", "-Tokyo"}, 0, []string{"0 results"}, nil},
		{"analyze", []string{"analyze", "--lang", "te", "2022లో EUతో"}, 0, []string{"2022\t1\t0\t4", "eu\t3\t11\t13"}, nil},
		{"analyze --json", []string{"analyze", "--json", "టోక్యోలో"}, 0, []string{`"term":"టోక్య"`}, nil},
		{"analyze in an unknown language", []string{"analyze", "--lang", "../../etc", "x"}, 2, nil, []string{`unknown language "../../etc"`, "te, "}},
		{"rollback", []string{"index", "--data", data, "--rollback"}, 0, []string{"rolled back: gen-000001 is current (8 documents)"}, nil},
		{"use", []string{"index", "--data", data, "--use", "gen-000002"}, 0, []string{"switched: gen-000002 is current (8 documents)"}, nil},
		{"use --json", []string{"index", "--data", data, "--use", "1", "--json"}, 0, []string{`"generation":"gen-000001"`, `"why":"use"`}, nil},
		{"use of the current one", []string{"index", "--data", data, "--use", "gen-000001"}, 1, nil, []string{"gen-000001 is already current"}},
		{"use of a bad name", []string{"index", "--data", data, "--use", "latest"}, 2, nil, []string{`bad generation "latest"`}},
		{"use and rollback", []string{"index", "--data", data, "--use", "1", "--rollback"}, 2, nil, []string{"cannot be given together"}},
		{"keep 0", []string{"index", "--data", data, "--keep", "0"}, 2, nil, []string{"--keep must be at least 1"}},
		{"generations", []string{"generations", "--data", data}, 0, []string{"gen-000002", "gen-000001", "current", "--rollback restores it", "switches, oldest first", "rollback"}, nil},
		{"usage lists every command", []string{"help"}, 0, []string{"generations", "healthcheck", "index", "serve"}, nil},
		{"eval without files", []string{"eval", "--data", data}, 2, nil, []string{"--queries and --qrels are required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stdout %q stderr %q", code, tt.code, out, errOut)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q: %q", s, out)
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(errOut, s) {
					t.Errorf("stderr lacks %q: %q", s, errOut)
				}
			}
		})
	}
}

func TestEval(t *testing.T) {
	data := t.TempDir()
	dir := t.TempDir()
	// Three documents and three judged queries (and one not judged) that
	// every analysis ranks perfectly; presseval's tests read them too.
	fixture := filepath.Join("..", "internal", "relevance", "testdata")
	corpusFile := filepath.Join(fixture, "corpus.jsonl")
	queries, qrels := filepath.Join(fixture, "queries.tsv"), filepath.Join(fixture, "qrels.txt")
	if code, _, errOut := runCmd(t, "index", "--data", data, "--corpus", corpusFile); code != 0 {
		t.Fatal(errOut)
	}
	runFile := filepath.Join(dir, "run.txt")
	code, out, errOut := runCmd(t, "eval", "--data", data, "--queries", queries, "--qrels", qrels, "--run", runFile)
	if code != 0 {
		t.Fatalf("eval: exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || strings.Join(strings.Fields(lines[0]), " ") != "index nDCG@10 MRR@10 MRR@100 Recall@100 queries" ||
		strings.Join(strings.Fields(lines[1]), " ") != "gen-000001 1.0000 1.0000 1.0000 1.0000 3" {
		t.Errorf("eval output:\n%s", out)
	}
	// Comparisons are presseval's: the served binary has no --corpus.
	if code, _, errOut := runCmd(t, "eval", "--corpus", corpusFile, "--queries", queries, "--qrels", qrels); code != 2 ||
		!strings.Contains(errOut, "-corpus") {
		t.Errorf("eval --corpus: exit %d, %s; want a usage error", code, errOut)
	}
	run, _ := os.ReadFile(runFile)
	if !strings.HasPrefix(string(run), "q1 Q0 d1 1 ") {
		t.Errorf("run file starts %q", run)
	}
}

// The served binary serves: the comparators used only to measure
// relevance (the Lucene-equivalent chain, plain Bleve) are not linked in.
func TestServedBinaryLinksNoComparator(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 || !slices.Contains(deps, "pressearch/search") {
		t.Fatalf("go list -deps: %q", deps)
	}
	for _, p := range []string{"pressearch/indexer/lang/te/lucene", "pressearch/cmd/internal/baseline"} {
		if slices.Contains(deps, p) {
			t.Errorf("pressearch links %s, a comparator for presseval", p)
		}
	}
}
