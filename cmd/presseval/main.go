// Command presseval compares pressearch's relevance with other analyses
// and with plain Bleve, each over a temporary index of a corpus built in
// the same run. It is a measuring tool, not part of the served binary:
// `pressearch eval` measures the index in service.
//
//	presseval --corpus FILE --queries FILE --qrels FILE [--te-analyzers te,te_lucene,standard,bleve]
//	presseval --corpus FILE --known-item [--by-lang]
//	presseval --corpus FILE --own-language
//
// Analyses: te (pressearch), te-stem (without the prefix and exact fields),
// te_lucene (the Lucene-equivalent Telugu chain), standard (Bleve's
// standard analyzer for Telugu), bleve (plain Bleve). With --backend
// opensearch, te is built on a collection of its own on the cluster.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"pressearch/cmd/internal/baseline"
	"pressearch/cmd/internal/relevance"
	"pressearch/corpus"
	"pressearch/indexer"
	osindex "pressearch/indexer/opensearch"
	// The Lucene-equivalent Telugu analyzer, for comparisons.
	_ "pressearch/indexer/lang/te/lucene"
	"pressearch/search"
	ossearch "pressearch/search/opensearch"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// usageError is a mistake in how the command was called (exit status 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// run runs presseval and returns its exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := evalCorpus(ctx, args, stdout, stderr)
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "presseval: %v\n", err)
		return 2
	default:
		fmt.Fprintf(stderr, "presseval: %v\n", err)
		return 1
	}
}

// paths is a repeatable flag.
type paths []string

func (p *paths) String() string     { return strings.Join(*p, ",") }
func (p *paths) Set(v string) error { *p = append(*p, v); return nil }

func evalCorpus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("presseval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var corpora paths
	fs.Var(&corpora, "corpus", "the corpus each analysis indexes into a temporary index (required, repeatable)")
	queriesPath := fs.String("queries", "", "queries, one 'qid<TAB>query text' a line")
	qrelsPath := fs.String("qrels", "", "relevance judgements in TREC format: qid 0 docid grade")
	runPath := fs.String("run", "", "also write a TREC run file here (of the last analysis)")
	k := fs.Int("k", 100, "how many hits to retrieve per query")
	analyses := fs.String("te-analyzers", "te", "comma-separated analyses to compare in one run: te (pressearch), te-stem (without the prefix and exact fields), te_lucene (Lucene-equivalent Telugu), standard (Bleve's standard analyzer for Telugu), bleve (plain Bleve: default mapping and scoring, standard analyzer, title and body)")
	knownItem := fs.Bool("known-item", false, "each document's title is the query and the document the one relevant answer; the index gets neutral titles (Release DATE)")
	byLang := fs.Bool("by-lang", false, "one row per language of the relevant documents")
	ownLang := fs.Bool("own-language", false, "no queries; instead, for each language of 100 documents or more, its 40 words and 40 word pairs found in the most documents are asked for, and the share of them whose three best hits are all in that language is printed (the queries that fail are listed after #)")
	backend := fs.String("backend", "bleve", "where te is built: bleve (a temporary directory) or opensearch")
	osURL := fs.String("opensearch-url", "", "with --backend opensearch: node URLs, comma-separated (default $"+osindex.EnvURL+")")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &usageError{err.Error()}
	}
	switch {
	case fs.NArg() > 0:
		return usagef("unexpected argument %q", fs.Arg(0))
	case len(corpora) == 0:
		return usagef("--corpus is required")
	case *ownLang && *knownItem:
		return usagef("--own-language and --known-item do not go together")
	case !*knownItem && !*ownLang && (*queriesPath == "" || *qrelsPath == ""):
		return usagef("--queries and --qrels are required, or --known-item or --own-language")
	case *k < 1 || *k > search.MaxWindow:
		return usagef("--k must be between 1 and %d", search.MaxWindow)
	case *backend != "bleve" && *backend != "opensearch":
		return usagef("--backend must be bleve or opensearch, not %q", *backend)
	case *backend == "opensearch" && len(osindex.ConfigFrom(*osURL).URLs) == 0:
		return usagef("--backend opensearch needs --opensearch-url URL (or $%s)", osindex.EnvURL)
	case *backend == "bleve" && *osURL != "":
		return usagef("--opensearch-url goes with --backend opensearch")
	}
	docs, err := corpus.Load(corpora...)
	if err != nil {
		return fmt.Errorf("corpus has errors:\n%w", err)
	}
	var queries []relevance.Query
	var qrels relevance.Qrels
	var own []ownQuery
	switch {
	case *knownItem:
		queries, qrels, docs = knownItems(docs)
	case *ownLang:
		own = ownLanguageSet(docs)
	default:
		if queries, err = relevance.ReadQueries(*queriesPath); err != nil {
			return err
		}
		if qrels, err = relevance.ReadQrels(*qrelsPath); err != nil {
			return err
		}
	}
	// The language of each judged query: that of its relevant document.
	langOf := map[string]string{}
	for _, d := range docs {
		langOf[d.ID] = indexer.Language(&d)
	}
	var group func(relevance.Query) string
	if *byLang {
		group = func(q relevance.Query) string {
			for id := range qrels[q.ID] {
				return langOf[id]
			}
			return ""
		}
	}
	if *ownLang {
		fmt.Fprintf(stdout, "%-12s\tlang\tkind\town@3\tqueries\n", "index")
	} else {
		relevance.Header(stdout)
	}
	for _, name := range strings.Split(*analyses, ",") {
		label := name
		if name == "te" && *backend == "opensearch" {
			label = "te/opensearch"
		}
		r, done, err := retriever(ctx, name, docs, *osURL, *backend == "opensearch")
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if *ownLang {
			err = ownLanguage(ctx, stdout, label, r, own, langOf)
			done()
			if err != nil {
				return err
			}
			continue
		}
		ms, err := relevance.Evaluate(ctx, r, queries, qrels, group, *k, *runPath)
		done()
		if err != nil {
			return err
		}
		relevance.Print(stdout, label, ms)
	}
	return nil
}

// retriever indexes docs as the analysis name says and returns what
// searches the index, and the function that removes it.
func retriever(ctx context.Context, name string, docs []corpus.Document, osURL string, onOpenSearch bool) (relevance.Retriever, func(), error) {
	dir, err := os.MkdirTemp("", "presseval")
	if err != nil {
		return nil, nil, err
	}
	var cfg indexer.Config
	switch name {
	case "bleve":
		idx, err := baseline.Build(filepath.Join(dir, "bleve"), docs)
		if err != nil {
			os.RemoveAll(dir)
			return nil, nil, err
		}
		return func(ctx context.Context, text string, k int) ([]string, []float64, error) {
				return baseline.Search(ctx, idx, text, k)
			}, func() {
				idx.Close()
				os.RemoveAll(dir)
			}, nil
	case "te":
		if onOpenSearch {
			os.RemoveAll(dir)
			return openSearchRetriever(ctx, docs, osURL)
		}
	case "te-stem": // the Telugu analyzer without its companion fields
		cfg.NoCompanions = true
	default:
		cfg.TeluguAnalyzer = name
	}
	e, _, err := search.BuildEngine(ctx, dir, docs, cfg)
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	return relevance.Engine(e), func() {
		e.Close()
		os.RemoveAll(dir)
	}, nil
}

// openSearchRetriever indexes docs into a collection of its own on the
// cluster and returns what searches it and the function that deletes it.
func openSearchRetriever(ctx context.Context, docs []corpus.Document, osURL string) (relevance.Retriever, func(), error) {
	var r [4]byte
	rand.Read(r[:])
	c := osindex.ConfigFrom(osURL)
	c.Index = "presseval-" + hex.EncodeToString(r[:])
	s, err := osindex.Open(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	drop := func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		s.Delete(dctx)
	}
	if _, err := s.Build(ctx, indexer.Slice(docs), nil); err != nil {
		drop()
		return nil, nil, err
	}
	e, _, err := ossearch.Engine(ctx, s)
	if err != nil {
		drop()
		return nil, nil, err
	}
	return relevance.Engine(e), func() { e.Close(); drop() }, nil
}

// knownItems turns a corpus into a known-item test: every document's title
// is a query whose one relevant document is that document, which is indexed
// with a neutral title, so that only its body can be found.
func knownItems(docs []corpus.Document) ([]relevance.Query, relevance.Qrels, []corpus.Document) {
	qrels := relevance.Qrels{}
	var queries []relevance.Query
	out := make([]corpus.Document, len(docs))
	for i, d := range docs {
		queries = append(queries, relevance.Query{ID: d.ID, Text: d.Title})
		qrels[d.ID] = map[string]int{d.ID: 1}
		d.Title = strings.TrimSpace("Release " + d.Date)
		out[i] = d
	}
	return queries, qrels, out
}
