package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"pressearch/corpus"
	"pressearch/indexer"
)

// runReindex builds a new generation from the stored documents of the
// current one: in the same backend, or, with --to, in the other one (a
// collection moved from Bleve to OpenSearch or back).
func runReindex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("reindex", stderr)
	data := fs.String("data", defaultDataDir(), "data directory holding the index generations (Bleve)")
	to := fs.String("to", "", "the backend to build the new generation in: bleve or opensearch (default: --backend)")
	asJSON := fs.Bool("json", false, "print the summary as one JSON object")
	backend := addBackendFlags(fs, true)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if *to == "" {
		*to = backend.name
	}
	if *to != backendBleve && *to != backendOpenSearch {
		return usagef("--to must be bleve or opensearch, not %q", *to)
	}
	target := *backend
	target.name = *to
	// The OpenSearch flags name the cluster on whichever side it is.
	source := *backend
	if source.name == backendBleve {
		source.url, source.index = "", ""
	}
	if err := source.check(); err != nil {
		return err
	}
	if target.name == backendBleve {
		target.url, target.index = "", ""
	}
	if err := target.check(); err != nil {
		return err
	}
	if source.opensearch() == target.opensearch() {
		// Within one backend: the live collection, writes going on.
		return reindexLive(ctx, *data, &source, *asJSON, stdout, stderr)
	}
	docs, from, err := storedDocuments(ctx, &source, *data)
	if err != nil {
		return err
	}
	if len(docs) == 0 {
		return fmt.Errorf("%s holds no documents; nothing to reindex", from)
	}
	progress := progressTo(stderr)
	var sum indexer.Summary
	if target.opensearch() {
		store, err := target.store(ctx)
		if err != nil {
			return err
		}
		sum, err = store.Build(ctx, indexer.Slice(docs), progress)
	} else {
		store, err := indexer.OpenStore(*data)
		if err != nil {
			return err
		}
		sum, err = store.BuildFrom(ctx, indexer.Slice(docs), indexer.BuildOptions{Progress: progress, Why: indexer.ReasonReindex})
	}
	if progress != nil {
		fmt.Fprint(stderr, clearLine)
	}
	if err != nil && sum.Generation == 0 {
		return err
	}
	if err != nil {
		fmt.Fprintf(stderr, "pressearch reindex: %v\n", err)
	}
	if !*asJSON {
		fmt.Fprintf(stdout, "from %s: ", from)
	}
	return printSummary(stdout, sum, *asJSON)
}

// storedDocuments reads every stored document of the backend's current
// generation, and says where they came from.
func storedDocuments(ctx context.Context, b *backendFlags, data string) ([]corpus.Document, string, error) {
	if b.opensearch() {
		store, err := b.store(ctx)
		if err != nil {
			return nil, "", err
		}
		cur, err := store.Current(ctx)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", store.Alias(), err)
		}
		docs, err := store.Documents(ctx, cur)
		return docs, "opensearch " + cur, err
	}
	store, err := indexer.FindStore(data)
	if errors.Is(err, indexer.ErrNoGeneration) {
		return nil, "", fmt.Errorf("no index in %s to reindex", data)
	}
	if err != nil {
		return nil, "", err
	}
	gen, err := store.Current()
	if err != nil {
		return nil, "", err
	}
	idx, lease, err := store.Serve(gen)
	if err != nil {
		return nil, "", err
	}
	defer lease.Release()
	defer idx.Close()
	docs, err := indexer.StoredDocuments(idx)
	return docs, fmt.Sprintf("%s %s", data, gen), err
}

// progressTo returns a progress bar drawn on stderr where it is a
// terminal; nothing where a script reads it.
func progressTo(stderr io.Writer) indexer.Progress {
	if !isTerminal(stderr) {
		return nil
	}
	return func(done, total int) { fmt.Fprint(stderr, progressBar(done, total)) }
}

// printSummary prints what a build did: a line, or one JSON object.
func printSummary(stdout io.Writer, sum indexer.Summary, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(stdout).Encode(sum)
	}
	fmt.Fprintln(stdout, sum)
	return nil
}
