package corpus

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks that any file content gives either valid documents or
// errors that name a line, never a panic.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"testdata/good", "testdata/bad", "default"} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err == nil {
				f.Add(uint8(len(e.Name())), data)
			}
		}
	}
	names := []string{"doc.md", "doc.json", "docs.jsonl"}
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		var docs []Document
		l := newLoader(Options{})
		l.keep = func(d *Document) error { docs = append(docs, *d); return nil }
		l.parse(names[int(kind)%len(names)], bytes.NewReader(data), int64(len(data)), true)
		if err := l.finish(); err != nil {
			for _, e := range err.(ErrorList) {
				if e.Line < 1 || e.Reason == "" {
					t.Fatalf("error without a line or reason: %+v", e)
				}
			}
			return
		}
		for _, d := range docs {
			if reason := d.validate(); reason != "" {
				t.Fatalf("accepted an invalid document: %s", reason)
			}
			if !utf8.ValidString(d.Title) || !utf8.ValidString(d.Body) {
				t.Fatalf("accepted invalid UTF-8")
			}
		}
	})
}
