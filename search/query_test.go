package search

import (
	"strings"
	"testing"
)

func TestLex(t *testing.T) {
	tests := []struct {
		in   string
		want []clause
	}{
		{"జపాన్ రష్యా", []clause{{text: "జపాన్", pos: 0}, {text: "రష్యా", pos: 6}}},
		{`+tokyo -seoul "joint exercises"`, []clause{{op: '+', text: "tokyo"}, {op: '-', text: "seoul", pos: 7},
			{text: "joint exercises", phrase: true, pos: 14}}},
		{`lang:te kind:"statement" title:జపాన్`, []clause{{field: "lang", text: "te"},
			{field: "kind", text: "statement", phrase: true, pos: 8}, {field: "title", text: "జపాన్", pos: 25}}},
		{"  ", nil},
		{`""`, nil},
	}
	for _, tt := range tests {
		got, err := lex(tt.in)
		if err != nil {
			t.Errorf("lex(%q): %v", tt.in, err)
			continue
		}
		if len(got) != len(tt.want) {
			t.Errorf("lex(%q) = %+v, want %+v", tt.in, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("lex(%q)[%d] = %+v, want %+v", tt.in, i, got[i], tt.want[i])
			}
		}
	}
}

func TestLexErrors(t *testing.T) {
	tests := []struct{ in, msg string }{
		{`"open`, "position 1"},
		{`tokyo "open`, "position 7"},
		{`colour:red`, `unknown field "colour"`},
		{`lang:`, "has no value"},
	}
	for _, tt := range tests {
		if _, err := lex(tt.in); err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("lex(%q) error %v, want one mentioning %q", tt.in, err, tt.msg)
		}
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"జపాన్", `"a b" -c +d lang:te`, `title:"x`, "kind:", "++--", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := parseQuery(s, false, nil)
		if (q == nil) == (err == nil) {
			t.Fatalf("parseQuery(%q) = %v, %v: want exactly one of a query and an error", s, q, err)
		}
		if err != nil && ErrorCode(err) != CodeInvalid {
			t.Fatalf("parseQuery(%q): error %v is not invalid_query", s, err)
		}
	})
}
