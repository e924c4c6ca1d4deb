package corpus

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadGood(t *testing.T) {
	docs, err := Load("testdata/good")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	byID := map[string]Document{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	tests := []struct {
		id   string
		want Document
	}{
		{"good-article", Document{ID: "good-article", Lang: "te", Title: "ఒక వ్యాసం", Body: "మొదటి పేరా.\n\nరెండవ పేరా.",
			Date: "2024-11-01", Source: "Test", Kind: KindArticle, Related: []string{"good-statement"}}},
		{"good-statement", Document{ID: "good-statement", Lang: "en", Title: "A statement", Body: "Body text.",
			Kind: KindStatement, Related: []string{"good-article"}}},
		{"good-1", Document{ID: "good-1", Title: "One", Body: "First press release.", Kind: KindPressRelease}},
		{"good-2", Document{ID: "good-2", Title: "రెండు", Body: "రెండవ ప్రకటన", Date: "2025-01-31",
			Kind: KindPressRelease, TranslationOf: "good-1"}},
	}
	if len(docs) != len(tests) {
		t.Errorf("got %d documents, want %d (a README without front matter is not a document)", len(docs), len(tests))
	}
	for _, tt := range tests {
		got, ok := byID[tt.id]
		if !ok {
			t.Errorf("document %s missing", tt.id)
			continue
		}
		if got.Title != tt.want.Title || got.Body != tt.want.Body || got.Lang != tt.want.Lang ||
			got.Date != tt.want.Date || got.Kind != tt.want.Kind || got.Source != tt.want.Source ||
			got.TranslationOf != tt.want.TranslationOf || strings.Join(got.Related, ",") != strings.Join(tt.want.Related, ",") {
			t.Errorf("document %s:\ngot  %+v\nwant %+v", tt.id, got, tt.want)
		}
	}
}

func TestLoadBad(t *testing.T) {
	type want struct {
		line   int
		reason string
	}
	tests := []struct {
		file string
		want []want
	}{
		{"front.md", []want{{3, "invalid front matter"}}},
		{"nofront.md", []want{{1, "missing YAML front matter"}}},
		{"unknown.md", []want{{4, "colour"}}},
		{"missing-title.json", []want{{1, "missing field: title"}}},
		{"syntax.json", []want{{3, "invalid JSON"}}},
		{"utf8.jsonl", []want{{1, "invalid UTF-8"}}},
		{"records.jsonl", []want{
			{2, `invalid id "bad date"`},
			{3, `bad date "2024-13-01"`},
			{4, `duplicate id "ok-1" (first at testdata/bad/records.jsonl:1)`},
			{5, `related id "missing-doc" is not in the corpus`},
			{6, `bad kind "memo"`},
			{7, `bad lang "not a tag!"`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", "bad", tt.file)
			docs, err := Load(path)
			if docs != nil {
				t.Errorf("got %d documents from a bad corpus, want none", len(docs))
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("got error %v, want an ErrorList", err)
			}
			if len(list) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%v", len(list), len(tt.want), err)
			}
			for i, w := range tt.want {
				e := list[i]
				if e.File != path || e.Line != w.line || !strings.Contains(e.Reason, w.reason) {
					t.Errorf("error %d: got %s:%d: %s, want %s:%d: ...%s...", i, e.File, e.Line, e.Reason, path, w.line, w.reason)
				}
			}
		})
	}
}

func TestLoadRejectsWholeCorpusWithOneBadFile(t *testing.T) {
	docs, err := Load("testdata/good", "testdata/bad/missing-title.json")
	if err == nil || docs != nil {
		t.Fatalf("got %d documents and error %v, want no documents and an error", len(docs), err)
	}
	if !strings.Contains(err.Error(), "testdata/bad/missing-title.json:1: missing field: title") {
		t.Errorf("error %q does not name the file, line and reason", err)
	}
}

func TestLoadMissingPath(t *testing.T) {
	_, err := Load("testdata/does-not-exist")
	if err == nil || !strings.Contains(err.Error(), "testdata/does-not-exist") {
		t.Errorf("got %v, want an error naming the path", err)
	}
}

func TestLoadExplicitUnknownExtension(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(path, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "not a corpus file") {
		t.Errorf("got %v, want 'not a corpus file'", err)
	}
}
