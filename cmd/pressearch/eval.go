package main

import (
	"context"
	"io"

	"pressearch/cmd/internal/relevance"
	"pressearch/search"
)

// runEval is eval: the judged queries over the index in service, and the
// metrics of its rankings. Comparisons with other analyses and with plain
// Bleve are presseval's.
func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("eval", stderr)
	data := fs.String("data", defaultDataDir(), "data directory holding the index generations")
	queriesPath := fs.String("queries", "", "queries, one 'qid<TAB>query text' a line")
	qrelsPath := fs.String("qrels", "", "relevance judgements in TREC format: qid 0 docid grade")
	runPath := fs.String("run", "", "also write a TREC run file here")
	k := fs.Int("k", 100, "how many hits to retrieve per query")
	backend := addBackendFlags(fs, false)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("unexpected argument %q", pos[0])
	case *queriesPath == "" || *qrelsPath == "":
		return usagef("--queries and --qrels are required")
	case *k < 1 || *k > search.MaxWindow:
		return usagef("--k must be between 1 and %d", search.MaxWindow)
	}
	if err := backend.check(); err != nil {
		return err
	}
	queries, err := relevance.ReadQueries(*queriesPath)
	if err != nil {
		return err
	}
	qrels, err := relevance.ReadQrels(*qrelsPath)
	if err != nil {
		return err
	}
	engine, closeEngine, err := openEngineFor(ctx, backend, *data)
	if err != nil {
		return err
	}
	defer closeEngine()
	ms, err := relevance.Evaluate(ctx, relevance.Engine(engine), queries, qrels, nil, *k, *runPath)
	if err != nil {
		return err
	}
	relevance.Header(stdout)
	relevance.Print(stdout, engine.Generation().String(), ms)
	return nil
}
