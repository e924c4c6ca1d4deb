package indexer

import (
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// A large write allocates many times what it keeps: its documents
// analyzed, their segments made. In serve, whose heap between writes is
// small, the collector ran every few tens of megabytes of it. While large
// writes run, the heap may grow past the live heap by up to writeHeadroom
// (gcPercent is raised to give it, up to maxWriteGCPercent), so that the
// collector runs less often; afterwards the percent goes back.
const (
	writeHeadroom     = 256 << 20
	maxWriteGCPercent = 400
)

var writeGC struct {
	sync.Mutex
	writers int
	before  int // the percent before the first of them
}

// roomForWrite raises the collector's percent, where the live heap leaves
// room, until the returned function is called. Calls nest.
func roomForWrite() (done func()) { return roomOver(liveHeap) }

// roomOver is roomForWrite over the live heap that live reports.
func roomOver(live func() uint64) (done func()) {
	writeGC.Lock()
	defer writeGC.Unlock()
	if writeGC.writers == 0 {
		p := writePercent(live())
		if writeGC.before = debug.SetGCPercent(p); writeGC.before < 0 || writeGC.before > p {
			debug.SetGCPercent(writeGC.before) // off, or set higher: leave it
		}
	}
	writeGC.writers++
	return func() {
		writeGC.Lock()
		defer writeGC.Unlock()
		if writeGC.writers--; writeGC.writers == 0 {
			debug.SetGCPercent(writeGC.before)
		}
	}
}

// writePercent is the collector's percent that lets a heap of live bytes
// grow by writeHeadroom, within [100, maxWriteGCPercent].
func writePercent(live uint64) int {
	if live == 0 {
		return maxWriteGCPercent
	}
	return int(max(100, min(maxWriteGCPercent, writeHeadroom*100/live)))
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
