package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"

	"pressearch/corpus"
	"pressearch/indexer"
)

func runIndex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("index", stderr)
	data := fs.String("data", defaultDataDir(), "data directory holding the index generations")
	var corpora paths
	fs.Var(&corpora, "corpus", "corpus file or directory (repeatable; default: the embedded corpus)")
	asJSON := fs.Bool("json", false, "print the summary as one JSON object")
	rollback := fs.Bool("rollback", false, "make the generation that was live before the current one current again")
	use := fs.String("use", "", "make this kept generation (gen-NNNNNN) current")
	allowShrink := fs.Bool("allow-shrink", false, "index a corpus with fewer than half the live generation's documents")
	keep := fs.Int("keep", indexer.DefaultKeep, "how many generations to keep (the current one and the one --rollback restores always are)")
	maxDoc := fs.Int("max-doc-bytes", corpus.DefaultMaxDocBytes, "the most text (title and body, in bytes) a document may have")
	replace := fs.Bool("replace", false, "replace the collection even where it drops documents written through the API")
	backend := addBackendFlags(fs, true)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("unexpected argument %q", pos[0])
	case *rollback && *use != "":
		return usagef("--rollback and --use cannot be given together")
	case (*rollback || *use != "") && len(corpora) > 0:
		return usagef("--corpus builds a new generation; --rollback and --use switch to a kept one")
	case *keep < 1:
		return usagef("--keep must be at least 1")
	case *maxDoc < 1:
		return usagef("--max-doc-bytes must be at least 1")
	}
	var gen indexer.Generation
	if *use != "" {
		if gen, err = indexer.ParseGeneration(*use); err != nil {
			return usagef("--use: %v", err)
		}
	}
	if err := backend.check(); err != nil {
		return err
	}
	if backend.opensearch() {
		return indexOpenSearch(ctx, backend, corpora, *rollback, gen, *maxDoc, *replace, *asJSON, stdout, stderr)
	}
	store, err := indexer.OpenStore(*data)
	if err != nil {
		return err
	}
	if *rollback || *use != "" {
		var sw indexer.Switch
		if *rollback {
			sw, err = store.Rollback(*keep)
		} else {
			sw, err = store.Use(gen, *keep)
		}
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(stdout).Encode(sw)
		}
		verb := "rolled back"
		if !*rollback {
			verb = "switched"
		}
		fmt.Fprintf(stdout, "%s: %s is current (%s)\n", verb, sw.Generation, indexer.Count(sw.Documents, "document"))
		return nil
	}
	// A progress bar on a terminal; nothing where a script reads stderr.
	var progress indexer.Progress
	if isTerminal(stderr) {
		progress = func(done, total int) { fmt.Fprint(stderr, progressBar(done, total)) }
		fmt.Fprint(stderr, "\rchecking the corpus...")
	}
	docs, err := corpusSource(corpora, *maxDoc)
	if progress != nil {
		fmt.Fprint(stderr, clearLine)
	}
	if err != nil {
		return nothingIndexed(store, err)
	}
	defer limitMemory()()
	opts := indexer.BuildOptions{Corpus: absPaths(corpora), AllowShrink: *allowShrink, Keep: *keep, Progress: progress}
	sum, err := store.Prepare(ctx, docs, opts)
	if progress != nil {
		fmt.Fprint(stderr, clearLine)
	}
	var shrink *indexer.ShrinkError
	if errors.As(err, &shrink) {
		return fmt.Errorf("%w; --allow-shrink indexes it anyway", err)
	}
	if err != nil {
		return nothingIndexed(store, err)
	}
	sw := indexer.Switch{Generation: sum.Generation, Documents: sum.Documents, Corpus: opts.Corpus, Why: indexer.ReasonIndex, Keep: *keep}
	if err := commitCorpus(ctx, store, sw, *replace); err != nil {
		if cur, cerr := store.Current(); cerr != nil || cur != sum.Generation {
			store.Discard(sum.Generation)
			return nothingIndexed(store, err)
		}
		// The new generation is current; only the history or removing
		// old ones failed.
		fmt.Fprintf(stderr, "pressearch index: %v\n", err)
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(sum)
	}
	fmt.Fprintln(stdout, sum)
	return nil
}

// commitCorpus makes sw.Generation, built from corpus files, current:
// through the server that writes the store where one runs, else here with
// the writer lock; either way refused, unless replace, where it would drop
// documents written through the API.
func commitCorpus(ctx context.Context, store *indexer.Store, sw indexer.Switch, replace bool) error {
	info, err := runningServer(store)
	if err != nil {
		return err
	}
	if info != nil {
		q := url.Values{"generation": {sw.Generation.String()}, "replace": {strconv.FormatBool(replace)},
			"keep": {strconv.Itoa(sw.Keep)}, "corpus": sw.Corpus}
		err := newClient(info.URL, info.Key).do(ctx, "POST", "/api/v1/_switch?"+q.Encode(), nil, nil)
		var apiErr *apiError
		if errors.As(err, &apiErr) {
			return errors.New(apiErr.Message)
		}
		return err
	}
	unlock, err := store.WaitWriter(ctx, writerWait)
	if err != nil {
		return err
	}
	defer unlock()
	if cur, err := store.Current(); err == nil && !replace {
		from, err := store.Open(cur)
		if err != nil {
			return err
		}
		to, err := indexer.OpenIndex(store.Path(sw.Generation))
		if err != nil {
			from.Close()
			return err
		}
		n, err := indexer.Dropped(ctx, from, to)
		from.Close()
		to.Close()
		if err != nil {
			return err
		}
		if n > 0 {
			return &indexer.DropError{N: n}
		}
	}
	return store.Commit(sw)
}

// limitMemory holds the Go heap near a build's budget, unless GOMEMLIMIT
// says otherwise: past the limit the collector runs more often, rather
// than let garbage grow the heap to twice what the build holds. The
// function it returns puts the limit back.
func limitMemory() (restore func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	old := debug.SetMemoryLimit(indexer.DefaultBudget)
	return func() { debug.SetMemoryLimit(old) }
}

// nothingIndexed says, after err, that the live generation stays.
func nothingIndexed(store *indexer.Store, err error) error {
	var list corpus.ErrorList
	if errors.As(err, &list) {
		err = fmt.Errorf("corpus has errors, nothing was indexed:\n%w", err)
	}
	if cur, cerr := store.Current(); cerr == nil {
		return fmt.Errorf("%w\n%s stays live", err, cur)
	}
	return err
}

// corpusSource checks the given corpus paths and returns their documents,
// to be read as the build goes; without paths, the embedded default corpus.
func corpusSource(corpora []string, maxDoc int) (indexer.Documents, error) {
	if len(corpora) == 0 {
		docs, err := corpus.Default()
		return indexer.Slice(docs), err
	}
	return corpus.Open(corpus.Options{MaxDocBytes: maxDoc}, corpora...)
}

// absPaths returns the paths made absolute, for the history.
func absPaths(ps []string) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		if a, err := filepath.Abs(p); err == nil {
			p = a
		}
		out = append(out, p)
	}
	return out
}

// clearLine takes a terminal's cursor back to the start of the line and
// clears it.
const clearLine = "\r\033[K"

// progressBar draws one frame of the progress bar; once every document is
// analyzed, it says the index is being written (the merge into one segment
// takes a while on a large corpus).
func progressBar(done, total int) string {
	const width = 30
	if total <= 0 {
		return clearLine
	}
	if done >= total {
		return fmt.Sprintf("%swriting the index of %s...", clearLine, indexer.Count(total, "document"))
	}
	filled := width * done / total
	return fmt.Sprintf("\rindexing [%s%s] %3d%% %d/%d documents",
		strings.Repeat("#", filled), strings.Repeat(".", width-filled), 100*done/total, done, total)
}

// loadCorpus loads the given corpus paths into memory, or the embedded
// default corpus.
func loadCorpus(corpora []string) ([]corpus.Document, error) {
	if len(corpora) == 0 {
		return corpus.Default()
	}
	docs, err := corpus.Load(corpora...)
	if err != nil {
		return nil, fmt.Errorf("corpus has errors, nothing was indexed:\n%w", err)
	}
	return docs, nil
}
