package web

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/language"
)

// Every message the query parser writes has a Telugu and a Japanese
// translation that formats cleanly with arguments of the English one's
// kinds: a syntax error reads in the language of the page around it.
func TestQueryErrorsTranslated(t *testing.T) {
	var formats []string
	call := regexp.MustCompile(`invalidf\(("(?:[^"\\]|\\.)*")`)
	for _, file := range []string{"../search/parse.go", "../search/query.go"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			f, err := strconv.Unquote(m[1])
			if err != nil {
				t.Fatalf("%s: %v", m[1], err)
			}
			formats = append(formats, f)
		}
	}
	if len(formats) < 12 {
		t.Fatalf("found only %d messages; has the parser moved?", len(formats))
	}
	s := newTestServer(t)
	verb := regexp.MustCompile(`%(\[\d+\])?[a-z]`)
	for _, f := range formats {
		tr, ok := errorTexts[f]
		if !ok {
			t.Errorf("no translation of %q", f)
			continue
		}
		var args []any
		for _, v := range verb.FindAllString(f, -1) {
			switch v[len(v)-1] {
			case 'd':
				args = append(args, 7)
			default:
				args = append(args, "x")
			}
		}
		en := s.printer(language.English)(f, args...)
		for i, tag := range []language.Tag{language.Telugu, language.Japanese} {
			got := s.printer(tag)(f, args...)
			if got == en || strings.Contains(got, "%!") || len(args) > 0 && !strings.Contains(got, fmt.Sprint(args[0])) {
				t.Errorf("%s of %q: %q", tag, f, got)
			}
			if len(verb.FindAllString(tr[i], -1)) != len(args) {
				t.Errorf("%s of %q has %d verbs, want %d", tag, f, len(verb.FindAllString(tr[i], -1)), len(args))
			}
		}
	}
}
