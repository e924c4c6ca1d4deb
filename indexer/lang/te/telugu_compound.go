package te

import (
	"unicode/utf8"
)

// minPart is the fewest letters each part of a compound keeps: shorter
// "parts" are syllables of one word, not words.
const minPart = 2

// softened are the initial consonants గ, స, డ, ద, వ that గసడదవాదేశ సంధి
// makes of క, చ, ట, త, ప at the start of a compound's second word
// (తల్లి + తండ్రులు = తల్లిదండ్రులు), each with the consonant it stands
// for.
var softened = map[rune]rune{'గ': 'క', 'స': 'చ', 'డ': 'ట', 'ద': 'త', 'వ': 'ప'}

// CompoundSplits lists the ways a normalized Telugu word can be read as
// two words written as one, as Telugu writes compounds (జన్మస్థలం =
// జన్మ + స్థలం, ఆంధ్రప్రదేశ్ = ఆంధ్ర + ప్రదేశ్): each split falls between
// two aksharas, never inside a conjunct, and leaves each part minPart
// letters or more. Where the second part begins with a consonant that
// గసడదవాదేశ సంధి softens, the split with the hard consonant comes first
// (తల్లిదండ్రులు: తల్లి + తండ్రులు, then తల్లి + దండ్రులు). Which split, if
// any, is a compound only a vocabulary can tell: the caller looks the
// parts up. The splits come longest first part first.
func CompoundSplits(w string) [][2]string {
	var out [][2]string
	for i := len(w); i > 0; {
		r, size := utf8.DecodeLastRuneInString(w[:i])
		i -= size
		if !startsAkshara(w, i, r) {
			continue
		}
		first, second := w[:i], w[i:]
		if letters(first) < minPart || letters(second) < minPart {
			continue
		}
		if hard, ok := softened[r]; ok {
			out = append(out, [2]string{first, string(hard) + second[size:]})
		}
		out = append(out, [2]string{first, second})
	}
	return out
}

// startsAkshara reports whether r, at byte i of w, begins an akshara: a
// consonant or an independent vowel not joined by a virama to the
// consonant before it.
func startsAkshara(w string, i int, r rune) bool {
	if r < 0x0C05 || r > 0x0C39 {
		return false
	}
	prev, _ := utf8.DecodeLastRuneInString(w[:i])
	return prev != virama
}

const virama = '\u0C4D'
