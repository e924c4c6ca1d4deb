package scoring

import (
	"runtime"
	"testing"
)

// The memory a ranking asks for grows little with its rescoring window:
// the best matches are kept as numbers and scores, not as document
// matches made for every search.
func TestRankMemoryLittleMoreForWiderWindow(t *testing.T) {
	ti := newTestIndex(t)
	m := ti.idx.Mapping()
	q := words("security japan summit trade tokyo రష్యా జపాన్")
	pairs := &Pair{Field: "body_en", Text: "japan security"}
	bytes := func(window int) uint64 {
		least := ^uint64(0)
		for range 5 {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			res, err := Rank(ti.ctx, ti.r, m, q, pairs, window, 0, 10, nil, nil)
			runtime.ReadMemStats(&after)
			if err != nil || len(res.Hits) != 10 || res.Total < 300 {
				t.Fatalf("window %d: %v, %d hits of %d", window, err, len(res.Hits), res.Total)
			}
			least = min(least, after.TotalAlloc-before.TotalAlloc)
		}
		return least
	}
	// 290 more matches rescored: their numbers, ids and extra scores, far
	// less than a document match each (some 250 bytes).
	narrow, wide := bytes(10), bytes(300)
	if per := float64(wide-narrow) / 290; per > 240 {
		t.Errorf("window 10: %d bytes, window 300: %d bytes (%.0f a match more)", narrow, wide, per)
	}
}
