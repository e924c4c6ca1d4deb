package te

import (
	"slices"
	"testing"
)

func TestCompoundSplits(t *testing.T) {
	tests := []struct {
		rule, word string
		want       [2]string // a split that must be listed
		before     [2]string // a split that must come after want, if set
	}{
		{"two words written as one", "జన్మస్థలం", [2]string{"జన్మ", "స్థలం"}, [2]string{}},
		{"a conjunct starts the second word", "ఆంధ్రప్రదేశ్", [2]string{"ఆంధ్ర", "ప్రదేశ్"}, [2]string{}},
		{"గసడదవాదేశం: ద of the compound is త of the word", "తల్లిదండ్రులు",
			[2]string{"తల్లి", "తండ్రులు"}, [2]string{"తల్లి", "దండ్రులు"}},
		{"a compound of two nouns", "మండలకేంద్రం", [2]string{"మండల", "కేంద్రం"}, [2]string{}},
	}
	for _, tt := range tests {
		got := CompoundSplits(Normalize(tt.word))
		i := slices.Index(got, tt.want)
		if i < 0 {
			t.Errorf("%s: CompoundSplits(%q) = %q, want %q among them", tt.rule, tt.word, got, tt.want)
			continue
		}
		if tt.before != ([2]string{}) {
			if j := slices.Index(got, tt.before); j < i {
				t.Errorf("%s: CompoundSplits(%q) = %q, want %q before %q", tt.rule, tt.word, got, tt.want, tt.before)
			}
		}
	}
	// No split cuts a conjunct or leaves a part of one letter.
	for _, w := range []string{"ప్రదేశ్", "రాష్ట్రం", "పని", "జనగణన"} {
		for _, sp := range CompoundSplits(Normalize(w)) {
			if letters(sp[0]) < minPart || letters(sp[1]) < minPart {
				t.Errorf("CompoundSplits(%q) has %q, a part shorter than %d letters", w, sp, minPart)
			}
			if r := []rune(sp[1])[0]; r < 0x0C05 || r > 0x0C39 {
				t.Errorf("CompoundSplits(%q) has %q, which starts inside an akshara", w, sp)
			}
			if sp[0][len(sp[0])-len("్"):] == "్" {
				t.Errorf("CompoundSplits(%q) has %q, which cuts a conjunct", w, sp)
			}
		}
	}
	if got := CompoundSplits("పని"); len(got) != 0 {
		t.Errorf("CompoundSplits(పని) = %q, want none: a two-letter word has no two words", got)
	}
}
