package indexer

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sort"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"

	"pressearch/corpus"
)

// batchSize is how many documents go into one segment before the segments
// are merged.
const batchSize = 1000

// progressEvery is how often, in documents, a build tells its progress.
const progressEvery = 100

// Summary describes a finished build.
type Summary struct {
	Generation string         `json:"generation"`
	Documents  int            `json:"documents"`
	Languages  map[string]int `json:"languages"`
	Seconds    float64        `json:"seconds"`
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
		list += fmt.Sprintf("%s %d", l, s.Languages[l])
	}
	return fmt.Sprintf("indexed %d documents (%s) into %s in %.2fs",
		s.Documents, list, s.Generation, s.Seconds)
}

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

// prepared is one document mapped and analyzed ahead of the segment writer,
// with the words it gives to completion.
type prepared struct {
	doc   *document.Document
	lang  string
	title string
	words []string
	err   error
}

// analyzedField is a field analyzed already: a later call to Analyze does
// nothing, so the analysis runs once, in parallel.
type analyzedField struct{ document.Field }

func (analyzedField) Analyze() {}

// prepare maps one document and analyzes its fields, as the index would.
func prepare(m mapping.IndexMapping, d *corpus.Document) prepared {
	f := fields(d)
	doc := document.NewDocument(d.ID)
	if err := m.MapDocument(doc, f); err != nil {
		return prepared{err: fmt.Errorf("document %s: %w", d.ID, err)}
	}
	for i, field := range doc.Fields {
		if field.Options().IsIndexed() {
			field.Analyze()
			for _, cf := range doc.CompositeFields {
				cf.Compose(field.Name(), field.AnalyzedLength(), field.AnalyzedTokenFrequencies())
			}
		}
		doc.Fields[i] = analyzedField{field}
	}
	return prepared{doc: doc, lang: f[FieldLang].(string), title: d.Title, words: suggestWords(d.Title, d.Body)}
}

// prepareAll prepares docs on every core and hands them to use in their
// order; it stops early when use fails or ctx ends.
func prepareAll(ctx context.Context, m mapping.IndexMapping, docs []corpus.Document, use func(prepared) error) error {
	const chunk = 32
	workers := runtime.GOMAXPROCS(0)
	type job struct {
		docs []corpus.Document
		out  chan []prepared
	}
	jobs := make(chan job)
	order := make(chan chan []prepared, 2*workers)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(jobs)
		defer close(order)
		for i := 0; i < len(docs); i += chunk {
			j := job{docs: docs[i:min(i+chunk, len(docs))], out: make(chan []prepared, 1)}
			select {
			case order <- j.out:
			case <-stop:
				return
			}
			select {
			case jobs <- j:
			case <-stop:
				return
			}
		}
	}()
	for range workers {
		go func() {
			for j := range jobs {
				out := make([]prepared, len(j.docs))
				for i := range j.docs {
					out[i] = prepare(m, &j.docs[i])
				}
				j.out <- out
			}
		}()
	}
	for out := range order {
		for _, p := range <-out {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := use(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// BuildIndex writes docs into a new index at path, analyzed as cfg says. The
// index is closed when it returns; Store.Build is the way to make
// generations that serve.
//
// Documents are analyzed on every core and written a segment per batch,
// also on every core, and the segments merged once at the end: the index
// comes out as a single segment, the fastest to search.
func BuildIndex(ctx context.Context, path string, docs []corpus.Document, cfg Config, progress Progress) (Summary, error) {
	start := time.Now()
	m := cfg.Mapping()
	sum := Summary{Languages: map[string]int{}}
	stats := newFieldStats()
	suggest := newSuggestCollector()
	if len(docs) > 0 {
		segs, err := newSegmentWriter(path)
		if err != nil {
			return Summary{}, err
		}
		var batch []*document.Document
		err = prepareAll(ctx, m, docs, func(p prepared) error {
			if p.err != nil {
				return p.err
			}
			stats.add(p.doc)
			suggest.add(p.title, p.words)
			batch = append(batch, p.doc)
			if len(batch) == batchSize {
				if err := segs.write(batch); err != nil {
					return err
				}
				batch = nil
			}
			sum.Documents++
			sum.Languages[p.lang]++
			if progress != nil && (sum.Documents%progressEvery == 0 || sum.Documents == len(docs)) {
				progress(sum.Documents, len(docs))
			}
			return nil
		})
		if err == nil && len(batch) > 0 {
			err = segs.write(batch)
		}
		if werr := segs.wait(); err == nil {
			err = werr
		}
		if err != nil {
			// What was written is under path, which the caller removes.
			return Summary{}, err
		}
		if err := segs.finish(path, m); err != nil {
			return Summary{}, fmt.Errorf("write index: %w", err)
		}
	}
	var idx bleve.Index
	var err error
	if len(docs) > 0 {
		idx, err = bleve.Open(path)
	} else {
		idx, err = bleve.New(path, m)
	}
	if err != nil {
		return Summary{}, fmt.Errorf("open new index: %w", err)
	}
	raw, err := json.Marshal(stats)
	if err == nil {
		err = idx.SetInternal(statsKey, raw)
	}
	if err == nil {
		err = suggest.save(idx)
	}
	if err == nil {
		sum.Seconds = time.Since(start).Seconds()
		info := BuildInfo{Documents: sum.Documents, Finished: time.Now().UTC(), Seconds: sum.Seconds}
		var raw []byte
		if raw, err = json.Marshal(info); err == nil {
			err = idx.SetInternal(buildInfoKey, raw)
		}
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
