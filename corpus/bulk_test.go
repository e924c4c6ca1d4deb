package corpus

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseDocument(t *testing.T) {
	tests := []struct {
		name, body, id string
		wantLine       int
		wantReason     string // "" for a good document
	}{
		{"good", `{"id": "a", "title": "t", "body": "b"}`, "", 0, ""},
		{"id from the path", `{"title": "t", "body": "b"}`, "a", 0, ""},
		{"same id in both", `{"id": "a", "title": "t", "body": "b"}`, "a", 0, ""},
		{"ids differ", `{"id": "b", "title": "t", "body": "b"}`, "a", 1, `id "b" in the document is not "a"`},
		{"no id anywhere", `{"title": "t", "body": "b"}`, "", 1, "missing field: id"},
		{"missing body", `{"id": "a", "title": "t"}`, "", 1, "missing field: body"},
		{"unknown field", `{"id": "a", "title": "t", "body": "b", "colour": "red"}`, "", 1, `unknown field "colour"`},
		{"syntax on line 3", "{\"id\": \"a\",\n\"title\": \"t\",\n\"body\": }", "", 3, "invalid JSON"},
		{"bad date", `{"id": "a", "title": "t", "body": "b", "date": "2024-02-30"}`, "", 1, `bad date "2024-02-30"`},
		{"bad publish_at", `{"id": "a", "title": "t", "body": "b", "publish_at": "2024-11-01 09:00"}`, "", 1, `bad publish_at`},
		{"invalid UTF-8", "{\"id\": \"a\", \"title\": \"\xff\", \"body\": \"b\"}", "", 1, "invalid UTF-8"},
		{"two documents", `{"id": "a", "title": "t", "body": "b"} {"id": "b"}`, "", 1, "more than one value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDocument([]byte(tt.body), tt.id)
			if tt.wantReason == "" {
				if err != nil {
					t.Fatalf("got %v, want a document", err)
				}
				if d.ID != "a" || d.Kind != KindPressRelease {
					t.Errorf("got %+v, want id a with the default kind", d)
				}
				return
			}
			if err == nil {
				t.Fatalf("got %+v, want an error with %q", d, tt.wantReason)
			}
			if err.Line != tt.wantLine || !strings.Contains(err.Reason, tt.wantReason) {
				t.Errorf("got line %d: %s, want line %d: ...%s...", err.Line, err.Reason, tt.wantLine, tt.wantReason)
			}
		})
	}
}

func TestParseBulk(t *testing.T) {
	body := strings.Join([]string{
		`{"id": "a", "title": "t", "body": "b", "publish_at": "2030-01-01T00:00:00+01:00"}`,
		``,
		`{"delete": "old"}`,
		`{"delete": "bad id!"}`,
		`{"delete": "x", "id": "x"}`,
		`{"delete": 7}`,
		`{"id": "b", "title": "t"}`,
		`not json`,
		`{"id": "c", "title": "t", "body": "b", "delete": "c"}`,
		"{\"id\": \"d\", \"title\": \"\xff\", \"body\": \"b\"}",
	}, "\n")
	want := []struct {
		line   int
		id     string
		del    bool
		reason string
	}{
		{1, "a", false, ""},
		{3, "old", true, ""},
		{4, "bad id!", true, `invalid id "bad id!"`},
		{5, "", true, "no other field"},
		{6, "", true, "the id a string"},
		{7, "", false, "missing field: body"},
		{8, "", false, "invalid JSON"},
		{9, "", false, `unknown field "delete"`},
		{10, "", false, "invalid UTF-8"},
	}
	got := ParseBulk([]byte(body))
	if len(got) != len(want) {
		t.Fatalf("got %d actions, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Line != w.line || (w.reason == "") != (g.Reason == "") || !strings.Contains(g.Reason, w.reason) {
			t.Errorf("line %d: got line %d, reason %q; want reason %q", w.line, g.Line, g.Reason, w.reason)
			continue
		}
		if w.reason == "" && (g.ID() != w.id || (g.Doc == nil) != w.del) {
			t.Errorf("line %d: got %+v, want id %q (a delete: %v)", w.line, g, w.id, w.del)
		}
	}
	if got[0].Doc.PublishAt != "2029-12-31T23:00:00Z" {
		t.Errorf("publish_at %q, want it in UTC", got[0].Doc.PublishAt)
	}
}

// TestParseBulkOnEveryCore: a request long enough to be read on every core
// gives, line for line, what its pieces give read alone.
func TestParseBulkOnEveryCore(t *testing.T) {
	piece := strings.Join([]string{
		`{"id": "a", "title": "t", "body": "b", "publish_at": "2030-01-01T00:00:00+01:00"}`,
		``,
		`{"delete": "old"}`,
		`{"delete": "x", "id": "x"}`,
		`{"id": "b", "title": "t"}`,
		`not json`,
		"{\"id\": \"d\", \"title\": \"\xff\", \"body\": \"b\"}",
		`{"id": "e", "title": "ప్రభుత్వం", "body": "b", "lang": "te"}`,
	}, "\n") + "\n"
	alone := ParseBulk([]byte(piece))
	for _, copies := range []int{1, parallelLines / 8, 4 * parallelLines, 4*parallelLines + 3} {
		t.Run(fmt.Sprint(copies), func(t *testing.T) {
			var want []Action
			for c := range copies {
				for _, a := range alone {
					a.Line += c * 8
					want = append(want, a)
				}
			}
			got := ParseBulk([]byte(strings.Repeat(piece, copies)))
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%d actions read, want %d; first difference at %d", len(got), len(want), firstDiff(got, want))
			}
		})
	}
}

func firstDiff(a, b []Action) int {
	for i := range min(len(a), len(b)) {
		if !reflect.DeepEqual(a[i], b[i]) {
			return i
		}
	}
	return min(len(a), len(b))
}

func TestCheckActions(t *testing.T) {
	live := map[string]bool{"article": true, "old": true}
	exists := func(id string) bool { return live[id] }
	doc := func(id string, related ...string) *Document {
		return &Document{ID: id, Title: "t", Body: "b", Kind: KindStatement, Related: related}
	}
	tests := []struct {
		name    string
		actions []Action
		want    []string // each action's reason, "" for good
	}{
		{"a reference to the live collection",
			[]Action{{Line: 1, Doc: doc("s", "article")}},
			[]string{""}},
		{"a reference to a document of the same request, written after it",
			[]Action{{Line: 1, Doc: doc("s", "new")}, {Line: 2, Doc: doc("new")}},
			[]string{"", ""}},
		{"a reference to nothing",
			[]Action{{Line: 1, Doc: doc("s", "missing")}},
			[]string{`related id "missing" is not in the corpus`}},
		{"a reference to a document the request deletes",
			[]Action{{Line: 1, Delete: "old"}, {Line: 2, Doc: doc("s", "old")}},
			[]string{"", `related id "old" is not in the corpus`}},
		{"deleted and written again",
			[]Action{{Line: 1, Delete: "old"}, {Line: 2, Doc: doc("old")}, {Line: 3, Doc: doc("s", "old")}},
			[]string{"", "", ""}},
		{"a reference to a refused line is refused in turn",
			[]Action{{Line: 1, Doc: doc("s1", "s2")}, {Line: 2, Doc: doc("s2", "missing")}},
			[]string{`related id "s2" is not in the corpus`, `related id "missing" is not in the corpus`}},
		{"the same id twice",
			[]Action{{Line: 1, Doc: doc("a")}, {Line: 4, Doc: doc("a")}},
			[]string{"", `duplicate id "a" (first at line 1)`}},
		{"translation_of",
			[]Action{{Line: 1, Doc: &Document{ID: "t", Title: "t", Body: "b", TranslationOf: "gone"}}},
			[]string{`translation_of id "gone" is not in the corpus`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			CheckActions(tt.actions, exists)
			for i, w := range tt.want {
				if got := tt.actions[i].Reason; got != w {
					t.Errorf("action %d: reason %q, want %q", i, got, w)
				}
			}
		})
	}
}

// FuzzParseBulk checks that any request body gives actions that are either
// good documents or deletes, or refused with a line and a reason, never a
// panic.
func FuzzParseBulk(f *testing.F) {
	f.Add([]byte(`{"id": "a", "title": "t", "body": "b"}` + "\n" + `{"delete": "a"}`))
	f.Add([]byte(`{"delete": "a", "x": 1}`))
	f.Add([]byte("{\"delete\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		actions := ParseBulk(data)
		CheckActions(actions, func(string) bool { return false })
		for _, a := range actions {
			if a.Line < 1 {
				t.Fatalf("action without a line: %+v", a)
			}
			if a.Reason != "" {
				continue
			}
			switch {
			case a.Doc != nil:
				if reason := a.Doc.validate(); reason != "" {
					t.Fatalf("accepted an invalid document: %s", reason)
				}
				if !utf8.ValidString(a.Doc.Body) {
					t.Fatalf("accepted invalid UTF-8")
				}
			case !ValidID(a.Delete):
				t.Fatalf("accepted a delete of %q", a.Delete)
			}
		}
	})
}
