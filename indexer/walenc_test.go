package indexer

import (
	"encoding/json"
	"reflect"
	"testing"
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
