package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"pressearch/corpus"
	"pressearch/indexer"
	"pressearch/search"
	"pressearch/web"
)

// watchInterval is how often serve looks for a new generation.
const watchInterval = time.Second

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	data := fs.String("data", defaultDataDir(), "data directory holding the index generations")
	var corpora paths
	fs.Var(&corpora, "corpus", "corpus file or directory to index at start (repeatable)")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	maxSearches := fs.Int("max-searches", web.DefaultMaxSearches(), "searches run at once; one past the bound waits up to its deadline, then answers 503")
	pprofOn := fs.Bool("pprof", false, "serve Go's profiles under /debug/pprof/ (for operators; off by default)")
	backend := addBackendFlags(fs, true)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if *maxSearches < 1 {
		return usagef("--max-searches must be at least 1")
	}
	if err := backend.check(); err != nil {
		return err
	}
	var log *slog.Logger
	switch *logFormat {
	case "text":
		log = slog.New(slog.NewTextHandler(stderr, nil))
	case "json":
		log = slog.New(slog.NewJSONHandler(stderr, nil))
	default:
		return usagef("--log-format must be text or json")
	}

	// Bind first: an address in use fails at once, not after a build.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	log.Info("listening", "addr", ln.Addr().String())

	var sv serving
	if backend.opensearch() {
		sv, err = openSearchServing(ctx, backend, corpora, log)
	} else {
		sv, err = bleveServing(ctx, *data, corpora, log)
	}
	if err != nil {
		return err
	}
	engine := sv.engine
	defer func() {
		if err := sv.close(); err != nil {
			log.Warn("closing the index", "err", err)
		}
	}()

	srv, err := web.New(engine, log, web.MaxSearches(*maxSearches))
	if err != nil {
		return err
	}
	var handler http.Handler = srv
	if *pprofOn {
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		mux.Handle("/", srv)
		handler = mux
		log.Warn("profiling endpoints are on", "path", "/debug/pprof/")
	}
	httpServer := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
	log.Info("serving", "url", "http://"+ln.Addr().String(), "generation", engine.Generation())

	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go sv.follow(watchCtx)

	errc := make(chan error, 1)
	go func() { errc <- httpServer.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	stopWatch()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// serving is an engine in service and what keeps it current.
type serving struct {
	engine *search.Engine
	// follow puts new generations in service until ctx ends.
	follow func(ctx context.Context)
	close  func() error
}

// bleveServing opens the current generation under data for serve,
// building one first when corpora are given or there is none.
func bleveServing(ctx context.Context, data string, corpora []string, log *slog.Logger) (serving, error) {
	store, err := indexer.OpenStore(data)
	if err != nil {
		return serving{}, err
	}
	build := func() error {
		docs, err := corpusSource(corpora, corpus.DefaultMaxDocBytes)
		if err != nil {
			return nothingIndexed(store, err)
		}
		log.Info("building index", "documents", docs.Len(), "data", data)
		restore := limitMemory()
		sum, err := store.BuildFrom(ctx, docs, indexer.BuildOptions{Corpus: absPaths(corpora)})
		restore()
		var shrink *indexer.ShrinkError
		if errors.As(err, &shrink) {
			return fmt.Errorf("%w; 'pressearch index --allow-shrink' indexes it anyway", err)
		}
		if err != nil && sum.Generation == 0 {
			return nothingIndexed(store, err)
		}
		if err != nil {
			log.Warn("removing old generations", "err", err)
		}
		log.Info(sum.String())
		return nil
	}
	// Build at start when asked to, or when there is nothing to serve yet.
	if _, cerr := store.Current(); len(corpora) > 0 || errors.Is(cerr, indexer.ErrNoGeneration) {
		if err := build(); err != nil {
			return serving{}, err
		}
	}
	engine := search.NewEngine()
	follower := store.Follow(engine, log)
	sv := serving{engine: engine,
		follow: func(ctx context.Context) { follower.Watch(ctx, watchInterval) },
		close:  func() error { return errors.Join(engine.Close(), follower.Close()) }}
	if err := follower.Start(); err != nil {
		// Nothing under --data can be served: build afresh rather than fail.
		log.Error("no generation can be served; building a new one", "err", err)
		if err := build(); err != nil {
			sv.close()
			return serving{}, err
		}
		if err := follower.Start(); err != nil {
			sv.close()
			return serving{}, err
		}
	}
	return sv, nil
}
