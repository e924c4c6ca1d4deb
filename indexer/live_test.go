package indexer

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"

	"pressearch/corpus"
)

// sharedData returns the data set name under ../shared, skipping where it
// is absent, except under CI, where it must be there, and under -short.
func sharedData(t *testing.T, name string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: the shared data sets run in the full run; the race run takes -short")
	}
	dir := os.Getenv("PRESSEARCH_SHARED")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared")
	}
	dir = filepath.Join(dir, "data", name)
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared data not found at %s under CI: %v", dir, err)
		}
		t.Skipf("shared data not found at %s", dir)
	}
	return dir
}

// buildLive builds docs into a new generation under t's temporary directory
// and opens it for writing.
func buildLive(t testing.TB, docs []corpus.Document) *Live {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "gen")
	if _, err := BuildIndex(context.Background(), dir, docs, Config{}, nil); err != nil {
		t.Fatal(err)
	}
	l, err := OpenLive(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// collection is the model of a live collection: what a fresh build of it
// must equal. Documents written through the API have API set.
type collection map[string]modelDoc

type modelDoc struct {
	corpus.Document
	API bool
}

func (c collection) api(id string) bool { return c[id].API }

func (c collection) docs() []corpus.Document {
	out := make([]corpus.Document, 0, len(c))
	for _, d := range c {
		out = append(out, d.Document)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// mutator makes random writes to a collection from a pool of documents.
type mutator struct {
	rng  *rand.Rand
	pool []corpus.Document
	now  time.Time
}

// variant is pool document i changed the way an editor would change it.
func (m *mutator) variant(i int) corpus.Document {
	d := m.pool[i]
	d.Related, d.TranslationOf = nil, ""
	switch m.rng.Intn(6) {
	case 0:
		d.Title = "Corrected: " + d.Title
	case 1:
		words := strings.Fields(d.Body)
		d.Body = strings.Join(words[:1+m.rng.Intn(len(words))], " ")
	case 2:
		d.PublishAt = m.now.Add(time.Hour).UTC().Format(time.RFC3339Nano) // under embargo
	case 3:
		d.PublishAt = m.now.Add(-time.Hour).UTC().Format(time.RFC3339Nano) // embargo over
	case 4:
		d.Date = fmt.Sprintf("2025-%02d-%02d", 1+m.rng.Intn(12), 1+m.rng.Intn(28))
	}
	return d
}

// actions returns a random write to c: new documents, replaced ones,
// deletes, and now and then a bad line or a delete of nothing.
func (m *mutator) actions(c collection) []corpus.Action {
	n := 1 + m.rng.Intn(8)
	var out []corpus.Action
	seen := map[string]bool{}
	for k := 0; k < n; k++ {
		i := m.rng.Intn(len(m.pool))
		id := m.pool[i].ID
		if seen[id] {
			continue
		}
		seen[id] = true
		line := len(out) + 1
		_, exists := c[id]
		switch r := m.rng.Intn(10); {
		case r < 3 && exists:
			out = append(out, corpus.Action{Line: line, Delete: id})
		case r == 3:
			out = append(out, corpus.Action{Line: line, Delete: "no-such-" + id})
		case r == 4:
			out = append(out, corpus.Action{Line: line, Reason: "missing field: body"})
		default:
			d := m.variant(i)
			if existing := c.docs(); len(existing) > 0 && m.rng.Intn(3) == 0 {
				d.Related = []string{existing[m.rng.Intn(len(existing))].ID}
				if d.Related[0] == d.ID {
					d.Related = nil
				}
			}
			if m.rng.Intn(2) == 0 {
				d.Lang = "" // detected from the script
			}
			corpusValidate(&d)
			out = append(out, corpus.Action{Line: line, Doc: &d})
		}
	}
	return out
}

// corpusValidate fills in defaults as the loader does.
func corpusValidate(d *corpus.Document) {
	raw, _ := json.Marshal(d)
	v, err := corpus.ParseDocument(raw, "")
	if err != nil {
		panic(fmt.Sprintf("%s: %v", raw, err))
	}
	*d = *v
}

// applyModel applies what the outcomes say was applied to the model.
func applyModel(c collection, actions []corpus.Action, out []Outcome) {
	for i, o := range out {
		switch o.Result {
		case Created, Replaced:
			c[o.ID] = modelDoc{*actions[i].Doc, true}
		case Deleted:
			delete(c, o.ID)
		}
	}
}

// sameAsFreshBuild checks that the live collection l holds what a fresh
// build of c holds: every term of every field with its document count, the
// stored documents, the field statistics and what completion offers.
func sameAsFreshBuild(t *testing.T, l *Live, c collection) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "fresh")
	if _, err := buildIndex(context.Background(), dir, Slice(c.docs()), Config{}, nil, newBudget(0), buildOptions{api: c.api}); err != nil {
		t.Fatal(err)
	}
	fresh, err := OpenIndex(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if got, want := dump(t, l.Index()), dump(t, fresh); !reflect.DeepEqual(got, want) {
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: live %q, fresh build %q", k, got[k], v)
			}
		}
		for k, v := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("%s: live %q, fresh build has none", k, v)
			}
		}
		t.FailNow()
	}
	var liveStats, freshStats fieldStats
	for _, s := range []struct {
		idx bleve.Index
		to  *fieldStats
	}{{l.Index(), &liveStats}, {fresh, &freshStats}} {
		raw, err := s.idx.GetInternal(statsKey)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, s.to); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(liveStats, freshStats) {
		t.Errorf("field statistics:\nlive  %+v\nfresh %+v", liveStats, freshStats)
	}
	freshSugg, err := LoadSuggestions(fresh)
	if err != nil {
		t.Fatal(err)
	}
	if got := l.SuggestionsNow(); !got.Equal(freshSugg) {
		t.Errorf("suggestions differ:\nlive  %d titles %v\nfresh %d titles %v\nwords live %d fresh %d",
			len(got.Titles), got.Titles[:min(5, len(got.Titles))], len(freshSugg.Titles),
			freshSugg.Titles[:min(5, len(freshSugg.Titles))], len(got.Words), len(freshSugg.Words))
	}
}

// dump lists what an index holds that searching can see: for each field,
// each term with the number of live documents that have it, and each
// document's stored fields.
func dump(t *testing.T, idx bleve.Index) map[string]string {
	t.Helper()
	adv, err := idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out := map[string]string{}
	n, _ := r.DocCount()
	out["docs"] = fmt.Sprint(n)
	fields, err := r.Fields()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fields {
		if f == "_id" {
			continue
		}
		dict, err := r.FieldDict(f)
		if err != nil {
			t.Fatal(err)
		}
		for {
			e, err := dict.Next()
			if err != nil {
				t.Fatal(err)
			}
			if e == nil {
				break
			}
			tfr, err := r.TermFieldReader(context.Background(), []byte(e.Term), f, true, true, false)
			if err != nil {
				t.Fatal(err)
			}
			if c := tfr.Count(); c > 0 {
				var freq uint64
				var norm float64
				for {
					d, err := tfr.Next(nil)
					if err != nil || d == nil {
						break
					}
					freq += d.Freq
					norm += d.Norm
				}
				out["term "+f+":"+e.Term] = fmt.Sprintf("%d docs, tf %d, norms %.6f", c, freq, norm)
			}
			tfr.Close()
		}
		dict.Close()
	}
	all, err := r.DocIDReaderAll()
	if err != nil {
		t.Fatal(err)
	}
	defer all.Close()
	for {
		iid, err := all.Next()
		if err != nil {
			t.Fatal(err)
		}
		if iid == nil {
			break
		}
		id, _ := r.ExternalID(iid)
		doc, err := r.Document(id)
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		doc.VisitFields(func(f index.Field) {
			parts = append(parts, fmt.Sprintf("%s=%q", f.Name(), f.Value()))
		})
		sort.Strings(parts)
		out["doc "+id] = strings.Join(parts, " ")
	}
	return out
}

func loadPool(t *testing.T, path string, n int) []corpus.Document {
	t.Helper()
	docs, err := corpus.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) > n {
		docs = docs[:n]
	}
	return docs
}

// After random sequences of writes, the live collection holds exactly what
// a fresh build of the resulting collection holds.
func TestLiveWritesEqualFreshBuild(t *testing.T) {
	def, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	sets := []struct {
		name  string
		pool  func(t *testing.T) []corpus.Document
		start int // documents in the first build
		steps int
	}{
		{"default corpus", func(*testing.T) []corpus.Document { return def }, 4, 40},
		{"lk-pmd", func(t *testing.T) []corpus.Document {
			return loadPool(t, filepath.Join(sharedData(t, "lk-pmd"), "press-releases.jsonl"), 300)
		}, 200, 30},
	}
	for _, set := range sets {
		// Deferred: the writes wait for flushes that come at random
		// steps, as the refreshes of searches come. Large: every write
		// of three actions or more is a large one, indexed in parts (one
		// a core) and, where batches are deferred, at once, after the
		// small writes that wait for a flush.
		for _, mode := range []struct {
			deferred bool
			large    int // splitMin, where not 0
		}{{false, 0}, {true, 0}, {false, 3}, {true, 3}} {
			deferred := mode.deferred
			t.Run(fmt.Sprintf("%s/deferred=%v/large=%d", set.name, deferred, mode.large), func(t *testing.T) {
				if mode.large > 0 {
					defer func(was int) { splitMin = was }(splitMin)
					splitMin = mode.large
				}
				pool := set.pool(t)
				for seed := int64(1); seed <= 3; seed++ {
					rng := rand.New(rand.NewSource(seed))
					m := &mutator{rng: rng, pool: pool, now: time.Now()}
					c := collection{}
					for _, d := range pool[:set.start] {
						d.Related, d.TranslationOf = nil, ""
						c[d.ID] = modelDoc{Document: d}
					}
					l := buildLive(t, c.docs())
					if deferred {
						l.DeferBatches()
					}
					for step := 0; step < set.steps; step++ {
						actions := m.actions(c)
						atomic := rng.Intn(4) == 0
						out, err := l.Apply(context.Background(), actions, WriteOptions{Atomic: atomic, Writer: "test"})
						if err != nil {
							t.Fatal(err)
						}
						applyModel(c, actions, out)
						if deferred && rng.Intn(3) == 0 {
							if err := l.Flush(); err != nil {
								t.Fatal(err)
							}
						}
					}
					if err := l.Flush(); err != nil {
						t.Fatal(err)
					}
					sameAsFreshBuild(t, l, c)
					if t.Failed() {
						t.Fatalf("seed %d", seed)
					}
				}
			})
		}
	}
}

// aWrite is one write of writeSequence and the results it must give.
type aWrite struct {
	actions []corpus.Action
	atomic  bool
	want    []Result
}

// writeSequence is a sequence of writes that creates, replaces and deletes
// documents, misses one, fails an atomic write, and deletes kept, a
// document of the collection.
func writeSequence(kept string) []aWrite {
	doc := func(id, title string) *corpus.Document {
		return &corpus.Document{ID: id, Lang: "en", Title: title, Body: title + " in Colombo.", Kind: corpus.KindPressRelease}
	}
	return []aWrite{
		{[]corpus.Action{{Doc: doc("x", "Numbat survey")}}, false, []Result{Created}},
		{[]corpus.Action{{Doc: doc("x", "Numbat survey corrected")}}, false, []Result{Replaced}},
		{[]corpus.Action{{Delete: "x"}, {Doc: doc("y", "Quokka count")}}, false, []Result{Deleted, Created}},
		{[]corpus.Action{{Delete: "x"}}, false, []Result{NotFound}},
		{[]corpus.Action{{Doc: doc("z", "Bilby")}, {Delete: "x"}}, true, []Result{NotApplied, NotFound}},
		{[]corpus.Action{{Delete: kept}, {Doc: doc("x", "Numbat again")}}, false, []Result{Deleted, Created}},
	}
}

// totBatches is how many batches Bleve has applied to l's index.
func totBatches(l *Live) uint64 {
	st, _ := l.idx.StatsMap()["index"].(map[string]interface{})
	n, _ := st["TotBatches"].(uint64)
	return n
}

// Deferred writes (DeferBatches) answer as they would applied at once, are
// durable before they reach the index (a crash before the flush loses none
// of them: the log gives them again), and reach it in one Bleve batch at the
// flush; a write that asks to wait is flushed before it answers.
func TestDeferredWritesOneBatchAtTheFlush(t *testing.T) {
	pool, c := defaultCollection(t, 3)
	l := buildLive(t, c.docs())
	before := filepath.Join(t.TempDir(), "before")
	copyDir(t, l.dir, before)
	l.DeferBatches()
	writes := writeSequence(pool[0].ID)
	batches := func() uint64 { return totBatches(l) }
	seq, b := l.Seq(), batches()
	docs, _ := l.idx.DocCount()
	for i, w := range writes {
		for k := range w.actions {
			w.actions[k].Line = k + 1
		}
		out, err := l.Apply(context.Background(), w.actions, WriteOptions{Atomic: w.atomic})
		if err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		var got []Result
		for _, o := range out {
			got = append(got, o.Result)
		}
		if !slices.Equal(got, w.want) {
			t.Errorf("write %d: %v, want %v", i, got, w.want)
		}
		applyModel(c, w.actions, out)
	}
	if got, want := l.Seq(), seq+4; got != want {
		t.Errorf("at write %d, want %d: one a write that applied something", got, want)
	}
	if got := batches() - b; got != 0 {
		t.Errorf("%d Bleve batches before the flush, want 0", got)
	}
	if n, _ := l.idx.DocCount(); n != docs {
		t.Errorf("%d documents in the index before the flush, want %d", n, docs)
	}
	// A crash now: the index has none of the writes, the log all.
	l.mu.Lock()
	os.RemoveAll(filepath.Join(before, walDir))
	copyDir(t, filepath.Join(l.dir, walDir), filepath.Join(before, walDir))
	l.mu.Unlock()
	again, err := OpenLive(before)
	if err != nil {
		t.Fatalf("open after a crash: %v", err)
	}
	if got := again.Seq(); got != seq+4 {
		t.Errorf("after replay at write %d, want %d", got, seq+4)
	}
	sameAsFreshBuild(t, again, c)
	again.Close()

	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := batches() - b; got != 1 {
		t.Errorf("%d Bleve batches for the writes flushed, want 1", got)
	}
	sameAsFreshBuild(t, l, c)

	w := &corpus.Document{ID: "w", Lang: "en", Title: "Wombat", Body: "Wombat in Colombo.", Kind: corpus.KindPressRelease}
	out, err := l.Apply(context.Background(), []corpus.Action{{Line: 1, Doc: w}}, WriteOptions{Wait: true})
	if err != nil {
		t.Fatal(err)
	}
	applyModel(c, []corpus.Action{{Line: 1, Doc: w}}, out)
	if got := batches() - b; got != 2 {
		t.Errorf("%d Bleve batches after a write that waits, want 2", got)
	}
	sameAsFreshBuild(t, l, c)
}

// abandon closes l as a crash would leave it: the log and the index as they
// are, the suggestion file not written.
func (l *Live) abandon() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	l.log.close()
	l.idx.Close()
	l.idx = nil
}

// copyDir copies the files under src to dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), raw, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// persistedCopy copies the files of l as they are now to a new folder and
// returns it: what a crash would leave of the index and the suggestion
// file if nothing after this were persisted.
func persistedCopy(t *testing.T, l *Live) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "before")
	l.mu.Lock()
	copyDir(t, l.dir, dir)
	l.mu.Unlock()
	return dir
}

// crashOnto abandons l, as a crash would, and puts its log in the folder
// before (a copy of its files from earlier) in place of the log there:
// before is then what a crash leaves when the writes since reached the
// log alone.
func crashOnto(t *testing.T, l *Live, before string) {
	t.Helper()
	l.abandon()
	os.RemoveAll(filepath.Join(before, walDir))
	copyDir(t, filepath.Join(l.dir, walDir), filepath.Join(before, walDir))
}

// The writes of the log are applied again at open when the index and the
// suggestion file do not have them, as after a crash, and the result is
// what a fresh build makes. A write cut short at the end of the log was
// never acknowledged, and is dropped.
func TestLiveReplaysItsLog(t *testing.T) {
	pool, c := defaultCollection(t, 3)
	l := buildLive(t, c.docs())
	// The state before the writes, as Bleve and the suggestion file have
	// it: what a crash before they persisted anything would leave.
	before := persistedCopy(t, l)
	m := &mutator{rng: rand.New(rand.NewSource(7)), pool: pool, now: time.Now()}
	for step := 0; step < 25; step++ {
		actions := m.actions(c)
		out, err := l.Apply(context.Background(), actions, WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		applyModel(c, actions, out)
	}
	seq := l.Seq()
	crashOnto(t, l, before)
	files, _ := filepath.Glob(filepath.Join(before, walDir, "*.log"))
	if len(files) == 0 {
		t.Fatal("no log files")
	}
	f, err := os.OpenFile(files[len(files)-1], os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte{200, 0, 0, 0, 1, 2, 3, 4, '{', '"'}) // a record cut short
	f.Close()

	again, err := OpenLive(before)
	if err != nil {
		t.Fatalf("open after a crash: %v", err)
	}
	defer again.Close()
	if got := again.Seq(); got != seq {
		t.Errorf("after replay at write %d, want %d", got, seq)
	}
	sameAsFreshBuild(t, again, c)
	// And it takes writes on from there.
	d := pool[5]
	d.Related, d.TranslationOf = nil, ""
	out, err := again.Apply(context.Background(), []corpus.Action{{Line: 1, Doc: &d}}, WriteOptions{})
	if err != nil || len(out) != 1 || !out[0].Result.OK() {
		t.Fatalf("write after replay: %+v, %v", out, err)
	}
	applyModel(c, []corpus.Action{{Line: 1, Doc: &d}}, out)
	sameAsFreshBuild(t, again, c)
}

// A closed live collection has persisted everything: its log is empty and
// opening it again replays nothing.
func TestLiveCloseLeavesNothingToReplay(t *testing.T) {
	pool, _ := corpus.Default()
	l := buildLive(t, pool[:2])
	d := pool[3]
	d.Related, d.TranslationOf = nil, ""
	if _, err := l.Apply(context.Background(), []corpus.Action{{Line: 1, Doc: &d}}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(l.dir, walDir, "*.log"))
	if len(files) != 0 {
		t.Errorf("log files after a clean close: %v", files)
	}
	idx, err := OpenIndex(l.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if n, _ := idx.DocCount(); n != 3 {
		t.Errorf("%d documents, want 3", n)
	}
}

// Completions never wait for the writer: a search asks for them while
// writes queue, and must not wait behind them.
func TestSuggestionsDoNotWaitForWrites(t *testing.T) {
	pool, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	var docs []corpus.Document
	for _, d := range pool[:4] {
		d.Related, d.TranslationOf = nil, ""
		docs = append(docs, d)
	}
	_, l := liveStore(t, docs)
	defer l.Close()
	d := pool[5]
	d.Related, d.TranslationOf = nil, ""
	if _, err := l.Apply(context.Background(), []corpus.Action{{Line: 1, Doc: &d}}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	l.mu.Lock() // a write in progress
	done := make(chan *Suggestions)
	go func() { done <- l.SuggestionsNow() }()
	select {
	case s := <-done:
		l.mu.Unlock()
		if s == nil {
			t.Fatal("no suggestions")
		}
	case <-time.After(10 * time.Second): // a deadlock's bound, not a timing
		l.mu.Unlock()
		<-done
		t.Fatal("completions waited for the write in progress")
	}
}

// A document created and deleted in one write leaves nothing in
// completion, as a fresh build of the collection offers nothing of it.
func TestCreatedAndDeletedInOneWrite(t *testing.T) {
	l := buildLive(t, []corpus.Document{{ID: "a", Lang: "en", Title: "Alpha", Body: "alpha text", Kind: corpus.KindPressRelease}})
	g := corpus.Document{ID: "g", Lang: "en", Title: "Kiwi", Body: "kiwi", Kind: corpus.KindPressRelease}
	out, err := l.Apply(context.Background(), []corpus.Action{{Line: 1, Doc: &g}, {Line: 2, Delete: "g"}}, WriteOptions{})
	if err != nil || len(out) != 2 || out[1].Result != Deleted {
		t.Fatalf("%+v %v", out, err)
	}
	if s := l.SuggestionsNow(); slices.Contains(s.Titles, "Kiwi") || s.Words["kiwi"] != 0 {
		t.Errorf("completion offers the title or words of a document created and deleted in one write: %q %v", s.Titles, s.Words)
	}
}

// Writes that wait for the one before them are applied together, in the
// order they came, each with its own outcomes (an atomic one failing alone)
// and log record, in one Bleve batch; the collection is then what a fresh
// build makes, and so is what its log gives again after a crash.
func TestWritesWaitingAreAppliedTogether(t *testing.T) {
	pool, c := defaultCollection(t, 3)
	l := buildLive(t, c.docs())
	writes := writeSequence(pool[0].ID)
	batches := func() uint64 { return totBatches(l) }
	before := filepath.Join(t.TempDir(), "before")
	l.mu.Lock() // a write being applied: those that come meanwhile queue
	copyDir(t, l.dir, before)
	seq, b := l.seq, batches()
	outs := make([][]Outcome, len(writes))
	errs := make([]error, len(writes))
	var wg sync.WaitGroup
	for i, w := range writes {
		for k := range w.actions {
			w.actions[k].Line = k + 1
		}
		wg.Go(func() { outs[i], errs[i] = l.Apply(context.Background(), w.actions, WriteOptions{Atomic: w.atomic}) })
		for queued := false; !queued; runtime.Gosched() { // in order: one queued before the next is sent
			l.qmu.Lock()
			queued = len(l.queue) == i+1
			l.qmu.Unlock()
		}
	}
	l.mu.Unlock()
	wg.Wait()
	for i, w := range writes {
		if errs[i] != nil {
			t.Fatalf("write %d: %v", i, errs[i])
		}
		var got []Result
		for _, o := range outs[i] {
			got = append(got, o.Result)
		}
		if !slices.Equal(got, w.want) {
			t.Errorf("write %d: %v, want %v", i, got, w.want)
		}
		applyModel(c, w.actions, outs[i])
	}
	if got, want := l.Seq(), seq+4; got != want {
		t.Errorf("at write %d, want %d: one a write that applied something", got, want)
	}
	if got := batches() - b; got != 1 {
		t.Errorf("%d Bleve batches for the writes that waited, want 1", got)
	}
	sameAsFreshBuild(t, l, c)
	crashOnto(t, l, before)
	again, err := OpenLive(before)
	if err != nil {
		t.Fatalf("open after a crash: %v", err)
	}
	defer again.Close()
	if got := again.Seq(); got != seq+4 {
		t.Errorf("after replay at write %d, want %d", got, seq+4)
	}
	sameAsFreshBuild(t, again, c)
}

// Listed documents leave the titles completion offers (deleted, or moved
// past the list by an older date) many times before the list is read again
// from the index: the state keeps titleMargin more than it offers. What it
// offers is what a fresh build offers all along.
func TestTitlesReadAgainOnlyPastTheMargin(t *testing.T) {
	defer func(m, g int) { maxSuggestTitles, titleMargin = m, g }(maxSuggestTitles, titleMargin)
	maxSuggestTitles, titleMargin = 3, 2
	c := collection{}
	for i := 0; i < 12; i++ {
		d := corpus.Document{ID: fmt.Sprintf("d%02d", i), Lang: "en", Kind: corpus.KindPressRelease,
			Title: fmt.Sprintf("Statement %d on the fisheries", i), Body: "The fisheries statement.", Date: fmt.Sprintf("2025-06-%02d", 10+i)}
		c[d.ID] = modelDoc{Document: d}
	}
	l := buildLive(t, c.docs())
	steps := []struct {
		name    string
		action  corpus.Action
		refills int
	}{
		{"the newest deleted", corpus.Action{Delete: "d11"}, 0},
		{"the next moved past the list", corpus.Action{Doc: &corpus.Document{ID: "d10", Lang: "en", Kind: corpus.KindPressRelease, Title: "Statement 10 on the fisheries, dated again", Body: "The fisheries statement.", Date: "2024-01-01"}}, 0},
		{"a third gone: shorter than offered", corpus.Action{Delete: "d09"}, 1},
		{"a new one first", corpus.Action{Doc: &corpus.Document{ID: "n1", Lang: "en", Kind: corpus.KindPressRelease, Title: "New statement", Body: "New.", Date: "2025-07-01"}}, 1},
	}
	for _, st := range steps {
		st.action.Line = 1
		actions := []corpus.Action{st.action}
		out, err := l.Apply(context.Background(), actions, WriteOptions{})
		if err != nil || !out[0].Result.OK() {
			t.Fatalf("%s: %+v %v", st.name, out, err)
		}
		applyModel(c, actions, out)
		sameAsFreshBuild(t, l, c)
		l.suggMu.Lock()
		got := l.refills
		l.suggMu.Unlock()
		if got != st.refills {
			t.Errorf("%s: titles read from the index %d times, want %d", st.name, got, st.refills)
		}
	}
}

// Nor does a write wait for completion's reads, which go over every word
// of the collection: completion takes the writes when it next reads.
func TestWritesDoNotWaitForCompletions(t *testing.T) {
	pool, c := defaultCollection(t, 4)
	l := buildLive(t, c.docs())
	d := pool[5]
	d.Related, d.TranslationOf = nil, ""
	actions := []corpus.Action{{Line: 1, Doc: &d}}
	l.suggMu.Lock() // completion being read
	type result struct {
		out []Outcome
		err error
	}
	done := make(chan result)
	go func() {
		out, err := l.Apply(context.Background(), actions, WriteOptions{})
		done <- result{out, err}
	}()
	var r result
	select {
	case r = <-done:
		l.suggMu.Unlock()
	case <-time.After(10 * time.Second): // a deadlock's bound, not a timing
		l.suggMu.Unlock()
		<-done
		t.Fatal("a write waited for completion's read")
	}
	if r.err != nil || !r.out[0].Result.OK() {
		t.Fatalf("%+v %v", r.out, r.err)
	}
	applyModel(c, actions, r.out)
	sameAsFreshBuild(t, l, c)
}

// A large write is indexed in parts, one a core, then its statistics: the
// collection is what a fresh build makes, and so is what its log gives
// again after a crash.
func TestLargeWriteIndexedInParts(t *testing.T) {
	pool, c := defaultCollection(t, 3)
	l := buildLive(t, c.docs())
	before := persistedCopy(t, l)
	var actions []corpus.Action
	for i := 0; len(actions) < splitMin+50; i++ {
		d := pool[i%len(pool)]
		d.ID = fmt.Sprintf("copy-%04d", i)
		d.Related, d.TranslationOf = nil, ""
		actions = append(actions, corpus.Action{Line: len(actions) + 1, Doc: &d})
	}
	actions = append(actions, corpus.Action{Line: len(actions) + 1, Delete: pool[0].ID})
	b := l.idx.StatsMap()["index"].(map[string]interface{})["TotBatches"].(uint64)
	out, err := l.Apply(context.Background(), actions, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range out {
		if !o.Result.OK() {
			t.Fatalf("%+v", o)
		}
	}
	applyModel(c, actions, out)
	if n := runtime.GOMAXPROCS(0); n > 1 {
		if got := l.idx.StatsMap()["index"].(map[string]interface{})["TotBatches"].(uint64) - b; got != uint64(n)+1 {
			t.Errorf("%d Bleve batches, want %d: one a core, then the statistics", got, n+1)
		}
	}
	sameAsFreshBuild(t, l, c)
	crashOnto(t, l, before)
	again, err := OpenLive(before)
	if err != nil {
		t.Fatalf("open after a crash: %v", err)
	}
	defer again.Close()
	sameAsFreshBuild(t, again, c)
}

// The parts of a large write are persisted as the segments they are, not
// merged in memory first (the merger merges them with the rest later),
// while writes of one document that pile up within the persister's nap
// still are.
func TestLargeWritePartsPersistedAsTheyAre(t *testing.T) {
	parts := runtime.GOMAXPROCS(0)
	if parts == 1 {
		t.Skip("one core: a large write is one segment")
	}
	pool, c := defaultCollection(t, 3)
	dir := filepath.Join(t.TempDir(), "gen")
	if _, err := BuildIndex(context.Background(), dir, c.docs(), Config{}, nil); err != nil {
		t.Fatal(err)
	}
	// A nap long enough that every part is introduced before the
	// persister looks.
	l, err := openLive(dir, 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	stat := func(name string) uint64 {
		return l.idx.StatsMap()["index"].(map[string]interface{})[name].(uint64)
	}
	persisted := func() {
		t.Helper()
		seq := l.Seq()
		for deadline := time.Now().Add(time.Minute); l.persisted.Load() < seq; {
			if time.Now().After(deadline) {
				t.Fatal("the index did not persist the write within a minute")
			}
			time.Sleep(5 * time.Millisecond) // Bleve reports persistence through a callback; poll it
		}
	}
	for _, tc := range []struct {
		name    string
		writes  int // one after the other
		docs    int // each
		inPlace bool
	}{
		{"a large write", 1, splitMin + 50, true},
		{"single writes within a nap", 3 * parts, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			merged, written := stat("TotMemMergeSegments"), stat("TotPersistedSegments")
			for w := range tc.writes {
				var actions []corpus.Action
				for i := range tc.docs {
					d := pool[i%len(pool)]
					d.ID = fmt.Sprintf("%s-%d-%04d", strings.ReplaceAll(tc.name, " ", "-"), w, i)
					d.Related, d.TranslationOf = nil, ""
					actions = append(actions, corpus.Action{Line: i + 1, Doc: &d})
				}
				out, err := l.Apply(context.Background(), actions, WriteOptions{})
				if err != nil {
					t.Fatal(err)
				}
				applyModel(c, actions, out)
			}
			persisted()
			if got := stat("TotMemMergeSegments") - merged; tc.inPlace && got != 0 {
				t.Errorf("%d segments merged in memory, want none", got)
			} else if !tc.inPlace && got == 0 {
				t.Errorf("no segment merged in memory: %d written", stat("TotPersistedSegments")-written)
			}
		})
	}
	sameAsFreshBuild(t, l, c)
}

// defaultCollection returns the default corpus and a collection of its
// first n documents, without the links between documents that the model
// does not follow.
func defaultCollection(t *testing.T, n int) ([]corpus.Document, collection) {
	t.Helper()
	pool, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	c := collection{}
	for _, d := range pool[:n] {
		d.Related, d.TranslationOf = nil, ""
		c[d.ID] = modelDoc{Document: d}
	}
	return pool, c
}

// The words of a large write are counted for completion on the workers
// that analyze its documents, all of them; those of documents refused
// after the analysis (an id twice in the request, a reference to nothing)
// are taken out again. Completion, in the live collection and from its
// log after a crash, is then what a fresh build offers, as with writes of
// one document.
func TestWordsOfDocumentsAnalyzedButRefused(t *testing.T) {
	pool, c := defaultCollection(t, 3)
	l := buildLive(t, c.docs())
	before := persistedCopy(t, l)
	doc := func(id, title string, related ...string) *corpus.Document {
		return &corpus.Document{ID: id, Lang: "en", Title: title, Body: title + " seen near Colombo.", Kind: corpus.KindPressRelease, Related: related}
	}
	replaced := pool[0]
	replaced.Related, replaced.TranslationOf = nil, ""
	replaced.Title = "Wombatsurvey corrected"
	for _, tc := range []struct {
		name    string
		actions []corpus.Action
		want    []Result
	}{
		{"twice and a reference to nothing", []corpus.Action{{Doc: doc("a", "Numbatcount")}, {Doc: doc("a", "Quollcensus")},
			{Doc: doc("b", "Bilbyrecord", "no-such-id")}, {Doc: doc("c", "Dunnartsighting", "a")}, {Doc: &replaced}},
			[]Result{Created, Invalid, Invalid, Created, Replaced}},
		{"a reference to a refused one", []corpus.Action{{Doc: doc("d", "Potoroosurvey", "e")}, {Doc: doc("e", "Bettongcount", "no-such-id")},
			{Delete: "a"}, {Doc: doc("f", "Quokkatally")}},
			[]Result{Invalid, Invalid, Deleted, Created}},
	} {
		for i := range tc.actions {
			tc.actions[i].Line = i + 1
		}
		out, err := l.Apply(context.Background(), tc.actions, WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var got []Result
		for _, o := range out {
			got = append(got, o.Result)
		}
		if !slices.Equal(got, tc.want) {
			t.Fatalf("%s: results %v, want %v (%+v)", tc.name, got, tc.want, out)
		}
		applyModel(c, tc.actions, out)
		sameAsFreshBuild(t, l, c)
		if s := l.SuggestionsNow(); s.Words["quollcensus"] != 0 || s.Words["bilbyrecord"] != 0 || s.Words["bettongcount"] != 0 {
			t.Errorf("%s: completion offers words of refused documents: %v", tc.name, s.Words)
		}
	}
	crashOnto(t, l, before)
	again, err := OpenLive(before)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	sameAsFreshBuild(t, again, c)
}

// LargeWritesFor says large writes go on while one is under way and for
// largeWritesQuiet after the last ended, and not before any or after that.
func TestLargeWritesFor(t *testing.T) {
	l := &Live{}
	now := time.Now()
	if got := l.largeWritesFor(now); got != 0 {
		t.Errorf("before any large write: %s", got)
	}
	l.large.Add(1)
	if got := l.largeWritesFor(now); got != largeWritesQuiet {
		t.Errorf("while one is under way: %s, want %s", got, largeWritesQuiet)
	}
	l.largeEnd.Store(now.UnixNano())
	l.large.Add(-1)
	for _, tc := range []struct {
		after time.Duration
		want  time.Duration
	}{
		{0, largeWritesQuiet},
		{largeWritesQuiet / 5, largeWritesQuiet * 4 / 5},
		{largeWritesQuiet, 0},
		{time.Minute, 0},
	} {
		if got := l.largeWritesFor(now.Add(tc.after)); got != tc.want {
			t.Errorf("%s after the last: %s, want %s", tc.after, got, tc.want)
		}
	}
}

// A document written again as it was changes no word's count: its write's
// log record holds none, and completion offers what it offered, itself
// (the searches' completions are then not made again); one word changed
// is logged alone, and completion changes with it.
func TestRewriteLogsTheWordsItChanges(t *testing.T) {
	a := corpus.Document{ID: "a", Lang: "en", Title: "Alpha", Body: "harbour dredging begins", Kind: corpus.KindPressRelease}
	b := corpus.Document{ID: "b", Lang: "en", Title: "Beta", Body: "harbour fishing fleet", Kind: corpus.KindPressRelease}
	changed := a
	changed.Body = "harbour dredging ends"
	tests := []struct {
		name   string
		doc    corpus.Document
		same   bool
		logged map[string]int
	}{
		{"as it was", a, true, map[string]int{}},
		{"a word changed", changed, false, map[string]int{"begins": -1, "ends": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := buildLive(t, []corpus.Document{a, b})
			before := l.SuggestionsNow()
			d := tt.doc
			out, err := l.Apply(context.Background(), []corpus.Action{{Line: 1, Doc: &d}}, WriteOptions{})
			if err != nil || out[0].Result != Replaced {
				t.Fatalf("%+v %v", out, err)
			}
			after := l.SuggestionsNow()
			if (after == before) != tt.same {
				t.Errorf("the same completions: %v, want %v", after == before, tt.same)
			}
			if !tt.same && (after.Words["ends"] != 1 || after.Words["begins"] != 0) {
				t.Errorf("completion offers %v after the write", after.Words)
			}
			logged := map[string]int{}
			err = l.log.read(0, false, func(r *walRecord) error {
				if r.Suggest != nil {
					maps.Copy(logged, r.Suggest.DF)
				}
				return nil
			})
			if err != nil || !maps.Equal(logged, tt.logged) {
				t.Errorf("the log's word counts %v (%v), want %v", logged, err, tt.logged)
			}
			sameAsFreshBuild(t, l, collection{"a": {Document: tt.doc, API: true}, "b": {Document: b}})
		})
	}
}
