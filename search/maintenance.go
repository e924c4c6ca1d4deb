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
// view). Counts run from when the generation was opened in this process.
type Maintenance struct {
	Segments       int     // segments of the index being served
	Merges         uint64  // merges Bleve has finished
	MergeSeconds   float64 // the time they took
	Refreshes      uint64  // refreshes of a live collection's writes
	RefreshSeconds float64 // the time they took (segment and view)
}

// Maintenance returns the maintenance of the index being served; zero for
// an index that is not Bleve's.
func (e *Engine) Maintenance() Maintenance {
	l, err := e.hold()
	if err != nil {
		return Maintenance{}
	}
	defer l.release()
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
