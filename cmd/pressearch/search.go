package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"pressearch/indexer"
	"pressearch/search"
	"pressearch/search/plan"
)

func runSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("search", stderr)
	data := fs.String("data", defaultDataDir(), "data directory holding the index generations")
	asJSON := fs.Bool("json", false, "print the result as the API's JSON")
	lang := fs.String("lang", "", "only documents in this language")
	size := fs.Int("size", search.DefaultSize, "how many hits to show")
	explain := fs.Bool("explain", false, "also print the plan and each hit's score broken down by field, term and weight")
	backend := addBackendFlags(fs, false)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("QUERY is required")
	}
	if err := backend.check(); err != nil {
		return err
	}
	req := search.Request{Query: strings.Join(pos, " "), Lang: *lang, Size: *size, Explain: *explain}
	var res *search.Result
	if backend.opensearch() {
		res, err = searchOnce(ctx, backend, *data, req)
	} else {
		res, err = searchData(ctx, *data, req)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, res)
	}
	if len(res.Plan) > 0 {
		fmt.Fprintln(stdout, "plan:")
		for _, l := range res.Plan {
			fmt.Fprintf(stdout, "  %s\n", l)
		}
		fmt.Fprintln(stdout)
	}
	fmt.Fprintf(stdout, "%d results (%.1f ms)\n", res.Total, res.TookMS)
	if res.DidYouMean != "" {
		fmt.Fprintf(stdout, "did you mean: %s\n", res.DidYouMean)
	}
	for i, h := range res.Hits {
		fmt.Fprintf(stdout, "\n%d. %s\n   %s · %s · %s · %s · score %.4f\n", i+1, h.Title, h.ID, h.Lang, h.Kind, h.Date, h.Score)
		for _, s := range h.Snippets {
			fmt.Fprintf(stdout, "   %s\n", plain(s))
		}
		if h.Explanation != nil {
			printExplanation(stdout, h.Explanation, "   ")
		}
	}
	return nil
}

// searchData runs r on the current generation under data: through the
// server that writes it, where one runs (it holds the index open), else on
// the index itself.
func searchData(ctx context.Context, data string, r search.Request) (*search.Result, error) {
	var info *serverInfo
	if store, err := indexer.FindStore(data); err == nil {
		if info, err = runningServer(store); err != nil {
			return nil, err
		}
	}
	if info != nil {
		q := url.Values{"q": {r.Query}, "size": {strconv.Itoa(r.Size)}}
		if r.Lang != "" {
			q.Set("lang", r.Lang)
		}
		if r.Explain {
			q.Set("explain", "true")
		}
		var res search.Result
		err := newClient(info.URL, info.Key).do(ctx, "GET", "/api/v1/search?"+q.Encode(), nil, &res)
		var apiErr *apiError
		if errors.As(err, &apiErr) && apiErr.Status == 400 {
			return nil, usagef("%s", apiErr.Message)
		}
		return &res, err
	}
	engine, closeEngine, err := openEngine(data)
	if err != nil {
		return nil, err
	}
	defer closeEngine()
	return searchWith(ctx, engine, r)
}

// searchOnce runs r on the current generation of the backend.
func searchOnce(ctx context.Context, b *backendFlags, data string, r search.Request) (*search.Result, error) {
	engine, closeEngine, err := openEngineFor(ctx, b, data)
	if err != nil {
		return nil, err
	}
	defer closeEngine()
	return searchWith(ctx, engine, r)
}

// searchWith runs r on engine; a mistake in it is a usage error.
func searchWith(ctx context.Context, engine *search.Engine, r search.Request) (*search.Result, error) {
	res, err := engine.Search(ctx, r)
	if err != nil && search.ErrorCode(err) == search.CodeInvalid {
		return nil, usagef("%s", search.ErrorMessage(err))
	}
	return res, err
}

// printExplanation prints a score's breakdown as an indented tree.
func printExplanation(w io.Writer, e *plan.Explanation, indent string) {
	fmt.Fprintf(w, "%s%.4f %s\n", indent, e.Value, e.Description)
	for _, d := range e.Details {
		printExplanation(w, d, indent+"  ")
	}
}

// openEngineFor opens the current generation of the backend for a one-off
// command: under data, or on the cluster.
func openEngineFor(ctx context.Context, b *backendFlags, data string) (*search.Engine, func(), error) {
	if !b.opensearch() {
		return openEngine(data)
	}
	store, err := b.store(ctx)
	if err != nil {
		return nil, nil, err
	}
	engine, _, err := openSearchEngine(ctx, store)
	if err != nil {
		return nil, nil, err
	}
	return engine, func() { engine.Close() }, nil
}

// openEngine opens the current generation under data for a one-off
// command, holding a lease on it so that no prune removes it meanwhile; the
// function it returns closes the engine and gives the lease up. It
// creates nothing: where there is no index it says how to make one.
func openEngine(data string) (*search.Engine, func(), error) {
	store, err := indexer.FindStore(data)
	if errors.Is(err, indexer.ErrNoGeneration) {
		return nil, nil, fmt.Errorf("no index in %s; build one with 'pressearch index --data %s'", data, data)
	}
	if err != nil {
		return nil, nil, err
	}
	gen, err := store.Current()
	if err != nil {
		return nil, nil, err
	}
	idx, lease, err := store.Serve(gen)
	if err != nil {
		return nil, nil, err
	}
	engine := search.NewEngine()
	if _, err := engine.Swap(idx, gen); err != nil {
		return nil, nil, errors.Join(err, idx.Close(), lease.Release())
	}
	return engine, func() {
		engine.Close()
		lease.Release()
	}, nil
}

// writeJSON writes v as the API does: UTF-8 and <mark> left readable.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

var markTags = regexp.MustCompile(`</?mark>`)

// plain turns an HTML snippet into terminal text, matches in brackets.
func plain(s string) string {
	s = markTags.ReplaceAllStringFunc(s, func(t string) string {
		if t == "<mark>" {
			return "["
		}
		return "]"
	})
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&amp;", "&", "\n", " ").Replace(s)
}
