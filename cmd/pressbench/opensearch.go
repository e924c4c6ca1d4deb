package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode"

	"pressearch/corpus"
	"pressearch/indexer"
	osindex "pressearch/indexer/opensearch"
	"pressearch/search"
	ossearch "pressearch/search/opensearch"
)

// openSearchRun builds the documents into a collection of its own on the
// cluster at o.opensearch (deleted afterwards) with pressearch's OpenSearch
// backend, and measures what the other engines are measured on: the build,
// the index size (primaries), the in-process latency of the same queries,
// and, with -serve, `pressearch serve --backend opensearch` under the same
// HTTP load. plain is plain Bleve's row of the same run, for the ratios.
func openSearchRun(ctx context.Context, o options, tmp string, docs []corpus.Document, raw int64, queries []string, plain result) error {
	var r [4]byte
	rand.Read(r[:])
	cfg := osindex.ConfigFrom(o.opensearch)
	cfg.Index = "pressbench-" + hex.EncodeToString(r[:])
	store, err := osindex.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() {
		dctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		store.Delete(dctx)
	}()
	var nodes struct {
		Nodes int `json:"number_of_data_nodes"`
	}
	if err := store.Raw(ctx, "GET", "/_cluster/health", nil, &nodes); err != nil {
		return err
	}
	start := time.Now()
	sum, err := store.Build(ctx, indexer.Slice(docs), nil)
	if err != nil {
		return err
	}
	build := time.Since(start)
	index := store.Index(sum.Generation)
	var stats []struct {
		Size string `json:"pri.store.size"`
		Reps string `json:"rep"`
	}
	if err := store.Raw(ctx, "GET", "/_cat/indices/"+index+"?format=json&bytes=b&h=pri.store.size,rep", nil, &stats); err != nil {
		return err
	}
	var bytes int64
	replicas := ""
	if len(stats) == 1 {
		fmt.Sscan(stats[0].Size, &bytes)
		replicas = stats[0].Reps
	}
	engine, _, err := ossearch.Engine(ctx, store)
	if err != nil {
		return err
	}
	defer engine.Close()
	empty, err := os.MkdirTemp(tmp, "opensearch") // measure reads a folder's size; the index is on the cluster
	if err != nil {
		return err
	}
	res, err := measure("pressearch on OpenSearch", func() error { return nil }, empty, func(q string) error {
		_, err := engine.Search(ctx, search.Request{Query: q, Plain: true, NoSnippets: true})
		return err
	}, queries)
	if err != nil {
		return err
	}
	full, err := measure("", func() error { return nil }, empty, func(q string) error {
		_, err := engine.Search(ctx, search.Request{Query: q, Plain: true})
		return err
	}, queries)
	if err != nil {
		return err
	}
	n := len(docs)
	fmt.Printf("\npressearch on OpenSearch (%d data nodes, 1 shard, %s replica; the cluster's own memory not counted):\n", nodes.Nodes, replicas)
	fmt.Printf("%-32s %10s %8s %10s %9s %9s %9s %9s\n", "", "docs/s", "MB/s", "bytes/doc", "p50", "p95", "p99", "q/s")
	for _, row := range []struct {
		name string
		r    result
	}{{"pressearch on OpenSearch", res}, {"  facets and snippets", full}} {
		fmt.Printf("%-32s %10.0f %8.2f %10.0f %9s %9s %9s %9.0f\n", row.name,
			float64(n)/build.Seconds(), float64(raw)/1e6/build.Seconds(), float64(bytes)/float64(n),
			row.r.p50.Round(time.Microsecond), row.r.p95.Round(time.Microsecond), row.r.p99.Round(time.Microsecond), row.r.qps)
	}
	fmt.Printf("ratios, pressearch on OpenSearch / plain Bleve: build rate %.2f, index size %.2f, bare query p50 %.2f p99 %.2f\n",
		plain.build.Seconds()/build.Seconds(), float64(bytes)/float64(plain.bytes),
		float64(res.p50)/float64(plain.p50), float64(res.p99)/float64(plain.p99))
	if !o.serve {
		return nil
	}
	fmt.Printf("\non OpenSearch:")
	return serveLoad(ctx, tmp, empty, queries, o.conns, "", "--backend", "opensearch",
		"--opensearch-url", strings.Join(cfg.URLs, ","), "--opensearch-index", cfg.Index)
}

// loadCorpus reads a corpus file for measuring: its documents, their bytes
// of text, and the words each language's documents use.
func loadCorpus(path string) ([]corpus.Document, int64, map[string][]string, error) {
	docs, err := corpus.Load(path)
	if err != nil {
		return nil, 0, nil, err
	}
	var raw int64
	seen := map[string]map[string]bool{}
	inUse := map[string][]string{}
	for _, d := range docs {
		raw += int64(len(d.Title) + len(d.Body))
		lang := indexer.Language(&d)
		if seen[lang] == nil {
			seen[lang] = map[string]bool{}
		}
		for _, w := range strings.FieldsFunc(d.Body, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsMark(r) && !unicode.IsDigit(r)
		}) {
			if !seen[lang][w] {
				seen[lang][w] = true
				inUse[lang] = append(inUse[lang], w)
			}
		}
	}
	if len(inUse) == 0 {
		return nil, 0, nil, fmt.Errorf("%s: no words", path)
	}
	fmt.Fprintf(os.Stderr, "pressbench: %d documents from %s\n", len(docs), path)
	return docs, raw, inUse, nil
}
