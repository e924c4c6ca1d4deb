// Package translit lets a name written in one script be found in another:
// Telugu is romanized (ISO 15919, folded to plain ASCII and spelled the way
// English spells the same sounds: చ as ch, శ and ష as sh), and every word,
// romanized or Latin, is reduced to a sound key that forgives the usual gaps
// between a romanization and an English spelling (బోరెల్ is borel, the
// English is Borrell). The analyzer "names" indexes those keys, marked with
// the script they came from, so that a Latin query meets Telugu words and a
// Telugu query meets Latin ones, and never the same script twice.
package translit

import (
	"hash/maphash"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"

	te "pressearch/indexer/lang/te"
)

// AnalyzerName is the registry name of the sound-key analyzer.
const AnalyzerName = "names"

// Prefixes of the keys by the script of the word they came from.
const (
	FromTelugu = "t:"
	FromLatin  = "l:"
)

var consonants = map[rune]string{
	'క': "k", 'ఖ': "kh", 'గ': "g", 'ఘ': "gh", 'ఙ': "n",
	'చ': "ch", 'ఛ': "chh", 'జ': "j", 'ఝ': "jh", 'ఞ': "n",
	'ట': "t", 'ఠ': "th", 'డ': "d", 'ఢ': "dh", 'ణ': "n",
	'త': "t", 'థ': "th", 'ద': "d", 'ధ': "dh", 'న': "n",
	'ప': "p", 'ఫ': "ph", 'బ': "b", 'భ': "bh", 'మ': "m",
	'య': "y", 'ర': "r", 'ఱ': "r", 'ల': "l", 'వ': "v",
	'శ': "sh", 'ష': "sh", 'స': "s", 'హ': "h", 'ళ': "l",
	'ౘ': "ts", 'ౙ': "dz",
}

var vowels = map[rune]string{
	'అ': "a", 'ఆ': "a", 'ఇ': "i", 'ఈ': "i", 'ఉ': "u", 'ఊ': "u", 'ఋ': "ru", 'ౠ': "ru",
	'ఎ': "e", 'ఏ': "e", 'ఐ': "ai", 'ఒ': "o", 'ఓ': "o", 'ఔ': "au",
}

var signs = map[rune]string{
	'ా': "a", 'ి': "i", 'ీ': "i", 'ు': "u", 'ూ': "u", 'ృ': "ru", 'ౄ': "ru",
	'ె': "e", 'ే': "e", 'ై': "ai", 'ొ': "o", 'ో': "o", 'ౌ': "au",
}

// Romanize writes a Telugu word in plain ASCII.
func Romanize(w string) string {
	var b strings.Builder
	rs := []rune(w)
	for i, r := range rs {
		if c, ok := consonants[r]; ok {
			b.WriteString(c)
			// The inherent a, unless a vowel sign or virama follows.
			if i+1 >= len(rs) || (signs[rs[i+1]] == "" && rs[i+1] != '్') {
				b.WriteByte('a')
			}
			continue
		}
		if v, ok := vowels[r]; ok {
			b.WriteString(v)
			continue
		}
		if v, ok := signs[r]; ok {
			b.WriteString(v)
			continue
		}
		switch r {
		case 'ం':
			if i+1 < len(rs) && strings.ContainsRune("పఫబభమ", rs[i+1]) {
				b.WriteByte('m')
			} else {
				b.WriteByte('n')
			}
		case 'ః':
			b.WriteByte('h')
		}
	}
	return b.String()
}

// digraphs spell one sound with one letter.
var digraphs = strings.NewReplacer("ph", "f", "ch", "c", "sh", "s", "th", "t", "dh", "d", "kh", "k", "gh", "g",
	"bh", "b", "jh", "j", "ck", "k", "w", "v", "q", "k", "x", "ks", "z", "j")

func isVowel(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }

// Key reduces a Latin or romanized word to its sound key: digraphs to one
// letter, doubled letters to one, i before a vowel read as y, a y between
// vowels dropped, every vowel written a, runs of vowels as one, and a final
// vowel dropped where three letters remain. borrell and borel give baral; tokyo gives taky; russia and
// rashya give rasy; ukraine and ukreyin give akran.
func Key(w string) string {
	var b []byte
	for _, r := range strings.ToLower(w) {
		if r < utf8.RuneSelf && unicode.IsLetter(r) {
			b = append(b, byte(r))
		}
	}
	// A final y after a consonant is a vowel (Italy).
	if n := len(b); n > 1 && b[n-1] == 'y' && !isVowel(b[n-2]) {
		b[n-1] = 'i'
	}
	s := string(b)
	s = digraphs.Replace(s)
	var out []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i > 0 && c == out[len(out)-1] {
			continue // doubled
		}
		out = append(out, c)
	}
	s = string(out)
	out = out[:0]
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == 'i' && i > 0 && i+1 < len(s) && isVowel(s[i+1]):
			c = 'y'
		case c == 'y' && i > 0 && i+1 < len(s) && isVowel(s[i-1]) && isVowel(s[i+1]):
			continue
		}
		out = append(out, c)
	}
	s = string(out)
	out = out[:0]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isVowel(c) {
			c = 'a'
			if len(out) > 0 && out[len(out)-1] == 'a' {
				continue
			}
		}
		out = append(out, c)
	}
	if len(out) > minKey && out[len(out)-1] == 'a' {
		out = out[:len(out)-1]
	}
	return string(out)
}

// minKey is the shortest key worth matching on.
const minKey = 3

// TeluguKeys returns the keys of a normalized Telugu word: of the word, of
// it with its outermost ending stripped, and of its stem.
func TeluguKeys(w string) []string {
	var out []string
	for _, f := range te.Forms(w) {
		if k := Key(Romanize(f)); len(k) >= minKey && !contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// LatinKey returns the key of a Latin word, or "" for one too short.
func LatinKey(w string) string {
	if k := Key(w); len(k) >= minKey {
		return k
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// IsTelugu reports whether a word starts in Telugu script.
func IsTelugu(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return r >= 0x0C00 && r <= 0x0C7F
}

// IsLatin reports whether a word is Latin letters only.
func IsLatin(w string) bool {
	if w == "" {
		return false
	}
	for _, r := range w {
		if !unicode.Is(unicode.Latin, r) {
			return false
		}
	}
	return true
}

// Filter turns the words of a stream into their keys, each marked with the
// script it came from; other words are dropped. Several keys of one word
// share its position and offsets. A Filter made by NewFilter remembers the
// keys of the words it has seen (the zero Filter works them out each time):
// most words of a text were in the texts before it, and a Telugu word's
// keys take its stems romanized.
type Filter struct {
	cache *keyCache
}

// NewFilter returns a Filter that remembers the keys of the words it has
// seen, up to a bound.
func NewFilter() Filter {
	c := &keyCache{seed: maphash.MakeSeed()}
	for i := range c.shards {
		c.shards[i].m = map[string][]string{}
	}
	return Filter{cache: c}
}

// Filter implements analysis.TokenFilter.
func (f Filter) Filter(input analysis.TokenStream) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, len(input))
	for _, tok := range input {
		var keys []string
		if f.cache != nil {
			keys = f.cache.keys(tok.Term)
		} else {
			keys = keysOf(string(tok.Term))
		}
		for _, k := range keys {
			t := *tok
			t.Term = []byte(k)
			out = append(out, &t)
		}
	}
	return out
}

// keysOf returns the keys of a word, each marked with its script.
func keysOf(w string) []string {
	var keys []string
	switch {
	case IsTelugu(w):
		for _, k := range TeluguKeys(w) {
			keys = append(keys, FromTelugu+k)
		}
	case IsLatin(w):
		if k := LatinKey(w); k != "" {
			keys = append(keys, FromLatin+k)
		}
	}
	return keys
}

// keyCache holds the keys of words (keysOf), in shards by the word's hash
// so that the goroutines analyzing at once seldom wait for each other. A
// shard that fills starts again.
type keyCache struct {
	seed   maphash.Seed
	shards [16]struct {
		mu sync.Mutex
		m  map[string][]string
	}
}

// maxShardWords bounds a shard of a keyCache (about 10 MB for the whole).
const maxShardWords = 1 << 12

func (c *keyCache) keys(term []byte) []string {
	s := &c.shards[maphash.Bytes(c.seed, term)%uint64(len(c.shards))]
	s.mu.Lock()
	k, ok := s.m[string(term)]
	s.mu.Unlock()
	if ok {
		return k
	}
	w := string(term)
	k = keysOf(w)
	s.mu.Lock()
	if len(s.m) >= maxShardWords {
		clear(s.m)
	}
	s.m[w] = k
	s.mu.Unlock()
	return k
}

// AnalyzerConstructor builds the sound-key analyzer: the Telugu tokenizer
// and normalizer, then the keys.
func AnalyzerConstructor(config map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
	return &analysis.DefaultAnalyzer{
		Tokenizer:    te.NewTokenizer(),
		TokenFilters: []analysis.TokenFilter{te.NewNormalizeFilter(), NewFilter()},
	}, nil
}

func init() {
	if err := registry.RegisterAnalyzer(AnalyzerName, AnalyzerConstructor); err != nil {
		panic(err)
	}
}
