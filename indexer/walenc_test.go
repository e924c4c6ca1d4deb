package indexer

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"pressearch/corpus"
)

// TestDeltaCountsEncodeAsEncodingJSON: the log's word and form counts,
// written in the map's order, read back as what encoding/json's sorted
// encoding reads back as, for words that need no escape and those that do.
func TestDeltaCountsEncodeAsEncodingJSON(t *testing.T) {
	keys := []string{"", "a", "ప్రభుత్వం", "இந்தியா", "ශ්‍රී", "say \"hi\"", `back\slash`, "tab\there", "nl\n", "<b>&amp;</b>",
		"line\u2028sep", "para\u2029sep", "bad\xffutf8", "\xc3", "mixed ప్ర\"", "emoji 😀", "zwj\u200d", "\x7f"}
	for _, tc := range []struct {
		name string
		df   wordCounts
		fm   formDeltas
	}{
		{"empty", wordCounts{}, formDeltas{}},
		{"one", wordCounts{"ప్రభుత్వం": 3}, formDeltas{"india": {"India": 2}}},
		{"all", func() wordCounts {
			m := wordCounts{}
			for i, k := range keys {
				m[k] = i - 5
			}
			return m
		}(), func() formDeltas {
			m := formDeltas{}
			for i, k := range keys {
				m[k] = map[string]int{k: i, k + "x": -i}
			}
			return m
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &suggestDelta{DF: tc.df, Forms: tc.fm}
			got, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			want, err := json.Marshal(struct {
				DF    map[string]int            `json:"df,omitempty"`
				Forms map[string]map[string]int `json:"forms,omitempty"`
			}{tc.df, tc.fm})
			if err != nil {
				t.Fatal(err)
			}
			var a, b suggestDelta
			if err := json.Unmarshal(got, &a); err != nil {
				t.Fatalf("%s: %v", got, err)
			}
			if err := json.Unmarshal(want, &b); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a, b) {
				t.Errorf("read back %v, want %v", a, b)
			}
			if len(tc.df) > 0 && len(a.DF) != len(tc.df) {
				t.Errorf("%d words read back, want %d", len(a.DF), len(tc.df))
			}
		})
	}
}

// TestRecordEncodesAsEncodingJSON: a log record with some of its actions
// encoded already (by the workers of a large write) and its completion
// changes written by hand reads back as the same record encoded whole by
// encoding/json.
func TestRecordEncodesAsEncodingJSON(t *testing.T) {
	at := time.Date(2026, 12, 1, 16, 30, 0, 123456789, time.UTC)
	doc := func(id, title string) *corpus.Document {
		return &corpus.Document{ID: id, Lang: "te", Title: title, Body: "ప్రభుత్వం <b>&amp;</b> \u2028 \"q\"", Date: "2025-01-02",
			Kind: corpus.KindPressRelease, Source: "Ministry A", Related: []string{"x"}, PublishAt: "2027-01-01T00:00:00Z"}
	}
	encoded := func(a walAction) walAction {
		raw, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		a.raw = raw
		return a
	}
	full := &suggestDelta{DF: wordCounts{"ప్రభుత్వం": 2, "say \"hi\"": -1, "zero": 0}, Forms: formDeltas{"india": {"India": 1}},
		Out: []string{"a", "b"}, In: []*embargoEntry{{titleEntry: titleEntry{ID: "n", Date: "2025-01-01", Title: "<t>"}},
			{titleEntry: titleEntry{ID: "e"}, Until: at, Words: []suggestWord{{Key: "eu", Form: "EU"}}}}}
	for _, tc := range []struct {
		name string
		rec  walRecord
	}{
		{"none encoded", walRecord{Seq: 1, Time: at, Actions: []walAction{{Doc: doc("a", "A")}, {Delete: "b"}}, Suggest: full}},
		{"all encoded", walRecord{Seq: 2, Time: at, Writer: "key <1>", Actions: []walAction{encoded(walAction{Doc: doc("a", "A"), API: true}),
			encoded(walAction{Doc: doc("c", "ప్ర"), API: true})}, Suggest: full}},
		{"some encoded", walRecord{Seq: 3, Time: at, Actions: []walAction{{Delete: "z"}, encoded(walAction{Doc: doc("a", "A"), API: true}),
			{Doc: doc("d", "D")}}, Suggest: &suggestDelta{}}},
		{"no completion", walRecord{Seq: 4, Time: at, Actions: []walAction{encoded(walAction{Doc: doc("a", "A")})}}},
		{"only words", walRecord{Seq: 5, Time: at, Actions: []walAction{encoded(walAction{Doc: doc("a", "A")})},
			Suggest: &suggestDelta{DF: wordCounts{"w": 1}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := encodeRecord(&tc.rec)
			if err != nil {
				t.Fatal(err)
			}
			want, err := json.Marshal(&tc.rec)
			if err != nil {
				t.Fatal(err)
			}
			if !json.Valid(got) {
				t.Fatalf("not JSON: %s", got)
			}
			var a, b walRecord
			if err := json.Unmarshal(got, &a); err != nil {
				t.Fatalf("%s: %v", got, err)
			}
			if err := json.Unmarshal(want, &b); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a, b) {
				t.Errorf("read back\n%+v\nwant\n%+v", a, b)
			}
		})
	}
}
