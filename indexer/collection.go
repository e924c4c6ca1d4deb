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
// kept in *refused and not tried again while it is current. A panic while
// opening or switching is an error, so that a strange generation cannot
// end the server; so is a failure to remove the generations the switch
// leaves unkept.
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
		old.mu.Lock()
		old.closed = false
		old.mu.Unlock()
		*refused = gen
		log.Error("new generation refused; still serving the old one",
			"generation", gen, "serving", old.Generation(), "err", err)
		return false, nil
	}
	if err := c.replace(next); err != nil {
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
