package web

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/language"
)

// Every change the lenient reading of a query says it made has a Telugu
// and a Japanese translation that formats with the English one's
// arguments: the notice reads in the language of the page around it.
func TestNoticesTranslated(t *testing.T) {
	var formats []string
	call := regexp.MustCompile(`(?:notef|changef)\(("(?:[^"\\]|\\.)*")`)
	for _, file := range []string{"../search/parse.go", "../search/query.go", "../search/lenient.go"} {
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
		if _, ok := noticeTexts[f]; !ok {
			t.Errorf("no translation of %q", f)
			continue
		}
		var args []any
		for _, v := range verb.FindAllString(f, -1) {
			if strings.HasSuffix(v, "d") {
				args = append(args, 7)
			} else {
				args = append(args, "x")
			}
		}
		en := s.printer(language.English)(f, args...)
		for _, tag := range []language.Tag{language.Telugu, language.Japanese} {
			got := s.printer(tag)(f, args...)
			if got == en || strings.Contains(got, "%!") || len(args) > 0 && !strings.Contains(got, "7") {
				t.Errorf("%s of %q: %q", tag, f, got)
			}
		}
	}
}
