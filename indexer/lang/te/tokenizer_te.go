package te

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// TokenizerName is the registry name of the Telugu tokenizer.
const TokenizerName = "tokenizer_te"

// Tokenizer splits text into words using Go's current Unicode tables, not
// Bleve's Unicode 8 word-break data, so Telugu code points added since (nukta
// U+0C3C, U+0C04, U+0C5D, U+0C77) stay inside words. A word is a run of
// letters, marks, digits and ZWJ/ZWNJ. A run is also split where it changes
// between Telugu script and anything else, so that 2022లో gives 2022 and లో,
// and EUతో gives EU and తో; only the ordinal suffix stays on digits (16వ).
type Tokenizer struct{}

// NewTokenizer returns a Telugu tokenizer.
func NewTokenizer() *Tokenizer { return &Tokenizer{} }

// class of a rune for splitting: 0 outside words, then one class per script
// group. Marks and joiners continue whatever precedes them.
const (
	clsNone = iota
	clsTelugu
	clsOther
	clsJoin // a mark, ZWJ or ZWNJ: belongs to the preceding word
)

func classOf(r rune) int {
	if r <= unicode.MaxLatin1 {
		// Latin-1 has no marks nor joiners: only letters and digits
		// make words. Most text of most documents is here, and
		// unicode.IsMark searched its tables for each rune (3.7% of a
		// bulk upsert's CPU at 100,000 documents).
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return clsOther
		}
		return clsNone
	}
	return classOfAny(r)
}

// classOfAny is classOf for any rune, Latin-1's too.
func classOfAny(r rune) int {
	switch {
	case r == '\u200c' || r == '\u200d':
		return clsJoin
	case r >= 0x0C66 && r <= 0x0C6F: // Telugu digits group with ASCII ones
		return clsOther
	case r >= 0x0C00 && r <= 0x0C7F:
		if unicode.IsMark(r) {
			return clsJoin
		}
		return clsTelugu
	case unicode.IsMark(r):
		return clsJoin
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		return clsOther
	}
	return clsNone
}

// ordinal is the suffix that makes an ordinal of a number (16వ, పదహారవ).
const ordinal = "వ"

// Tokenize implements analysis.Tokenizer.
func (t *Tokenizer) Tokenize(input []byte) analysis.TokenStream {
	// Tokens are allocated a block at a time, not one by one: a block of
	// about the text's words (one a space), then, if that was too few,
	// one of as many as the rest of the text holds at the same rate.
	rv := make(analysis.TokenStream, 0, bytes.Count(input, space)+1)
	var block []analysis.Token
	Words(input, func(start, end int, numeric bool) {
		if len(block) == cap(block) {
			n := cap(rv)
			if len(rv) > 0 {
				n = len(rv)*(len(input)-start)/start + 4
			}
			block = make([]analysis.Token, 0, n)
		}
		block = block[:len(block)+1]
		tok := &block[len(block)-1]
		*tok = analysis.Token{Term: input[start:end], Start: start, End: end, Position: len(rv) + 1, Type: analysis.AlphaNumeric}
		if numeric {
			tok.Type = analysis.Numeric
		}
		rv = append(rv, tok)
	})
	return rv
}

// Words calls fn with the start and end of each word of input, in order,
// as Tokenize splits it, and whether the word is all digits.
func Words(input []byte, fn func(start, end int, numeric bool)) {
	// A word is held until the next one is known: the ordinal suffix
	// joins the number before it.
	held, hStart, hEnd, hNumeric := false, 0, 0, false
	start, cur := -1, clsNone
	emit := func(end int) {
		// Joiners at the end of a word (a stray ZWNJ) are not part of it.
		for end > start {
			r, size := utf8.DecodeLastRune(input[start:end])
			if r != '\u200c' && r != '\u200d' {
				break
			}
			end -= size
		}
		if held && cur == clsTelugu && string(input[start:end]) == ordinal && hEnd == start && hNumeric {
			// The ordinal suffix stays on its digits: 16వ (16th) is
			// one word, as పదహారవ is.
			hEnd, hNumeric = end, false
		} else if end > start {
			if held {
				fn(hStart, hEnd, hNumeric)
			}
			held, hStart, hEnd, hNumeric = true, start, end, isNumeric(input[start:end])
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
			// A joiner or mark continues a word; alone it starts none.
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
	if held {
		fn(hStart, hEnd, hNumeric)
	}
}

var space = []byte{' '}

// isNumeric reports whether a word is all digits.
func isNumeric(term []byte) bool {
	for _, r := range string(term) {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

func tokenizerConstructor(config map[string]interface{}, cache *registry.Cache) (analysis.Tokenizer, error) {
	return NewTokenizer(), nil
}

func init() {
	if err := registry.RegisterTokenizer(TokenizerName, tokenizerConstructor); err != nil {
		panic(err)
	}
}
