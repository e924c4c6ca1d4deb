package search

import (
	"context"
	"errors"

	"pressearch/corpus"
	"pressearch/indexer"
)

// BuildEngine indexes docs, analyzed as cfg says, into a new current
// generation of the store in dir and returns an engine serving it, with
// cfg's registry. It is for what owns its store alone (tests, evaluations,
// benchmarks): it takes no lease, and closing the engine closes the index.
// A server follows a store instead (indexer.Store.Follow).
func BuildEngine(ctx context.Context, dir string, docs []corpus.Document, cfg indexer.Config, opts ...Option) (*Engine, indexer.Summary, error) {
	store, err := indexer.OpenStore(dir)
	if err != nil {
		return nil, indexer.Summary{}, err
	}
	sum, err := store.BuildFrom(ctx, indexer.Slice(docs), indexer.BuildOptions{Config: cfg})
	if err != nil {
		return nil, sum, err
	}
	idx, err := store.Open(sum.Generation)
	if err != nil {
		return nil, sum, err
	}
	if cfg.Registry != nil {
		opts = append([]Option{WithRegistry(cfg.Registry)}, opts...)
	}
	e := NewEngine(opts...)
	if _, err := e.Swap(idx, sum.Generation); err != nil {
		return nil, sum, errors.Join(err, idx.Close())
	}
	return e, sum, nil
}
