package opensearch

import (
	"context"
	"log/slog"
	"time"

	"pressearch/indexer"
	osindex "pressearch/indexer/opensearch"
	"pressearch/search"
)

// Follow keeps e serving the generation the store's alias names: when the
// alias moves (a build or a rollback elsewhere) it puts the new generation
// in service, looking every interval until ctx ends; serving is the index
// in service now. What it meets is logged: a generation that will not
// serve (once; the old one serves on while it is tried again, see
// retryRefused), the alias that cannot be read (once until it can again),
// the old executor failing to close.
func Follow(ctx context.Context, store *osindex.Store, e *search.Engine, serving string, interval time.Duration, log *slog.Logger) {
	f := &follower{
		current: store.Current,
		serve: func(ctx context.Context, index string) (search.Served, error) {
			return Serve(ctx, store, index, e.Languages())
		},
		gen: store.Generation, e: e, serving: serving, log: log,
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		f.check(ctx)
	}
}

// follower is Follow's state between looks.
type follower struct {
	current func(context.Context) (string, error)
	serve   func(context.Context, string) (search.Served, error)
	gen     func(index string) indexer.Generation
	e       *search.Engine
	log     *slog.Logger

	serving string // the index in service
	refused string // the last index that would not serve
	down    bool   // the alias could not be read at the last look

	now       func() time.Time // the clock; time.Now where nil
	refusedAt time.Time        // when refused last would not serve
}

// retryRefused is how long a follower waits before it tries again an
// index that would not serve: a failure may pass (the cluster busy, a
// node restarting), and until it serves, the writes the documents API
// sends through the alias reach it but not the searches.
const retryRefused = 30 * time.Second

// check puts the index the alias names in service if it is not the one
// served, and reports whether it did.
func (f *follower) check(ctx context.Context) bool {
	cur, err := f.current(ctx)
	if err != nil {
		if !f.down && ctx.Err() == nil {
			f.log.Warn("reading the alias of the current generation; still serving", "generation", f.gen(f.serving), "err", err)
		}
		f.down = true
		return false
	}
	f.down = false
	now := time.Now
	if f.now != nil {
		now = f.now
	}
	if cur == f.serving || cur == f.refused && now().Sub(f.refusedAt) < retryRefused {
		return false
	}
	served, err := f.serve(ctx, cur)
	if err != nil {
		if cur != f.refused && ctx.Err() == nil {
			f.log.Error("new generation refused; still serving the old one, trying it again every "+retryRefused.String(),
				"generation", f.gen(cur), "serving", f.gen(f.serving), "err", err)
		}
		f.refused, f.refusedAt = cur, now()
		return false
	}
	f.refused = ""
	if old := f.e.SwapBackend(served); old != nil {
		if err := old.Close(); err != nil {
			f.log.Warn("closing the generation served before", "generation", f.gen(f.serving), "err", err)
		}
	}
	f.serving = cur
	f.log.Info("serving new generation", "generation", served.Info.Generation, "index", cur)
	return true
}
