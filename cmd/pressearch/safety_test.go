package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pressearch/indexer"
)

func currentOf(t *testing.T, data string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(data, "CURRENT"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// A corpus with no documents is refused, naming each file it skipped and
// why, and the live generation stays.
func TestEmptyCorpusRefused(t *testing.T) {
	data := t.TempDir()
	if code, _, errOut := runCmd(t, "index", "--data", data); code != 0 {
		t.Fatal(errOut)
	}
	dir := t.TempDir()
	files := map[string]string{
		"notes.txt":   "not a corpus",
		"empty.jsonl": "",
		"blank.jsonl": "\n  \n\n",
		"README.md":   "# about this folder\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := runCmd(t, "index", "--data", data, "--corpus", dir)
	if code != 1 || out != "" {
		t.Errorf("empty corpus: exit %d, stdout %q; want 1 and nothing", code, out)
	}
	for _, want := range []string{
		"the corpus has no documents",
		filepath.Join(dir, "notes.txt") + ": skipped: not a corpus file",
		filepath.Join(dir, "empty.jsonl") + ": no documents: the file is empty",
		filepath.Join(dir, "blank.jsonl") + ": no documents: the file has only blank lines",
		filepath.Join(dir, "README.md") + ": skipped: Markdown without front matter",
		"gen-000001 stays live",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if cur := currentOf(t, data); cur != "gen-000001" {
		t.Errorf("CURRENT is %s after an empty corpus", cur)
	}
	// An empty directory, and a file given by name.
	code, _, errOut = runCmd(t, "index", "--data", data, "--corpus", t.TempDir())
	if code != 1 || !strings.Contains(errOut, "an empty directory") {
		t.Errorf("empty directory: exit %d, %q", code, errOut)
	}
	code, _, errOut = runCmd(t, "index", "--data", data, "--corpus", filepath.Join(dir, "blank.jsonl"))
	if code != 1 || !strings.Contains(errOut, "only blank lines") {
		t.Errorf("blank file: exit %d, %q", code, errOut)
	}
}

// The sequence: index A, index B, roll back, index C, roll back:
// A is current, and the history says how it got there.
func TestRollbackAfterRollback(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	corpora := map[string]string{}
	for _, name := range []string{"a", "b", "c"} {
		corpora[name] = writeCorpus(t, dir, "corpus"+name, 4)
	}
	steps := []struct {
		args []string
		want string
	}{
		{[]string{"--corpus", corpora["a"]}, "gen-000001"},
		{[]string{"--corpus", corpora["b"]}, "gen-000002"},
		{[]string{"--rollback"}, "gen-000001"},
		{[]string{"--corpus", corpora["c"]}, "gen-000003"},
		{[]string{"--rollback"}, "gen-000001"},
	}
	for i, st := range steps {
		code, out, errOut := runCmd(t, append([]string{"index", "--data", data}, st.args...)...)
		if code != 0 || currentOf(t, data) != st.want {
			t.Fatalf("step %d %v: exit %d, current %s, want %s; %s%s", i+1, st.args, code, currentOf(t, data), st.want, out, errOut)
		}
	}
	code, out, errOut := runCmd(t, "generations", "--data", data, "--json")
	if code != 0 {
		t.Fatal(errOut)
	}
	var l indexer.Listing
	if err := json.Unmarshal([]byte(out), &l); err != nil {
		t.Fatalf("generations --json: %v: %s", err, out)
	}
	if l.Current != 1 || l.Rollback != 3 || len(l.Generations) != 3 || len(l.History) != 5 {
		t.Errorf("listing: current %s, rollback %s, %d generations, %d switches", l.Current, l.Rollback, len(l.Generations), len(l.History))
	}
	var whys []string
	for _, h := range l.History {
		whys = append(whys, fmt.Sprintf("%s %s %d", h.Generation, h.Why, h.Documents))
	}
	want := "gen-000001 index 4,gen-000002 index 4,gen-000001 rollback 4,gen-000003 index 4,gen-000001 rollback 4"
	if strings.Join(whys, ",") != want {
		t.Errorf("history %q, want %q", strings.Join(whys, ","), want)
	}
	if c := l.History[3].Corpus; len(c) != 1 || c[0] != corpora["c"] {
		t.Errorf("history of gen-000003 names corpus %v, want %s", c, corpora["c"])
	}
	// --use makes any kept one current.
	if code, _, errOut := runCmd(t, "index", "--data", data, "--use", "gen-000002"); code != 0 || currentOf(t, data) != "gen-000002" {
		t.Errorf("--use gen-000002: exit %d %s", code, errOut)
	}
}

// A document over --max-doc-bytes is a bad document like any other: file,
// line, sizes with thousands separators, and nothing indexed.
func TestDocumentTooLarge(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	big := strings.Repeat("జపాన్ ", 249_999) + "జపాన్" // with its title, 4,000,000 bytes
	path := filepath.Join(dir, "big.jsonl")
	lines := `{"id":"small","title":"t","body":"small body"}` + "\n" +
		fmt.Sprintf(`{"id":"big","title":"t","body":%q}`, big) + "\n"
	if err := os.WriteFile(path, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCmd(t, "index", "--data", data, "--corpus", path)
	if want := path + ":2: document too large (4,000,000 bytes; limit 2,097,152)"; code != 1 || !strings.Contains(errOut, want) {
		t.Errorf("default limit: exit %d, stderr %q; want %q", code, errOut, want)
	}
	code, _, errOut = runCmd(t, "index", "--data", data, "--corpus", path, "--max-doc-bytes", "10")
	if want := path + ":1: document too large (11 bytes; limit 10)"; code != 1 || !strings.Contains(errOut, want) {
		t.Errorf("--max-doc-bytes 10: exit %d, stderr %q; want %q", code, errOut, want)
	}
	if _, err := os.Stat(filepath.Join(data, "CURRENT")); !os.IsNotExist(err) {
		t.Errorf("a refused corpus made a generation: %v", err)
	}
	// The document of 50 MiB, through the program: one line for
	// it, status 1, no crash.
	huge := filepath.Join(dir, "huge.jsonl")
	if err := os.WriteFile(huge, []byte(`{"id":"huge","title":"t","body":"`+strings.Repeat("x", 52_428_799)+`"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd := exec.Command(binary, "index", "--data", data, "--corpus", huge)
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if want := huge + ":1: document too large (52,428,800 bytes; limit 2,097,152)\n"; !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.HasSuffix(stderr.String(), want) {
		t.Errorf("50 MiB document: %v, stderr %q; want status 1 and %q", err, stderr.String(), want)
	}
	code, out, errOut := runCmd(t, "index", "--data", data, "--corpus", path, "--max-doc-bytes", "5000000")
	if code != 0 || !strings.Contains(out, "indexed 2 documents") {
		t.Errorf("with the limit raised: exit %d, %s%s", code, out, errOut)
	}
}

// search and generations on a folder with no index say so and create
// nothing.
func TestNoIndexCreatesNothing(t *testing.T) {
	data := filepath.Join(t.TempDir(), "nothing-here")
	for _, args := range [][]string{{"search", "--data", data, "జపాన్"}, {"generations", "--data", data}, {"eval", "--data", data, "--queries", "q", "--qrels", "r"}} {
		code, _, errOut := runCmd(t, args...)
		if code != 1 || !strings.Contains(errOut, "no index in "+data) && args[0] != "eval" {
			t.Errorf("%s: exit %d, stderr %q", args[0], code, errOut)
		}
		if _, err := os.Stat(data); !os.IsNotExist(err) {
			t.Fatalf("%s created %s", args[0], data)
		}
	}
}

// serve binds its address before it builds: an address in use fails at
// once, and no generation is built.
func TestServeBindsBeforeBuilding(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	data := filepath.Join(t.TempDir(), "data")
	code, _, errOut := runCmd(t, "serve", "--addr", ln.Addr().String(), "--data", data)
	if code != 1 || !strings.Contains(errOut, "address already in use") {
		t.Errorf("serve on a port in use: exit %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(data, "CURRENT")); !os.IsNotExist(err) {
		t.Errorf("serve built an index before finding its port taken: %v", err)
	}
}

// A panic in any command ends it with one line and status 1 (not 2, the
// status of wrong usage).
func TestPanicIsOneLine(t *testing.T) {
	for name := range commands() {
		t.Run(name, func(t *testing.T) {
			cmds := commands()
			cmds[name] = func(context.Context, []string, io.Writer, io.Writer) error {
				var m map[string]int
				m["x"]++ // a nil map: a runtime panic
				return nil
			}
			var stdout, stderr strings.Builder
			code := dispatch(context.Background(), cmds, []string{name}, &stdout, &stderr)
			want := "pressearch " + name + ": internal error: assignment to entry in nil map\n"
			if code != exitFailure || stderr.String() != want || stdout.Len() != 0 {
				t.Errorf("exit %d, stderr %q, stdout %q; want 1 and %q", code, stderr.String(), stdout.String(), want)
			}
		})
	}
}

// serve --corpus is held to the same rules as index: a corpus of fewer
// than half the live documents is refused, and the live generation stays.
func TestServeRefusesAShrinkingCorpus(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	if code, _, errOut := runCmd(t, "index", "--data", data); code != 0 {
		t.Fatal(errOut)
	}
	small := writeCorpus(t, dir, "small", 2)
	code, _, errOut := runCmd(t, "serve", "--addr", "127.0.0.1:0", "--data", data, "--corpus", small)
	if code != 1 || !strings.Contains(errOut, "2 documents, fewer than half the 8 documents") || !strings.Contains(errOut, "--allow-shrink") {
		t.Errorf("serve --corpus with 2 documents over 8: exit %d, stderr %q", code, errOut)
	}
	if cur := currentOf(t, data); cur != "gen-000001" {
		t.Errorf("CURRENT is %s", cur)
	}
}

// reindex is recorded in the history as such.
func TestReindexRecordedInHistory(t *testing.T) {
	data := t.TempDir()
	if code, _, errOut := runCmd(t, "index", "--data", data); code != 0 {
		t.Fatal(errOut)
	}
	if code, _, errOut := runCmd(t, "reindex", "--data", data); code != 0 {
		t.Fatal(errOut)
	}
	_, out, _ := runCmd(t, "generations", "--data", data, "--json")
	var l indexer.Listing
	if err := json.Unmarshal([]byte(out), &l); err != nil {
		t.Fatal(err)
	}
	if n := len(l.History); n != 2 || l.History[1].Why != indexer.ReasonReindex || l.History[1].Documents != 8 {
		t.Errorf("history after reindex: %+v", l.History)
	}
}
