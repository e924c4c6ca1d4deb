package te

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

func TestTokenizer(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"జపాన్ మరియు యూరోపియన్ యూనియన్", []string{"జపాన్", "మరియు", "యూరోపియన్", "యూనియన్"}},
		// Digits and Latin split from a Telugu suffix glued to them.
		{"2022లో", []string{"2022", "లో"}},
		{"EUతో", []string{"EU", "తో"}},
		{"EU-జపాన్", []string{"EU", "జపాన్"}},
		{"ICBM-క్లాస్", []string{"ICBM", "క్లాస్"}},
		// Telugu digits group with digits, not with Telugu letters.
		{"౨౦౨౨లో", []string{"౨౦౨౨", "లో"}},
		// The ordinal suffix alone stays on its digits.
		{"16వ ముఖ్యమంత్రి", []string{"16వ", "ముఖ్యమంత్రి"}},
		{"౧౬వ 16వది 2011వరకు", []string{"౧౬వ", "16", "వది", "2011", "వరకు"}},
		{"16 వ", []string{"16", "వ"}},
		// Code points newer than Bleve's Unicode 8 data stay inside words:
		// nukta U+0C3C, U+0C04, U+0C5D, U+0C77.
		{"జ఼ర", []string{"జ఼ర"}},
		{"క\u0c04ల", []string{"క\u0c04ల"}},
		{"\u0c5dక", []string{"\u0c5dక"}},
		{"\u0c77శ్రీ", []string{"\u0c77శ్రీ"}},
		// ZWNJ and ZWJ stay inside a word; trailing ones are not part of it.
		{"హైదరాబాద్\u200cలో", []string{"హైదరాబాద్\u200cలో"}},
		{"ఉక్రెయిన్\u200c ", []string{"ఉక్రెయిన్"}},
		// Punctuation and quotes split.
		{"“మేము”, (టోక్యో).", []string{"మేము", "టోక్యో"}},
		{"", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, tok := range NewTokenizer().Tokenize([]byte(tt.in)) {
			got = append(got, string(tok.Term))
			if string([]byte(tt.in)[tok.Start:tok.End]) != string(tok.Term) {
				t.Errorf("%q: token %q has offsets %d-%d of %q", tt.in, tok.Term, tok.Start, tok.End, tt.in[tok.Start:tok.End])
			}
		}
		if len(got) != len(tt.want) {
			t.Errorf("Tokenize(%q) = %q, want %q", tt.in, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("Tokenize(%q) = %q, want %q", tt.in, got, tt.want)
				break
			}
		}
	}
}

func TestTokenizerPositions(t *testing.T) {
	toks := NewTokenizer().Tokenize([]byte("EU మరియు 16వ 2022లో"))
	for i, tok := range toks {
		if tok.Position != i+1 {
			t.Errorf("token %d %q at position %d, want %d", i, tok.Term, tok.Position, i+1)
		}
	}
}

// classOf's shortcut for Latin-1 classes its runes as classOfAny does.
func TestClassOfLatin1(t *testing.T) {
	others := 0
	for r := rune(0); r <= unicode.MaxLatin1; r++ {
		got, want := classOf(r), classOfAny(r)
		if got != want {
			t.Fatalf("classOf(%U) = %d, want %d", r, got, want)
		}
		if got == clsOther {
			others++
		}
	}
	if others < 62+64 { // a-z, A-Z, 0-9, and Latin-1's accented letters
		t.Errorf("%d runes of Latin-1 in words", others)
	}
}

// plainTokenize is Tokenize written plainly: one token allocated at a
// time, the ordinal suffix joined to the token before it once made.
func plainTokenize(input []byte) analysis.TokenStream {
	var rv analysis.TokenStream
	start, cur := -1, clsNone
	pos := 1
	emit := func(end int) {
		for end > start {
			r, size := utf8.DecodeLastRune(input[start:end])
			if r != '\u200c' && r != '\u200d' {
				break
			}
			end -= size
		}
		if n := len(rv); n > 0 && cur == clsTelugu && string(input[start:end]) == ordinal &&
			rv[n-1].End == start && rv[n-1].Type == analysis.Numeric {
			prev := rv[n-1]
			prev.End, prev.Term, prev.Type = end, input[prev.Start:end], analysis.AlphaNumeric
		} else if end > start {
			typ := analysis.Numeric
			for _, r := range string(input[start:end]) {
				if !unicode.IsDigit(r) {
					typ = analysis.AlphaNumeric
					break
				}
			}
			rv = append(rv, &analysis.Token{Term: input[start:end], Start: start, End: end, Position: pos, Type: typ})
			pos++
		}
		start, cur = -1, clsNone
	}
	for i := 0; i < len(input); {
		r, size := utf8.DecodeRune(input[i:])
		c := classOf(r)
		if r == utf8.RuneError && size <= 1 {
			c = clsNone
		}
		switch {
		case c == clsNone:
			if start >= 0 {
				emit(i)
			}
		case c == clsJoin:
			if start < 0 && unicode.IsMark(r) {
				start, cur = i, clsOther
				if r >= 0x0C00 && r <= 0x0C7F {
					cur = clsTelugu
				}
			}
		case start < 0:
			start, cur = i, c
		case c != cur:
			emit(i)
			start, cur = i, c
		}
		i += size
	}
	if start >= 0 {
		emit(len(input))
	}
	return rv
}

// Tokenize, which makes its tokens a block at a time from Words, gives
// the tokens plainTokenize gives.
func FuzzTokenizeAsPlainly(f *testing.F) {
	for _, s := range []string{"జపాన్ మరియు యూరోపియన్ యూనియన్", "2022లో EUతో", "16వ ముఖ్యమంత్రి ౧౬వ 16వది 2011వరకు 16 వ",
		"హైదరాబాద్\u200cలో\u200c", "\u0c3c\u0c3cక", "1వ2వ3", "a b c d e f g h i j k l m n o p q r s t u v w x y z 1 2 3",
		"防衛分野におけるEU", "", "\xff\xfe వ", "ab,cd;ef..gh--ij  kl\n\tmn"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := NewTokenizer().Tokenize([]byte(s))
		want := plainTokenize([]byte(s))
		if len(got) == 0 && len(want) == 0 {
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Tokenize(%q) = %v, want %v", s, got, want)
		}
		var spans [][2]int
		Words([]byte(s), func(start, end int, numeric bool) {
			spans = append(spans, [2]int{start, end})
			if want := want[len(spans)-1].Type == analysis.Numeric; numeric != want {
				t.Fatalf("Words(%q): %q numeric %v, want %v", s, s[start:end], numeric, want)
			}
		})
		if len(spans) != len(want) {
			t.Fatalf("Words(%q): %d words, want %d", s, len(spans), len(want))
		}
	})
}

// BenchmarkWords splits a text of English words (a press release's
// sentence, repeated to about 2 KB) and one of Telugu (the seed article).
func BenchmarkWords(b *testing.B) {
	english := []byte(strings.Repeat("The Minister of Foreign Affairs met the Ambassador of Japan on 12 March 2024 to discuss trade, tourism and the EU's new visa rules. ", 16))
	for _, c := range []struct {
		name string
		text func(testing.TB) []byte
	}{{"english", func(testing.TB) []byte { return english }}, {"telugu", seed}} {
		b.Run(c.name, func(b *testing.B) {
			text := c.text(b)
			b.SetBytes(int64(len(text)))
			n := 0
			for b.Loop() {
				Words(text, func(start, end int, numeric bool) { n++ })
			}
			if n == 0 {
				b.Fatal("no words")
			}
		})
	}
}
