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
// serve (once; the old one serves on), the alias that cannot be read (once
// until it can again), the old executor failing to close.
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
}

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
	if cur == f.serving || cur == f.refused {
		return false
	}
	served, err := f.serve(ctx, cur)
	if err != nil {
		f.refused = cur
		f.log.Error("new generation refused; still serving the old one",
			"generation", f.gen(cur), "serving", f.gen(f.serving), "err", err)
		return false
	}
	if old := f.e.SwapBackend(served); old != nil {
		if err := old.Close(); err != nil {
			f.log.Warn("closing the generation served before", "generation", f.gen(f.serving), "err", err)
		}
	}
	f.serving = cur
	f.log.Info("serving new generation", "generation", served.Info.Generation, "index", cur)
	return true
}
