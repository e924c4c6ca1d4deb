package indexer

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"pressearch/corpus"
)

// Collection is the live collection of a store in the process that writes
// it: the current generation open for writing, which a rebuild, the
// adoption of a generation built from files, or a switch made by another
// process (a rollback) replaces. Writes made while it is replaced wait for
// the new generation; none is lost.
type Collection struct {
	store *Store
	cur   atomic.Pointer[Live]
	mu    sync.Mutex // one replacement at a time
	// serve puts next in service (for searching) and returns the
	// generation it replaces, which the collection then closes.
	serve func(next *Live) (old *Live, err error)
}

// NewCollection returns the collection of store whose current generation
// is open as l; serve is called with each generation that replaces it.
func NewCollection(store *Store, l *Live, serve func(next *Live) (*Live, error)) *Collection {
	c := &Collection{store: store, serve: serve}
	c.cur.Store(l)
	return c
}

// Live returns the generation written now.
func (c *Collection) Live() *Live { return c.cur.Load() }

// switchWait bounds how long a write waits for a new generation.
const switchWait = 30 * time.Second

// Apply writes actions to the current generation (see Live.Apply). A
// write that meets a generation being replaced goes to the new one.
func (c *Collection) Apply(ctx context.Context, actions []corpus.Action, o WriteOptions) ([]Outcome, error) {
	deadline := time.Now().Add(switchWait)
	for {
		l := c.cur.Load()
		out, err := l.Apply(ctx, actions, o)
		if !errors.Is(err, ErrClosed) || time.Now().After(deadline) {
			return out, err
		}
		for c.cur.Load() == l && time.Now().Before(deadline) {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Millisecond): // the switch takes a moment
			}
		}
	}
}

// Rebuild builds a new generation from the documents of the live
// collection, keeping the writes made meanwhile (Store.Rebuild), and puts
// it in service.
func (c *Collection) Rebuild(ctx context.Context) (Summary, error) {
	if !c.mu.TryLock() {
		return Summary{}, ErrBusy
	}
	defer c.mu.Unlock()
	next, sum, err := c.store.Rebuild(ctx, c.cur.Load(), nil)
	if err != nil {
		return Summary{}, err
	}
	return sum, c.replace(next)
}

// Adopt puts sw.Generation, prepared from corpus files, in service
// (Store.Adopt).
func (c *Collection) Adopt(ctx context.Context, sw Switch, replace bool) error {
	if !c.mu.TryLock() {
		return ErrBusy
	}
	defer c.mu.Unlock()
	next, err := c.store.Adopt(ctx, c.cur.Load(), sw, replace)
	if err != nil {
		return err
	}
	return c.replace(next)
}

// replace makes next the generation written and served, and closes the
// one it replaces.
func (c *Collection) replace(next *Live) error {
	old := c.cur.Swap(next)
	served, err := c.serve(next)
	if err != nil {
		return err
	}
	if served == nil {
		served = old
	}
	return served.Close()
}

// Follow switches to the generation another process makes current (a
// rollback), looking every interval, until ctx ends. report is told of a
// generation that cannot be opened.
func (c *Collection) Follow(ctx context.Context, interval time.Duration, report func(gen Generation, err error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	var failed Generation
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		gen, err := c.store.Current()
		if err != nil || gen == failed || gen == c.cur.Load().Generation() {
			continue
		}
		c.mu.Lock()
		if gen == c.cur.Load().Generation() {
			c.mu.Unlock()
			continue
		}
		old := c.cur.Load()
		old.mu.Lock()
		old.closed = true
		old.mu.Unlock()
		next, err := c.store.OpenLive(gen)
		if err != nil {
			old.mu.Lock()
			old.closed = false
			old.mu.Unlock()
			failed = gen
			report(gen, err)
			c.mu.Unlock()
			continue
		}
		if err := c.replace(next); err != nil {
			report(gen, err)
		}
		c.mu.Unlock()
		c.store.Prune(0)
	}
}
