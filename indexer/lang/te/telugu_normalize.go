package te

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	"golang.org/x/text/unicode/norm"
)

// NormalizeName is the registry name of the Telugu normalization filter.
const NormalizeName = "normalize_te"

// NormalizeFilter makes the spellings of one Telugu word that a reader
// cannot tell apart into one term:
//   - NFC (ె + ౖ → ై is the block's only canonical composition);
//   - ZWJ and ZWNJ removed (హైదరాబాద్‌లో and హైదరాబాద్లో meet);
//   - candrabindu (U+0C00, U+0C01) → anusvara ం;
//   - nukta U+0C3C and visarga ః removed (జ఼ and జ meet; దుఃఖం and దుఖం,
//     both common spellings, meet);
//   - ఱ (archaic RRA) → ర, as modern spelling writes it;
//   - ళ్ల → ళ్ళ, the two spellings of the geminate (వాళ్లు, వాళ్ళు);
//   - the look-alike sequences that NFC leaves alone: ఒ + ౕ → ఓ,
//     ఒ + ౌ → ఔ, ె + ౕ → ే;
//   - Telugu digits ౦–౯ → 0–9;
//   - Latin letters lower-cased.
//
// It does not rewrite వ + ు as మ (Bleve's normalize_in does) and does not
// fold long vowels: vowel length tells many Telugu words apart, and the
// stemmer's suffix rules are written for the long forms.
type NormalizeFilter struct{}

// NewNormalizeFilter returns a Telugu normalization filter.
func NewNormalizeFilter() *NormalizeFilter { return &NormalizeFilter{} }

// Filter implements analysis.TokenFilter. A token that normalizes to
// nothing (a lone nukta) is dropped.
func (f *NormalizeFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	out := input[:0]
	for _, tok := range input {
		tok.Term = NormalizeTerm(tok.Term)
		if len(tok.Term) > 0 {
			out = append(out, tok)
		}
	}
	return out
}

// NormalizeTerm is Normalize for a term in bytes, in place where nothing
// but ASCII case changes and without copying where nothing changes: the
// fast way for text that is mostly normal already.
func NormalizeTerm(term []byte) []byte {
	ascii := true
	for _, c := range term {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		for i, c := range term {
			if 'A' <= c && c <= 'Z' {
				term[i] = c + 'a' - 'A'
			}
		}
		return term
	}
	if isPlain(term) || isNormalOther(term) {
		return term
	}
	return []byte(Normalize(string(term)))
}

// isNormalOther reports, without copying it, that a term with no Telugu
// in it is normal already (isNormal): the words of the other scripts the
// generic Indic analysis and completion read (Tamil, Sinhala, ...).
func isNormalOther(term []byte) bool {
	for _, r := range string(term) {
		if changedOther(r) {
			return false
		}
	}
	return norm.NFC.IsNormal(term)
}

// changedOther reports whether a rune is Telugu, or one that Normalize
// changes or removes in a word of another script (a joiner, a capital).
func changedOther(r rune) bool {
	return r >= 0x0c00 && r <= 0x0c7f || r == '\u200c' || r == '\u200d' ||
		r >= utf8.RuneSelf && unicode.ToLower(r) != r || 'A' <= r && r <= 'Z'
}

// Plain reports, without copying it, that NormalizeTerm leaves a word as
// it is: ASCII without a capital, a plain Telugu word (see isPlain), or a
// word of another script that is normal already (see isNormalOther). Most
// words of most texts are one of these.
func Plain(w string) bool {
	ascii := true
	for i := 0; i < len(w); i++ {
		c := w[i]
		if 'A' <= c && c <= 'Z' {
			return false
		}
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return true
	}
	if r, _ := utf8.DecodeRuneInString(w); r < 0x0C00 || r > 0x0C7F {
		for _, r := range w {
			if changedOther(r) {
				return false
			}
		}
		return norm.NFC.IsNormalString(w)
	}
	prev := rune(0)
	for i, r := range w {
		if !plainRune(r) || r == 0x0C4C && prev == 0x0C12 || r == 0x0C32 && prev == 0x0C4D && i >= 6 && w[i-6:i-3] == "ళ" {
			return false
		}
		prev = r
	}
	return true
}

// plainRune reports whether r is a Telugu consonant (not ఱ), independent
// vowel, vowel sign, virama or anusvara.
func plainRune(r rune) bool {
	return r == 0x0C02 || r >= 0x0C05 && r <= 0x0C39 && r != 0x0C31 || r >= 0x0C3E && r <= 0x0C4D
}

// isPlain reports whether a Telugu term is already normal, so Normalize
// would return it unchanged: only consonants (not ఱ), independent vowels,
// vowel signs, virama and anusvara, without ఒ + ౌ or ళ్ల. Everything else
// that Normalize changes (joiners, nukta, visarga, candrabindu, the length
// marks ౕ ౖ, digits, other scripts) is outside that set, and the block's
// only canonical composition needs ౖ, so such a term is NFC too.
func isPlain(term []byte) bool {
	prev := rune(0)
	for i := 0; i < len(term); {
		r, size := utf8.DecodeRune(term[i:])
		switch {
		case r == 0x0C02, r >= 0x0C05 && r <= 0x0C39 && r != 0x0C31, r >= 0x0C3E && r <= 0x0C4D:
		default:
			return false
		}
		if r == 0x0C4C && prev == 0x0C12 || r == 0x0C32 && prev == 0x0C4D && i >= 6 && string(term[i-6:i-3]) == "ళ" {
			return false
		}
		prev = r
		i += size
	}
	return true
}

var lookAlikes = strings.NewReplacer(
	"\u0c12\u0c55", "\u0c13", // ఒౕ → ఓ
	"\u0c12\u0c4c", "\u0c14", // ఒౌ → ఔ
	"\u0c46\u0c55", "\u0c47", // ెౕ → ే
	"\u0c46\u0c56", "\u0c48", // ె + ౖ → ై where a removed joiner stood between them
	"\u0c33\u0c4d\u0c32", "\u0c33\u0c4d\u0c33", // ళ్ల → ళ్ళ
)

// Normalize returns the matching form of one Telugu word or text. Its
// steps can feed each other (lower-casing a letter before a combining mark
// makes a pair NFC composes; removing a joiner brings two signs together),
// so it repeats them until nothing changes: the result is a fixed point and
// Normalize is idempotent.
func Normalize(s string) string {
	for range 8 {
		if isNormal(s) {
			return s
		}
		s = normalizeOnce(s)
	}
	return s
}

// isNormal reports, without building a string, whether normalizeOnce would
// return s unchanged: most words of most texts are normal already (words of
// other scripts go through this filter too, in the generic Indic analysis),
// and a word after one pass nearly always is.
func isNormal(s string) bool {
	if isPlain([]byte(s)) {
		return true
	}
	telugu := false
	for _, r := range s {
		switch {
		case r == '\u200c' || r == '\u200d' || r == '\u0c3c' || r == '\u0c03' || r == '\u0c31' ||
			r == '\u0c00' || r == '\u0c01' || r >= '\u0c66' && r <= '\u0c6f':
			return false
		case r >= 0x0c00 && r <= 0x0c7f:
			telugu = true
		case r >= utf8.RuneSelf && unicode.ToLower(r) != r, 'A' <= r && r <= 'Z':
			return false
		}
	}
	// The look-alike sequences are all Telugu.
	return norm.NFC.IsNormalString(s) && (!telugu || lookAlikes.Replace(s) == s)
}

func normalizeOnce(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\u200c' || r == '\u200d' || r == '\u0c3c' || r == '\u0c03':
			continue
		case r == '\u0c31':
			r = '\u0c30'
		case r == '\u0c00' || r == '\u0c01':
			r = '\u0c02'
		case r >= '\u0c66' && r <= '\u0c6f':
			r = '0' + (r - '\u0c66')
		case r < 0x0c00 || r > 0x0c7f:
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return lookAlikes.Replace(b.String())
}

func normalizeConstructor(config map[string]interface{}, cache *registry.Cache) (analysis.TokenFilter, error) {
	return NewNormalizeFilter(), nil
}

func init() {
	if err := registry.RegisterTokenFilter(NormalizeName, normalizeConstructor); err != nil {
		panic(err)
	}
}
