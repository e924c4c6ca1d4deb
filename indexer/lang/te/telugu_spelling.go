package te

// Spelling variants that are near for a reader: a word typed with a short
// vowel for a long one (బొరెల్ for బోరెల్) or an unaspirated consonant for
// an aspirated one (కబురు for ఖబురు) is most likely the same word. They
// are not the same for matching (vowel length tells నేల from నెల, see
// telugu_normalize.go); they are near for suggesting a spelling.

// partner holds, for each letter of the Telugu block, the letter that
// differs from it only in vowel length or aspiration, or 0: a table, for
// Partner is asked for every cell of an edit distance.
var partner [0x80]rune

func init() {
	for _, p := range [][2]rune{
		// Vowels, short and long: independent and as signs.
		{'అ', 'ఆ'}, {'ఇ', 'ఈ'}, {'ఉ', 'ఊ'}, {'ఋ', 'ౠ'}, {'ఎ', 'ఏ'}, {'ఒ', 'ఓ'},
		{'ి', 'ీ'}, {'ు', 'ూ'}, {'ృ', 'ౄ'}, {'ె', 'ే'}, {'ొ', 'ో'},
		// Consonants, unaspirated and aspirated.
		{'క', 'ఖ'}, {'గ', 'ఘ'}, {'చ', 'ఛ'}, {'జ', 'ఝ'}, {'ట', 'ఠ'},
		{'డ', 'ఢ'}, {'త', 'థ'}, {'ద', 'ధ'}, {'ప', 'ఫ'}, {'బ', 'భ'},
	} {
		partner[p[0]-0x0c00], partner[p[1]-0x0c00] = p[1], p[0]
	}
}

// Partner returns the letter that differs from r only in vowel length or
// aspiration (ఖ for క, ో for ొ), or 0 if there is none.
func Partner(r rune) rune {
	if r < 0x0c00 || r >= 0x0c80 {
		return 0
	}
	return partner[r-0x0c00]
}

// LongA reports whether r is the sign of long a (ా), whose presence or
// absence after a consonant is a difference of vowel length alone (క, కా).
func LongA(r rune) bool { return r == '\u0c3e' }
