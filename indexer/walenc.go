package indexer

import (
	"encoding/json"
	"strconv"
	"time"
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

// encodeRecord encodes r as json.Marshal does, but with the actions that
// are encoded already (walAction.raw, by the workers that analyzed their
// documents) copied as they are: a bulk request's record is mostly its
// documents, which json.Marshal encoded one after the other under the
// writers' lock (and would scan again as a Marshaler's output).
func encodeRecord(r *walRecord) ([]byte, error) {
	size := 0
	for _, a := range r.Actions {
		size += len(a.raw) + 1
	}
	if size == len(r.Actions) {
		return json.Marshal(r)
	}
	head, err := json.Marshal(walHead{Seq: r.Seq, Time: r.Time, Writer: r.Writer})
	if err != nil {
		return nil, err
	}
	var suggest []byte
	if r.Suggest != nil {
		if suggest, err = r.Suggest.encode(); err != nil {
			return nil, err
		}
	}
	buf := make([]byte, 0, len(head)+len(`,"actions":[]`)+size+len(`,"suggest":`)+len(suggest)+1)
	buf = append(buf, head[:len(head)-1]...) // without its closing brace
	buf = append(buf, `,"actions":[`...)
	for i, a := range r.Actions {
		if i > 0 {
			buf = append(buf, ',')
		}
		raw := a.raw
		if raw == nil {
			if raw, err = json.Marshal(a); err != nil {
				return nil, err
			}
		}
		buf = append(buf, raw...)
	}
	buf = append(buf, ']')
	if suggest != nil {
		buf = append(buf, `,"suggest":`...)
		buf = append(buf, suggest...)
	}
	return append(buf, '}'), nil
}

// walHead is the fields of a walRecord before its actions, as it encodes
// them.
type walHead struct {
	Seq    uint64    `json:"seq"`
	Time   time.Time `json:"time"`
	Writer string    `json:"writer,omitempty"`
}

// encode encodes d as json.Marshal does, its word counts written by their
// MarshalJSON directly: json.Marshal would scan their output again, tens
// of thousands of words for a bulk request.
func (d *suggestDelta) encode() ([]byte, error) {
	buf := []byte{'{'}
	field := func(name string, raw []byte) {
		if len(buf) > 1 {
			buf = append(buf, ',')
		}
		buf = append(buf, '"')
		buf = append(buf, name...)
		buf = append(buf, '"', ':')
		buf = append(buf, raw...)
	}
	if len(d.DF) > 0 {
		raw, _ := d.DF.MarshalJSON()
		field("df", raw)
	}
	if len(d.Forms) > 0 {
		raw, _ := d.Forms.MarshalJSON()
		field("forms", raw)
	}
	if len(d.Out) > 0 {
		raw, err := json.Marshal(d.Out)
		if err != nil {
			return nil, err
		}
		field("out", raw)
	}
	if len(d.In) > 0 {
		raw, err := json.Marshal(d.In)
		if err != nil {
			return nil, err
		}
		field("in", raw)
	}
	return append(buf, '}'), nil
}
