package search

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	index "github.com/blevesearch/bleve_index_api"

	"pressearch/indexer"
	"pressearch/search/scoring"
)

// writerState is what the engine keeps of a live collection in service
// across its refreshes.
type writerState struct {
	w       *indexer.Live
	backend *scoring.Index
	langs   *indexer.Registry // set once, before the refreshes start
	stop    chan struct{}
	done    chan struct{}
	seen    atomic.Uint64 // the last write the index in service includes

	// Refreshes done, and the time they took (see Maintenance).
	refreshes    atomic.Uint64
	refreshNanos atomic.Int64

	// Completions: searches read the last made (view) and never wait
	// for one to be made; made one at a time (making), after writes, by
	// the goroutine suggestions, or by Refresh.
	view   atomic.Pointer[suggestView]
	making sync.Mutex
	remake chan struct{} // asks suggestions for a new view
}

// suggestView is the completions of a live collection as of one write.
type suggestView struct {
	sg    *suggester
	src   *indexer.Suggestions
	seq   uint64    // the last write it includes
	at    time.Time // when it was made
	until time.Time // when an embargo ends and it is out of date; zero: never
}

// newer reports whether v is of a later state of the collection than o.
func (v *suggestView) newer(o *suggestView) bool {
	return o == nil || v.seq > o.seq || v.seq == o.seq && v.at.After(o.at)
}

// suggestEvery is the least time between two makings of the completions
// of a live collection under writes: they are made from the last ones and
// the words changed since (Suggestions.ChangedSince) where the indexer can
// tell them, else of every word, and follow the writes within it.
const suggestEvery = 500 * time.Millisecond

// refreshEvery is the least time between two refreshes of a live
// collection under writes: a write is searchable within it (and the
// flush and refresh after it: well within a second). The writes of a
// refresh reach the index together (Live.DeferBatches), as one segment;
// each refresh is a new snapshot, whose dictionaries the searches read
// again, and, with Bleve's persister nap of half a second, a segment file
// that its merger merges again. At 200 ms a nap held two or three
// refreshes' segments and wrote them as two files or one: at 20,000
// documents under 50 writes/s Bleve's merges took 4.3 s of serve's CPU in
// 25 s, against 0.8 s with one refresh every 700 ms (BENCHMARKS.md,
// session 6).
const refreshEvery = 600 * time.Millisecond

// SwapLive puts the live collection w in service, and keeps what searches
// see of it up to date as it is written: a write is searchable within
// refreshEvery, its completions within a second (Refresh makes both
// immediate). It returns the live collection it replaces, once no search
// uses it any more, for the caller to close; an index put in service with
// Swap is closed.
func (e *Engine) SwapLive(w *indexer.Live) (*indexer.Live, error) {
	if err := w.Flush(); err != nil { // searches start from every write
		return nil, err
	}
	o := scoring.Options{FacetFields: facetFields, Written: true,
		StatsOf: func(r index.IndexReader) (*scoring.Stats, error) {
			st, err := indexer.ReadStats(r, e.langs)
			if err != nil || st == nil {
				return nil, err
			}
			return &scoring.Stats{Global: st.Global, PerField: st.PerField}, nil
		}}
	backend, err := scoring.New(context.Background(), w.Index(), o)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", w.Generation(), err)
	}
	ws := &writerState{w: w, backend: backend, langs: e.langs, stop: make(chan struct{}), done: make(chan struct{}),
		remake: make(chan struct{}, 1)}
	// The writes between two refreshes reach the index together, at the
	// refresh: one segment and one snapshot for all of them.
	w.DeferBatches()
	changed := w.Changed()
	ws.seen.Store(w.Seq())
	l, err := ws.live(w.Generation())
	if err != nil {
		backend.Retire() // its reader would hold the generation's files open
		return nil, err
	}
	ws.makeView() // searches find completions from the start
	old := e.serve(l)
	go e.follow(ws, changed)
	return e.retireOld(old)
}

// retireOld takes old out of service: a live collection is returned for
// its owner to close, an index is closed.
func (e *Engine) retireOld(old *live) (*indexer.Live, error) {
	if old == nil {
		return nil, nil
	}
	old.retire()
	if ws := old.writer; ws != nil {
		close(ws.stop)
		<-ws.done
		ws.backend.Retire()
		return ws.w, nil
	}
	return nil, old.backend.Close()
}

// live makes what the engine serves of the live collection as its index
// now is (the backend refreshed already).
func (ws *writerState) live(gen indexer.Generation) (*live, error) {
	idx := ws.w.Index()
	st, err := indexer.ReadStats(idx, ws.langs)
	if err != nil {
		return nil, err
	}
	info := Info{Generation: gen}
	if info.Documents, err = idx.DocCount(); err != nil {
		return nil, err
	}
	if info.Build, err = indexer.ReadBuildInfo(idx); err != nil {
		return nil, err
	}
	var present map[string]bool
	if st != nil {
		present = st.Present
	}
	return &live{backend: ws.backend, index: idx, info: info, present: present, writer: ws}, nil
}

// suggester returns the completions of the live collection as last made:
// it never waits for them to be made again. When an embargo has ended
// since, it asks for them to be made again.
func (ws *writerState) suggester() *suggester {
	v := ws.view.Load()
	if !v.until.IsZero() && !time.Now().Before(v.until) {
		ws.askRemake()
	}
	return v.sg
}

func (ws *writerState) askRemake() {
	select {
	case ws.remake <- struct{}{}:
	default: // asked already
	}
}

// makeView makes the completions of the live collection as it is now and
// puts them in service, unless newer ones are there already.
func (ws *writerState) makeView() {
	ws.making.Lock()
	defer ws.making.Unlock()
	src, seq, until := ws.w.SuggestionsAt()
	prev := ws.view.Load()
	if prev != nil && prev.src == src {
		return // the live collection's own cache: nothing changed
	}
	var last *suggester
	if prev != nil {
		last = prev.sg
	}
	ws.publish(&suggestView{sg: newSuggesterFrom(last, src, ws.langs), src: src, seq: seq, at: time.Now(), until: until})
}

// publish puts v in service unless the view there is newer: one made of an
// earlier state never replaces one made of a later.
func (ws *writerState) publish(v *suggestView) bool {
	for {
		cur := ws.view.Load()
		if !v.newer(cur) {
			return false
		}
		if ws.view.CompareAndSwap(cur, v) {
			return true
		}
	}
}

// suggestions makes the completions again when asked (after writes, or
// at the end of an embargo), at most every suggestEvery, until ws is
// taken out of service.
func (ws *writerState) suggestions() {
	for {
		var wake <-chan time.Time
		if until := ws.view.Load().until; !until.IsZero() {
			wake = time.After(time.Until(until))
		}
		select {
		case <-ws.stop:
			return
		case <-ws.remake:
		case <-wake:
		}
		if !ws.waitLargeWrites() {
			return
		}
		ws.makeView()
		select {
		case <-ws.stop:
			return
		case <-time.After(suggestEvery): // let writes in before making them again
		}
	}
}

// largeWritesLag bounds how long completions wait for a series of large
// writes to end (see waitLargeWrites).
const largeWritesLag = 5 * time.Second

// waitLargeWrites waits while large writes come one after the other (a
// bulk upsert sent in requests of many documents), up to largeWritesLag:
// the completions are made once after them, within a second of the last,
// rather than again after each. It reports false where ws was taken out
// of service meanwhile.
func (ws *writerState) waitLargeWrites() bool {
	limit := time.Now().Add(largeWritesLag)
	for {
		d := min(ws.w.LargeWritesFor(), time.Until(limit))
		if d <= 0 {
			return true
		}
		select {
		case <-ws.stop:
			return false
		case <-time.After(d):
		}
	}
}

// follow refreshes what the engine serves of ws after each write, at most
// every refreshEvery, until ws is taken out of service; the completions
// follow, at most every suggestEvery.
func (e *Engine) follow(ws *writerState, changed <-chan struct{}) {
	defer close(ws.done)
	made := make(chan struct{})
	go func() {
		defer close(made)
		ws.suggestions()
	}()
	defer func() { <-made }()
	merged := ws.w.Merged()
	for {
		// A merge of the index's segments (Bleve's, or the tidy once
		// writes stop) is taken in too, writes or not: searches then visit
		// the merged segments, and the reader given up no longer keeps
		// the files merged from on disk (Live.Purge removes them, where
		// no write since has Bleve's persister run again anyway: a bulk's
		// merges cost no purge).
		purge := false
		select {
		case <-ws.stop:
			return
		case <-changed:
		case <-merged:
			purge = true
		}
		select {
		case <-ws.stop:
			return
		case <-time.After(refreshEvery): // let a burst of writes (or merges) in
		}
		changed, merged = ws.w.Changed(), ws.w.Merged()
		var released func()
		if purge {
			since := changed
			released = func() {
				select {
				case <-since: // written since
				default:
					ws.w.Purge() // a failure leaves the files to the next write
				}
			}
		}
		if err := e.refresh(context.Background(), ws, released); err != nil {
			continue // the next write tries again; searches see the last view
		}
		ws.askRemake()
	}
}

// refresh puts in service the live collection ws as it is now, and calls
// released, where not nil, once the view it replaces is let go (see
// scoring.Index.RefreshThen).
func (e *Engine) refresh(ctx context.Context, ws *writerState, released func()) error {
	seq := ws.w.Seq()
	start := time.Now()
	if err := ws.w.Flush(); err != nil {
		return err
	}
	if err := ws.backend.RefreshThen(ctx, released); err != nil {
		return err
	}
	ws.refreshNanos.Add(int64(time.Since(start)))
	ws.refreshes.Add(1)
	cur := e.cur.Load()
	if cur == nil || cur.writer != ws {
		return nil // taken out of service meanwhile
	}
	l, err := ws.live(cur.info.Generation)
	if err != nil {
		return err
	}
	if e.cur.CompareAndSwap(cur, l) {
		cur.retire()
	}
	for {
		s := ws.seen.Load()
		if s >= seq || ws.seen.CompareAndSwap(s, seq) {
			return nil
		}
	}
}

// WrittenView is what the writer of an index served with SwapBackend (the
// OpenSearch collection a server writes) knows of a generation as its
// writes have left it, ahead of what was read when it was put in service.
type WrittenView interface {
	// Suggestions returns what completion offers of gen now; nil: what
	// was read.
	Suggestions(gen indexer.Generation) *indexer.Suggestions
	// Documents returns how many documents gen holds now; false: as read.
	Documents(gen indexer.Generation) (uint64, bool)
}

// FollowWrites makes the engine offer completions, and count documents,
// of an index served with SwapBackend as v says its writes leave them.
func (e *Engine) FollowWrites(v WrittenView) { e.written.Store(&v) }

// WritesRefresher is a backend written by others than the engine (an
// OpenSearch generation the documents API writes to) that can make every
// write applied so far searchable at once.
type WritesRefresher interface {
	RefreshWrites(ctx context.Context) error
}

// Refresh makes every write applied so far to the live collection in
// service searchable, its completions too, before it returns.
func (e *Engine) Refresh(ctx context.Context) error {
	l := e.cur.Load()
	if l == nil {
		return nil
	}
	if l.writer == nil {
		if r, ok := l.backend.(WritesRefresher); ok {
			return r.RefreshWrites(ctx)
		}
		return nil
	}
	if err := e.refresh(ctx, l.writer, nil); err != nil {
		return err
	}
	l.writer.makeView()
	return nil
}
