package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"

	"pressearch/corpus"
	"pressearch/indexer"
	// The Lucene-equivalent Telugu analyzer, for comparisons.
	_ "pressearch/indexer/lang/te/lucene"
	"pressearch/search"
)

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("eval", stderr)
	data := fs.String("data", defaultDataDir(), "data directory holding the index generations")
	queriesPath := fs.String("queries", "", "queries, one 'qid<TAB>query text' a line")
	qrelsPath := fs.String("qrels", "", "relevance judgements in TREC format: qid 0 docid grade")
	runPath := fs.String("run", "", "also write a TREC run file here (of the last index evaluated)")
	k := fs.Int("k", 100, "how many hits to retrieve per query")
	var corpora paths
	fs.Var(&corpora, "corpus", "evaluate over a temporary index of this corpus instead of --data (repeatable)")
	analyzers := fs.String("te-analyzers", "te", "with --corpus: comma-separated analyses to compare in one run: te (pressearch), te-stem (without the prefix and exact fields), te_lucene (Lucene-equivalent Telugu), standard (Bleve's standard analyzer for Telugu), bleve (plain Bleve: default mapping and scoring, standard analyzer, title and body)")
	knownItem := fs.Bool("known-item", false, "with --corpus: each document's title is the query and the document the one relevant answer; the index gets neutral titles (Release DATE)")
	byLang := fs.Bool("by-lang", false, "one row per language of the relevant documents")
	ownLang := fs.Bool("own-language", false, "with --corpus: no queries; instead, for each language of 100 documents or more, its 40 words and 40 word pairs found in the most documents are asked for, and the share of them whose three best hits are all in that language is printed (the queries that fail are listed after #)")
	backend := addBackendFlags(fs, true)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("unexpected argument %q", pos[0])
	case *knownItem && len(corpora) == 0:
		return usagef("--known-item needs --corpus")
	case *ownLang && (len(corpora) == 0 || *knownItem):
		return usagef("--own-language needs --corpus, and no --known-item")
	case !*knownItem && !*ownLang && (*queriesPath == "" || *qrelsPath == ""):
		return usagef("--queries and --qrels are required")
	case *k < 1 || *k > search.MaxWindow:
		return usagef("--k must be between 1 and %d", search.MaxWindow)
	}
	if err := backend.check(); err != nil {
		return err
	}
	var docs []corpus.Document
	if len(corpora) > 0 {
		if docs, err = loadCorpus(corpora); err != nil {
			return err
		}
	}
	var queries []query
	var qrels map[string]map[string]int
	var own []ownQuery
	switch {
	case *knownItem:
		queries, qrels, docs = knownItems(docs)
	case *ownLang:
		own = ownLanguageSet(docs)
	default:
		if queries, err = readQueries(*queriesPath); err != nil {
			return err
		}
		if qrels, err = readQrels(*qrelsPath); err != nil {
			return err
		}
	}
	// The language of each judged query: that of its relevant document.
	langOf := map[string]string{}
	for _, d := range docs {
		langOf[d.ID] = indexer.Language(&d)
	}
	group := func(q query) string {
		if !*byLang {
			return ""
		}
		for id := range qrels[q.id] {
			return langOf[id]
		}
		return ""
	}
	if *ownLang {
		fmt.Fprintf(stdout, "%-12s\tlang\tkind\town@3\tqueries\n", "index")
	} else {
		fmt.Fprintf(stdout, "%-12s\tnDCG@10\tMRR@10\tMRR@100\tRecall@100\tqueries\n", "index")
	}
	if len(corpora) == 0 {
		engine, closeEngine, err := openEngineFor(ctx, backend, *data)
		if err != nil {
			return err
		}
		defer closeEngine()
		ms, err := evaluate(ctx, engineRetriever(engine), queries, qrels, group, *k, *runPath)
		if err != nil {
			return err
		}
		printMetrics(stdout, engine.Generation().String(), ms)
		return nil
	}
	for _, name := range strings.Split(*analyzers, ",") {
		var r retriever
		var done func()
		switch {
		case name == "bleve":
			r, done, err = plainBleve(ctx, docs)
		case name == "te" && backend.opensearch():
			// pressearch's own analysis and ranking, on the cluster.
			var engine *search.Engine
			engine, done, err = tempOpenSearchEngine(ctx, backend, docs)
			if err == nil {
				r = engineRetriever(engine)
			}
		default:
			cfg := indexer.Config{TeluguAnalyzer: name}
			switch name {
			case "te":
				cfg = indexer.Config{}
			case "te-stem": // the Telugu analyzer without its companion fields
				cfg = indexer.Config{NoCompanions: true}
			}
			var engine *search.Engine
			engine, err = tempEngine(ctx, docs, cfg)
			if err == nil {
				r, done = engineRetriever(engine), func() { engine.Close() }
			}
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		label := name
		if name == "te" && backend.opensearch() {
			label = "te/opensearch"
		}
		if *ownLang {
			err = ownLanguage(ctx, stdout, label, r, own, langOf)
			done()
			if err != nil {
				return err
			}
			continue
		}
		ms, err := evaluate(ctx, r, queries, qrels, group, *k, *runPath)
		done()
		if err != nil {
			return err
		}
		printMetrics(stdout, label, ms)
	}
	return nil
}

// knownItems turns a corpus into a known-item test: every document's title
// is a query whose one relevant document is that document, which is indexed
// with a neutral title, so that only its body can be found.
func knownItems(docs []corpus.Document) ([]query, map[string]map[string]int, []corpus.Document) {
	qrels := map[string]map[string]int{}
	var queries []query
	out := make([]corpus.Document, len(docs))
	for i, d := range docs {
		queries = append(queries, query{id: d.ID, text: d.Title})
		qrels[d.ID] = map[string]int{d.ID: 1}
		d.Title = strings.TrimSpace("Release " + d.Date)
		out[i] = d
	}
	return queries, qrels, out
}

// A retriever returns up to k ranked ids for query text.
type retriever func(ctx context.Context, text string, k int) ([]string, []float64, error)

func engineRetriever(e *search.Engine) retriever {
	return func(ctx context.Context, text string, k int) ([]string, []float64, error) {
		return retrieve(ctx, e, text, k)
	}
}

// plainBleve indexes docs the way a Bleve user would without pressearch:
// the default mapping (standard analyzer, default scoring) over title and
// body, searched with a match query on the composite field.
func plainBleve(ctx context.Context, docs []corpus.Document) (retriever, func(), error) {
	dir, err := os.MkdirTemp("", "pressearch-eval-bleve")
	if err != nil {
		return nil, nil, err
	}
	idx, err := bleve.New(filepath.Join(dir, "index"), bleve.NewIndexMapping())
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	done := func() { idx.Close(); os.RemoveAll(dir) }
	b := idx.NewBatch()
	for _, d := range docs {
		if err := b.Index(d.ID, map[string]string{"title": d.Title, "body": d.Body}); err != nil {
			done()
			return nil, nil, err
		}
		if b.Size() >= 500 {
			if err := idx.Batch(b); err != nil {
				done()
				return nil, nil, err
			}
			b.Reset()
		}
	}
	if err := idx.Batch(b); err != nil {
		done()
		return nil, nil, err
	}
	r := func(ctx context.Context, text string, k int) ([]string, []float64, error) {
		res, err := idx.SearchInContext(ctx, bleve.NewSearchRequestOptions(bleve.NewMatchQuery(text), k, 0, false))
		if err != nil {
			return nil, nil, err
		}
		var ids []string
		var scores []float64
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
			scores = append(scores, h.Score)
		}
		return ids, scores, nil
	}
	return r, done, nil
}

// tempEngine indexes docs into a temporary directory under cfg and opens it.
func tempEngine(ctx context.Context, docs []corpus.Document, cfg indexer.Config) (*search.Engine, error) {
	dir, err := os.MkdirTemp("", "pressearch-eval")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir) // the open index keeps its files until closed
	path := filepath.Join(dir, "index")
	if _, err := indexer.BuildIndex(ctx, path, docs, cfg, nil); err != nil {
		return nil, err
	}
	idx, err := indexer.OpenIndex(path)
	if err != nil {
		return nil, err
	}
	engine := search.NewEngine()
	if _, err := engine.Swap(idx, 1); err != nil { // a generation of its own, in no store
		idx.Close()
		return nil, err
	}
	return engine, nil
}

// evaluate runs every judged query and scores the rankings, by group.
func evaluate(ctx context.Context, r retriever, queries []query, qrels map[string]map[string]int, group func(query) string, k int, runPath string) (map[string]*metrics, error) {
	var run io.Writer
	if runPath != "" {
		f, err := os.Create(runPath)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		bw := bufio.NewWriter(f)
		defer bw.Flush()
		run = bw
	}
	ms := map[string]*metrics{}
	for _, q := range queries {
		rel, judged := qrels[q.id]
		if !judged {
			continue
		}
		ids, scores, err := r(ctx, q.text, k)
		if err != nil {
			return nil, fmt.Errorf("query %s: %w", q.id, err)
		}
		g := group(q)
		if ms[g] == nil {
			ms[g] = &metrics{}
		}
		ms[g].add(ids, rel)
		if run != nil {
			for i, id := range ids {
				fmt.Fprintf(run, "%s Q0 %s %d %.6f pressearch\n", q.id, id, i+1, scores[i])
			}
		}
	}
	return ms, nil
}

// printMetrics prints a row per group, labelled with the index and group.
func printMetrics(w io.Writer, label string, ms map[string]*metrics) {
	groups := make([]string, 0, len(ms))
	for g := range ms {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	if len(groups) == 0 {
		(&metrics{}).print(w, label)
	}
	for _, g := range groups {
		l := label
		if g != "" {
			l += "/" + g
		}
		ms[g].print(w, l)
	}
}

// retrieve runs one query as plain words and returns up to k hit ids.
func retrieve(ctx context.Context, e *search.Engine, text string, k int) ([]string, []float64, error) {
	var ids []string
	var scores []float64
	for from := 0; from < k; from += search.MaxSize {
		size := min(search.MaxSize, k-from)
		res, err := e.Search(ctx, search.Request{Query: text, Plain: true, From: from, Size: size, NoSnippets: true})
		if err != nil {
			return nil, nil, err
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
			scores = append(scores, h.Score)
		}
		if len(res.Hits) < size {
			break
		}
	}
	return ids, scores, nil
}

type query struct{ id, text string }

func readQueries(path string) ([]query, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []query
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		t := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(t) == "" {
			continue
		}
		id, text, ok := strings.Cut(t, "\t")
		if !ok {
			return nil, fmt.Errorf("%s:%d: want qid<TAB>query text", path, line)
		}
		out = append(out, query{id, text})
	}
	return out, sc.Err()
}

// readQrels reads TREC qrels: qid, an ignored column, docid, grade.
func readQrels(path string) (map[string]map[string]int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]map[string]int{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 4 {
			return nil, fmt.Errorf("%s:%d: want 'qid 0 docid grade'", path, line)
		}
		grade, err := strconv.Atoi(fields[3])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: bad grade %q", path, line, fields[3])
		}
		if out[fields[0]] == nil {
			out[fields[0]] = map[string]int{}
		}
		out[fields[0]][fields[2]] = grade
	}
	return out, sc.Err()
}

// metrics accumulates per-query scores.
type metrics struct {
	n                                int
	ndcg10, mrr10, mrr100, recall100 float64
}

func (m *metrics) add(ids []string, rel map[string]int) {
	m.n++
	first := 0
	for i, id := range ids {
		if rel[id] > 0 {
			first = i + 1
			break
		}
	}
	if first > 0 && first <= 10 {
		m.mrr10 += 1 / float64(first)
	}
	if first > 0 && first <= 100 {
		m.mrr100 += 1 / float64(first)
	}
	relevant, found := 0, 0
	for _, g := range rel {
		if g > 0 {
			relevant++
		}
	}
	for i, id := range ids {
		if i < 100 && rel[id] > 0 {
			found++
		}
	}
	if relevant > 0 {
		m.recall100 += float64(found) / float64(relevant)
	}
	m.ndcg10 += ndcg(ids, rel, 10)
}

// ndcg is normalized discounted cumulative gain at k with gains 2^grade-1.
func ndcg(ids []string, rel map[string]int, k int) float64 {
	dcg := 0.0
	for i, id := range ids {
		if i >= k {
			break
		}
		if g := rel[id]; g > 0 {
			dcg += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i+2))
		}
	}
	var grades []int
	for _, g := range rel {
		if g > 0 {
			grades = append(grades, g)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(grades)))
	ideal := 0.0
	for i, g := range grades {
		if i >= k {
			break
		}
		ideal += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i+2))
	}
	if ideal == 0 {
		return 0
	}
	return dcg / ideal
}

func (m *metrics) print(w io.Writer, label string) {
	avg := func(x float64) float64 {
		if m.n == 0 {
			return 0
		}
		return x / float64(m.n)
	}
	fmt.Fprintf(w, "%-12s\t%.4f\t%.4f\t%.4f\t%.4f\t%d\n",
		label, avg(m.ndcg10), avg(m.mrr10), avg(m.mrr100), avg(m.recall100), m.n)
}
