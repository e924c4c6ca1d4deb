package corpus

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
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
		// publish_at in UTC, whatever zone it was written in
		{"good-3", Document{ID: "good-3", Title: "Three", Body: "Under embargo until the morning.",
			Kind: KindPressRelease, PublishAt: "2030-01-02T04:00:00Z"}},
		{"good-4", Document{ID: "good-4", Title: "Four", Body: "Held until the afternoon.",
			Kind: KindPressRelease, PublishAt: "2030-01-02T04:00:00Z"}},
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
			got.TranslationOf != tt.want.TranslationOf || got.PublishAt != tt.want.PublishAt || strings.Join(got.Related, ",") != strings.Join(tt.want.Related, ",") {
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
		{"embargo.jsonl", []want{
			{1, `bad publish_at "2024-11-01T09:30:00": want an RFC 3339 time with a zone`},
			{2, `bad publish_at "2024-11-01"`},
			{3, `bad publish_at "tomorrow"`},
		}},
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

// A byte-order mark at the start of a file, as some editors write, is not
// part of the document.
func TestLoadAcceptsByteOrderMark(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a.jsonl": "\ufeff" + `{"id":"a","title":"t","body":"b"}` + "\n" + `{"id":"a2","title":"t","body":"b"}`,
		"b.json":  "\ufeff" + `{"id":"b","title":"t","body":"b"}`,
		"c.md":    "\ufeff---\nid: c\ntitle: t\n---\nbody\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	docs, err := Load(dir)
	if err != nil || len(docs) != 4 {
		t.Fatalf("got %d documents, %v; want 4", len(docs), err)
	}
	// Only at the start of a file: inside, it is not whitespace JSON knows.
	path := filepath.Join(dir, "inside.jsonl")
	os.WriteFile(path, []byte(`{"id":"x","title":"t","body":"b"}`+"\n\ufeff"+`{"id":"y","title":"t","body":"b"}`), 0o644)
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "inside.jsonl:2: invalid JSON") {
		t.Errorf("a mark inside the file: %v", err)
	}
}

func TestDocumentSizeLimit(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	jsonl := write("docs.jsonl", `{"id":"ok","title":"title","body":"12345"}`+"\n"+
		`{"id":"big","title":"title","body":"123456"}`+"\n")
	md := write("big.md", "---\nid: md\ntitle: title\n---\n123456\n")
	tests := []struct {
		path string
		max  int
		want string
	}{
		{jsonl, 10, jsonl + ":2: document too large (11 bytes; limit 10)"},
		{md, 10, md + ":1: document too large (11 bytes; limit 10)"},
	}
	for _, tt := range tests {
		_, err := Open(Options{MaxDocBytes: tt.max}, tt.path)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("limit %d on %s: %v; want %q", tt.max, filepath.Base(tt.path), err, tt.want)
		}
	}
	if set, err := Open(Options{MaxDocBytes: 11}, jsonl, md); err != nil || set.Len() != 3 {
		t.Errorf("limit 11: %v", err)
	}
	// A record past what is read to measure a document (64 MiB, here 40
	// bytes) is not decoded, nor held: its size is the record's.
	l := newLoader(Options{MaxDocBytes: 10})
	l.maxRecord = 40
	l.parse("docs.jsonl", strings.NewReader(`{"id":"ok","title":"t","body":"1"}`+"\n"+`{"id":"big","title":"t","body":"12345678"}`+"\n{}"), 0, true)
	if err := l.finish(); err == nil || !strings.Contains(err.Error(), "docs.jsonl:2: document too large (42 bytes; limit 10)") ||
		!strings.Contains(err.Error(), "docs.jsonl:3: missing field: id") {
		t.Errorf("records past the limit: %v", err)
	}
}

// A Set reads its documents again as Load would give them, in order, and
// counts them without holding them.
func TestSetReadsWhatLoadGives(t *testing.T) {
	want, err := Load("testdata/good")
	if err != nil {
		t.Fatal(err)
	}
	set, err := Open(Options{}, "testdata/good")
	if err != nil {
		t.Fatal(err)
	}
	if set.Len() != len(want) {
		t.Errorf("Len %d, want %d", set.Len(), len(want))
	}
	var got []Document
	if err := set.Each(func(d *Document) error { got = append(got, *d); return nil }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Each gave\n%+v\nLoad gave\n%+v", got, want)
	}
	if len(set.Skipped()) != 1 || !strings.HasSuffix(set.Skipped()[0].File, "README.md") {
		t.Errorf("skipped %+v, want the README", set.Skipped())
	}
	// Each stops at the first error of its function.
	stop := errors.New("stop")
	n := 0
	if err := set.Each(func(*Document) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("Each after an error: %v after %d documents", err, n)
	}
	// Errors are found as Load finds them.
	if _, err := Open(Options{}, "testdata/bad/records.jsonl"); err == nil || !strings.Contains(err.Error(), `duplicate id "ok-1"`) {
		t.Errorf("Open of a bad corpus: %v", err)
	}
}

func TestOpenEmpty(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x.txt"), []byte("x"), 0o644)
	_, err := Open(Options{}, dir)
	var empty *EmptyError
	if !errors.As(err, &empty) || len(empty.Skipped) != 1 || !strings.Contains(err.Error(), "x.txt: skipped: not a corpus file") {
		t.Errorf("Open of a folder without documents: %v", err)
	}
}
