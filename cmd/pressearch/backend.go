package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

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

// openSearchServing opens the collection's current generation on the
// cluster for serve, building one first when corpora are given or there is
// none; the engine then follows the alias. A generation built by another
// analysis is refused, saying which. serve writes the collection (the
// documents API) and holds the writer lock of data, where it leaves its
// address for the commands run beside it.
func openSearchServing(ctx context.Context, b *backendFlags, data string, corpora []string, log *slog.Logger) (serving, error) {
	store, err := b.store(ctx)
	if err != nil {
		return serving{}, err
	}
	local, err := indexer.OpenStore(data)
	if err != nil {
		return serving{}, err
	}
	unlock, err := local.LockWriter()
	if errors.Is(err, indexer.ErrWriterBusy) {
		if info, _ := readServerInfo(data); info != nil {
			return serving{}, fmt.Errorf("%s is served already, by process %d at %s; give this one another --data", data, info.PID, info.URL)
		}
		return serving{}, fmt.Errorf("%s: another pressearch command is writing it; try again when it is done", data)
	}
	if err != nil {
		return serving{}, err
	}
	fail := func(err error) (serving, error) {
		unlock()
		return serving{}, err
	}
	if _, cerr := store.Current(ctx); len(corpora) > 0 || errors.Is(cerr, osindex.ErrNoGeneration) {
		docs, err := corpusSource(corpora, corpus.DefaultMaxDocBytes)
		if err != nil {
			return fail(err)
		}
		log.Info("building index", "documents", docs.Len(), "opensearch", store.Alias())
		sum, err := store.Build(ctx, docs, nil)
		if err != nil {
			return fail(err)
		}
		log.Info(sum.String())
	}
	engine, cur, err := openSearchEngine(ctx, store)
	if err != nil {
		return fail(err)
	}
	coll := &openSearchCollection{Collection: osindex.NewCollection(store), engine: engine, log: log}
	coll.NewAnalysis = func(ctx context.Context) { coll.serveCurrent(ctx) }
	engine.FollowWrites(writtenView{coll.Collection})
	return serving{engine: engine, writer: coll, admin: coll, backend: openSearchServer(store),
		follow: func(ctx context.Context) { ossearch.Follow(ctx, store, engine, cur, watchInterval, log) },
		close: func() error {
			err := engine.Close()
			unlock()
			return err
		}}, nil
}

// openSearchServer is how serverInfo names a server of store's collection.
func openSearchServer(s *osindex.Store) string { return backendOpenSearch + " " + s.Alias() }

// openSearchCollection is the collection on the cluster as serve writes
// it (web.Writer, web.Admin).
type openSearchCollection struct {
	*osindex.Collection
	engine *search.Engine
	log    *slog.Logger
}

// writtenView is what the collection on the cluster knows of a
// generation as its writes leave it: completions and the document count
// follow writes as on Bleve, not only the next swap.
type writtenView struct{ c *osindex.Collection }

func (v writtenView) Suggestions(gen indexer.Generation) *indexer.Suggestions {
	return v.c.Suggestions(v.c.Store().Index(gen))
}

func (v writtenView) Documents(gen indexer.Generation) (uint64, bool) {
	return v.c.Documents(v.c.Store().Index(gen))
}

// serveCurrent puts the current generation in service again at once: after
// a rebuild moved the alias, or a write brought an analysis the served one
// did not search.
func (c *openSearchCollection) serveCurrent(ctx context.Context) {
	s := c.Store()
	cur, err := s.Current(ctx)
	if err == nil {
		var served search.Served
		if served, err = ossearch.Serve(ctx, s, cur, c.engine.Languages()); err == nil {
			c.engine.SwapBackend(served)
			return
		}
	}
	// The follower (ossearch.Follow) looks at the alias within a second,
	// and tries a generation that will not serve again until it does.
	c.log.Error("serving the current generation again; the alias's follower will try again", "err", err)
}

// Rebuild builds a new generation from the collection's documents,
// keeping the writes made meanwhile, and serves it at once.
func (c *openSearchCollection) Rebuild(ctx context.Context) (indexer.Summary, error) {
	sum, err := c.Collection.Rebuild(ctx, nil)
	if err == nil {
		c.serveCurrent(ctx)
	}
	return sum, err
}

// Adopt is how a Bleve store's generation built by a command is put in
// service; on OpenSearch, index moves the alias itself.
func (c *openSearchCollection) Adopt(ctx context.Context, sw indexer.Switch, replace bool) error {
	return fmt.Errorf("this server's collection is on OpenSearch: 'pressearch index --backend opensearch' switches it")
}

// indexOpenSearch is index with --backend opensearch: a new generation
// behind the alias, or the alias moved to a kept one.
func indexOpenSearch(ctx context.Context, b *backendFlags, corpora []string, rollback bool, use indexer.Generation,
	maxDoc int, replace, asJSON bool, stdout, stderr io.Writer) error {
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
	if !replace {
		// A write made while the build runs is not counted: stop
		// writers first, or write what they send to the corpus too.
		n, err := store.Dropped(ctx, docs)
		if err != nil {
			return err
		}
		if n > 0 {
			return &indexer.DropError{N: n}
		}
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
