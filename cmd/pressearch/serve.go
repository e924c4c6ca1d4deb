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
	"os"
	"path/filepath"
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
	apiKeys := fs.String("api-keys", "", "file of the keys that may write, name:key a line, readable by its owner alone (or set PRESSEARCH_API_KEY)")
	readKeys := fs.String("read-keys", "", "file of keys that reads need too, name:key a line (write keys read as well)")
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
	defer indexer.KeepHeadroom(serveHeadroom, time.Second)()
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
	writeKeys, err := loadWriteKeys(*apiKeys)
	if err != nil {
		return err
	}
	var reads *web.Keys
	if *readKeys != "" {
		if reads, err = web.LoadKeys(*readKeys); err != nil {
			return err
		}
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
		sv, err = openSearchServing(ctx, backend, *data, corpora, log)
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

	opts := []web.Option{web.MaxSearches(*maxSearches)}
	if reads != nil {
		opts = append(opts, web.WithReadKeys(reads))
	}
	if sv.writer != nil {
		localKey := newLocalKey()
		opts = append(opts, web.WithWriter(sv.writer, writeKeys), web.WithLocalKey(localKey))
		if sv.admin != nil {
			opts = append(opts, web.WithAdmin(sv.admin))
		}
		if err := writeServerInfo(*data, serverInfo{URL: localURL(ln.Addr()), PID: os.Getpid(), Key: localKey, Backend: sv.backend}); err != nil {
			return err
		}
		defer os.Remove(filepath.Join(*data, serverFile))
	}
	if writeKeys.Len() == 0 {
		log.Info("writes through the API are off: start with --api-keys FILE or PRESSEARCH_API_KEY to turn them on")
	}
	srv, err := web.New(engine, log, opts...)
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

// serveHeadroom is how far serve's heap may grow past its live heap before
// the collector runs (at most 4 times the live heap, at least the default
// once): searches and writes allocate much and keep little, and at
// 100,000 documents under 50 writes/s the collector's marking took 2.9 s
// of serve's CPU in 25 s, 0.8 s with a percent of 400, for a resident
// memory of 809 MB against 606 MB after the searches (BENCHMARKS.md,
// session 6).
const serveHeadroom = 1 << 30

// writeNap is how long serve's live collection holds writes in memory
// before Bleve writes them to a segment file (the log has them): the writes
// of half a second share a file and its merges, and searches meanwhile see
// at most that many refreshes' segments in memory. Two seconds let more
// parts of a bulk pile up between persists, which the persister then
// merged again in memory on one core: at 100,000 documents the bulk fell
// from 1.07x to 0.78x the build and one write's p99 rose from 36 to 63 ms
// (BENCHMARKS.md, session 5).
const writeNap = 500 * time.Millisecond

// serving is an engine in service and what keeps it current.
type serving struct {
	engine *search.Engine
	// writer writes the live collection (nil: writes are not served):
	// indexer.Collection for Bleve; another backend plugs its own in.
	writer web.Writer
	// admin rebuilds the live collection and adopts generations built
	// by commands (nil: the maintenance routes are off).
	admin web.Admin
	// backend names where the collection lives, as serverInfo.Backend.
	backend string
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
	store.PaceWrites(writeNap)
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
	// One process writes a data directory: this one, for as long as it
	// serves. Commands run meanwhile go through it.
	unlock, err := store.LockWriter()
	if errors.Is(err, indexer.ErrWriterBusy) {
		if info, _ := readServerInfo(data); info != nil {
			return serving{}, fmt.Errorf("%s is served already, by process %d at %s", data, info.PID, info.URL)
		}
		return serving{}, fmt.Errorf("%s: another pressearch command is writing it; try again when it is done", data)
	}
	if err != nil {
		return serving{}, err
	}
	live, err := store.OpenNewest(log)
	if err != nil {
		// Nothing under --data can be served: build afresh rather than fail.
		log.Error("no generation can be served; building a new one", "err", err)
		if err := build(); err != nil {
			unlock()
			return serving{}, err
		}
		if live, err = store.OpenNewest(log); err != nil {
			unlock()
			return serving{}, err
		}
	}
	engine := search.NewEngine(search.WithLog(log))
	if _, err := engine.SwapLive(live); err != nil {
		err = errors.Join(err, live.Close())
		unlock()
		return serving{}, err
	}
	coll := indexer.NewCollection(store, live, func(next *indexer.Live) (*indexer.Live, error) {
		old, err := engine.SwapLive(next)
		if err == nil {
			log.Info("serving new generation", "generation", next.Generation())
		}
		return old, err
	})
	follow := func(ctx context.Context) {
		coll.Follow(ctx, watchInterval, log)
	}
	return serving{engine: engine, writer: coll, admin: coll, follow: follow,
		close: func() error {
			err := engine.Close()
			unlock()
			return err
		}}, nil
}

// loadWriteKeys reads the keys that may write: the file's, or the one of
// PRESSEARCH_API_KEY (named "env"); none turns writes off.
func loadWriteKeys(file string) (*web.Keys, error) {
	if file != "" {
		return web.LoadKeys(file)
	}
	key := os.Getenv("PRESSEARCH_API_KEY")
	if key == "" {
		return nil, nil
	}
	if len(key) < 16 {
		return nil, fmt.Errorf("PRESSEARCH_API_KEY is shorter than 16 bytes: a key that short can be guessed")
	}
	k := &web.Keys{}
	return k, k.Add("env", key)
}
