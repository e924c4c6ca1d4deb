package indexer

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// wordCounts are a write's changes to the words' document counts. The log
// writes them as a JSON object in the map's order: encoding/json sorts a
// map's keys first, which for the tens of thousands of words of a bulk
// request of 1,000 documents took most of the time its log record took to
// encode, under the writers' lock.
type wordCounts map[string]int

// MarshalJSON writes m as a JSON object, its keys in no order.
func (m wordCounts) MarshalJSON() ([]byte, error) {
	buf := make([]byte, 0, 16*len(m)+2)
	buf = append(buf, '{')
	first := true
	for k, n := range m {
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = appendJSONString(buf, k)
		buf = append(buf, ':')
		buf = strconv.AppendInt(buf, int64(n), 10)
	}
	return append(buf, '}'), nil
}

// formDeltas are a write's changes to the counts of the words' forms
// (formCounts), written as wordCounts are.
type formDeltas map[string]map[string]int

// MarshalJSON writes f as a JSON object of objects, keys in no order.
func (f formDeltas) MarshalJSON() ([]byte, error) {
	buf := make([]byte, 0, 32*len(f)+2)
	buf = append(buf, '{')
	first := true
	for k, forms := range f {
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = appendJSONString(buf, k)
		buf = append(buf, ':')
		inner, _ := wordCounts(forms).MarshalJSON()
		buf = append(buf, inner...)
	}
	return append(buf, '}'), nil
}

// appendJSONString appends s as a JSON string: as it is between quotes
// where it is valid UTF-8 with nothing to escape (a word), else as
// encoding/json writes it.
func appendJSONString(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c >= utf8.RuneSelf {
			if c < utf8.RuneSelf || !utf8.ValidString(s) || needsEscape(s[i:]) {
				raw, _ := json.Marshal(s)
				return append(buf, raw...)
			}
			break
		}
	}
	buf = append(buf, '"')
	buf = append(buf, s...)
	return append(buf, '"')
}

// needsEscape reports whether s, valid UTF-8, holds a byte or rune that
// encoding/json escapes: ASCII control characters, quote, backslash, the
// HTML characters, or U+2028 and U+2029.
func needsEscape(s string) bool {
	for _, r := range s {
		switch {
		case r < 0x20, r == '"', r == '\\', r == '<', r == '>', r == '&', r == '\u2028', r == '\u2029':
			return true
		}
	}
	return false
}
