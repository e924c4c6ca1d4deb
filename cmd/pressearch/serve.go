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

	"github.com/blevesearch/bleve/v2"

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
	var log *slog.Logger
	switch *logFormat {
	case "text":
		log = slog.New(slog.NewTextHandler(stderr, nil))
	case "json":
		log = slog.New(slog.NewJSONHandler(stderr, nil))
	default:
		return usagef("--log-format must be text or json")
	}

	store, err := indexer.OpenStore(*data)
	if err != nil {
		return err
	}
	// Build at start when asked to, or when there is nothing to serve yet.
	if _, cerr := store.Current(); len(corpora) > 0 || errors.Is(cerr, indexer.ErrNoGeneration) {
		docs, err := loadCorpus(corpora)
		if err != nil {
			return err
		}
		log.Info("building index", "documents", len(docs), "data", *data)
		sum, err := store.Build(ctx, docs, nil)
		if err != nil {
			return err
		}
		log.Info(sum.String())
	}
	engine := search.NewEngine()
	defer engine.Close()
	if err := openNewest(store, engine, log); err != nil {
		// Nothing under --data can be served: build afresh rather than fail.
		log.Error("no generation can be served; building a new one", "err", err)
		docs, lerr := loadCorpus(corpora)
		if lerr != nil {
			return lerr
		}
		if _, err := store.Build(ctx, docs, nil); err != nil {
			return err
		}
		if err := openNewest(store, engine, log); err != nil {
			return err
		}
	}

	srv, err := web.New(engine, log, web.MaxSearches(*maxSearches))
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
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
	go watch(watchCtx, store, engine, log)

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

// openNewest opens the current generation, or, where it cannot be opened,
// the newest older one that can, and gives it to the engine.
func openNewest(store *indexer.Store, engine *search.Engine, log *slog.Logger) error {
	gens, err := store.Generations()
	if err != nil {
		return err
	}
	cur, err := store.Current()
	if err != nil {
		return err
	}
	for i := len(gens) - 1; i >= 0; i-- {
		if gens[i] > cur {
			continue
		}
		idx, err := store.Open(gens[i])
		if err != nil {
			log.Error("generation refused", "generation", gens[i], "err", err)
			continue
		}
		if _, err := engine.Swap(idx, gens[i]); err != nil {
			log.Error("generation refused", "generation", gens[i], "err", err)
			if cerr := idx.Close(); cerr != nil {
				log.Warn("closing the refused generation", "generation", gens[i], "err", cerr)
			}
			continue
		}
		if gens[i] != cur {
			log.Warn("serving an older generation", "generation", gens[i], "current", cur)
		}
		return nil
	}
	return fmt.Errorf("no generation under %s can be opened", store.Dir())
}

// watch swaps in a new current generation when an index run makes one.
func watch(ctx context.Context, store *indexer.Store, engine *search.Engine, log *slog.Logger) {
	t := time.NewTicker(watchInterval)
	defer t.Stop()
	failed := ""
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		gen, err := store.Current()
		if err != nil || gen == engine.Generation() || gen == failed {
			continue
		}
		idx, err := store.Open(gen)
		if err != nil {
			log.Error("new generation refused; still serving the old one",
				"generation", gen, "serving", engine.Generation(), "err", err)
			failed = gen
			continue
		}
		if !swapIn(engine, idx, gen, log) {
			failed = gen
			continue
		}
		store.Prune()
	}
}

// swapIn serves idx, closing the generation it replaces, and reports
// whether it did.
func swapIn(engine *search.Engine, idx bleve.Index, gen string, log *slog.Logger) bool {
	old, err := engine.Swap(idx, gen)
	if err != nil {
		log.Error("new generation refused; still serving the old one",
			"generation", gen, "serving", engine.Generation(), "err", err)
		if cerr := idx.Close(); cerr != nil {
			log.Warn("closing the refused generation", "generation", gen, "err", cerr)
		}
		return false
	}
	if old != nil {
		if err := old.Close(); err != nil {
			log.Warn("closing the old generation", "err", err)
		}
	}
	log.Info("serving new generation", "generation", gen)
	return true
}
