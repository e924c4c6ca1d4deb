package indexer

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/blevesearch/bleve/v2"

	"pressearch/corpus"
)

// batchSize is how many documents go into one Bleve batch.
const batchSize = 500

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

// BuildIndex writes docs into a new index at path, analyzed as cfg says. The
// index is closed when it returns; Store.Build is the way to make
// generations that serve.
func BuildIndex(ctx context.Context, path string, docs []corpus.Document, cfg Config, progress Progress) (Summary, error) {
	start := time.Now()
	idx, err := bleve.New(path, cfg.Mapping())
	if err != nil {
		return Summary{}, fmt.Errorf("create index: %w", err)
	}
	sum := Summary{Languages: map[string]int{}}
	stats := newFieldStats(cfg)
	suggest := newSuggestCollector()
	batch := idx.NewBatch()
	flush := func() error {
		if batch.Size() == 0 {
			return nil
		}
		if err := idx.Batch(batch); err != nil {
			return fmt.Errorf("index batch: %w", err)
		}
		batch.Reset()
		if progress != nil {
			progress(sum.Documents, len(docs))
		}
		return nil
	}
	for i := range docs {
		if err := ctx.Err(); err != nil {
			idx.Close()
			return Summary{}, err
		}
		f := fields(&docs[i])
		if err := stats.add(f); err != nil {
			idx.Close()
			return Summary{}, err
		}
		suggest.add(docs[i].Title, docs[i].Body)
		if err := batch.Index(docs[i].ID, f); err != nil {
			idx.Close()
			return Summary{}, fmt.Errorf("document %s: %w", docs[i].ID, err)
		}
		sum.Documents++
		sum.Languages[f[FieldLang].(string)]++
		if batch.Size() >= batchSize {
			if err := flush(); err != nil {
				idx.Close()
				return Summary{}, err
			}
		}
	}
	if err := flush(); err != nil {
		idx.Close()
		return Summary{}, err
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
