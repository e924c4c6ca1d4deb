package main

import (
	"strings"
	"testing"
)

func TestParseUpkeep(t *testing.T) {
	const metrics = `# HELP pressearch_index_segments Segments of the index being served.
# TYPE pressearch_index_segments gauge
pressearch_index_segments 15
pressearch_index_merges_total 3
pressearch_index_merge_seconds_total 2.5e+00
pressearch_index_refreshes_total 45
pressearch_index_refresh_seconds_total 1.93
pressearch_index_segments_other 99
pressearch_writes_total{key="bench",result="created"} 300
`
	for _, tc := range []struct {
		name, text string
		want       upkeep
		err        bool
	}{
		{"all", metrics, upkeep{segments: 15, merges: 3, mergeSeconds: 2.5, refreshes: 45, refreshSeconds: 1.93}, false},
		{"an index without upkeep", "pressearch_index_documents 8\n", upkeep{}, true},
		{"a figure that is not a number", strings.Replace(metrics, "45", "many", 1), upkeep{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseUpkeep(strings.NewReader(tc.text))
			if (err != nil) != tc.err || got != tc.want {
				t.Errorf("got %+v, %v; want %+v, error %v", got, err, tc.want, tc.err)
			}
		})
	}
	before := upkeep{segments: 15, merges: 1, mergeSeconds: 1.4, refreshes: 2, refreshSeconds: 0.1}
	after := upkeep{segments: 14, merges: 4, mergeSeconds: 3.2, refreshes: 47, refreshSeconds: 2.0}
	if got, want := after.since(before), "Bleve merges 3 (1.80 s), refreshes 45 (1.90 s), 15 -> 14 segments"; got != want {
		t.Errorf("since: %q, want %q", got, want)
	}
}
