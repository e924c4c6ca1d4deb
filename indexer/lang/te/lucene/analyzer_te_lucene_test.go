package lucene

import "testing"

// The rules of ../shared/TELUGU.md, including the weaknesses it lists.
func TestLuceneRules(t *testing.T) {
	norm := []struct{ in, want string }{
		{"టోక్యోలో", "టొక్యొలొ"}, // long vowel signs folded
		{"ఆసియా", "అసియా"},       // long independent vowels folded
		{"దుఃఖం", "దుఖం"},        // visarga deleted
		{"ఉక్రెయిన్\u200cకు", "ఉక్రెయిన్కు"},
		{"౨౦౨౨", "2022"},
	}
	for _, tt := range norm {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	stem := []struct{ in, want string }{
		{"అమ్మాయిలు", "అమ్మాయి"}, // one suffix
		{"అమ్మాయి", "అమ్మాయ"},    // and a final vowel sign otherwise
		{"ఇల్లు", "ఇల్"},
		{"సహకారాన్ని", "సహకారాన్"}, // chains stay attached
		{"పిల్లలు", "పిల్ల"},
	}
	for _, tt := range stem {
		if got := Stem(tt.in); got != tt.want {
			t.Errorf("Stem(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
