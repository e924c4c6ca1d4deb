package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"pressearch/corpus"
	"pressearch/indexer"
	osindex "pressearch/indexer/opensearch"
	"pressearch/search"
	ossearch "pressearch/search/opensearch"
)

// Backends an index can live in.
const (
	backendBleve      = "bleve"
	backendOpenSearch = "opensearch"
)

// backendFlags are the flags of every command that touches an index: which
// engine keeps it, and for OpenSearch where and under which name.
type backendFlags struct {
	name, url, index string
	// shards and replicas are how index splits a new generation; -1:
	// the defaults (one shard; one replica where the cluster has more
	// than one data node).
	shards, replicas int
}

// addBackendFlags defines the backend flags on fs; withShape adds those a
// build uses.
func addBackendFlags(fs *flag.FlagSet, withShape bool) *backendFlags {
	b := &backendFlags{shards: -1, replicas: -1}
	fs.StringVar(&b.name, "backend", backendBleve, "where the index lives: bleve (embedded, in --data) or opensearch")
	fs.StringVar(&b.url, "opensearch-url", "", "OpenSearch node URLs, comma-separated (default $"+osindex.EnvURL+"); "+
		"credentials from $"+osindex.EnvUser+" and $"+osindex.EnvPassword+", a CA file from $"+osindex.EnvCACert)
	fs.StringVar(&b.index, "opensearch-index", "", "the alias the collection is searched under (default $"+
		osindex.EnvIndex+", else "+osindex.DefaultIndex+")")
	if withShape {
		fs.IntVar(&b.shards, "opensearch-shards", -1, "primary shards of a new generation (default 1)")
		fs.IntVar(&b.replicas, "opensearch-replicas", -1, "replicas of a new generation (default 1 where the cluster has two data nodes or more, else 0)")
	}
	return b
}

// check reports a mistake in the backend flags as a usage error.
func (b *backendFlags) check() error {
	switch b.name {
	case backendBleve:
		if b.url != "" || b.index != "" {
			return usagef("--opensearch-url and --opensearch-index go with --backend opensearch")
		}
	case backendOpenSearch:
		if len(osindex.ConfigFrom(b.url).URLs) == 0 {
			return usagef("--backend opensearch needs --opensearch-url URL (or $%s)", osindex.EnvURL)
		}
		if b.shards == 0 || b.shards > 1024 || b.replicas > 16 {
			return usagef("--opensearch-shards must be 1 to 1024 and --opensearch-replicas at most 16")
		}
	default:
		return usagef("--backend must be bleve or opensearch, not %q", b.name)
	}
	return nil
}

func (b *backendFlags) opensearch() bool { return b.name == backendOpenSearch }

// store connects to the collection on the cluster.
func (b *backendFlags) store(ctx context.Context) (*osindex.Store, error) {
	c := osindex.ConfigFrom(b.url)
	if b.index != "" {
		c.Index = b.index
	}
	s, err := osindex.Open(ctx, c)
	if err != nil {
		return nil, err
	}
	if b.shards > 0 {
		s.Shape.Shards = b.shards
	}
	if b.replicas >= 0 {
		s.Shape.Replicas = b.replicas
	}
	return s, nil
}

// openSearchEngine returns an engine serving the collection's current
// generation on the cluster.
func openSearchEngine(ctx context.Context, s *osindex.Store) (*search.Engine, string, error) {
	engine, cur, err := ossearch.Engine(ctx, s)
	if errors.Is(err, osindex.ErrNoGeneration) {
		return nil, "", fmt.Errorf("%s: %w; run 'pressearch index --backend opensearch' first", s.Alias(), err)
	}
	return engine, cur, err
}

// followOpenSearch puts the generation the alias names in service whenever
// the alias moves (a build or a rollback elsewhere), until ctx ends.
func followOpenSearch(ctx context.Context, s *osindex.Store, engine *search.Engine, serving string, log *slog.Logger) {
	t := time.NewTicker(watchInterval)
	defer t.Stop()
	failed := ""
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		cur, err := s.Current(ctx)
		if err != nil || cur == serving || cur == failed {
			continue
		}
		served, err := ossearch.Serve(ctx, s, cur, engine.Languages())
		if err != nil {
			log.Error("new generation refused; still serving the old one",
				"generation", s.Generation(cur), "serving", s.Generation(serving), "err", err)
			failed = cur
			continue
		}
		if old := engine.SwapBackend(served); old != nil {
			if err := old.Close(); err != nil {
				log.Warn("closing the generation served before", "generation", s.Generation(serving), "err", err)
			}
		}
		serving = cur
		log.Info("serving new generation", "generation", served.Info.Generation, "index", cur)
	}
}

// openSearchServing opens the collection's current generation on the
// cluster for serve, building one first when corpora are given or there is
// none; the engine then follows the alias. A generation built by another
// analysis is refused, saying which.
func openSearchServing(ctx context.Context, b *backendFlags, corpora []string, log *slog.Logger) (serving, error) {
	store, err := b.store(ctx)
	if err != nil {
		return serving{}, err
	}
	if _, cerr := store.Current(ctx); len(corpora) > 0 || errors.Is(cerr, osindex.ErrNoGeneration) {
		docs, err := corpusSource(corpora, corpus.DefaultMaxDocBytes)
		if err != nil {
			return serving{}, err
		}
		log.Info("building index", "documents", docs.Len(), "opensearch", store.Alias())
		sum, err := store.Build(ctx, docs, nil)
		if err != nil {
			return serving{}, err
		}
		log.Info(sum.String())
	}
	engine, cur, err := openSearchEngine(ctx, store)
	if err != nil {
		return serving{}, err
	}
	return serving{engine: engine,
		follow: func(ctx context.Context) { followOpenSearch(ctx, store, engine, cur, log) },
		close:  engine.Close}, nil
}

// indexOpenSearch is index with --backend opensearch: a new generation
// behind the alias, or the alias moved to a kept one.
func indexOpenSearch(ctx context.Context, b *backendFlags, corpora []string, rollback bool, use indexer.Generation,
	maxDoc int, asJSON bool, stdout, stderr io.Writer) error {
	store, err := b.store(ctx)
	if err != nil {
		return err
	}
	if rollback || use != 0 {
		gen := use
		if rollback {
			gen, err = store.Rollback(ctx)
		} else {
			err = store.Use(ctx, use)
		}
		if err != nil {
			return err
		}
		if asJSON {
			return json.NewEncoder(stdout).Encode(map[string]indexer.Generation{"generation": gen})
		}
		verb := "rolled back"
		if !rollback {
			verb = "switched"
		}
		fmt.Fprintf(stdout, "%s: %s is current\n", verb, gen)
		return nil
	}
	docs, err := corpusSource(corpora, maxDoc)
	if err != nil {
		return err
	}
	progress := progressTo(stderr)
	sum, err := store.Build(ctx, docs, progress)
	if progress != nil {
		fmt.Fprint(stderr, clearLine)
	}
	if err != nil {
		return err
	}
	return printSummary(stdout, sum, asJSON)
}
