package indexer

import (
	"runtime/debug"
	"testing"
)

func TestWritePercent(t *testing.T) {
	for _, tc := range []struct {
		live uint64
		want int
	}{
		{0, maxWriteGCPercent},               // no collection yet
		{16 << 20, maxWriteGCPercent},        // a small heap: the most
		{writeHeadroom / 3, 300},             // headroom over the live heap
		{writeHeadroom, 100},                 // as much as the headroom: the default
		{4 * writeHeadroom, 100},             // never below the default
		{writeHeadroom * 100 / 250, 250},     // in between
		{writeHeadroom*100/250 + 1<<20, 247}, // rounded down
	} {
		if got := writePercent(tc.live); got != tc.want {
			t.Errorf("writePercent(%d MB) = %d, want %d", tc.live>>20, got, tc.want)
		}
	}
}

// Large writes raise the collector's percent while one runs, and put it
// back once the last has ended; a percent set higher, or collection
// turned off, is left as it is.
func TestRoomForWrite(t *testing.T) {
	orig := debug.SetGCPercent(100)
	defer debug.SetGCPercent(orig)
	for _, before := range []int{100, 50, 1000, -1} {
		debug.SetGCPercent(before)
		live := func() uint64 { return writeHeadroom / 2 }
		want := max(before, 200)
		if before < 0 {
			want = before
		}
		first := roomOver(live)
		second := roomOver(live)
		if got := debug.SetGCPercent(want); got != want {
			t.Errorf("from %d, during two writes: %d, want %d", before, got, want)
		}
		first()
		if got := debug.SetGCPercent(want); got != want {
			t.Errorf("from %d, during the second write: %d, want %d", before, got, want)
		}
		second()
		if got := debug.SetGCPercent(before); got != before {
			t.Errorf("from %d, after both: %d", before, got)
		}
	}
}
