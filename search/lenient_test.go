package search

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLenientReading(t *testing.T) {
	tests := []struct {
		in, read string
		changes  []string // each change's message has these, in order
	}{
		{"Nadu Rice Prices Set:", "Nadu Rice Prices Set", []string{`"Set:" at position 18 is not a field`}},
		{"colour:red", "colour red", []string{`"colour:"`}},
		{"AND: the words", "and the words", []string{`"AND:"`}},
		{"*இலங்கை செய்திகள்", "இலங்கை செய்திகள்", []string{"the * at position 1 was left out"}},
		{"to*kyo", "to kyo", []string{"the * at position 3"}},
		{"j* tokyo", "j tokyo", []string{`the * of "j*"`}},
		{`"open phrase`, `"open phrase"`, []string{"the quote at position 1 was closed at the end"}},
		{`title:"open`, `title:"open"`, []string{"closed at the end"}},
		{"(Nakatani OR Iwaya", "Nakatani OR Iwaya", []string{"the parenthesis at position 1 was closed at the end"}},
		{"((a b) AND c", "(a b) AND c", []string{"parenthesis at position 1"}},
		{"tokyo) japan", "tokyo japan", []string{`")" at position 6 was left out`}},
		{"() tokyo", "tokyo", []string{"empty parentheses"}},
		{"AND tokyo", "tokyo", []string{"AND at position 1 was left out"}},
		{"tokyo AND", "tokyo", []string{"AND at position 7 was left out"}},
		{"tokyo OR OR japan", "tokyo OR japan", []string{"OR at position 7"}},
		{"tokyo NOT", "tokyo", []string{"NOT at position 7"}},
		{"NOT", "", []string{"NOT at position 1"}},
		{"lang: tokyo", "lang tokyo", []string{`"lang:" at position 1 has no value`}},
		{"lang:(tokyo)", "lang tokyo", []string{`"lang:" at position 1 has no value`}},
		{"tokyo~3", "tokyo~1", []string{`the fuzziness of "tokyo~3"`}},
		{"~2 tokyo", "tokyo", []string{`"~2" at position 1 was left out`}},
		{"date:2024-13-01 Japan", "Japan", []string{`"date:2024-13-01" at position 1 is not a date`}},
		{strings.Repeat("w ", 70), strings.TrimSpace(strings.Repeat("w ", 64)), []string{"only the first 64 words"}},
		{strings.Repeat("జ", 400), strings.Repeat("జ", 341), []string{"cut to its first 1024 bytes"}},
		// What the strict reading takes is read as it is, with no notice.
		{"(Nakatani OR Iwaya) AND kind:article -lang:te", "", nil},
		{`"security and defence" జపా* Borell~`, "", nil},
	}
	for _, tt := range tests {
		root, notice, err := parseQuery(tt.in, false, true)
		if err != nil {
			t.Errorf("%.40q: %v", tt.in, err)
			continue
		}
		if tt.changes == nil {
			strict, err := parse(tt.in)
			if notice != nil || err != nil || strict.String() != root.String() {
				t.Errorf("%q: notice %+v, strict %v (%v), want the strict reading and no notice", tt.in, notice, strict, err)
			}
			continue
		}
		if notice == nil {
			t.Errorf("%.40q: no notice", tt.in)
			continue
		}
		if notice.Query != tt.read {
			t.Errorf("%.40q read as %q, want %q", tt.in, notice.Query, tt.read)
		}
		if len(notice.Changes) != len(tt.changes) {
			t.Errorf("%.40q: changes %q, want %d", tt.in, notice.Changes, len(tt.changes))
			continue
		}
		for i, want := range tt.changes {
			if c := notice.Changes[i]; !strings.Contains(c.Message, want) || c.Format == "" {
				t.Errorf("%.40q: change %q, want it to say %q", tt.in, c.Message, want)
			}
		}
	}
}

// The query language written back from a tree reads as the same tree.
func TestSyntaxRoundTrip(t *testing.T) {
	for _, q := range []string{
		"a b AND c OR d", "(a OR b) AND c", "a AND (b OR (c d))", "(a b) AND c", "+tokyo -seoul japan",
		`-"joint exercises" OR title:partnership`, `lang:te kind:"statement" source:"Ministry of Defense of Japan"`,
		"జపా* tokio~ borell~2", "date:>=2024-11-01 japan", "NOT NOT x", "-(a OR b)", "+(a b) c", "((a OR b) OR c)",
		`12:30 జపాన్: title:lang:te ""`,
	} {
		n, err := parse(q)
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		back, err := parse(syntax(n))
		if err != nil || back.String() != n.String() {
			t.Errorf("%q written as %q reads as %v (%v), want %v", q, syntax(n), back, err, n)
		}
	}
}

// The lenient reading takes any text: it never fails nor panics, what it
// reads is a query the strict reading takes as the same tree, and it
// changes nothing the strict reading takes.
func FuzzParseLenient(f *testing.F) {
	for _, s := range []string{"Nadu Rice Prices Set:", "*தமிழ்", `"a b" -c +d lang:te`, `title:"x`, "kind:", "++--",
		"\x00\xff", "(a OR (b AND NOT c)) d*", "date:>=2024-11-01", "a~2 b* (", "NOT NOT x", "to*kyo j* ~2 x~9",
		"AND: OR: (((", ")))", "*lang:te", "lang*:x", "a**b", "date:-5", "-(", "+ -", `""`, "x~* ~*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		root, notice, err := parseQuery(s, false, true)
		if err != nil {
			t.Fatalf("lenient %q: %v", s, err)
		}
		strict, serr := parse(s)
		if notice == nil && len(s) <= maxQueryBytes {
			if serr != nil || str(strict) != str(root) {
				t.Fatalf("%q: no notice, but the strict reading is %v (%v), the lenient %v", s, strict, serr, root)
			}
		}
		if serr == nil && len(s) <= maxQueryBytes && str(strict) != str(root) {
			t.Fatalf("%q: the strict reading %v, the lenient %v", s, strict, root)
		}
		back, err := parse(syntax(root))
		if err != nil || str(back) != str(root) {
			t.Fatalf("%q read as %v, written %q, reads back as %v (%v)", s, root, syntax(root), back, err)
		}
		if notice != nil && (notice.Query != syntax(root) || len(notice.Changes) == 0) {
			t.Fatalf("%q: notice %+v", s, notice)
		}
		if notice != nil && !utf8.ValidString(notice.Query) && utf8.ValidString(s) {
			t.Fatalf("%q: the reading %q is not UTF-8", s, notice.Query)
		}
	})
}

func str(n node) string {
	if n == nil {
		return "<nil>"
	}
	return n.String()
}
