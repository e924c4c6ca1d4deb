package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// buildLine finds the go build command of a file.
var buildLine = regexp.MustCompile(`CGO_ENABLED=0 go build [^\n]*`)

// The Dockerfile builds the binary with the same go build line as CI, so a
// green CI means the image builds the same thing.
func TestDockerfileBuildsLikeCI(t *testing.T) {
	docker, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	ci, err := os.ReadFile("../../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	d, c := buildLine.FindString(string(docker)), buildLine.FindString(string(ci))
	if d == "" || c == "" {
		t.Fatalf("no build line: Dockerfile %q, .ci/run %q", d, c)
	}
	// Only the output path may differ.
	norm := func(s string) string { return regexp.MustCompile(`-o \S+`).ReplaceAllString(s, "-o OUT") }
	if norm(d) != norm(c) {
		t.Errorf("build lines differ:\nDockerfile: %s\n.ci/run:    %s", d, c)
	}
	for _, want := range []string{"HEALTHCHECK", "healthcheck", "USER pressearch", `VOLUME ["/data"]`, "0.0.0.0:8080"} {
		if !strings.Contains(string(docker), want) {
			t.Errorf("the Dockerfile lacks %q", want)
		}
	}
}

func TestProgressBar(t *testing.T) {
	if got := progressBar(15, 30); !strings.Contains(got, "[###############...............]  50% 15/30") {
		t.Errorf("half way: %q", got)
	}
	if got := progressBar(30, 30); got != "\r\033[Kwriting the index of 30 documents..." {
		t.Errorf("done: %q, want the line cleared for the writing note", got)
	}
}

func TestHealthcheck(t *testing.T) {
	s := startServer(t, "--data", t.TempDir())
	if code, out, errOut := runCmd(t, "healthcheck", "--url", s.url+"/healthz"); code != 0 || !strings.Contains(out, "healthy") {
		t.Errorf("healthcheck of a running server: exit %d %s %s", code, out, errOut)
	}
	if code, _, _ := runCmd(t, "healthcheck", "--url", s.url+"/nope"); code != 1 {
		t.Errorf("healthcheck of a 404: exit %d, want 1", code)
	}
}

func TestPprofOnlyWhenAsked(t *testing.T) {
	off := startServer(t, "--data", t.TempDir())
	if code, _ := off.getBody(t, "/debug/pprof/"); code != 404 {
		t.Errorf("pprof without --pprof: status %d, want 404", code)
	}
	on := startServer(t, "--data", t.TempDir(), "--pprof")
	if code, body := on.getBody(t, "/debug/pprof/"); code != 200 || !strings.Contains(body, "goroutine") {
		t.Errorf("pprof with --pprof: status %d", code)
	}
}
