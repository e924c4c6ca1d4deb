package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"pressearch/corpus"
	"pressearch/indexer"
	osindex "pressearch/indexer/opensearch"
)

// writerWait is how long a command waits for another command that writes
// the same data directory.
const writerWait = time.Minute

// bulkDocs is how many documents one request of add carries.
const bulkDocs = 1000

// target is where a command writes: a server (one running on the data
// directory, or the one --url names), or the data directory itself.
type target struct {
	client *client
	store  *indexer.Store
	// os is the collection on OpenSearch, written from here.
	os *osindex.Store
}

// writeTarget finds where a command writes, from its --data, --url and
// backend flags: a server named by --url, else the serve that runs on
// --data (which must serve the same collection), else the collection
// itself.
func writeTarget(ctx context.Context, data, serverURL string, b *backendFlags) (*target, error) {
	if serverURL != "" {
		u, err := url.Parse(serverURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, usagef("--url must be an http or https address, not %q", serverURL)
		}
		key := os.Getenv("PRESSEARCH_API_KEY")
		if key == "" {
			return nil, usagef("writing through --url needs the key in PRESSEARCH_API_KEY")
		}
		return &target{client: newClient(serverURL, key)}, nil
	}
	var oss *osindex.Store
	want := "" // the serverInfo.Backend of a server of the same collection
	if b.opensearch() {
		var err error
		if oss, err = b.store(ctx); err != nil {
			return nil, err
		}
		want = openSearchServer(oss)
		if _, err := os.Stat(data); err != nil {
			return &target{os: oss}, nil // no server leaves its address there
		}
	}
	store, err := indexer.OpenStore(data)
	if err != nil {
		return nil, err
	}
	info, err := runningServer(store)
	if err != nil {
		return nil, err
	}
	if info != nil {
		if info.Backend != want {
			served := info.Backend
			if served == "" {
				served = "bleve"
			}
			return nil, fmt.Errorf("%s is served by process %d (%s), another collection than this command's; "+
				"give the --data of its server, or its --url", data, info.PID, served)
		}
		return &target{client: newClient(info.URL, info.Key)}, nil
	}
	if oss != nil {
		return &target{os: oss}, nil
	}
	return &target{store: store}, nil
}

// bulkAnswer is the API's answer to a bulk write.
type bulkAnswer struct {
	Errors bool `json:"errors"`
	Items  []struct {
		Line   int    `json:"line"`
		ID     string `json:"id"`
		Status int    `json:"status"`
		Result string `json:"result"`
		Error  *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	} `json:"items"`
}

// apply writes actions where t says, all or none where atomic, and
// returns each action's outcome.
func (t *target) apply(ctx context.Context, actions []corpus.Action, atomic bool) ([]indexer.Outcome, error) {
	if t.os != nil {
		out, err := t.os.Apply(ctx, actions, indexer.WriteOptions{Atomic: atomic, Writer: "cli"})
		if err == nil {
			err = t.os.Refresh(ctx) // searchable when the command ends, as through a server
		}
		return out, err
	}
	if t.client == nil {
		unlock, err := t.store.WaitWriter(ctx, writerWait)
		if err != nil {
			return nil, err
		}
		defer unlock()
		gen, err := t.store.Current()
		if err != nil {
			return nil, fmt.Errorf("%s: %w; run 'pressearch index' first", t.store.Dir(), err)
		}
		l, err := t.store.OpenLive(gen)
		if err != nil {
			return nil, err
		}
		out, err := l.Apply(ctx, actions, indexer.WriteOptions{Atomic: atomic, Writer: "cli"})
		if cerr := l.Close(); err == nil {
			err = cerr
		}
		return out, err
	}
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	for _, a := range actions {
		if a.Doc != nil {
			enc.Encode(a.Doc)
		} else {
			enc.Encode(map[string]string{"delete": a.Delete})
		}
	}
	var ans bulkAnswer
	err := t.client.do(ctx, "POST", fmt.Sprintf("/api/v1/docs/_bulk?atomic=%v&refresh=wait_for", atomic), body.Bytes(), &ans)
	var apiErr *apiError
	if err != nil && !(errors.As(err, &apiErr) && len(ans.Items) == len(actions)) {
		return nil, err
	}
	out := make([]indexer.Outcome, len(actions))
	for i, it := range ans.Items {
		o := indexer.Outcome{Line: it.Line, ID: it.ID}
		switch {
		case it.Result == "created":
			o.Result = indexer.Created
		case it.Result == "replaced":
			o.Result = indexer.Replaced
		case it.Result == "deleted":
			o.Result = indexer.Deleted
		case it.Status == 404:
			o.Result = indexer.NotFound
		case it.Error != nil && it.Error.Code == "not_applied":
			o.Result = indexer.NotApplied
		default:
			o.Result = indexer.Invalid
			if it.Error != nil {
				o.Reason = it.Error.Message
			}
		}
		out[i] = o
	}
	return out, nil
}

func runAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("add", stderr)
	data := fs.String("data", defaultDataDir(), "data directory holding the index generations")
	serverURL := fs.String("url", "", "address of a pressearch server to write through (key in PRESSEARCH_API_KEY)")
	backend := addBackendFlags(fs, false)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := backend.check(); err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("FILE is required: corpus files (.md, .json, .jsonl) or directories")
	}
	docs, where, err := corpus.LoadAdditions(pos...)
	if err != nil {
		return fmt.Errorf("the files have errors, nothing was added:\n%w", err)
	}
	t, err := writeTarget(ctx, *data, *serverURL, backend)
	if err != nil {
		return err
	}
	var created, replaced int
	for start := 0; start < len(docs); start += bulkDocs {
		end := min(start+bulkDocs, len(docs))
		actions := make([]corpus.Action, 0, end-start)
		for i := start; i < end; i++ {
			actions = append(actions, corpus.Action{Line: i - start + 1, Doc: &docs[i]})
		}
		out, err := t.apply(ctx, actions, true)
		if err != nil {
			return err
		}
		var bad []string
		for i, o := range out {
			switch o.Result {
			case indexer.Created:
				created++
			case indexer.Replaced:
				replaced++
			case indexer.Invalid:
				bad = append(bad, where[start+i]+": "+o.Reason)
			}
		}
		if len(bad) > 0 {
			added := ""
			if start > 0 {
				added = fmt.Sprintf(" (the %d before them were: %d added, %d replaced)", start, created, replaced)
			}
			return fmt.Errorf("documents %d to %d were not added%s:\n%s", start+1, end, added, strings.Join(bad, "\n"))
		}
	}
	fmt.Fprintf(stdout, "added %s, replaced %d\n", indexer.Count(created, "document"), replaced)
	return nil
}

func runDelete(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("delete", stderr)
	data := fs.String("data", defaultDataDir(), "data directory holding the index generations")
	serverURL := fs.String("url", "", "address of a pressearch server to write through (key in PRESSEARCH_API_KEY)")
	backend := addBackendFlags(fs, false)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := backend.check(); err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("ID is required")
	}
	for _, id := range pos {
		if !corpus.ValidID(id) {
			return usagef("invalid id %q: want 1 to 128 of [A-Za-z0-9._-]", id)
		}
	}
	t, err := writeTarget(ctx, *data, *serverURL, backend)
	if err != nil {
		return err
	}
	// Not atomic: an id that is not there fails alone.
	actions := make([]corpus.Action, len(pos))
	for i, id := range pos {
		actions[i] = corpus.Action{Line: i + 1, Delete: id}
	}
	out, err := t.apply(ctx, actions, false)
	if err != nil {
		return err
	}
	deleted := 0
	var missing []string
	for i, o := range out {
		if o.Result == indexer.Deleted {
			deleted++
		} else {
			missing = append(missing, actions[i].Delete)
		}
	}
	fmt.Fprintf(stdout, "deleted %s\n", indexer.Count(deleted, "document"))
	if len(missing) > 0 {
		return fmt.Errorf("no document with id %s", strings.Join(missing, ", "))
	}
	return nil
}

// reindexLive rebuilds the collection (under data, or on OpenSearch) from
// its own stored documents, keeping the writes made meanwhile: through the
// server that writes it where one runs, else here (with the writer lock
// on Bleve; on OpenSearch keeping only this process's writes).
func reindexLive(ctx context.Context, data string, b *backendFlags, asJSON bool, stdout, stderr io.Writer) error {
	t, err := writeTarget(ctx, data, "", b)
	if err != nil {
		return err
	}
	if t.os != nil {
		progress := progressTo(stderr)
		sum, err := osindex.NewCollection(t.os).Rebuild(ctx, progress)
		if progress != nil {
			fmt.Fprint(stderr, clearLine)
		}
		if err != nil {
			return err
		}
		return printSummary(stdout, sum, asJSON)
	}
	var sum indexer.Summary
	if t.client != nil {
		if err := t.client.do(ctx, "POST", "/api/v1/_reindex", nil, &sum); err != nil {
			return err
		}
		return printSummary(stdout, sum, asJSON)
	}
	unlock, err := t.store.WaitWriter(ctx, writerWait)
	if err != nil {
		return err
	}
	defer unlock()
	gen, err := t.store.Current()
	if err != nil {
		return fmt.Errorf("no index in %s to reindex: %w", data, err)
	}
	l, err := t.store.OpenLive(gen)
	if err != nil {
		return err
	}
	progress := progressTo(stderr)
	next, sum, err := t.store.Rebuild(ctx, l, progress)
	if progress != nil {
		fmt.Fprint(stderr, clearLine)
	}
	if cerr := l.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := next.Close(); err != nil {
		return err
	}
	return printSummary(stdout, sum, asJSON)
}
