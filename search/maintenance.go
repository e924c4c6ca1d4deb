package search

import (
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"pressearch/indexer"
)

// Maintenance is the work that keeps the index being served fit to search
// while it is written, as Elasticsearch's index statistics report it: the
// segments a search visits, Bleve's merges of them in the background, and
// the refreshes that make writes searchable (each one a segment and a new
// view). Segments are those of the index served now; the counts and times
// run for the life of the engine, over every generation it has served, so
// that they never go down when a new generation is put in service.
type Maintenance struct {
	Segments       int     // segments of the index being served
	Merges         uint64  // merges Bleve has finished
	MergeSeconds   float64 // the time they took
	Refreshes      uint64  // refreshes of a live collection's writes
	RefreshSeconds float64 // the time they took (segment and view)
}

// plus returns m with the counts and times of o added; m's segments stay.
func (m Maintenance) plus(o Maintenance) Maintenance {
	m.Merges += o.Merges
	m.MergeSeconds += o.MergeSeconds
	m.Refreshes += o.Refreshes
	m.RefreshSeconds += o.RefreshSeconds
	return m
}

// Maintenance returns the maintenance of the index being served, with the
// counts of the generations served before it; the counts alone where no
// index is in service, and no more for an index that is not Bleve's.
func (e *Engine) Maintenance() Maintenance {
	e.upkeep.Lock()
	defer e.upkeep.Unlock()
	l, err := e.hold()
	if err != nil {
		return e.carried
	}
	defer l.release()
	return l.maintenance().plus(e.carried)
}

// maintenance returns what l's index reports of its own maintenance since
// it was opened.
func (l *live) maintenance() Maintenance {
	var m Maintenance
	if ws := l.writer; ws != nil {
		m.Refreshes = ws.refreshes.Load()
		m.RefreshSeconds = time.Duration(ws.refreshNanos.Load()).Seconds()
	}
	if l.index != nil {
		bleveMaintenance(l.index, &m)
	}
	return m
}

// serve puts l in service in place of the generation served now (nil: none
// from now on) and returns that one, whose maintenance counts the engine
// carries from then on: Maintenance reads either the old generation's
// counts or the new one's with the old's carried, never neither.
func (e *Engine) serve(l *live) *live {
	e.upkeep.Lock()
	defer e.upkeep.Unlock()
	old := e.cur.Swap(l)
	if old != nil {
		e.carried = old.maintenance().plus(e.carried)
	}
	return old
}

// bleveMaintenance adds what Bleve's index reports of its segments and
// merges to m.
func bleveMaintenance(idx bleve.Index, m *Maintenance) {
	adv, err := idx.Advanced()
	if err != nil {
		return
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return
	}
	m.Segments = len(indexer.SegmentSizes(s))
	st, ok := s.Stats().(*scorch.Stats)
	if !ok {
		return
	}
	// Merges of segment files, and of the segments in memory that the
	// persister writes as one file.
	m.Merges = atomic.LoadUint64(&st.TotFileMergeZapEnd) + atomic.LoadUint64(&st.TotMemMergeZapEnd)
	m.MergeSeconds = time.Duration(atomic.LoadUint64(&st.TotFileMergeZapTime) + atomic.LoadUint64(&st.TotMemMergeZapTime)).Seconds()
}
