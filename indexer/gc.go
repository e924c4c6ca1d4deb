package indexer

import (
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// A large write allocates many times what it keeps: its documents
// analyzed, their segments made. In serve, whose heap between writes is
// small, the collector ran every few tens of megabytes of it. While large
// writes run, the heap may grow past the live heap by up to writeHeadroom
// (gcPercent is raised to give it, up to maxWriteGCPercent), so that the
// collector runs less often; afterwards the percent goes back.
//
// A server may also keep a headroom at all times (KeepHeadroom): searches
// and single writes allocate much and keep little, and the collector's
// marking took a core's share from the searches beside the writes.
const (
	writeHeadroom     = 256 << 20
	maxWriteGCPercent = 400
)

// gcState is what asks for the collector's percent to be raised: the
// large writes running and the server's headroom.
var gcState struct {
	sync.Mutex
	writers int
	room    uint64 // KeepHeadroom's; 0: none
	raised  bool   // the percent is set by applyGC
	before  int    // the percent before applyGC first raised it
}

// roomForWrite raises the collector's percent, where the live heap leaves
// room, until the returned function is called. Calls nest.
func roomForWrite() (done func()) { return roomOver(liveHeap) }

// roomOver is roomForWrite over the live heap that live reports.
func roomOver(live func() uint64) (done func()) {
	gcState.Lock()
	defer gcState.Unlock()
	gcState.writers++
	applyGC(live())
	return func() {
		gcState.Lock()
		defer gcState.Unlock()
		gcState.writers--
		applyGC(live())
	}
}

// KeepHeadroom lets the heap grow past the live heap by up to room at all
// times (within [100, maxWriteGCPercent] percent of it), the percent
// worked out again from the live heap every interval, until the returned
// function is called; large writes may raise it further meanwhile.
func KeepHeadroom(room uint64, every time.Duration) (stop func()) {
	gcState.Lock()
	gcState.room = room
	applyGC(liveHeap())
	gcState.Unlock()
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			gcState.Lock()
			applyGC(liveHeap())
			gcState.Unlock()
		}
	}()
	return sync.OnceFunc(func() {
		close(done)
		<-stopped
		gcState.Lock()
		defer gcState.Unlock()
		gcState.room = 0
		applyGC(liveHeap())
	})
}

// applyGC sets the collector's percent that the writes running and the
// headroom ask for over live bytes, or puts back the one it found when
// none asks; a percent found higher, or collection turned off, is left as
// it is. Under gcState's lock.
func applyGC(live uint64) {
	want := 0
	if gcState.writers > 0 {
		want = writePercent(live)
	}
	if gcState.room > 0 {
		want = max(want, roomPercent(live, gcState.room))
	}
	switch {
	case want == 0:
		if gcState.raised {
			debug.SetGCPercent(gcState.before)
			gcState.raised = false
		}
		return
	case !gcState.raised:
		gcState.before = debug.SetGCPercent(want)
		gcState.raised = true
	}
	if gcState.before < 0 || gcState.before > want {
		want = gcState.before // off, or set higher: leave it
	}
	debug.SetGCPercent(want)
}

// writePercent is the collector's percent that lets a heap of live bytes
// grow by writeHeadroom, within [100, maxWriteGCPercent].
func writePercent(live uint64) int { return roomPercent(live, writeHeadroom) }

// roomPercent is the collector's percent that lets a heap of live bytes
// grow by room, within [100, maxWriteGCPercent].
func roomPercent(live, room uint64) int {
	if live == 0 {
		return maxWriteGCPercent
	}
	return int(max(100, min(maxWriteGCPercent, room*100/live)))
}

// liveHeap is the heap the last collection found live (0 before one).
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
