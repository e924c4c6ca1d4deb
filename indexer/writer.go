package indexer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"syscall"
	"time"

	"github.com/blevesearch/bleve/v2"

	"pressearch/corpus"
)

// writerFile is the file of a store whose lock one process holds while it
// writes the live collection: serve for as long as it runs, or a command
// for the length of its write.
const writerFile = "WRITER"

// ErrWriterBusy says another process holds the store's writer lock.
var ErrWriterBusy = errors.New("another process writes this data directory")

// LockWriter takes the store's writer lock without waiting, or fails with
// ErrWriterBusy. The lock goes with the process: a killed writer leaves it
// free.
func (s *Store) LockWriter() (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(s.dir, writerFile), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrWriterBusy
		}
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// WaitWriter takes the store's writer lock, waiting up to limit for the
// process that holds it.
func (s *Store) WaitWriter(ctx context.Context, limit time.Duration) (unlock func(), err error) {
	deadline := time.Now().Add(limit)
	for {
		unlock, err := s.LockWriter()
		if !errors.Is(err, ErrWriterBusy) || time.Now().After(deadline) {
			return unlock, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond): // flock has no timed wait
		}
	}
}

// PaceWrites makes the generations s opens for writing from now on hold
// their writes in memory up to nap before Bleve writes them to a segment
// file (Bleve's advice for unsafe batches): writes that come close
// together become one file, merged in memory, instead of a file, its syncs
// and a merge each, which would slow the writes themselves. The log keeps
// the writes durable meanwhile. For a process that writes for long (serve):
// closing a generation waits up to nap for its last writes to be persisted.
func (s *Store) PaceWrites(nap time.Duration) { s.nap = nap }

// OpenLive opens gen, checked against its manifest the first time, for
// writing, under a lease (no prune removes it while it is open). The
// caller holds the writer lock.
func (s *Store) OpenLive(gen Generation) (*Live, error) {
	dir := s.Path(gen)
	lease, err := s.lease(gen)
	if err != nil {
		return nil, err
	}
	if !isLive(dir) {
		if err := verifyManifest(dir); err != nil {
			lease.Release()
			return nil, fmt.Errorf("%s is damaged: %w", gen, err)
		}
	}
	l, err := openLive(dir, s.nap)
	if err != nil {
		lease.Release()
		return nil, fmt.Errorf("%s: %w", gen, err)
	}
	l.gen, l.lease = gen, lease
	return l, nil
}

// isLive reports whether the generation at dir has been open for writing.
func isLive(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, liveMarker))
	return err == nil
}

// logAhead reports whether the write-ahead log of the generation at dir
// holds writes its index idx has not persisted.
func logAhead(dir string, idx bleve.Index) (bool, error) {
	seq, err := readSeq(idx)
	if err != nil {
		return false, err
	}
	w := &wal{dir: filepath.Join(dir, walDir)}
	files, err := w.files()
	if err != nil || len(files) == 0 {
		return false, err
	}
	ahead := false
	stop := errors.New("stop")
	err = w.read(seq, false, func(*walRecord) error {
		ahead = true
		return stop
	})
	if err != nil && !errors.Is(err, stop) {
		return false, err
	}
	return ahead, nil
}

// recover applies the writes the log of gen holds and its index has not
// persisted, as the writer that died would have.
func (s *Store) recover(gen Generation) error {
	unlock, err := s.LockWriter()
	if err != nil {
		return fmt.Errorf("%s has writes to apply again: %w", gen, err)
	}
	defer unlock()
	l, err := OpenLive(s.Path(gen))
	if err != nil {
		return err
	}
	return l.Close()
}

// Rebuild builds a new generation of the store from the documents of the
// live collection l, as they are stored (after an analyzer change, say),
// while writes to l go on; the writes made meanwhile are applied to the new
// generation too, the last of them while writes wait, and the new
// generation is made current. It returns the new generation open for
// writing; l is closed to writes (Apply answers ErrClosed) and the caller
// closes it once nothing reads it.
func (s *Store) Rebuild(ctx context.Context, l *Live, progress Progress) (*Live, Summary, error) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil, Summary{}, ErrClosed
	}
	// The stored documents read are those of the index: the writes
	// waiting for a flush go to it first.
	if err := l.flushLocked(); err != nil {
		l.mu.Unlock()
		return nil, Summary{}, err
	}
	from := l.seq
	l.pinned, l.pin = true, from // the log keeps every write after from
	r, err := l.reader()
	l.mu.Unlock()
	unpin := func() {
		l.mu.Lock()
		l.pinned = false
		l.mu.Unlock()
	}
	if err != nil {
		unpin()
		return nil, Summary{}, err
	}
	var docs []corpus.Document
	api := map[string]bool{}
	err = eachStoredIn(ctx, r, func(d *corpus.Document, isAPI bool) error {
		docs = append(docs, *d)
		api[d.ID] = isAPI
		return nil
	})
	r.Close()
	if err != nil {
		unpin()
		return nil, Summary{}, err
	}
	sum, err := s.Prepare(ctx, Slice(docs), BuildOptions{Progress: progress, AllowShrink: true,
		build: buildOptions{api: func(id string) bool { return api[id] }, seq: from}})
	if err != nil {
		unpin()
		return nil, Summary{}, err
	}
	next, err := s.OpenLive(sum.Generation)
	if err == nil {
		// Catch up with the writes made during the build while writes go
		// on, then with the last few while they wait.
		err = next.catchUp(ctx, l)
	}
	if err != nil {
		if next != nil {
			next.Close()
		}
		unpin()
		s.Discard(sum.Generation)
		return nil, Summary{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pinned = false
	fail := func(err error) (*Live, Summary, error) {
		next.Close()
		s.Discard(sum.Generation)
		return nil, Summary{}, err
	}
	if err := next.catchUpLocked(ctx, l); err != nil {
		return fail(err)
	}
	sum.Documents = int(next.docCount())
	if err := s.Commit(Switch{Generation: sum.Generation, Documents: sum.Documents, Why: ReasonReindex}); err != nil {
		if cur, cerr := s.Current(); cerr != nil || cur != sum.Generation {
			return fail(err)
		}
		// Current, but the history or the prune failed: go on.
	}
	l.closed = true
	return next, sum, nil
}

// catchUpRounds bounds the rounds of catching up while writes go on: under
// writes as fast as catching up, it would never end; what is left after
// them is applied while writes wait.
const catchUpRounds = 4

// catchUp applies to l the writes old's log holds after l's last one, in
// rounds until it is close behind.
func (l *Live) catchUp(ctx context.Context, old *Live) error {
	for range catchUpRounds {
		old.mu.Lock()
		target := old.seq
		old.mu.Unlock()
		if l.Seq()+catchUpClose >= target {
			return nil
		}
		if err := l.applyLog(ctx, old, target); err != nil {
			return err
		}
	}
	return nil
}

// catchUpClose is how many writes behind catching up may leave for the
// round where writes wait.
const catchUpClose = 8

// catchUpLocked is catchUp with old's lock held: the last writes.
func (l *Live) catchUpLocked(ctx context.Context, old *Live) error {
	if l.Seq() >= old.seq {
		return nil
	}
	return l.applyLog(ctx, old, old.seq)
}

// applyLog applies the writes of old's log after l's last one, up to to.
func (l *Live) applyLog(ctx context.Context, old *Live, to uint64) error {
	stop := errors.New("stop")
	err := old.log.read(l.Seq(), false, func(r *walRecord) error {
		if r.Seq > to {
			return stop
		}
		actions := make([]corpus.Action, len(r.Actions))
		api := false
		for i, a := range r.Actions {
			actions[i] = corpus.Action{Line: i + 1, Doc: a.Doc, Delete: a.Delete}
			api = api || a.API
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		if r.Seq != l.seq+1 {
			return fmt.Errorf("catching up: write %d follows %d", r.Seq, l.seq)
		}
		_, err := l.apply(ctx, actions, WriteOptions{Writer: r.Writer, Corpus: !api}, r.Time)
		return err
	})
	if errors.Is(err, stop) {
		err = nil
	}
	return err
}

func (l *Live) docCount() uint64 {
	n, _ := l.idx.DocCount()
	return n
}

// Generation returns l's generation (0 where it was opened by path).
func (l *Live) Generation() Generation { return l.gen }

// Dropped counts the documents written through the API to the index from
// that the index to does not have as they are in from: what putting to in
// its place would lose.
func Dropped(ctx context.Context, from, to bleve.Index) (int, error) {
	adv, err := to.Advanced()
	if err != nil {
		return 0, err
	}
	nr, err := adv.Reader()
	if err != nil {
		return 0, err
	}
	defer nr.Close()
	fadv, err := from.Advanced()
	if err != nil {
		return 0, err
	}
	r, err := fadv.Reader()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	n := 0
	err = eachStoredIn(ctx, r, func(d *corpus.Document, api bool) error {
		if !api {
			return nil
		}
		doc, err := nr.Document(d.ID)
		if err != nil {
			return err
		}
		if doc == nil {
			n++
			return nil
		}
		same, _, err := storedDocument(doc)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(same, d) {
			n++
		}
		return nil
	})
	return n, err
}

// DropError refuses to put a generation in service that would drop
// documents written through the API.
type DropError struct{ N int }

func (e *DropError) Error() string {
	return fmt.Sprintf("the new generation would drop %d document(s) written through the API (missing from it, or different there); "+
		"add them to the corpus, or replace the collection anyway with --replace", e.N)
}

// Adopt makes sw.Generation, a generation prepared from corpus files, the
// live collection in l's place, unless it would drop documents written to
// l through the API and replace is false (a *DropError). The count and the
// switch happen while writes to l wait, so that none is lost unseen. It
// returns the generation open for writing; l is closed to writes.
func (s *Store) Adopt(ctx context.Context, l *Live, sw Switch, replace bool) (*Live, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, ErrClosed
	}
	// Count against every write, those waiting for a flush too.
	if err := l.flushLocked(); err != nil {
		return nil, err
	}
	next, err := OpenIndex(s.Path(sw.Generation))
	if err != nil {
		return nil, err
	}
	n, err := Dropped(ctx, l.idx, next)
	if err == nil && sw.Documents == 0 {
		var c uint64
		c, err = next.DocCount()
		sw.Documents = int(c)
	}
	next.Close()
	if err != nil {
		return nil, err
	}
	if n > 0 && !replace {
		return nil, &DropError{N: n}
	}
	nl, err := s.OpenLive(sw.Generation)
	if err != nil {
		return nil, err
	}
	if err := s.Commit(sw); err != nil {
		if cur, cerr := s.Current(); cerr != nil || cur != sw.Generation {
			nl.Close()
			return nil, err
		}
	}
	l.closed = true
	return nl, nil
}
