package ostest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Cluster is a cluster of the test's own, started with the launcher in
// cmd/opensearch-node, whose nodes the test can stop and start.
type Cluster struct {
	t      testing.TB
	script string
	dir    string
	// URLs are the nodes' HTTP addresses, node 1 first.
	URLs []string
}

// StartCluster starts nodes nodes with HTTP on port, port+1, ... and
// stops them when the test ends. It skips the test where no cluster is
// configured (see Skip): starting one needs Java and Maven, which a
// configured cluster shows are there.
func StartCluster(t testing.TB, nodes, port int) *Cluster {
	t.Helper()
	Skip(t)
	_, file, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(file), "..", "..", "..", "cmd", "opensearch-node", "cluster")
	if _, err := os.Stat(script); err != nil {
		t.Fatalf("the cluster launcher: %v", err)
	}
	c := &Cluster{t: t, script: script, dir: t.TempDir()}
	t.Cleanup(func() { c.run("stop", c.dir) })
	out := c.run("start", c.dir, strconv.Itoa(nodes), strconv.Itoa(port))
	c.URLs = strings.Split(strings.TrimSpace(out), ",")
	if len(c.URLs) != nodes {
		t.Fatalf("the launcher started %q, want %d nodes", out, nodes)
	}
	return c
}

func (c *Cluster) run(args ...string) string {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.script, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		c.t.Fatalf("cluster %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// StopNode stops node i (1-based) with signal sig ("KILL", "TERM").
func (c *Cluster) StopNode(i int, sig string) { c.run("node-stop", c.dir, strconv.Itoa(i), sig) }

// StartNode starts node i again, with its data as it left it.
func (c *Cluster) StartNode(i int) { c.run("node-start", c.dir, strconv.Itoa(i)) }
