package indexer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"pressearch/corpus"
)

// batchSize is how many documents go into one segment before the segments
// are merged.
const batchSize = 1000

// progressEvery is how often, in documents, a build tells its progress.
const progressEvery = 100

// Summary describes a finished build.
type Summary struct {
	Generation Generation     `json:"generation"`
	Documents  int            `json:"documents"`
	Languages  map[string]int `json:"languages"`
	Seconds    float64        `json:"seconds"`
	// Removed are the generations the build's prune removed.
	Removed []Generation `json:"removed,omitempty"`
}

// String is the one-line summary a person reads.
func (s Summary) String() string {
	langs := make([]string, 0, len(s.Languages))
	for l := range s.Languages {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	list := ""
	for i, l := range langs {
		if i > 0 {
			list += ", "
		}
		list += english.Sprintf("%s %d", l, s.Languages[l])
	}
	if list != "" {
		list = " (" + list + ")"
	}
	return fmt.Sprintf("indexed %s%s into %s in %.2fs", Count(s.Documents, "document"), list, s.Generation, s.Seconds)
}

// Count writes n and a noun, in the plural unless n is 1: "1 document",
// "0 documents", "12,000 documents".
func Count(n int, noun string) string {
	if n != 1 {
		noun += "s"
	}
	return english.Sprintf("%d %s", n, noun)
}

// english writes numbers with thousands separators.
var english = message.NewPrinter(language.English)

// buildInfoKey is where a generation keeps its BuildInfo.
var buildInfoKey = []byte("pressearch:build")

// BuildInfo tells when and how fast a generation was built.
type BuildInfo struct {
	Documents int       `json:"documents"`
	Finished  time.Time `json:"finished"`
	Seconds   float64   `json:"seconds"`
}

// ReadBuildInfo reads what a generation records of its build; the zero
// BuildInfo for an index without it.
func ReadBuildInfo(idx bleve.Index) (BuildInfo, error) {
	var info BuildInfo
	raw, err := idx.GetInternal(buildInfoKey)
	if err != nil || raw == nil {
		return info, err
	}
	err = json.Unmarshal(raw, &info)
	return info, err
}

// Progress is told how many of the documents are indexed so far.
type Progress func(done, total int)

// Documents is what a build indexes: how many documents there are, and
// each of them in order, read once. A corpus.Set reads them from its files
// as the build goes, so that a build holds only the documents in its
// pipeline, not the corpus.
type Documents interface {
	Len() int
	Each(func(*corpus.Document) error) error
}

// Slice is documents held in memory.
type Slice []corpus.Document

// Len returns the number of documents.
func (s Slice) Len() int { return len(s) }

// Each calls fn on each document in order, until fn fails.
func (s Slice) Each(fn func(*corpus.Document) error) error {
	for i := range s {
		if err := fn(&s[i]); err != nil {
			return err
		}
	}
	return nil
}

// MaxTokenBytes is the longest term the index keeps: a longer token (a
// run of letters with no break, a pasted blob) is dropped at analysis, as
// Lucene's standard tokenizer drops tokens past 255 characters.
const MaxTokenBytes = 256

// prepared is one document mapped and analyzed ahead of the segment writer,
// with the words it gives to completion.
type prepared struct {
	doc     *document.Document
	lang    string
	lengths fieldLengths // the token count of each text field
	suggest suggestDoc
	weight  int64 // what the document holds of the build's budget
	err     error
}

// analyzedField is a field analyzed already: a later call to Analyze does
// nothing, so the analysis runs once, in parallel.
type analyzedField struct{ document.Field }

func (analyzedField) Analyze() {}

// Size estimates what the field holds in memory from its value and its
// number of terms. Bleve's scorch asks every document of a batch for its
// size, only to add it to its memory statistics and take it back once
// the batch's segment is made; the exact size walked every location of
// every term (4% of a bulk upsert's CPU).
func (f analyzedField) Size() int {
	return analyzedFieldBytes + len(f.Name()) + len(f.Value()) + analyzedTermBytes*len(f.AnalyzedTokenFrequencies())
}

// The estimate's bytes for a field, and for each term: its entry in the
// map, the term, its frequency and a location or two.
const (
	analyzedFieldBytes = 96
	analyzedTermBytes  = 160
)

// prepare maps one document and analyzes its fields, as the index would.
// A document written through the documents API (api) is marked so. Each
// document stores the token counts of its text fields, so that the
// statistics can take out what it put in when it is replaced or deleted.
// A panic in an analyzer is the document's error, not the build's crash.
func prepare(m mapping.IndexMapping, r *Registry, text map[string]bool, d *corpus.Document, api bool) prepared {
	return prepareKeyed(m, r, text, d, api, nil)
}

// prepareKeyed is prepare with keys, where not nil, remembering the
// matching forms of the words completion reads.
func prepareKeyed(m mapping.IndexMapping, r *Registry, text map[string]bool, d *corpus.Document, api bool, keys *suggestKeyCache) (p prepared) {
	defer func() {
		if v := recover(); v != nil {
			p = prepared{err: fmt.Errorf("document %s: analysis failed: %v", d.ID, v)}
		}
	}()
	f := fields(r, d)
	if api {
		f[FieldWritten] = WrittenAPI
	}
	doc := document.NewDocument(d.ID)
	if err := m.MapDocument(doc, f); err != nil {
		return prepared{err: fmt.Errorf("document %s: %w", d.ID, err)}
	}
	for i, field := range doc.Fields {
		if field.Options().IsIndexed() {
			field.Analyze()
			if text[field.Name()] {
				dropLongTerms(field.AnalyzedTokenFrequencies())
			}
			for _, cf := range doc.CompositeFields {
				cf.Compose(field.Name(), field.AnalyzedLength(), field.AnalyzedTokenFrequencies())
			}
		}
		doc.Fields[i] = analyzedField{field}
	}
	lengths := lengthsOf(doc, text)
	doc.AddField(document.NewTextFieldWithIndexingOptions(FieldLengths, nil, []byte(lengths.String()), index.StoreField))
	lang := f[FieldLang].(string)
	a := r.For(lang)
	title, body := f[TitleField(a.Key)].(string), f[BodyField(a.Key)].(string)
	return prepared{doc: doc, lang: lang, lengths: lengths, suggest: suggestDocKeyed(a, keys, d, title, body)}
}

// dropLongTerms removes the terms longer than MaxTokenBytes.
func dropLongTerms(tf index.TokenFrequencies) {
	for term := range tf {
		if len(term) > MaxTokenBytes {
			delete(tf, term)
		}
	}
}

// prepareAll reads docs, prepares them on every core and hands them to use
// in their order; it stops early when use fails or ctx ends. Each document
// takes its weight from b before it is read further and gives it back
// once its segment is written (see segmentWriter); flush is called when
// the reading waits for the budget, so that the documents use holds can be
// written and give theirs back.
func prepareAll(ctx context.Context, m mapping.IndexMapping, r *Registry, docs Documents, b *budget, api func(id string) bool,
	use func(prepared) error, flush func() error) error {
	text := textFields(r)
	const chunkDocs = 32
	chunkBytes := max(b.capacity/64, 1)
	workers := runtime.GOMAXPROCS(0)
	type job struct {
		docs    []corpus.Document
		weights []int64
		out     chan []prepared
	}
	jobs := make(chan job)
	order := make(chan chan []prepared, 2*workers)
	stop := make(chan struct{})
	defer close(stop)
	errStop := errors.New("stopped")
	readErr := make(chan error, 1)
	go func() {
		defer close(jobs)
		defer close(order)
		// A panic while reading (a Documents of another package) is the
		// build's error, not the program's crash.
		defer func() {
			if v := recover(); v != nil {
				readErr <- fmt.Errorf("reading the documents: %v", v)
			}
		}()
		var j job
		var size int64
		send := func() error {
			if len(j.docs) == 0 {
				return nil
			}
			j.out = make(chan []prepared, 1)
			select {
			case order <- j.out:
			case <-stop:
				return errStop
			}
			select {
			case jobs <- j:
			case <-stop:
				return errStop
			}
			j, size = job{}, 0
			return nil
		}
		err := docs.Each(func(d *corpus.Document) error {
			w := b.weigh(d)
			if !b.tryTake(w) {
				// Hand on what is read, so that it can be written and
				// give its budget back, then wait.
				if err := send(); err != nil {
					return err
				}
				if !b.take(w, stop) {
					return errStop
				}
			}
			j.docs = append(j.docs, *d)
			j.weights = append(j.weights, w)
			size += w
			if len(j.docs) == chunkDocs || size >= chunkBytes {
				return send()
			}
			return nil
		})
		if err == nil {
			err = send()
		}
		if err == errStop {
			err = nil
		}
		readErr <- err
	}()
	for range workers {
		go func() {
			keys := takeSuggestKeys() // this worker's
			defer keepSuggestKeys(keys)
			for j := range jobs {
				out := make([]prepared, len(j.docs))
				for i := range j.docs {
					out[i] = prepareKeyed(m, r, text, &j.docs[i], api != nil && api(j.docs[i].ID), keys)
					out[i].weight = j.weights[i]
				}
				j.out <- out
			}
		}()
	}
	for {
		var out chan []prepared
		var ok bool
		select {
		case out, ok = <-order:
		case <-b.waiting:
			if err := flush(); err != nil {
				return err
			}
			continue
		case <-ctx.Done():
			return ctx.Err()
		}
		if !ok {
			break
		}
		for _, p := range <-out {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := use(p); err != nil {
				return err
			}
		}
		if b.isWaiting.Load() {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return <-readErr
}

// BuildIndex writes docs into a new index at path, analyzed as cfg says. The
// index is closed when it returns; Store.Build is the way to make
// generations that serve.
func BuildIndex(ctx context.Context, path string, docs []corpus.Document, cfg Config, progress Progress) (Summary, error) {
	return buildIndex(ctx, path, Slice(docs), cfg, progress, newBudget(0), buildOptions{})
}

// buildOptions are what a rebuild of a live collection adds to a build.
type buildOptions struct {
	api func(id string) bool // the documents written through the API
	seq uint64               // the last write the documents include
}

// buildIndex writes docs into a new index at path, holding no more of them
// at once than b allows.
//
// Documents are analyzed on every core and written a segment per batch,
// also on every core, and the segments merged once at the end: the index
// comes out as a single segment, the fastest to search.
func buildIndex(ctx context.Context, path string, docs Documents, cfg Config, progress Progress, b *budget, o buildOptions) (Summary, error) {
	start := time.Now()
	m := cfg.Mapping()
	sum := Summary{Languages: map[string]int{}}
	stats := newFieldStats(cfg.registry())
	suggest := newSuggestBuilder(start)
	total := docs.Len()
	if total > 0 {
		segs, err := newSegmentWriter(path, b)
		if err != nil {
			return Summary{}, err
		}
		var batch []prepared
		var batchWeight int64
		// A batch is written as a segment when it is full, or holds its
		// share of the budget.
		batchMax := b.capacity / int64(runtime.GOMAXPROCS(0)+3)
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			err := segs.write(batch)
			batch, batchWeight = nil, 0
			return err
		}
		err = prepareAll(ctx, m, cfg.registry(), docs, b, o.api, func(p prepared) error {
			if p.err != nil {
				return p.err
			}
			stats.add(p.lengths)
			suggest.add(p.suggest)
			batch = append(batch, p)
			batchWeight += p.weight
			if len(batch) == batchSize || batchWeight >= batchMax {
				if err := flush(); err != nil {
					return err
				}
			}
			sum.Documents++
			sum.Languages[p.lang]++
			if progress != nil && (sum.Documents%progressEvery == 0 || sum.Documents == total) {
				progress(sum.Documents, total)
			}
			return nil
		}, flush)
		if err == nil {
			err = flush()
		}
		if werr := segs.wait(); err == nil {
			err = werr
		}
		if err != nil {
			// What was written is under path, which the caller removes.
			return Summary{}, err
		}
		if sum.Documents != total {
			return Summary{}, fmt.Errorf("read %d documents of the %d counted: did the corpus change during the build?", sum.Documents, total)
		}
		if err := segs.finish(path, m); err != nil {
			return Summary{}, fmt.Errorf("write index: %w", err)
		}
	}
	var idx bleve.Index
	var err error
	if total > 0 {
		idx, err = bleve.Open(path)
	} else {
		idx, err = bleve.New(path, m)
	}
	if err != nil {
		return Summary{}, fmt.Errorf("open new index: %w", err)
	}
	sugg := suggest.state()
	sugg.Seq = o.seq
	err = writeSuggestState(path, sugg)
	if err == nil {
		sum.Seconds = time.Since(start).Seconds()
		info := BuildInfo{Documents: sum.Documents, Finished: time.Now().UTC(), Seconds: sum.Seconds}
		err = setInternals(idx, stats, o.seq, &info)
	}
	if err != nil {
		idx.Close()
		return Summary{}, fmt.Errorf("field statistics: %w", err)
	}
	if err := idx.Close(); err != nil {
		return Summary{}, fmt.Errorf("close index: %w", err)
	}
	sum.Seconds = time.Since(start).Seconds()
	return sum, nil
}

// seqKey is where an index keeps the number of the last write it includes
// (0 for none since it was built from corpus files).
var seqKey = []byte("pressearch:seq")

// setInternals records, in one batch, the statistics, the last write the
// index includes and, when given, how it was built.
func setInternals(idx bleve.Index, stats *fieldStats, seq uint64, info *BuildInfo) error {
	b := idx.NewBatch()
	if err := addInternals(b, stats, seq); err != nil {
		return err
	}
	if info != nil {
		raw, err := json.Marshal(info)
		if err != nil {
			return err
		}
		b.SetInternal(buildInfoKey, raw)
	}
	return idx.Batch(b)
}

// addInternals adds to b the statistics and the last write.
func addInternals(b *bleve.Batch, stats *fieldStats, seq uint64) error {
	raw, err := json.Marshal(stats)
	if err != nil {
		return err
	}
	b.SetInternal(statsKey, raw)
	b.SetInternal(seqKey, strconv.AppendUint(nil, seq, 10))
	return nil
}
