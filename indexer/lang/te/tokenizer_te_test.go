package te

import (
	"testing"
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
