package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// writeCorpus writes n documents that all contain marker, as JSONL.
func writeCorpus(t *testing.T, dir, marker string, n int) string {
	t.Helper()
	rng := rand.New(rand.NewSource(int64(len(marker) + n)))
	words := []string{"జపాన్", "రష్యా", "భద్రత", "సహకారం", "ప్రకటన", "Tokyo", "defence", "partnership", "minister", "ఒప్పందం"}
	var b strings.Builder
	for i := 0; i < n; i++ {
		var body strings.Builder
		for j := 0; j < 200; j++ {
			body.WriteString(words[rng.Intn(len(words))])
			body.WriteByte(' ')
		}
		body.WriteString(marker)
		fmt.Fprintf(&b, `{"id":"%s-%05d","title":"%s %d","body":%q}`+"\n", marker, i, marker, i, body.String())
	}
	path := filepath.Join(dir, marker+".jsonl")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// runBinary runs the real pressearch binary and returns its exit status.
func runBinary(t *testing.T, args ...string) (int, string) {
	t.Helper()
	out, err := exec.Command(binary, args...).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), string(out)
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, string(out)
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, limit)
		}
		time.Sleep(50 * time.Millisecond) // polling a condition, bounded by the deadline
	}
}

func (s *server) total(t *testing.T, q string) uint64 {
	t.Helper()
	var r apiResult
	if code := s.getJSON(t, "/api/v1/search?q="+url.QueryEscape(q), &r); code != 200 {
		t.Fatalf("search %q: status %d", q, code)
	}
	return r.Total
}

// Queries keep succeeding while index rebuilds five times with changing
// corpora, and the answers move to each new corpus.
func TestReindexUnderLoad(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	first := writeCorpus(t, dir, "gen0", 200)
	if code, out := runBinary(t, "index", "--data", data, "--corpus", first); code != 0 {
		t.Fatal(out)
	}
	s := startServer(t, "--data", data)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var requests, failures int
	var failed []string
	client := &http.Client{Timeout: 10 * time.Second}
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			qs := []string{"జపాన్", "Tokyo", "భద్రత OR defence", "ప్రకటన*", "minister"}
			for i := 0; i < 20000; i++ { // bounded; stops much earlier
				select {
				case <-stop:
					return
				default:
				}
				resp, err := client.Get(s.url + "/api/v1/search?q=" + url.QueryEscape(qs[(i+w)%len(qs)]))
				ok := err == nil && resp.StatusCode == 200
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				mu.Lock()
				requests++
				if !ok {
					failures++
					failed = append(failed, fmt.Sprint(err, resp))
				}
				mu.Unlock()
			}
		}(w)
	}
	for g := 1; g <= 5; g++ {
		marker := fmt.Sprintf("gen%d", g)
		path := writeCorpus(t, dir, marker, 200+50*g)
		if code, out := runBinary(t, "index", "--data", data, "--corpus", path); code != 0 {
			close(stop)
			t.Fatal(out)
		}
		waitFor(t, "serve answers from "+marker, 10*time.Second, func() bool { return s.total(t, marker) == uint64(200+50*g) })
		if n := s.total(t, fmt.Sprintf("gen%d", g-1)); n != 0 {
			t.Errorf("after %s the old corpus still answers %d hits", marker, n)
		}
	}
	close(stop)
	wg.Wait()
	t.Logf("%d requests during five rebuilds, %d failed", requests, failures)
	if failures > 0 {
		t.Errorf("%d of %d requests failed: %q", failures, requests, failed[:min(len(failed), 5)])
	}
	if requests < 50 {
		t.Errorf("only %d requests ran", requests)
	}
}

// index killed with SIGKILL at random points never damages the live
// generation, and the next index cleans up after it.
func TestIndexKilledLeavesLiveGeneration(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	live := writeCorpus(t, dir, "live", 50)
	if code, out := runBinary(t, "index", "--data", data, "--corpus", live); code != 0 {
		t.Fatal(out)
	}
	big := writeCorpus(t, dir, "big", 3000)
	cur := func() string {
		b, _ := os.ReadFile(filepath.Join(data, "CURRENT"))
		return strings.TrimSpace(string(b))
	}
	before := cur()
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < 5; i++ {
		cmd := exec.Command(binary, "index", "--data", data, "--corpus", big)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(20+rng.Intn(600)) * time.Millisecond) // the random point of the kill
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if got := cur(); got != before && cmd.ProcessState.ExitCode() != 0 {
			t.Fatalf("kill %d: CURRENT moved to %s from %s", i, got, before)
		}
		before = cur()
		// The live generation answers.
		code, out := runBinary(t, "search", "--data", data, "--json", "live OR big")
		if code != 0 || !strings.Contains(out, `"total":`) {
			t.Fatalf("kill %d: the live generation does not answer: %s", i, out)
		}
	}
	// The next index finishes and leaves no partial build behind.
	if code, out := runBinary(t, "index", "--data", data, "--corpus", live); code != 0 {
		t.Fatal(out)
	}
	entries, _ := os.ReadDir(data)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".partial") {
			t.Errorf("%s left behind", e.Name())
		}
	}
}

// serve killed and restarted answers as before.
func TestServeKilledAndRestarted(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, "--data", data)
	var before apiResult
	s.getJSON(t, "/api/v1/search?q="+url.QueryEscape("జపాన్"), &before)
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
	s2 := startServer(t, "--data", data)
	var after apiResult
	s2.getJSON(t, "/api/v1/search?q="+url.QueryEscape("జపాన్"), &after)
	if hitIDs(after) != hitIDs(before) || after.Total == 0 {
		t.Errorf("after a restart: %s, before: %s", hitIDs(after), hitIDs(before))
	}
}

// damage copies the current generation to a new one, cuts its largest file
// short and points CURRENT at it, as a disk fault after a switch would.
func damage(t *testing.T, data string) string {
	t.Helper()
	cur, _ := os.ReadFile(filepath.Join(data, "CURRENT"))
	src := filepath.Join(data, strings.TrimSpace(string(cur)))
	dst := filepath.Join(data, "gen-000900")
	if out, err := exec.Command("cp", "-r", src, dst).CombinedOutput(); err != nil {
		t.Fatal(err, string(out))
	}
	var largest string
	var size int64
	filepath.Walk(dst, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && info.Name() != "MANIFEST" && info.Size() > size {
			largest, size = p, info.Size()
		}
		return nil
	})
	if err := os.Truncate(largest, size/2); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "CURRENT"), []byte("gen-000900\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return "gen-000900"
}

func (s *server) waitLog(t *testing.T, substr string, limit time.Duration) {
	t.Helper()
	timeout := time.After(limit)
	for {
		select {
		case line := <-s.logs:
			if strings.Contains(line, substr) {
				return
			}
		case <-timeout:
			t.Fatalf("no log line with %q within %v", substr, limit)
		}
	}
}

// A damaged generation is refused with a clear log line and serve keeps
// the last good one; at start-up it falls back to the newest good one.
func TestDamagedGenerationRefused(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, "--data", data)
	before := s.total(t, "జపాన్")
	bad := damage(t, data)
	s.waitLog(t, "new generation refused", 10*time.Second)
	if got := s.total(t, "జపాన్"); got != before {
		t.Errorf("after a damaged generation: %d hits, want %d", got, before)
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.done

	s2 := startServer(t, "--data", data)
	if got := s2.total(t, "జపాన్"); got != before {
		t.Errorf("restarted over a damaged current generation: %d hits, want %d", got, before)
	}
	var ready map[string]any
	if code := s2.getJSON(t, "/readyz", &ready); code != 200 {
		t.Errorf("readyz %d", code)
	}
	_ = bad
}

// Hostile and broken requests answer 4xx or 503 with the error JSON, never
// a 500.
func TestHostileRequests(t *testing.T) {
	s := startServer(t, "--data", t.TempDir(), "--max-searches", "3")
	if _, body := s.getBody(t, "/metrics"); !strings.Contains(body, "pressearch_search_slots 3\n") {
		t.Errorf("serve --max-searches 3: /metrics lacks pressearch_search_slots 3")
	}
	tests := []struct {
		name, path string
		status     int
	}{
		{"query too long", "/api/v1/search?q=" + strings.Repeat("జ", 400), 400},
		{"too many words", "/api/v1/search?q=" + url.QueryEscape(strings.Repeat("w ", 100)), 400},
		{"short prefix", "/api/v1/search?q=a*", 400},
		{"unclosed parenthesis", "/api/v1/search?q=" + url.QueryEscape("(a OR b"), 400},
		{"bad size", "/api/v1/search?q=x&size=-1", 400},
		{"huge size", "/api/v1/search?q=x&size=99999999999999999999", 400},
		{"deep paging", "/api/v1/search?q=x&from=100000", 400},
		{"bad date", "/api/v1/search?q=x&from_date=yesterday", 400},
		{"bad sort", "/api/v1/search?q=x&sort=" + url.QueryEscape("'; DROP"), 400},
		{"invalid UTF-8", "/api/v1/search?q=%ff%fe", 400},
		{"unknown parameter", "/api/v1/search?q=x&page=2", 400},
		{"analyze in no language", "/api/v1/analyze?lang=..%2F..%2Fetc&text=x", 400},
		{"script in the query", "/api/v1/search?q=" + url.QueryEscape("<script>alert(1)</script>"), 200},
		{"analyze too long", "/api/v1/analyze?text=" + strings.Repeat("a", 10000), 400},
		{"unknown document", "/api/v1/docs/" + url.PathEscape("../../etc/passwd"), 404},
		{"suggest too long", "/api/v1/suggest?q=" + strings.Repeat("x", 2000), 400},
	}
	for _, tt := range tests {
		resp, err := http.Get(s.url + tt.path)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("%s: status %d, want %d: %s", tt.name, resp.StatusCode, tt.status, body)
		}
		if resp.StatusCode >= 400 {
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if json.Unmarshal(body, &e) != nil || e.Error.Code == "" || e.Error.Message == "" {
				t.Errorf("%s: error body %s is not the error JSON", tt.name, body)
			}
		}
	}
	// A header too large is refused by the server itself.
	req, _ := http.NewRequest("GET", s.url+"/healthz", nil)
	req.Header.Set("X-Big", strings.Repeat("b", 64<<10))
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("a 64 KiB header: status %d, want 431", resp.StatusCode)
		}
	}
	// Every response carries the security headers.
	resp, err = http.Get(s.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for h, want := range map[string]string{
		"Content-Security-Policy": "frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
	} {
		if !strings.Contains(resp.Header.Get(h), want) {
			t.Errorf("%s: %q, want %q", h, resp.Header.Get(h), want)
		}
	}
}
