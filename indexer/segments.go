package indexer

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"
)

// segmentWriter writes batches of prepared documents as segments, on every
// core, and merges them into the index's one segment.
//
// Bleve's offline builder does the same on one goroutine: it makes each
// batch's segment while the next batch waits, and that was most of a
// build's time once analysis ran in parallel. Segments are zap v17, the
// format Bleve's scorch writes by default.
type segmentWriter struct {
	dir    string // where the batches' segments go until they are merged
	budget *budget
	jobs   chan segmentJob
	wg     sync.WaitGroup

	mu    sync.Mutex
	err   error
	paths []string // by batch
}

type segmentJob struct {
	n      int
	docs   []*document.Document
	weight int64 // of the budget, given back once written
}

// mergeMax is how many segments one merge pass takes; each pass rewrites
// what it merges, so fewer passes write less.
const mergeMax = 100

func newSegmentWriter(path string, b *budget) (*segmentWriter, error) {
	if err := os.MkdirAll(path, 0o700); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(path, "segments-")
	if err != nil {
		return nil, err
	}
	workers := runtime.GOMAXPROCS(0)
	// Unbuffered: each batch waits for a free worker, so that at most one
	// batch more than there are workers is held in memory.
	w := &segmentWriter{dir: dir, budget: b, jobs: make(chan segmentJob)}
	for range workers {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for j := range w.jobs {
				w.run(j)
			}
		}()
	}
	return w, nil
}

// write queues a batch as the next segment; it waits while every worker is
// busy, so that prepared documents do not pile up in memory.
func (w *segmentWriter) write(batch []prepared) error {
	w.mu.Lock()
	err, n := w.err, len(w.paths)
	w.paths = append(w.paths, "")
	w.mu.Unlock()
	if err != nil {
		return err
	}
	j := segmentJob{n: n, docs: make([]*document.Document, len(batch))}
	for i, p := range batch {
		j.docs[i] = p.doc
		j.weight += p.weight
	}
	w.jobs <- j
	return nil
}

func (w *segmentWriter) run(j segmentJob) {
	defer w.budget.give(j.weight)
	w.mu.Lock()
	failed := w.err != nil
	w.mu.Unlock()
	if failed {
		return
	}
	path := filepath.Join(w.dir, fmt.Sprintf("%09d.zap", j.n))
	err := func() (err error) {
		defer func() {
			if v := recover(); v != nil {
				err = fmt.Errorf("panic: %v", v)
			}
		}()
		docs := make([]index.Document, len(j.docs))
		for i, d := range j.docs {
			// Every segment document has an id field, analyzed as Bleve's
			// builder would; the other fields were analyzed when prepared.
			d.AddIDField()
			d.Fields[len(d.Fields)-1].Analyze()
			docs[i] = d
		}
		seg, _, err := (&zap.ZapPlugin{}).New(docs)
		if err != nil {
			return err
		}
		defer seg.Close()
		unpersisted, ok := seg.(segment.UnpersistedSegment)
		if !ok {
			return fmt.Errorf("segment %T cannot be written", seg)
		}
		return unpersisted.Persist(path)
	}()
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil && w.err == nil {
		w.err = fmt.Errorf("write segment %d: %w", j.n, err)
	}
	w.paths[j.n] = path
}

// wait waits for the queued segments and returns the first error.
func (w *segmentWriter) wait() error {
	close(w.jobs)
	w.wg.Wait()
	return w.err
}

// finish merges the segments, in order, into one and makes the index at
// path of it, with mapping m.
//
// The index's other files come from Bleve's offline builder: given one
// placeholder document, it writes the index metadata, the mapping and the
// root that names its single segment, builderSegment; the merged segment
// then takes that file's place.
func (w *segmentWriter) finish(path string, m mapping.IndexMapping) error {
	defer os.RemoveAll(w.dir)
	// The analyzed documents are garbage now: give their memory back
	// before the merge maps the segments' files in, so that the two do
	// not add up.
	debug.FreeOSMemory()
	paths := w.paths
	plugin := &zap.ZapPlugin{}
	for k := 0; len(paths) > 1; k++ {
		n := min(mergeMax, len(paths))
		out := filepath.Join(w.dir, fmt.Sprintf("merged-%06d.zap", k))
		if err := mergeSegments(plugin, paths[:n], out); err != nil {
			return err
		}
		paths = append(paths[n:], out)
	}
	b, err := bleve.NewBuilder(path, m, map[string]interface{}{"buildPathPrefix": w.dir})
	if err != nil {
		return err
	}
	if err := b.Index("placeholder", map[string]interface{}{}); err != nil {
		return err
	}
	if err := b.Close(); err != nil {
		return err
	}
	final := filepath.Join(path, "store", builderSegment)
	if _, err := os.Stat(final); err != nil {
		return fmt.Errorf("the offline builder left no segment to replace: %w", err)
	}
	return os.Rename(paths[0], final)
}

// builderSegment is the file Bleve's offline builder (scorch, v2.6) names
// as the one segment of the index it makes.
const builderSegment = "000000000002.zap"

// mergeSegments merges the segments at paths, in order, into out and
// removes them.
func mergeSegments(plugin *zap.ZapPlugin, paths []string, out string) error {
	segs := make([]segment.Segment, 0, len(paths))
	defer func() {
		for _, s := range segs {
			s.Close()
		}
	}()
	for _, p := range paths {
		s, err := plugin.Open(p)
		if err != nil {
			return err
		}
		segs = append(segs, s)
	}
	if _, _, err := plugin.Merge(segs, make([]*roaring.Bitmap, len(segs)), out, nil, nil); err != nil {
		return fmt.Errorf("merge segments: %w", err)
	}
	for _, s := range segs {
		s.Close()
	}
	segs = nil
	for _, p := range paths {
		if err := os.Remove(p); err != nil {
			return err
		}
	}
	return nil
}
