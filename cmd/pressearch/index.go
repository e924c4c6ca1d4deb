package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
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
	rollback := fs.Bool("rollback", false, "make the previous generation current again")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	store, err := indexer.OpenStore(*data)
	if err != nil {
		return err
	}
	if *rollback {
		gen, err := store.Rollback()
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(stdout).Encode(map[string]string{"generation": gen})
		}
		fmt.Fprintf(stdout, "rolled back: %s is current\n", gen)
		return nil
	}
	docs, err := loadCorpus(corpora)
	if err != nil {
		return err
	}
	// A progress bar on a terminal; nothing where a script reads stderr.
	var progress indexer.Progress
	if isTerminal(stderr) {
		progress = func(done, total int) { fmt.Fprint(stderr, progressBar(done, total)) }
	}
	sum, err := store.Build(ctx, docs, progress)
	if progress != nil {
		fmt.Fprint(stderr, clearLine)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(sum)
	}
	fmt.Fprintln(stdout, sum)
	return nil
}

// loadCorpus loads the given corpus paths, or the embedded default corpus.
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
		return fmt.Sprintf("%swriting the index of %d documents...", clearLine, total)
	}
	filled := width * done / total
	return fmt.Sprintf("\rindexing [%s%s] %3d%% %d/%d documents",
		strings.Repeat("#", filled), strings.Repeat(".", width-filled), 100*done/total, done, total)
}
