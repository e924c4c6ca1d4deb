package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// A Swapper serves one index at a time: the search engine.
type Swapper interface {
	// Swap makes idx, generation gen, the index served and returns the
	// one it replaces (nil for none), which nothing reads any more. An
	// index it refuses leaves the one served in place.
	Swap(idx bleve.Index, gen Generation) (bleve.Index, error)
}

// A Follower keeps a Swapper serving the store's current generation: it
// opens the generation under a lease, swaps it in, and, when an index run
// in any process makes another current, swaps that in, closes the old one,
// gives up its lease and prunes.
type Follower struct {
	store *Store
	into  Swapper
	log   *slog.Logger

	mu      sync.Mutex
	lease   *Lease     // on the generation served
	refused Generation // the last generation that would not open
}

// Follow returns a Follower that swaps the store's generations into into.
func (s *Store) Follow(into Swapper, log *slog.Logger) *Follower {
	return &Follower{store: s, into: into, log: log}
}

// Serving returns the generation being served, or 0.
func (f *Follower) Serving() Generation {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.lease == nil {
		return 0
	}
	return f.lease.gen
}

// Start serves the current generation or, where it cannot be opened, the
// newest older one that can (logging why).
func (f *Follower) Start() error {
	cur, err := f.store.Current()
	if err != nil {
		return err
	}
	gens, err := f.store.Generations()
	if err != nil {
		return err
	}
	for i := len(gens) - 1; i >= 0; i-- {
		if gens[i] > cur {
			continue
		}
		idx, lease, err := f.store.Serve(gens[i])
		if err != nil {
			f.log.Error("generation refused", "generation", gens[i], "err", err)
			if gens[i] == cur {
				f.mu.Lock()
				f.refused = cur
				f.mu.Unlock()
			}
			continue
		}
		if err := f.swap(idx, lease); err != nil {
			f.log.Error("generation refused", "generation", gens[i], "err", err)
			if gens[i] == cur {
				f.mu.Lock()
				f.refused = cur
				f.mu.Unlock()
			}
			continue
		}
		if gens[i] != cur {
			f.log.Warn("serving an older generation", "generation", gens[i], "current", cur)
		}
		return nil
	}
	return fmt.Errorf("no generation under %s can be opened", f.store.Dir())
}

// Check swaps in the current generation if it is not the one served, and
// reports whether it did. A generation that will not open is logged once
// and not tried again until another becomes current; the old one serves on.
// A panic while opening or swapping it in is an error, so that a strange
// generation cannot end the server.
func (f *Follower) Check() (swapped bool, err error) {
	defer func() {
		if v := recover(); v != nil {
			swapped, err = false, fmt.Errorf("following the current generation: %v", v)
		}
	}()
	cur, err := f.store.Current()
	if err != nil {
		return false, err
	}
	f.mu.Lock()
	same := (f.lease != nil && f.lease.gen == cur) || f.refused == cur
	f.mu.Unlock()
	if same {
		return false, nil
	}
	idx, lease, err := f.store.Serve(cur)
	if err == nil {
		err = f.swap(idx, lease)
	}
	if err != nil {
		f.mu.Lock()
		f.refused = cur
		f.mu.Unlock()
		f.log.Error("new generation refused; still serving the old one",
			"generation", cur, "serving", f.Serving(), "err", err)
		return false, nil
	}
	f.log.Info("serving new generation", "generation", cur)
	removed, err := f.store.Prune(0)
	for _, g := range removed {
		f.log.Info("removed a generation no longer kept", "generation", g)
	}
	return true, err
}

// swap serves idx, under lease, in place of the generation served; the
// old index is closed and its lease given up. When the Swapper refuses
// idx, idx is closed, its lease given up, and the error returned.
func (f *Follower) swap(idx bleve.Index, lease *Lease) error {
	old, err := f.into.Swap(idx, lease.gen)
	if err != nil {
		return errors.Join(err, idx.Close(), lease.Release())
	}
	f.mu.Lock()
	oldLease := f.lease
	f.lease = lease
	f.mu.Unlock()
	var cerr error
	if old != nil {
		cerr = old.Close()
	}
	if err := errors.Join(cerr, oldLease.Release()); err != nil {
		f.log.Warn("closing the generation served before", "generation", oldLease.Generation(), "err", err)
	}
	return nil
}

// Watch checks for a new current generation every interval until ctx
// ends, logging what fails.
func (f *Follower) Watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := f.Check(); err != nil {
			f.log.Warn("following the current generation", "err", err)
		}
	}
}

// Close gives up the lease on the generation served. Call it once the
// Swapper has closed its index.
func (f *Follower) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	err := f.lease.Release()
	f.lease = nil
	return err
}
