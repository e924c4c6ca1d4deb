package indexer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"

	"pressearch/corpus"
)

// Live is a generation open for writing: the live collection. One process
// writes a store at a time (see Store.LockWriter). Each write is validated
// as the loader validates a corpus, appended to the generation's
// write-ahead log and synced, then applied to the index in one Bleve batch
// together with the field statistics it changes; completion's state
// changes with it. A write is searchable once Apply returns, or, where
// batches are deferred (DeferBatches, under a refreshed engine), at the
// next Flush.
//
// Bleve persists its batches in the background (unsafe_batch); the log is
// what makes an acknowledged write durable. When the index has persisted a
// write and the suggestion file has it too, the log lets it go.
type Live struct {
	dir      string
	gen      Generation
	lease    *Lease // held while it is open
	idx      bleve.Index
	scorch   *scorch.Scorch // idx's, where it is one (its merges: Merged)
	mapping  mapping.IndexMapping
	registry *Registry
	text     map[string]bool // the text fields, whose lengths the statistics count
	log      *wal

	// Writes analyzed, waiting to be applied (see Apply).
	qmu   sync.Mutex
	queue []*pendingWrite

	mu        sync.Mutex // one group of writes at a time; guards what follows
	seq       uint64     // the last write applied
	stats     *fieldStats
	sugg      *suggestState // see suggMu
	saved     uint64        // the last write the suggestion file has
	pinned    bool          // the log keeps every write after pin
	pin       uint64
	closed    bool
	changed   chan struct{} // closed and replaced at each write
	mergedMu  sync.Mutex
	merged    chan struct{} // closed and replaced at each merge (Merged)
	persisted atomic.Uint64 // the last write the index has persisted

	// Writes logged (durable) whose Bleve batch waits for the next Flush
	// (see DeferBatches): under mu. indexed is the last write in the
	// index; seq, the last logged, is ahead of it while writes wait.
	deferred bool
	indexed  uint64
	pend     *bleve.Batch
	pendRecs []*walRecord
	overlay  map[string]*old // each id as the waiting writes leave it

	// suggMu guards sugg, which writes change through pending and
	// completion's reads bring up to date (lock order: cacheMu, mu,
	// suggMu, pendMu), and refills.
	suggMu  sync.Mutex
	refills int // times the titles were read again from the index

	pendMu  sync.Mutex
	pending []*walRecord // committed, not yet applied to sugg
	// commits counts commits begun and ended: odd while one is under
	// way, between the index taking its batch and pending its records.
	commits atomic.Uint64

	// Large writes (splitMin actions or more) under way, and when the
	// last one ended (Unix nanoseconds): see LargeWritesFor.
	large    atomic.Int32
	largeEnd atomic.Int64
	// The last write (Unix nanoseconds), and how long after it the index's
	// small segments are merged (see tidyLoop).
	lastWrite atomic.Int64
	tidyAfter atomic.Int64
	stopTidy  chan struct{}

	// cache of what completion offers, by seq and the next embargo's end
	cacheMu    sync.Mutex
	cache      *Suggestions
	cacheSeq   uint64
	cacheUntil time.Time
	cacheAt    time.Time
}

// liveMarker is the file that says a generation has been opened for
// writing: its files are Bleve's to change, and its MANIFEST no longer
// lists them.
const liveMarker = "LIVE"

// boltTimeout bounds how long opening an index waits for the lock of its
// metadata file, which a process writing it holds.
const boltTimeout = "2s"

// ErrHeldForWrites says another process has the generation open for writing.
var ErrHeldForWrites = errors.New("another process has this index open for writing")

// mergePlan, where not nil, is Bleve's merge plan options (its
// mergeplan.MergePlanOptions by field name) for the indexes opened for
// writing from then on; nil: Bleve's defaults. For benchmarks that compare
// plans (BenchmarkWritesRefreshed).
var mergePlan map[string]any

// openBleve opens the index at dir for writing; Bleve's persister waits
// up to nap for more writes before it writes a segment file.
func openBleve(dir string, nap time.Duration) (bleve.Index, error) {
	raiseInMemoryMerge()
	config := map[string]interface{}{
		"unsafe_batch":           true,
		"bolt_timeout":           boltTimeout,
		"scorchPersisterOptions": map[string]any{"PersisterNapTimeMSec": int(nap.Milliseconds())},
		"eventCallbackName":      scorchEvents,
	}
	if mergePlan != nil {
		config["scorchMergePlanOptions"] = mergePlan
	}
	idx, err := bleve.OpenUsing(dir, config)
	if err != nil && strings.Contains(err.Error(), "timeout") {
		return nil, fmt.Errorf("open %s: %w", filepath.Base(dir), ErrHeldForWrites)
	}
	return idx, err
}

// OpenLive opens the index of the generation at dir for writing, applies
// again the writes its log holds that the index had not persisted, and
// returns it ready for more.
func OpenLive(dir string) (*Live, error) { return openLive(dir, 0) }

func openLive(dir string, nap time.Duration) (*Live, error) {
	if err := os.WriteFile(filepath.Join(dir, liveMarker), nil, 0o600); err != nil {
		return nil, err
	}
	idx, err := openBleve(dir, nap)
	if err != nil {
		return nil, err
	}
	l := &Live{dir: dir, idx: idx, mapping: NewMapping(), registry: defaults, text: textFields(defaults),
		changed: make(chan struct{}), merged: make(chan struct{})}
	if err := l.load(); err != nil {
		idx.Close()
		return nil, err
	}
	if adv, err := idx.Advanced(); err == nil {
		if s, ok := adv.(*scorch.Scorch); ok {
			l.scorch = s
			merging.Store(s, l)
			l.tidyAfter.Store(int64(tidyIdle))
			l.stopTidy = make(chan struct{})
			go l.tidyLoop(s, l.stopTidy)
		}
	}
	return l, nil
}

// load reads the statistics, the last write and the suggestion state, and
// replays the log.
func (l *Live) load() error {
	var err error
	if l.seq, err = readSeq(l.idx); err != nil {
		return err
	}
	l.persisted.Store(l.seq)
	l.indexed = l.seq
	l.stats = newFieldStats(l.registry)
	found, err := decodeStats(l.idx, l.stats)
	if err != nil {
		return err
	}
	if !found {
		// A generation from before the statistics were recorded.
		err := eachStored(l.idx, func(d *corpus.Document, api bool) error {
			l.stats.add(prepare(l.mapping, l.registry, l.text, d, api).lengths)
			return nil
		})
		if err != nil {
			return err
		}
	}
	l.sugg, err = readSuggestState(l.dir)
	if errors.Is(err, os.ErrNotExist) {
		// A generation from before the suggestion file: make it from the
		// stored documents, once.
		l.sugg, err = l.rebuildSuggestState()
	}
	if err != nil {
		return err
	}
	if l.sugg.Seq > l.seq {
		return fmt.Errorf("the suggestion file is ahead of the index (%d > %d)", l.sugg.Seq, l.seq)
	}
	l.saved = l.sugg.Seq
	if l.log, err = openWAL(l.dir); err != nil {
		return err
	}
	indexSeq := l.seq
	err = l.log.read(l.sugg.Seq, true, func(r *walRecord) error {
		if r.Seq != l.sugg.Seq+1 {
			return fmt.Errorf("write-ahead log: write %d follows %d", r.Seq, l.sugg.Seq)
		}
		if r.Seq > indexSeq {
			if err := l.replay(r); err != nil {
				return fmt.Errorf("write-ahead log: write %d: %w", r.Seq, err)
			}
		}
		if r.Suggest != nil {
			l.sugg.apply(r.Suggest, r.Seq, r.Time)
		}
		l.sugg.Seq = r.Seq
		return nil
	})
	if err != nil {
		return err
	}
	if l.sugg.Seq != l.seq {
		return fmt.Errorf("write-ahead log ends at write %d, the index is at %d", l.sugg.Seq, l.seq)
	}
	return nil
}

func readSeq(idx bleve.Index) (uint64, error) {
	raw, err := idx.GetInternal(seqKey)
	if err != nil || raw == nil {
		return 0, err
	}
	return strconv.ParseUint(string(raw), 10, 64)
}

// Index returns the index, for searching.
func (l *Live) Index() bleve.Index { return l.idx }

// Dir returns the directory of the generation.
func (l *Live) Dir() string { return l.dir }

// Seq returns the number of the last write applied.
func (l *Live) Seq() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seq
}

// Changed returns a channel closed at the next write.
func (l *Live) Changed() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.changed
}

// Result is what became of one action of a write.
type Result int

// Results of an action.
const (
	Created    Result = iota + 1 // a document that was not there is
	Replaced                     // a document that was there is replaced
	Deleted                      // a document that was there is gone
	NotFound                     // a delete of a document that is not there
	Invalid                      // refused: see Outcome.Reason
	NotApplied                   // good, but an atomic write with a failed action applies nothing
)

// OK reports whether the action was applied.
func (r Result) OK() bool { return r == Created || r == Replaced || r == Deleted }

// Outcome is the result of one action of a write.
type Outcome struct {
	Line   int
	ID     string
	Result Result
	Reason string // why an Invalid action is refused
}

// WriteOptions say how a write is applied.
type WriteOptions struct {
	// Atomic applies every action or, when any fails, none.
	Atomic bool
	// Writer names who writes (the name of the API key), for the log.
	Writer string
	// Corpus marks documents as built from corpus files rather than
	// written through the API (a rebuild's own writes).
	Corpus bool
	// Wait asks for the answer only once the write is searchable
	// (refresh=wait_for). A Live write is in the index as Apply returns
	// (deferred ones are flushed first), and searchable once the engine
	// refreshes its view; a backend whose writes become searchable later
	// (OpenSearch's refresh) waits for them.
	Wait bool
}

// ErrClosed says the live collection was closed (it has been replaced by
// a new generation, or the server is stopping).
var ErrClosed = errors.New("the live collection is closed")

// old is what a write needs of a document already in the index.
type old struct {
	exists  bool
	lengths fieldLengths
	suggest suggestDoc
}

// Apply writes actions to the live collection and returns the outcome of
// each, in order. Refused actions (see corpus.Action.Reason, and deletes
// of ids that are not there) fail alone, unless opts.Atomic, where one
// failure applies nothing. Once Apply returns, what it applied is durable,
// and in the index unless deferred (see DeferBatches).
//
// Writes are analyzed by their callers, at once; those that wait for the
// one before them are then applied together (group commit): in order,
// each with its own outcomes and log record, but in one Bleve batch after
// one sync of the log.
func (l *Live) Apply(ctx context.Context, actions []corpus.Action, opts WriteOptions) ([]Outcome, error) {
	defer func() { l.lastWrite.Store(time.Now().UnixNano()) }()
	if len(actions) >= splitMin {
		defer roomForWrite()()
		l.large.Add(1)
		defer func() {
			l.largeEnd.Store(time.Now().UnixNano())
			l.large.Add(-1)
		}()
	}
	w, err := l.prepareWrite(ctx, actions, opts, time.Time{})
	if err != nil {
		return nil, err
	}
	l.qmu.Lock()
	l.queue = append(l.queue, w)
	l.qmu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	// Unless applied with the writes of another, which held l.mu until
	// it had applied them.
	if !w.taken {
		l.qmu.Lock()
		group := l.queue // w and those queued since
		l.queue = nil
		l.qmu.Unlock()
		now := time.Now()
		for _, g := range group {
			g.taken, g.now = true, now
		}
		l.applyGroup(group)
	}
	if opts.Wait && w.err == nil {
		if err := l.flushLocked(); err != nil {
			return nil, err
		}
	}
	return w.out, w.err
}

// DeferBatches makes the writes that follow wait, logged (durable) and
// answered, for the next Flush (or a write of splitMin documents or more)
// to reach the index, in one Bleve batch for all of them: under steady
// single writes, one segment and one snapshot a refresh of what searches
// see, rather than one a write, each of which every search then visits
// until Bleve merges it. Outcomes, statistics and the log are as without
// it; Seq counts the writes logged. For a live collection whose searches
// are refreshed (search.Engine.SwapLive, which flushes at every refresh);
// a write that asks to wait (WriteOptions.Wait) is flushed before Apply
// returns.
func (l *Live) DeferBatches() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.deferred = true
}

// isClosed reports whether l is closed to writes.
func (l *Live) isClosed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closed
}

// reopen opens l to writes again after a switch away from it, which
// closed it to writes, failed.
func (l *Live) reopen() {
	l.mu.Lock()
	l.closed = false
	l.mu.Unlock()
}

// Flush applies to the index the writes that wait for it (see
// DeferBatches), in one batch. A failure closes the live collection: the
// log has the writes, applied again when it is next opened.
func (l *Live) Flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.flushLocked()
}

// flushLocked is Flush under l.mu.
func (l *Live) flushLocked() error {
	if l.pend == nil || l.idx == nil {
		return nil
	}
	batch, recs := l.pend, l.pendRecs
	l.pend, l.pendRecs, l.overlay = nil, nil, nil
	l.commits.Add(1) // odd: under way
	defer l.commits.Add(1)
	if err := l.applyBatch(batch, l.seq, l.stats); err != nil {
		l.closed = true
		return fmt.Errorf("writes logged, not indexed (applied again at the next open): %w", err)
	}
	l.pendMu.Lock()
	l.pending = append(l.pending, recs...)
	l.pendMu.Unlock()
	l.releaseLog()
	return nil
}

// pendingWrite is one write to the live collection, analyzed, until it is
// applied.
type pendingWrite struct {
	ctx     context.Context
	actions []corpus.Action
	opts    WriteOptions
	preps   map[int]prepared // by action, for the documents written
	logged  map[int][]byte   // by action: its walAction encoded, where it was
	// words, where not nil, counts the words of every document of preps
	// (each once, as suggestDelta.add does), worked out on the workers
	// that analyzed them rather than one document after the other under
	// the writers' lock.
	words *suggestDelta
	now   time.Time // when it is applied
	taken bool      // applied in a group (under mu)
	out   []Outcome
	err   error
}

// prepareWrite analyzes the documents of actions that are not refused
// already, on every core when there are many.
func (l *Live) prepareWrite(ctx context.Context, actions []corpus.Action, opts WriteOptions, now time.Time) (*pendingWrite, error) {
	w := &pendingWrite{ctx: ctx, actions: actions, opts: opts, now: now, preps: map[int]prepared{}}
	var at []int
	for i := range actions {
		if a := &actions[i]; a.Reason == "" && a.Doc != nil {
			at = append(at, i)
		}
	}
	switch len(at) {
	case 0:
	case 1:
		p := prepare(l.mapping, l.registry, l.text, actions[at[0]].Doc, !opts.Corpus)
		if p.err != nil {
			return nil, p.err
		}
		w.preps[at[0]] = p
	default:
		if err := l.prepareMany(ctx, w, at); err != nil {
			return nil, err
		}
	}
	return w, ctx.Err()
}

// prepareChunk is how many documents a worker of prepareMany takes at a
// time.
const prepareChunk = 16

// prepareMany analyzes the documents of w's actions at, on every core.
// Each worker also encodes the documents it analyzed as the log writes
// them and counts their words for completion: work that was done one
// document after the other under the writers' lock, while the other cores
// waited (a tenth of a bulk request's time).
func (l *Live) prepareMany(ctx context.Context, w *pendingWrite, at []int) error {
	api := !w.opts.Corpus
	preps := make([]prepared, len(at))
	logged := make([][]byte, len(at))
	workers := min(runtime.GOMAXPROCS(0), (len(at)+prepareChunk-1)/prepareChunk)
	sums := make([]*suggestDelta, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	for k := range workers {
		wg.Go(func() {
			keys := takeSuggestKeys() // this worker's
			defer keepSuggestKeys(keys)
			sum := &suggestDelta{}
			sums[k] = sum
			for ctx.Err() == nil {
				from := int(next.Add(prepareChunk)) - prepareChunk
				if from >= len(at) {
					return
				}
				for i := from; i < min(from+prepareChunk, len(at)); i++ {
					d := w.actions[at[i]].Doc
					p := prepareKeyed(l.mapping, l.registry, l.text, d, api, keys)
					preps[i] = p
					if p.err != nil {
						continue
					}
					sum.words(p.suggest.words, 1)
					if raw, err := json.Marshal(walAction{Doc: d, API: api}); err == nil {
						logged[i] = raw
					}
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	w.logged = make(map[int][]byte, len(at))
	for i, p := range preps {
		if p.err != nil {
			return p.err
		}
		w.preps[at[i]] = p
		if logged[i] != nil {
			w.logged[at[i]] = logged[i]
		}
	}
	w.words = sums[0]
	for _, s := range sums[1:] {
		w.words.merge(s)
	}
	return nil
}

// apply applies one write, analyzed and with its time, now. Under l.mu.
func (l *Live) apply(ctx context.Context, actions []corpus.Action, opts WriteOptions, now time.Time) ([]Outcome, error) {
	w, err := l.prepareWrite(ctx, actions, opts, now)
	if err != nil {
		return nil, err
	}
	l.applyGroup([]*pendingWrite{w})
	return w.out, w.err
}

// applyGroup applies the writes of group, in order, setting the outcome or
// error of each. Under l.mu.
func (l *Live) applyGroup(group []*pendingWrite) {
	fail := func(err error) {
		for _, w := range group {
			w.out, w.err = nil, err
		}
	}
	if l.closed {
		fail(ErrClosed)
		return
	}
	docs := 0
	for _, w := range group {
		docs += len(w.actions)
	}
	// Small writes wait for the next flush where batches are deferred;
	// a large one goes to the index at once, after those that wait.
	deferring := l.deferred && docs < splitMin
	if !deferring {
		if err := l.flushLocked(); err != nil {
			fail(err)
			return
		}
	}
	reader, err := l.reader()
	if err != nil {
		fail(err)
		return
	}
	defer reader.Close()
	// Which of the group's ids the index has, all at once: most ids of a
	// bulk request are new, and reading each one's stored document tried
	// every segment of the index for it, one id after the other.
	var ids []string
	for _, w := range group {
		for i := range w.actions {
			if id := w.actions[i].ID(); id != "" {
				ids = append(ids, id)
			}
		}
	}
	present, err := l.present(reader, ids)
	if err != nil {
		fail(err)
		return
	}
	// What each id is as the writes before apply them: the stored
	// document, until a write (of the group, or waiting for a flush)
	// changes it.
	applied := map[string]*old{}
	batch := l.newSplitBatch()
	if deferring {
		applied = maps.Clone(l.overlay)
		if applied == nil {
			applied = map[string]*old{}
		}
		batch = &splitBatch{deferred: true}
	}
	stats := l.stats.clone()
	var recs []*walRecord
	var done []*pendingWrite
	for _, w := range group {
		if err := w.ctx.Err(); err != nil {
			w.err = err // out of time before it was applied: nothing is
			continue
		}
		rec, err := l.plan(w, reader, present, applied, stats, batch, l.seq+uint64(len(recs))+1)
		if err != nil {
			// The state of the group is not known to be right any more:
			// apply none of it.
			fail(err)
			return
		}
		if rec != nil {
			recs = append(recs, rec)
			done = append(done, w)
		}
	}
	if len(recs) == 0 {
		return
	}
	if deferring {
		if err := l.commitDeferred(batch.ops, recs, stats, applied); err != nil {
			for _, w := range done {
				w.out, w.err = nil, err
			}
		}
		return
	}
	if err := l.commit(batch, recs, stats); err != nil {
		for _, w := range done {
			w.out, w.err = nil, err
		}
	}
}

// plan works out the outcomes of w's actions, given the state that the
// writes before it in the group leave (applied, stats), and adds what it
// changes to batch, applied and stats. It returns w's log record as write
// seq, or nil where w applies nothing.
func (l *Live) plan(w *pendingWrite, reader index.IndexReader, present map[string]bool, applied map[string]*old, stats *fieldStats, batch *splitBatch, seq uint64) (*walRecord, error) {
	actions := w.actions
	lookupIn := func(m map[string]*old, id string) (*old, error) {
		if o, ok := m[id]; ok {
			return o, nil
		}
		if o, ok := applied[id]; ok {
			return o, nil
		}
		o := &old{}
		var err error
		if has, known := present[id]; !known || has {
			o, err = l.stored(reader, id)
		}
		if err == nil {
			applied[id] = o // as the index has it: the same for every write after
		}
		return o, err
	}
	corpus.CheckActions(actions, func(id string) bool {
		if o, ok := applied[id]; ok {
			return o.exists
		}
		if has, known := present[id]; known {
			return has
		}
		return l.has(reader, id)
	})
	out := make([]Outcome, len(actions))
	// What each id is as the actions before apply them.
	current := map[string]*old{}
	failed := false
	var good []int
	for i := range actions {
		a := &actions[i]
		out[i] = Outcome{Line: a.Line, ID: a.ID(), Reason: a.Reason}
		if a.Reason != "" {
			out[i].Result = Invalid
			failed = true
			continue
		}
		o, err := lookupIn(current, a.ID())
		if err != nil {
			return nil, err
		}
		switch {
		case a.Doc == nil && !o.exists:
			out[i].Result = NotFound
			failed = true
			continue
		case a.Doc == nil:
			out[i].Result = Deleted
			current[a.ID()] = &old{}
		case o.exists:
			out[i].Result = Replaced
			current[a.ID()] = &old{exists: true}
		default:
			out[i].Result = Created
			current[a.ID()] = &old{exists: true}
		}
		good = append(good, i)
	}
	w.out = out
	if len(good) == 0 {
		return nil, nil
	}
	if failed && w.opts.Atomic {
		for _, i := range good {
			out[i].Result = NotApplied
		}
		return nil, nil
	}
	// The changes, in order, to the statistics and completion.
	delta := &suggestDelta{}
	if w.words != nil {
		// The words of every document analyzed, counted already: those
		// not written are taken out again below.
		delta.DF, delta.Forms = w.words.DF, w.words.Forms
		w.words = nil
	}
	counted := delta.DF != nil
	written := make(map[int]bool, len(good))
	rec := &walRecord{Seq: seq, Time: w.now, Writer: w.opts.Writer, Suggest: delta}
	for _, i := range good {
		a := &actions[i]
		o, err := lookupIn(nil, a.ID())
		if err != nil {
			return nil, err
		}
		if o.exists {
			stats.remove(o.lengths)
			delta.remove(o.suggest)
		}
		if a.Doc == nil {
			batch.delete(a.Delete)
			rec.Actions = append(rec.Actions, walAction{Delete: a.Delete})
			applied[a.ID()] = &old{}
			continue
		}
		p, ok := w.preps[i]
		if !ok {
			return nil, fmt.Errorf("document %s was not analyzed", a.ID())
		}
		stats.add(p.lengths)
		if counted {
			delta.come(p.suggest, w.now)
			written[i] = true
		} else {
			delta.add(p.suggest, w.now)
		}
		if err := batch.index(p.doc); err != nil {
			return nil, err
		}
		rec.Actions = append(rec.Actions, walAction{Doc: a.Doc, API: !w.opts.Corpus, raw: w.logged[i]})
		applied[a.ID()] = &old{exists: true, lengths: p.lengths, suggest: p.suggest}
	}
	if counted {
		for i, p := range w.preps {
			if !written[i] {
				delta.words(p.suggest.words, -1)
			}
		}
	}
	if len(actions) < splitMin {
		// A document replaced leaves most of its words' counts as they
		// were: the log holds those that change, and completion looks
		// at no other.
		delta.net()
	}
	return rec, nil
}

// splitBatch is the Bleve batch of a group of writes in parts by id, one
// a core: Bleve makes the segment of a batch on one goroutine, which for a
// large write left the other cores idle. A group whose batch waits for the
// next flush (deferred) only lists its actions (ops), for the flush's one
// batch to take once the log has them.
type splitBatch struct {
	parts    []*bleve.Batch
	deferred bool
	ops      []batchOp
}

// batchOp is an action of a deferred batch: doc indexed, or id deleted
// where doc is nil.
type batchOp struct {
	id  string
	doc *document.Document
}

// index adds doc to the batch.
func (b *splitBatch) index(doc *document.Document) error {
	if b.deferred {
		if doc.ID() == "" {
			return bleve.ErrorEmptyID
		}
		b.ops = append(b.ops, batchOp{id: doc.ID(), doc: doc})
		return nil
	}
	return b.part(doc.ID()).IndexAdvanced(doc)
}

// delete adds the deletion of id to the batch.
func (b *splitBatch) delete(id string) {
	if b.deferred {
		b.ops = append(b.ops, batchOp{id: id})
		return
	}
	b.part(id).Delete(id)
}

func (l *Live) newSplitBatch() *splitBatch {
	b := &splitBatch{parts: make([]*bleve.Batch, runtime.GOMAXPROCS(0))}
	for i := range b.parts {
		b.parts[i] = l.idx.NewBatch()
	}
	return b
}

// part returns the part that takes the actions on id: all of them, so
// that the last one wins as in one batch.
func (b *splitBatch) part(id string) *bleve.Batch {
	if len(b.parts) == 1 {
		return b.parts[0]
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	return b.parts[h.Sum32()%uint32(len(b.parts))]
}

// splitMin is the fewest documents a group of writes indexes in parts: a
// large write. A variable for tests, which lower it to make large writes
// of a few documents.
var splitMin = 200

// Bleve's persister merges the segments written since its last pass into
// one file when there are at least scorch.DefaultMinSegmentsForInMemoryMerge
// of them (2), else writes each as it is: for a large write, the parts'
// segments, made on every core, were encoded once more on one core right
// after (6.5% of serve's CPU in a bulk upsert at 20,000 documents), and
// merged again later with the other writes' segments all the same. With
// one more than there are parts, a large write's parts are written as they
// are; the merger merges them with the rest. Writes of a document or a few
// that come close together (single PUTs within a persister nap) are still
// merged in memory, as soon as there are more of them than parts. Bleve
// has it only as a package variable, which its persister reads as it
// runs: it is raised once, before the first index opens for writing
// (openBleve); Bleve's default batches, persisted one at a time, do not
// reach it.
var raiseInMemoryMerge = sync.OnceFunc(func() {
	scorch.DefaultMinSegmentsForInMemoryMerge = max(scorch.DefaultMinSegmentsForInMemoryMerge, runtime.GOMAXPROCS(0)+1)
})

// errPartly says that some parts of a split batch were applied and others
// not: the index holds part of the writes that the log has.
var errPartly = errors.New("part of the writes applied")

// applySplit applies b, with the statistics and write number, as one batch
// where it is small; else its parts at once, then the statistics and write
// number alone, so that an index that has persisted them has persisted
// every part.
func (l *Live) applySplit(b *splitBatch, seq uint64, stats *fieldStats) error {
	n := 0
	for _, p := range b.parts {
		n += p.Size()
	}
	if n < splitMin || len(b.parts) == 1 {
		one := b.parts[0]
		for _, p := range b.parts[1:] {
			one.Merge(p)
		}
		return l.applyBatch(one, seq, stats)
	}
	errs := make([]error, len(b.parts))
	var wg sync.WaitGroup
	for i, p := range b.parts {
		if p.Size() > 0 {
			wg.Go(func() { errs[i] = l.idx.Batch(p) })
		}
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: %w", errPartly, err)
	}
	return l.applyBatch(l.idx.NewBatch(), seq, stats)
}

// commit logs recs, then applies batch with the new statistics, and makes
// them the live collection's.
func (l *Live) commit(batch *splitBatch, recs []*walRecord, stats *fieldStats) error {
	off, err := l.log.append(recs...)
	if err != nil {
		return fmt.Errorf("write-ahead log: %w", err)
	}
	last := recs[len(recs)-1].Seq
	l.commits.Add(1) // odd: under way
	defer l.commits.Add(1)
	if err := l.applySplit(batch, last, stats); err != nil {
		if errors.Is(err, errPartly) {
			// The log has the writes; applied again from it when the
			// index is next opened, they will be whole. Until then,
			// acknowledge nothing more.
			l.closed = true
			return err
		}
		if terr := l.log.truncate(off); terr != nil {
			// The log holds writes the index refused; close rather than
			// acknowledge anything more.
			l.closed = true
			return fmt.Errorf("%v; and taking it back from the log: %v", err, terr)
		}
		return err
	}
	// Completion's state takes the writes when it is next read: a write
	// never waits for completion's reads, which go over every word.
	l.pendMu.Lock()
	l.pending = append(l.pending, recs...)
	l.pendMu.Unlock()
	l.releaseLog()
	return nil
}

// commitDeferred logs recs, then adds their actions (ops) to the writes
// that wait for the next flush, with the new statistics and what each id
// written is (applied).
func (l *Live) commitDeferred(ops []batchOp, recs []*walRecord, stats *fieldStats, applied map[string]*old) error {
	if _, err := l.log.append(recs...); err != nil {
		return fmt.Errorf("write-ahead log: %w", err)
	}
	if l.pend == nil {
		l.pend = l.idx.NewBatch()
	}
	// Added to the waiting batch one by one: Bleve's Batch.Merge works out
	// the size of every document the batch holds at each merge, which
	// made the writes of a flush cost the square of their number.
	for _, op := range ops {
		if op.doc == nil {
			l.pend.Delete(op.id)
		} else if err := l.pend.IndexAdvanced(op.doc); err != nil {
			return err // not met: splitBatch.index refused an empty id, Bleve's one refusal
		}
	}
	l.pendRecs = append(l.pendRecs, recs...)
	l.overlay = applied
	l.stats, l.seq = stats, recs[len(recs)-1].Seq
	l.signal()
	return nil
}

// signal closes the channel Changed returned, for a new one.
func (l *Live) signal() {
	close(l.changed)
	l.changed = make(chan struct{})
}

// drain applies to completion's state the writes committed since it was
// last read. Under suggMu.
func (l *Live) drain() {
	l.pendMu.Lock()
	recs := l.pending
	l.pending = nil
	l.pendMu.Unlock()
	for _, rec := range recs {
		if rec.Suggest != nil {
			l.sugg.apply(rec.Suggest, rec.Seq, rec.Time)
		}
		l.sugg.Seq = rec.Seq
	}
}

// applyBatch applies batch, with the statistics and write number, to the
// index and to the live collection's state.
func (l *Live) applyBatch(batch *bleve.Batch, seq uint64, stats *fieldStats) error {
	if err := addInternals(batch, stats, seq); err != nil {
		return err
	}
	batch.SetPersistedCallback(func(err error) {
		if err == nil {
			for {
				cur := l.persisted.Load()
				if cur >= seq || l.persisted.CompareAndSwap(cur, seq) {
					return
				}
			}
		}
	})
	if err := l.idx.Batch(batch); err != nil {
		return err
	}
	l.indexed = seq
	if seq > l.seq {
		// A write applied as it is logged; a flush of deferred writes
		// (seq, the last logged) has had its statistics and signal.
		l.stats, l.seq = stats, seq
		l.signal()
	}
	return nil
}

// replay applies a logged write to the index again, as it was applied the
// first time: the index is as it was then.
func (l *Live) replay(r *walRecord) error {
	reader, err := l.reader()
	if err != nil {
		return err
	}
	defer reader.Close()
	stats := l.stats.clone()
	batch := l.idx.NewBatch()
	current := map[string]*old{}
	for _, a := range r.Actions {
		id := a.Delete
		if a.Doc != nil {
			id = a.Doc.ID
		}
		o, ok := current[id]
		if !ok {
			if o, err = l.stored(reader, id); err != nil {
				return err
			}
		}
		if o.exists {
			stats.remove(o.lengths)
		}
		if a.Doc == nil {
			batch.Delete(id)
			current[id] = &old{}
			continue
		}
		p := prepare(l.mapping, l.registry, l.text, a.Doc, a.API)
		if p.err != nil {
			return p.err
		}
		stats.add(p.lengths)
		if err := batch.IndexAdvanced(p.doc); err != nil {
			return err
		}
		current[id] = &old{exists: true, lengths: p.lengths}
	}
	return l.applyBatch(batch, r.Seq, stats)
}

// releaseLog lets the log go of what the index has persisted and the
// suggestion file has.
func (l *Live) releaseLog() {
	keep := min(l.persisted.Load(), l.saved)
	if l.pinned {
		keep = min(keep, l.pin)
	}
	l.log.release(keep)
}

func (l *Live) reader() (index.IndexReader, error) {
	adv, err := l.idx.Advanced()
	if err != nil {
		return nil, err
	}
	return adv.Reader()
}

// has reports whether the index has a document id.
func (l *Live) has(r index.IndexReader, id string) bool {
	tfr, err := r.TermFieldReader(context.Background(), []byte(id), "_id", false, false, false)
	if err != nil {
		return false
	}
	defer tfr.Close()
	return tfr.Count() > 0
}

// present reports, for each of ids, whether the index has it.
func (l *Live) present(r index.IndexReader, ids []string) (map[string]bool, error) {
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = false
	}
	if len(ids) == 0 {
		return out, nil
	}
	dr, err := r.DocIDReaderOnly(ids)
	if err != nil {
		return nil, err
	}
	defer dr.Close()
	for {
		iid, err := dr.Next()
		if err != nil || iid == nil {
			return out, err
		}
		id, err := r.ExternalID(iid)
		if err != nil {
			return nil, err
		}
		out[id] = true
	}
}

// stored reads what a write needs of the document id as the index has it.
func (l *Live) stored(r index.IndexReader, id string) (*old, error) {
	doc, err := r.Document(id)
	if err != nil || doc == nil {
		return &old{}, err
	}
	d, lengths, err := storedDocument(doc)
	if err != nil {
		return nil, err
	}
	if lengths == nil {
		// A document written before lengths were stored: analyze it
		// again, as it was analyzed then.
		lengths = prepare(l.mapping, l.registry, l.text, d, false).lengths
	}
	return &old{exists: true, lengths: lengths, suggest: newSuggestDoc(l.registry.For(d.Lang), d, d.Title, d.Body)}, nil
}

// storedDocument turns a document as the index stores it back into the
// corpus document it was made from, with its field lengths (nil where the
// index did not store them).
func storedDocument(doc index.Document) (*corpus.Document, fieldLengths, error) {
	d := &corpus.Document{ID: doc.ID()}
	var lengths fieldLengths
	var err error
	texts := map[string]string{}
	doc.VisitFields(func(f index.Field) {
		switch v := f.(type) {
		case index.TextField:
			switch name := f.Name(); name {
			case FieldRelated:
				d.Related = append(d.Related, v.Text())
			case FieldLengths:
				lengths, err = parseLengths(v.Text())
			default:
				texts[name] = v.Text()
			}
		case index.DateTimeField:
			t, _, derr := v.DateTime()
			if derr != nil {
				return
			}
			switch f.Name() {
			case FieldDate:
				d.Date = t.UTC().Format(corpus.DateLayout)
			case FieldPublishAt:
				d.PublishAt = t.UTC().Format(time.RFC3339Nano)
			}
		}
	})
	if err != nil {
		return nil, nil, fmt.Errorf("document %s: %w", d.ID, err)
	}
	d.Lang = texts[FieldLang]
	d.Kind = texts[FieldKind]
	d.Source = texts[FieldSource]
	d.URL = texts[FieldURL]
	d.TranslationOf = texts[FieldTranslationOf]
	key := AnalysisFor(d.Lang).Key
	d.Title, d.Body = texts[TitleField(key)], texts[BodyField(key)]
	return d, lengths, nil
}

// largeWritesQuiet is how long after a large write the next one is taken
// to be on its way: a client that sends a bulk upsert in requests one
// after the other sends the next well within it.
const largeWritesQuiet = 250 * time.Millisecond

// LargeWritesFor returns how long, from now, large writes (bulk requests
// of many documents) are expected to go on: while one is under way, and
// until largeWritesQuiet after the last one ended; 0 where none came
// lately. Each large write changes the counts of tens of thousands of
// words; completions made after every one of a series would be made again
// at once (a twentieth of a bulk upsert's CPU at 100,000 documents), so
// their maker may wait for the series to end.
func (l *Live) LargeWritesFor() time.Duration { return l.largeWritesFor(time.Now()) }

func (l *Live) largeWritesFor(now time.Time) time.Duration {
	if l.large.Load() > 0 {
		return largeWritesQuiet
	}
	end := l.largeEnd.Load()
	if end == 0 {
		return 0
	}
	return max(0, time.Unix(0, end).Add(largeWritesQuiet).Sub(now))
}

// suggestEvery is how often, at most, completion is worked out again while
// writes go on (from the last one and the words written since, where it
// can; from every word of the collection where it cannot), and what it
// offers may lag the writes by this much.
const suggestEvery = 500 * time.Millisecond

// Suggestions returns what completion offers now, as of the writes of the
// last suggestEvery at the latest.
func (l *Live) Suggestions() *Suggestions {
	s, _, _ := l.suggestions(false)
	return s
}

// SuggestionsNow returns what completion offers now, after every write.
func (l *Live) SuggestionsNow() *Suggestions {
	s, _, _ := l.suggestions(true)
	return s
}

// SuggestionsAt returns what completion offers now, after every write,
// with the number of the last write it includes and the moment it changes
// with no write (an embargo ends; zero: none).
func (l *Live) SuggestionsAt() (s *Suggestions, seq uint64, until time.Time) {
	return l.suggestions(true)
}

func (l *Live) suggestions(now bool) (*Suggestions, uint64, time.Time) {
	// Completion's reads take suggMu, never the writers' mu, so that
	// none waits for the writes queued before it.
	t := time.Now()
	l.cacheMu.Lock()
	defer l.cacheMu.Unlock()
	l.suggMu.Lock()
	defer l.suggMu.Unlock()
	l.drain()
	if c := l.cache; c != nil && (l.cacheUntil.IsZero() || t.Before(l.cacheUntil)) &&
		(l.cacheSeq == l.sugg.Seq || !now && t.Sub(l.cacheAt) < suggestEvery) {
		return c, l.cacheSeq, l.cacheUntil
	}
	if l.sugg.needsTitles() {
		if err := l.refillTitles(); err != nil {
			return &Suggestions{}, 0, time.Time{}
		}
		// Else a write was being committed: the titles stay short until
		// the next write.
	}
	s := l.sugg.visible(t)
	l.cacheSeq, l.cacheUntil, l.cacheAt = l.sugg.Seq, l.sugg.nextRelease(t), t
	l.cache = s
	return s, l.cacheSeq, l.cacheUntil
}

// refillTitles reads the suggested titles again from the index, when a
// listed document left a full list, unless a write is being committed.
// Under suggMu.
func (l *Live) refillTitles() error {
	l.refills++
	// The index must be at the write the state is at, no commit under
	// way: a document in the index whose write completion has not taken
	// yet would be listed twice.
	gen := l.commits.Load()
	if gen%2 == 1 {
		return nil
	}
	l.drain()
	titles, err := firstTitles(l.idx, l.sugg.Embargo)
	if err != nil || l.commits.Load() != gen {
		return err
	}
	l.sugg.Titles, l.sugg.Short = titles, false
	return nil
}

// firstTitles reads from idx the first keptTitles titles of the
// documents that are not among those written under embargo.
func firstTitles(idx bleve.Index, embargo map[string]*embargoEntry) ([]titleEntry, error) {
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), keptTitles()+len(embargo), 0, false)
	req.Fields = []string{FieldLang, FieldDate}
	for _, a := range defaults.analyses {
		req.Fields = append(req.Fields, TitleField(a.Key))
	}
	req.SortByCustom(bsearch.SortOrder{
		&bsearch.SortField{Field: FieldDate, Desc: true, Type: bsearch.SortFieldAsDate, Missing: bsearch.SortFieldMissingLast},
		&bsearch.SortDocID{},
	})
	res, err := idx.Search(req)
	if err != nil {
		return nil, err
	}
	var out []titleEntry
	for _, h := range res.Hits {
		if _, ok := embargo[h.ID]; ok || len(out) == keptTitles() {
			continue
		}
		lang, _ := h.Fields[FieldLang].(string)
		title, _ := h.Fields[TitleField(AnalysisFor(lang).Key)].(string)
		date, _ := h.Fields[FieldDate].(string)
		if len(date) > len(corpus.DateLayout) {
			date = date[:len(corpus.DateLayout)]
		}
		out = append(out, titleEntry{ID: h.ID, Date: date, Title: title})
	}
	return out, nil
}

// saveSuggestions writes the suggestion state to its file, so that the
// log can let go of what it holds.
func (l *Live) saveSuggestions() error {
	l.mu.Lock()
	if l.saved == l.indexed {
		l.mu.Unlock()
		return nil
	}
	l.suggMu.Lock()
	l.drain()
	raw, err := json.Marshal(l.sugg)
	seq := l.sugg.Seq // the writes in the index, not those waiting for it
	l.suggMu.Unlock()
	l.mu.Unlock()
	if err != nil {
		return err
	}
	var s suggestState
	if err := json.Unmarshal(raw, &s); err != nil {
		return err
	}
	if err := writeSuggestState(l.dir, &s); err != nil {
		return err
	}
	l.mu.Lock()
	l.saved = seq
	l.releaseLog()
	l.mu.Unlock()
	return nil
}

// rebuildSuggestState makes the suggestion state of the index from its
// stored documents.
func (l *Live) rebuildSuggestState() (*suggestState, error) {
	b := newSuggestBuilder(time.Now())
	err := eachStored(l.idx, func(d *corpus.Document, _ bool) error {
		b.add(newSuggestDoc(l.registry.For(d.Lang), d, d.Title, d.Body))
		return nil
	})
	if err != nil {
		return nil, err
	}
	s := b.state()
	s.Seq = l.seq
	return s, nil
}

// eachStored calls f with every document of idx as it was written, and
// whether it was written through the API.
func eachStored(idx bleve.Index, f func(d *corpus.Document, api bool) error) error {
	adv, err := idx.Advanced()
	if err != nil {
		return err
	}
	r, err := adv.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	return eachStoredIn(context.Background(), r, f)
}

func eachStoredIn(ctx context.Context, r index.IndexReader, f func(d *corpus.Document, api bool) error) error {
	api := map[string]bool{}
	tfr, err := r.TermFieldReader(ctx, []byte(WrittenAPI), FieldWritten, false, false, false)
	if err != nil {
		return err
	}
	for {
		tfd, err := tfr.Next(nil)
		if err != nil {
			tfr.Close()
			return err
		}
		if tfd == nil {
			break
		}
		id, err := r.ExternalID(tfd.ID)
		if err != nil {
			tfr.Close()
			return err
		}
		api[id] = true
	}
	tfr.Close()
	all, err := r.DocIDReaderAll()
	if err != nil {
		return err
	}
	defer all.Close()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		iid, err := all.Next()
		if err != nil {
			return err
		}
		if iid == nil {
			return nil
		}
		id, err := r.ExternalID(iid)
		if err != nil {
			return err
		}
		doc, err := r.Document(id)
		if err != nil {
			return err
		}
		if doc == nil {
			continue
		}
		d, _, err := storedDocument(doc)
		if err != nil {
			return err
		}
		if err := f(d, api[id]); err != nil {
			return err
		}
	}
}

// flushWait is how long Close waits for Bleve to persist the last writes.
const flushWait = 10 * time.Second

// Close waits (a while) for the index to persist the writes applied,
// writes the suggestion file, lets the log go of what both have, and
// closes the index. What the index has not persisted by then is in the
// log, for the next open.
func (l *Live) Close() error {
	l.mu.Lock()
	if l.closed && l.idx == nil {
		l.mu.Unlock()
		return nil
	}
	ferr := l.flushLocked() // on failure, the log keeps them
	l.closed = true
	seq := l.indexed
	l.mu.Unlock()
	deadline := time.Now().Add(flushWait)
	for l.persisted.Load() < seq && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond) // Bleve's persister reports through a callback; poll it
	}
	serr := l.saveSuggestions()
	l.mu.Lock()
	defer l.mu.Unlock()
	if serr == nil && ferr == nil && l.persisted.Load() >= l.seq && l.saved >= l.seq && !l.pinned {
		serr = l.log.reset()
	}
	l.log.close()
	if l.stopTidy != nil {
		close(l.stopTidy)
	}
	err := l.idx.Close()
	if l.scorch != nil {
		merging.Delete(l.scorch)
	}
	l.idx = nil
	// Closed, the generation may be pruned: give its lease up.
	return errors.Join(err, ferr, serr, l.lease.Release())
}
