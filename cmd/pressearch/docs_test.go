package main

import (
	"encoding/json"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// usageCommands are the commands the usage text lists.
func usageCommands(t *testing.T) []string {
	t.Helper()
	_, list, ok := strings.Cut(usageText, "commands:\n")
	if !ok {
		t.Fatal("usage text has no commands: section")
	}
	var names []string
	for _, line := range strings.Split(list, "\n") {
		if strings.HasPrefix(line, "  ") && len(strings.Fields(line)) > 1 {
			names = append(names, strings.Fields(line)[0])
		}
	}
	return names
}

// The usage text lists every command the binary has, the README's command
// line section lists every command of the usage text, and each answers -h.
func TestUsageAndReadmeListEveryCommand(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	names := usageCommands(t)
	for _, want := range []string{"serve", "index", "generations", "search", "analyze", "eval", "healthcheck"} {
		if !strings.Contains(" "+strings.Join(names, " ")+" ", " "+want+" ") {
			t.Errorf("usage does not list %s: %v", want, names)
		}
	}
	for _, name := range names {
		if code, _, errOut := runCmd(t, name, "-h"); code != 0 {
			t.Errorf("%s -h: exit %d: %s", name, code, errOut)
		}
		if !regexp.MustCompile(`(?m)^    pressearch ` + name + ` `).Match(readme) {
			t.Errorf("the README's command line section lacks pressearch %s", name)
		}
	}
}

// The README's example answer for జపాన్ has the total the default corpus
// gives.
func TestReadmeExampleTotal(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`\{"query": "జపాన్", "total": (\d+)`).FindSubmatch(readme)
	if m == nil {
		t.Fatal("the README has no example answer for జపాన్")
	}
	want, _ := strconv.Atoi(string(m[1]))
	data := t.TempDir()
	if code, _, errOut := runCmd(t, "index", "--data", data); code != 0 {
		t.Fatal(errOut)
	}
	code, out, errOut := runCmd(t, "search", "--data", data, "--json", "జపాన్")
	if code != 0 {
		t.Fatal(errOut)
	}
	var res struct{ Total int }
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Total != want {
		t.Errorf("the README says జపాన్ finds %d; the default corpus gives %d", want, res.Total)
	}
}
