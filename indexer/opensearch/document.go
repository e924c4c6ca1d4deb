package opensearch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"

	"pressearch/corpus"
	"pressearch/indexer"
)

// Source is a document as OpenSearch keeps it in _source: what it stores,
// without the token fields.
type Source struct {
	ID            string   `json:"id"`
	Lang          string   `json:"lang"`
	Kind          string   `json:"kind"`
	Title         string   `json:"title"`
	Body          string   `json:"body"`
	Source        string   `json:"source,omitempty"`
	URL           string   `json:"url,omitempty"`
	Date          string   `json:"date,omitempty"`
	Year          string   `json:"year,omitempty"`
	Related       []string `json:"related,omitempty"`
	TranslationOf string   `json:"translation_of,omitempty"`
	// PublishAt is the end of the document's embargo (RFC 3339, UTC),
	// where it has one.
	PublishAt string `json:"publish_at,omitempty"`
	// API marks a document written through the documents API rather than
	// built from corpus files.
	API bool `json:"api,omitempty"`
}

// document is the document d stores, as the corpus gave it.
func (d *Source) document() corpus.Document {
	return corpus.Document{ID: d.ID, Lang: d.Lang, Title: d.Title, Body: d.Body, Date: d.Date,
		Source: d.Source, URL: d.URL, Kind: d.Kind, Related: d.Related, TranslationOf: d.TranslationOf,
		PublishAt: d.PublishAt}
}

// encode writes the JSON OpenSearch indexes for one document: its stored
// fields and, for each text field, its tokens as whitespace-separated text.
func encode(t *indexer.Tokenized, publishAt string, api bool) ([]byte, error) {
	src := Source{ID: t.ID, Lang: t.Lang, Kind: t.Kind, Title: t.Title, Body: t.Body,
		Source: t.Source, URL: t.URL, Date: t.Date, Related: t.Related, TranslationOf: t.TranslationOf,
		PublishAt: publishAt, API: api}
	if len(t.Date) >= 4 {
		src.Year = t.Date[:4]
	}
	raw, err := json.Marshal(src)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Grow(len(raw) * 3)
	b.Write(raw[:len(raw)-1]) // the object stays open for the token fields
	for _, f := range indexer.TextFields() {
		toks, ok := t.Fields[f]
		if !ok {
			continue
		}
		name, _ := json.Marshal(f)
		text, err := json.Marshal(Text(toks))
		if err != nil {
			return nil, err
		}
		b.WriteByte(',')
		b.Write(name)
		b.WriteByte(':')
		b.Write(text)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// bulkSize bounds one bulk request: documents and bytes.
const (
	bulkDocs  = 500
	bulkBytes = 8 << 20
)

// bulkItem is one line of a bulk request: an index of a document, or a
// delete of an id.
type bulkItem struct {
	id      string
	doc     []byte // nil: delete
	lang    string
	src     *corpus.Document // as the corpus gives it, for completion
	present []string         // the analyses (and NamesField) it has fields of
	failed  error
}

// tokenizeAll analyzes docs on every core and hands them, in order, to
// use; api says which were written through the documents API (nil: none).
func tokenizeAll(ctx context.Context, docs indexer.Documents, api map[string]bool, use func(bulkItem) error) error {
	workers := runtime.GOMAXPROCS(0)
	const chunk = 32
	type job struct {
		docs []corpus.Document
		out  chan []bulkItem
	}
	jobs := make(chan job)
	order := make(chan chan []bulkItem, 2*workers)
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel() // the feeder stops, and with it the workers
		wg.Wait()
	}()
	read := make(chan error, 1)
	go func() {
		defer close(jobs)
		defer close(order)
		var batch []corpus.Document
		send := func() error {
			j := job{docs: batch, out: make(chan []bulkItem, 1)}
			batch = nil
			select {
			case order <- j.out:
			case <-ctx.Done():
				return ctx.Err()
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return ctx.Err()
			}
			return nil
		}
		err := docs.Each(func(d *corpus.Document) error {
			batch = append(batch, *d)
			if len(batch) == chunk {
				return send()
			}
			return nil
		})
		if err == nil && len(batch) > 0 {
			err = send()
		}
		read <- err
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				out := make([]bulkItem, len(j.docs))
				for i := range j.docs {
					it := bulkItem{id: j.docs[i].ID, src: &j.docs[i]}
					t, err := indexer.Tokenize(&j.docs[i])
					if err == nil {
						it.lang = t.Lang
						it.present = presentIn(t)
						it.doc, err = encode(t, j.docs[i].PublishAt, api[t.ID])
					}
					it.failed = err
					out[i] = it
				}
				j.out <- out
			}
		}()
	}
	for out := range order {
		for _, it := range <-out {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := use(it); err != nil {
				return err
			}
		}
	}
	return <-read
}

// bulkAnswer is the part of a bulk answer we read.
type bulkAnswer struct {
	Errors bool `json:"errors"`
	Items  []map[string]struct {
		ID     string `json:"_id"`
		Status int    `json:"status"`
		Error  *struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		} `json:"error"`
	} `json:"items"`
}

// bulk sends items to index in one request. Each document is written
// whole under its id, so a request retried after a lost answer writes the
// same documents again.
func (c *Client) bulk(ctx context.Context, index string, items []bulkItem, wait bool) error {
	var b bytes.Buffer
	for _, it := range items {
		action := "index"
		if it.doc == nil {
			action = "delete"
		}
		head, _ := json.Marshal(map[string]any{action: map[string]string{"_index": index, "_id": it.id}})
		b.Write(head)
		b.WriteByte('\n')
		if it.doc != nil {
			b.Write(it.doc)
			b.WriteByte('\n')
		}
	}
	var ans bulkAnswer
	path := "/_bulk"
	if wait {
		path += "?refresh=wait_for"
	}
	if err := c.Do(ctx, "POST", path, ndjson(b.Bytes()), &ans); err != nil {
		return err
	}
	if !ans.Errors {
		return nil
	}
	for _, item := range ans.Items {
		for action, r := range item {
			if r.Error != nil && !(action == "delete" && r.Status == 404) {
				return fmt.Errorf("document %s: OpenSearch refused it: %s: %s", r.ID, r.Error.Type, r.Error.Reason)
			}
		}
	}
	return nil
}

// presentIn returns the analysis a document's text is indexed under, and
// indexer.NamesField where its body feeds the sound keys.
func presentIn(t *indexer.Tokenized) []string {
	var out []string
	_, title := t.Fields[indexer.TitleField(t.Key)]
	_, body := t.Fields[indexer.BodyField(t.Key)]
	if title || body {
		out = append(out, t.Key)
	}
	if _, ok := t.Fields[indexer.NamesField]; ok {
		out = append(out, indexer.NamesField)
	}
	return out
}
