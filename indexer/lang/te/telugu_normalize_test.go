package te

import (
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"ZWNJ removed", "ఉక్రెయిన్\u200cకు", "ఉక్రెయిన్కు"},
		{"ZWJ removed", "క్\u200dష", "క్ష"},
		{"candrabindu U+0C01 to anusvara", "ఁక", "ంక"},
		{"candrabindu U+0C00 to anusvara", "క\u0c00", "కం"},
		{"nukta removed", "జ఼ర", "జర"},
		{"visarga removed", "దుఃఖం", "దుఖం"},
		{"archaic RRA to RA", "ఏఱు", "ఏరు"},
		{"ళ్ల spelled ళ్ళ", "వాళ్లు", "వాళ్ళు"},
		{"ఒ + ౕ to ఓ", "\u0c12\u0c55", "ఓ"},
		{"ఒ + ౌ to ఔ", "\u0c12\u0c4c", "ఔ"},
		{"ె + ౕ to ే", "క\u0c46\u0c55", "కే"},
		{"ె + ౖ to ై by NFC", "క\u0c46\u0c56", "కై"},
		{"ె + joiner + ౖ to ై", "క\u0c46\u200c\u0c56", "కై"},
		{"Telugu digits to ASCII", "౨౦౨౨", "2022"},
		{"Latin lower-cased", "ICBM EU", "icbm eu"},
		// What must not change.
		{"no వ + ు → మ rewrite", "వెంకటరావు", "వెంకటరావు"},
		{"long vowels kept", "టోక్యోలో రష్యాతో", "టోక్యోలో రష్యాతో"},
		{"vowel signs and virama kept", "తెలుగు వార్తలు", "తెలుగు వార్తలు"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("%s: Normalize(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

// Plain says a word is left as it is where NormalizeTerm says so by
// its quick checks, and never of a word it changes.
func TestPlain(t *testing.T) {
	tests := []struct {
		w     string
		plain bool
	}{
		{"borrell", true}, {"2024", true}, {"", true}, {"e-mail", true},
		{"Borrell", false}, {"EU", false},
		{"తెలుగు", true}, {"వార్తలు", true}, {"టోక్యోలో", true},
		{"ఉక్రెయిన్\u200cకు", false}, {"దుఃఖం", false}, {"వాళ్లు", false}, {"\u0c12\u0c4c", false}, {"౨౦౨౨", false},
		{"இலங்கை", true}, {"ලංකා", true}, {"café", true}, {"防衛", true},
		{"ශ්\u200dරී", false}, {"Café", false}, {"cafe\u0301", false}, {"Ελλάδα", false}, {"\xff", true},
	}
	for _, tt := range tests {
		if got := Plain(tt.w); got != tt.plain {
			t.Errorf("Plain(%q) = %v, want %v", tt.w, got, tt.plain)
		}
		if got := string(NormalizeTerm([]byte(tt.w))); tt.plain && got != tt.w {
			t.Errorf("Plain(%q), but NormalizeTerm gives %q", tt.w, got)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"ఉక్రెయిన్\u200cకు", "\u0c12\u0c55", "క\u0c46\u200c\u0c56", "౨౦౨౨లో", "ICBM-క్లాస్", "\xff", "இலங்கை", "ශ්\u200dරී", "Café", "cafe\u0301", "ß"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := Normalize(s)
		if utf8.ValidString(s) && !utf8.ValidString(once) {
			t.Fatalf("Normalize(%q) = %q: invalid UTF-8", s, once)
		}
		if utf8.ValidString(s) {
			if fast := string(NormalizeTerm([]byte(s))); fast != once {
				t.Fatalf("NormalizeTerm(%q) = %q, Normalize = %q", s, fast, once)
			}
		}
		if Plain(s) {
			if fast := string(NormalizeTerm([]byte(s))); fast != s {
				t.Fatalf("Plain(%q), but NormalizeTerm gives %q", s, fast)
			}
		}
		if twice := Normalize(once); twice != once {
			t.Fatalf("not idempotent: %q → %q → %q", s, once, twice)
		}
	})
}
