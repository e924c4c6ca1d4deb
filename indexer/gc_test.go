package indexer

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
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

// gcPercent is the collector's percent now.
func gcPercent() int {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}

// The server's headroom raises the percent while it is kept, large writes
// raise it further where theirs is higher, and the percent goes back when
// neither asks; a percent set higher, or collection off, is left alone.
func TestHeadroomWithWrites(t *testing.T) {
	orig := debug.SetGCPercent(100)
	defer debug.SetGCPercent(orig)
	const live = writeHeadroom / 2 // writes ask for 200
	for _, tc := range []struct {
		before            int
		room              uint64
		kept, write, back int // the percent with the headroom, during a write, after it
	}{
		{100, writeHeadroom * 3 / 4, 150, 200, 150},
		{100, 4 * writeHeadroom, 400, 400, 400},
		{100, writeHeadroom / 4, 100, 200, 100},
		{300, writeHeadroom * 3 / 4, 300, 300, 300},
		{-1, 4 * writeHeadroom, -1, -1, -1},
	} {
		debug.SetGCPercent(tc.before)
		gcState.Lock()
		gcState.room = tc.room
		applyGC(live)
		gcState.Unlock()
		if got := gcPercent(); got != tc.kept {
			t.Errorf("%+v: with the headroom %d", tc, got)
		}
		done := roomOver(func() uint64 { return live })
		if got := gcPercent(); got != tc.write {
			t.Errorf("%+v: during a write %d", tc, got)
		}
		done()
		if got := gcPercent(); got != tc.back {
			t.Errorf("%+v: after the write %d", tc, got)
		}
		gcState.Lock()
		gcState.room = 0
		applyGC(live)
		gcState.Unlock()
		if got := gcPercent(); got != tc.before {
			t.Errorf("%+v: without the headroom %d", tc, got)
		}
	}
	// KeepHeadroom over this process's own heap, small after a collection.
	debug.SetGCPercent(100)
	runtime.GC()
	if live := liveHeap(); live > writeHeadroom {
		t.Skipf("the test's live heap is %d MB", live>>20)
	}
	stop := KeepHeadroom(4*writeHeadroom, time.Hour)
	if got := gcPercent(); got != maxWriteGCPercent {
		t.Errorf("KeepHeadroom: %d, want %d", got, maxWriteGCPercent)
	}
	stop()
	if got := gcPercent(); got != 100 {
		t.Errorf("after KeepHeadroom's stop: %d, want 100", got)
	}
}
