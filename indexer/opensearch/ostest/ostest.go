// Package ostest gives tests a collection of their own on the OpenSearch
// cluster named by PRESSEARCH_OPENSEARCH_URL, and skips them when there is
// none (except under CI=true, where the cluster must be there).
package ostest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"pressearch/indexer/opensearch"
)

// Skip ends the test when no cluster is configured, saying how to run it;
// under CI=true a missing cluster fails the test instead.
func Skip(t testing.TB) opensearch.Config {
	t.Helper()
	c := opensearch.ConfigFrom("")
	if len(c.URLs) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and %s is not set: .ci/run starts a cluster and sets it", opensearch.EnvURL)
		}
		msg := fmt.Sprintf("no OpenSearch cluster: set %s=http://127.0.0.1:9200,http://127.0.0.1:9201 to run the "+
			"OpenSearch tests (cmd/opensearch-node/cluster start DIR starts one)", opensearch.EnvURL)
		tellOnce.Do(func() { tell(msg) })
		t.Skip(msg)
	}
	return c
}

var tellOnce sync.Once

// tell says msg on the terminal where go test ./... runs, once a package:
// go test shows nothing of a passing package's output, not even its
// skips, and skipped tests are easy to mistake for passing ones.
func tell(msg string) {
	if testing.Verbose() {
		return // the skip itself is shown
	}
	// The package is where the test file up the stack is.
	_, self, _, _ := runtime.Caller(0)
	pkg := "?"
	pcs := make([]uintptr, 16)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(1, pcs)])
	for f, more := frames.Next(); more; f, more = frames.Next() {
		if strings.HasSuffix(f.File, "_test.go") {
			root := filepath.Join(filepath.Dir(self), "..", "..", "..")
			if rel, err := filepath.Rel(root, filepath.Dir(f.File)); err == nil {
				pkg = rel
			}
			break
		}
	}
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		fmt.Fprintf(tty, "pressearch/%s: %s\n", pkg, msg)
		tty.Close()
	}
}

var unsafe = regexp.MustCompile(`[^a-z0-9]+`)

// Config returns the configuration of a collection no other test uses,
// named after the test; its indices are deleted when the test ends.
func Config(t testing.TB) opensearch.Config {
	t.Helper()
	c := Skip(t)
	var r [4]byte
	rand.Read(r[:])
	name := strings.Trim(unsafe.ReplaceAllString(strings.ToLower(t.Name()), "-"), "-")
	if len(name) > 40 {
		name = name[:40]
	}
	c.Index = "test-" + name + "-" + hex.EncodeToString(r[:])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if s, err := opensearch.Open(ctx, c); err == nil {
			s.Delete(ctx)
		}
	})
	return c
}

// Store opens a collection of the test's own (see Config).
func Store(t testing.TB) *opensearch.Store {
	t.Helper()
	c := Config(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := opensearch.Open(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
