package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"pressearch/corpus"
)

// Collection is the live collection of a store in the process that writes
// it: the current generation open for writing, which a rebuild, the
// adoption of a generation built from files, or a switch made by another
// process (a rollback) replaces. Writes made while it is replaced wait for
// the new generation; none is lost. A replacement that cannot be put in
// service changes nothing, as a failed switch of an Elasticsearch alias:
// the generation written before is served and written on, and, where the
// switch was this process's, current in the store again.
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

// OpenNewest opens the current generation for writing or, where it cannot
// be opened, the newest older one that can, logging why.
func (s *Store) OpenNewest(log *slog.Logger) (*Live, error) {
	gens, err := s.Generations()
	if err != nil {
		return nil, err
	}
	cur, err := s.Current()
	if err != nil {
		return nil, err
	}
	for i := len(gens) - 1; i >= 0; i-- {
		if gens[i] > cur {
			continue
		}
		l, err := s.OpenLive(gens[i])
		if err != nil {
			log.Error("generation refused", "generation", gens[i], "err", err)
			continue
		}
		if gens[i] != cur {
			log.Warn("serving an older generation", "generation", gens[i], "current", cur)
		}
		return l, nil
	}
	return nil, fmt.Errorf("no generation under %s can be opened", s.Dir())
}

// Live returns the generation written now.
func (c *Collection) Live() *Live { return c.cur.Load() }

// switchWait bounds how long a write waits for a new generation.
const switchWait = 30 * time.Second

// Apply writes actions to the current generation (see Live.Apply). A
// write that meets a generation being replaced goes to the new one, or to
// the same one again where the replacement failed.
func (c *Collection) Apply(ctx context.Context, actions []corpus.Action, o WriteOptions) ([]Outcome, error) {
	deadline := time.Now().Add(switchWait)
	for {
		l := c.cur.Load()
		out, err := l.Apply(ctx, actions, o)
		if !errors.Is(err, ErrClosed) || time.Now().After(deadline) {
			return out, err
		}
		for c.cur.Load() == l && l.isClosed() && time.Now().Before(deadline) {
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
	old := c.cur.Load()
	next, sum, err := c.store.Rebuild(ctx, old, nil)
	if err != nil {
		return Summary{}, err
	}
	if err := c.replace(old, next); err != nil {
		return Summary{}, errors.Join(err, c.restore(old), c.store.Discard(sum.Generation))
	}
	return sum, nil
}

// Adopt puts sw.Generation, prepared from corpus files, in service
// (Store.Adopt).
func (c *Collection) Adopt(ctx context.Context, sw Switch, replace bool) error {
	if !c.mu.TryLock() {
		return ErrBusy
	}
	defer c.mu.Unlock()
	old := c.cur.Load()
	next, err := c.store.Adopt(ctx, old, sw, replace)
	if err != nil {
		return err
	}
	if err := c.replace(old, next); err != nil {
		return errors.Join(err, c.restore(old))
	}
	return nil
}

// replace puts next, open for writing, in service in place of old, closed
// to writes for the switch, makes it the generation written, and closes
// the one it replaces. Where next cannot be served, next is closed, old
// is open to writes again and stays the generation written and served,
// and the error is returned.
func (c *Collection) replace(old, next *Live) error {
	served, err := c.put(next)
	if err != nil {
		old.reopen()
		return errors.Join(fmt.Errorf("serving %s: %w", next.Generation(), err), next.Close())
	}
	c.cur.Store(next)
	if served == nil {
		served = old
	}
	return served.Close()
}

// put calls serve with next; a panic is its error, so that a strange
// generation fails the switch rather than leaving it half made.
func (c *Collection) put(next *Live) (old *Live, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%v", v)
		}
	}()
	return c.serve(next)
}

// restore makes old current in the store again after a switch of this
// process away from it failed to put the new generation in service.
func (c *Collection) restore(old *Live) error {
	if err := c.store.restore(old.Generation(), int(old.docCount())); err != nil {
		return fmt.Errorf("making %s current again: %w", old.Generation(), err)
	}
	return nil
}

// Follow switches to the generation another process makes current (a
// rollback), looking every interval, until ctx ends. What it meets is
// logged: a generation that cannot be opened (once, and not tried again
// until another is current; the old one serves on), a failure to remove
// generations no longer kept, a panic (which does not end the server).
func (c *Collection) Follow(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	var refused Generation
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := c.Check(&refused, log); err != nil {
			log.Warn("following the current generation", "err", err)
		}
	}
}

// Check switches to the current generation if it is not the one served,
// and reports whether it did. A generation that will not open is logged,
// kept in *refused and not tried again while it is current; one that
// opens but cannot be served is refused the same way, and is an error. A
// panic while opening or switching is an error, so that a strange
// generation cannot end the server; so is a failure to remove the
// generations the switch leaves unkept.
func (c *Collection) Check(refused *Generation, log *slog.Logger) (switched bool, err error) {
	defer func() {
		if v := recover(); v != nil {
			switched, err = false, fmt.Errorf("following the current generation: %v", v)
		}
	}()
	gen, err := c.store.Current()
	if err != nil {
		return false, err
	}
	if gen == *refused || gen == c.cur.Load().Generation() {
		return false, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.cur.Load()
	if gen == old.Generation() {
		return false, nil
	}
	old.mu.Lock()
	old.closed = true
	old.mu.Unlock()
	next, err := c.store.OpenLive(gen)
	if err != nil {
		old.reopen()
		*refused = gen
		log.Error("new generation refused; still serving the old one",
			"generation", gen, "serving", old.Generation(), "err", err)
		return false, nil
	}
	if err := c.replace(old, next); err != nil {
		// Not tried again while it is current either; the store is
		// left as the process that switched it made it.
		*refused = gen
		return false, fmt.Errorf("switching to %s: %w", gen, err)
	}
	removed, err := c.store.Prune(0)
	for _, g := range removed {
		log.Info("removed a generation no longer kept", "generation", g)
	}
	if err != nil {
		return true, fmt.Errorf("removing old generations: %w", err)
	}
	return true, nil
}
