package search

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/index/scorch"

	"pressearch/corpus"
	"pressearch/indexer"
	"pressearch/indexer/indextest"
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

// liveEngine builds docs into a store, opens the generation for writing
// and serves it.
func liveEngine(t *testing.T, docs []corpus.Document) (*Engine, *indexer.Live) {
	t.Helper()
	store, err := indexer.OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	w := openLive(t, store, docs)
	e := NewEngine()
	if _, err := e.SwapLive(w); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e, w
}

// openLive builds docs into store, holds its writer's lock until the
// test ends, and opens the generation built for writing.
func openLive(tb testing.TB, store *indexer.Store, docs []corpus.Document) *indexer.Live {
	tb.Helper()
	sum, err := store.Build(context.Background(), docs, nil)
	if err != nil {
		tb.Fatal(err)
	}
	unlock, err := store.LockWriter()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(unlock)
	w, err := store.OpenLive(sum.Generation)
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

// record applies to the collection c the outcomes out of actions.
func record(c map[string]corpus.Document, actions []corpus.Action, out []indexer.Outcome) {
	for i, o := range out {
		switch o.Result {
		case indexer.Created, indexer.Replaced:
			c[o.ID] = *actions[i].Doc
		case indexer.Deleted:
			delete(c, o.ID)
		}
	}
}

// editor makes random writes to a collection, as press offices do: new
// releases, corrections, takedowns, embargoes, statements that name their
// article.
type editor struct {
	rng  *rand.Rand
	pool []corpus.Document
	now  time.Time
}

func (ed *editor) write(c map[string]corpus.Document) []corpus.Action {
	var out []corpus.Action
	seen := map[string]bool{}
	var existing []string
	for id := range c {
		existing = append(existing, id)
	}
	sort.Strings(existing)
	for k, n := 0, 1+ed.rng.Intn(6); k < n; k++ {
		d := ed.pool[ed.rng.Intn(len(ed.pool))]
		if seen[d.ID] {
			continue
		}
		seen[d.ID] = true
		line := len(out) + 1
		if _, ok := c[d.ID]; ok && ed.rng.Intn(4) == 0 {
			out = append(out, corpus.Action{Line: line, Delete: d.ID})
			continue
		}
		d.Related, d.TranslationOf = nil, ""
		switch ed.rng.Intn(6) {
		case 0:
			d.Title = "Corrected: " + d.Title
		case 1:
			words := strings.Fields(d.Body)
			d.Body = strings.Join(words[:1+ed.rng.Intn(len(words))], " ")
		case 2:
			d.PublishAt = ed.now.Add(time.Hour).UTC().Format(time.RFC3339)
		case 3:
			d.Date = fmt.Sprintf("2025-%02d-%02d", 1+ed.rng.Intn(12), 1+ed.rng.Intn(28))
		}
		if len(existing) > 0 && ed.rng.Intn(3) == 0 {
			if r := existing[ed.rng.Intn(len(existing))]; r != d.ID {
				d.Related = []string{r}
				if ed.rng.Intn(2) == 0 {
					d.Kind = corpus.KindStatement
				} else {
					d.Related, d.TranslationOf = nil, r
				}
			}
		}
		raw, _ := json.Marshal(d)
		v, err := corpus.ParseDocument(raw, "")
		if err != nil {
			panic(err)
		}
		out = append(out, corpus.Action{Line: line, Doc: v})
	}
	return out
}

// queries draws searches a reader would make of the collection: words of
// its titles and bodies, alone and in pairs, phrases, prefixes, filters,
// sorted by date, paged.
func (ed *editor) queries(c map[string]corpus.Document, n int) []Request {
	var docs []corpus.Document
	for _, d := range c {
		docs = append(docs, d)
	}
	sort.Slice(docs, func(i, j int) bool { return docs[i].ID < docs[j].ID })
	word := func() string {
		d := docs[ed.rng.Intn(len(docs))]
		w := strings.Fields(d.Title + " " + d.Body)
		for range 10 {
			x := strings.Trim(w[ed.rng.Intn(len(w))], `.,;:!?"'()[]“”‘’`)
			if utf8.RuneCountInString(x) > 2 && !strings.ContainsAny(x, `*~:+-"\/`) {
				return x
			}
		}
		return "security"
	}
	var out []Request
	for range n {
		r := Request{Query: word(), Size: 1 + ed.rng.Intn(12)}
		switch ed.rng.Intn(8) {
		case 0:
			r.Query += " " + word()
		case 1:
			r.Query = `"` + word() + " " + word() + `"`
		case 2:
			if p := []rune(word()); len(p) > 3 {
				r.Query = string(p[:3]) + "*"
			}
		case 3:
			r.Sort = "date"
		case 4:
			r.Kind = corpus.KindStatement
			r.Query = ""
		case 5:
			r.From = ed.rng.Intn(5)
		case 6:
			r.Query = "kind:statement OR " + word()
		}
		out = append(out, r)
	}
	return out
}

// sameSearches checks that every search, document and completion of a
// equals those of b.
func sameSearches(t *testing.T, a, b *Engine, c map[string]corpus.Document, reqs []Request) {
	t.Helper()
	ctx := context.Background()
	for _, r := range reqs {
		ga, erra := a.Search(ctx, r)
		gb, errb := b.Search(ctx, r)
		if (erra == nil) != (errb == nil) {
			t.Fatalf("%+v: live %v, fresh %v", r, erra, errb)
		}
		if erra != nil {
			continue
		}
		if ga.Total != gb.Total || len(ga.Hits) != len(gb.Hits) || !reflect.DeepEqual(ga.Facets, gb.Facets) {
			t.Fatalf("%+v:\nlive  %d %v %v\nfresh %d %v %v", r, ga.Total, ids(ga.Hits), ga.Facets, gb.Total, ids(gb.Hits), gb.Facets)
		}
		for i := range ga.Hits {
			ha, hb := ga.Hits[i], gb.Hits[i]
			if math.Abs(ha.Score-hb.Score) > 1e-9 {
				t.Fatalf("%+v: hit %d: live %s %.12f, fresh %s %.12f", r, i, ha.ID, ha.Score, hb.ID, hb.Score)
			}
			ha.Score, hb.Score = 0, 0
			if !reflect.DeepEqual(ha, hb) {
				t.Fatalf("%+v: hit %d:\nlive  %+v\nfresh %+v", r, i, ha, hb)
			}
		}
	}
	for id := range c {
		da, erra := a.Document(ctx, id, false)
		db, errb := b.Document(ctx, id, false)
		if (erra == nil) != (errb == nil) || !reflect.DeepEqual(da, db) {
			t.Fatalf("document %s:\nlive  %+v %v\nfresh %+v %v", id, da, erra, db, errb)
		}
	}
	for _, p := range []string{"th", "se", "pr", "జ", "ప్ర", "co", "ශ්‍ර", "ம"} {
		sa, _ := a.Suggest(p)
		sb, _ := b.Suggest(p)
		if !reflect.DeepEqual(sa, sb) {
			t.Fatalf("suggest %q: live %q, fresh %q", p, sa, sb)
		}
	}
}

// After random writes, every search of the live collection — ids, order,
// scores to 1e-9, totals, facets, snippets, related documents,
// translations — every document and every completion equals those of a
// fresh build of the resulting collection.
func TestWritesSearchAsAFreshBuild(t *testing.T) {
	def, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	sets := []struct {
		name  string
		pool  func(t *testing.T) []corpus.Document
		start int
		steps int
	}{
		{"default corpus", func(*testing.T) []corpus.Document { return def }, 4, 30},
		{"lk-pmd", func(t *testing.T) []corpus.Document {
			docs, err := corpus.Load(filepath.Join(sharedData(t, "lk-pmd"), "press-releases.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			return docs
		}, 1900, 25},
	}
	for _, set := range sets {
		t.Run(set.name, func(t *testing.T) {
			pool := set.pool(t)
			ed := &editor{rng: rand.New(rand.NewSource(11)), pool: pool, now: time.Now()}
			c := map[string]corpus.Document{}
			var start []corpus.Document
			for _, d := range pool[:set.start] {
				d.Related, d.TranslationOf = nil, ""
				c[d.ID] = d
				start = append(start, d)
			}
			e, w := liveEngine(t, start)
			for step := 0; step < set.steps; step++ {
				actions := ed.write(c)
				out, err := w.Apply(context.Background(), actions, indexer.WriteOptions{Atomic: ed.rng.Intn(5) == 0})
				if err != nil {
					t.Fatal(err)
				}
				record(c, actions, out)
				if step%10 == 9 {
					// Check on the way too: the view searched follows the
					// writes, segments and merges.
					if err := e.Refresh(context.Background()); err != nil {
						t.Fatal(err)
					}
					fresh := newTestEngine(t, docsOf(c))
					sameSearches(t, e, fresh, c, ed.queries(c, 40))
				}
			}
			if err := e.Refresh(context.Background()); err != nil {
				t.Fatal(err)
			}
			fresh := newTestEngine(t, docsOf(c))
			sameSearches(t, e, fresh, c, ed.queries(c, 150))
		})
	}
}

func docsOf(c map[string]corpus.Document) []corpus.Document {
	out := make([]corpus.Document, 0, len(c))
	for _, d := range c {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// A document under embargo is found by no search, facet count, document
// lookup or completion until its moment, with no write then; a writer
// finds it before.
func TestEmbargoHidesUntilItsMoment(t *testing.T) {
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	e, w := liveEngine(t, docs)
	until := time.Now().Add(1500 * time.Millisecond)
	d := corpus.Document{ID: "embargoed", Lang: "en", Title: "Zanzibar summit announced", Body: "The Zanzibar summit opens on Monday.",
		Kind: corpus.KindPressRelease, PublishAt: until.UTC().Format(time.RFC3339Nano)}
	out, err := w.Apply(context.Background(), []corpus.Action{{Line: 1, Doc: &d}}, indexer.WriteOptions{})
	if err != nil || !out[0].Result.OK() {
		t.Fatalf("%+v %v", out, err)
	}
	if err := e.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	check := func(visible bool) {
		t.Helper()
		res, err := e.Search(ctx, Request{Query: "Zanzibar"})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Total == 1; got != visible {
			t.Errorf("search: %d hits, visible %v", res.Total, visible)
		}
		all, _ := e.Search(ctx, Request{Query: "", Lang: "en"})
		n := 0
		for _, f := range all.Facets["lang"] {
			if f.Value == "en" {
				n = f.Count
			}
		}
		if want := 1; visible {
			want = 2
			if n != want {
				t.Errorf("facet en counts %d, want %d", n, want)
			}
		} else if n != want {
			t.Errorf("facet en counts %d, want %d", n, want)
		}
		_, err = e.Document(ctx, "embargoed", false)
		if got := err == nil; got != visible {
			t.Errorf("document: %v, visible %v", err, visible)
		}
		sug, _ := e.Suggest("zanzi")
		if got := len(sug) > 0; got != visible {
			t.Errorf("suggest zanzi: %q, visible %v", sug, visible)
		}
	}
	check(false)
	if doc, err := e.Document(ctx, "embargoed", true); err != nil || doc.PublishAt == "" {
		t.Errorf("a writer's look: %+v %v", doc, err)
	}
	if res, _ := e.Search(ctx, Request{Query: "Zanzibar", IncludeEmbargoed: true}); res.Total != 1 {
		t.Errorf("a writer's search: %d hits", res.Total)
	}
	time.Sleep(time.Until(until) + 600*time.Millisecond) // waiting for the embargo's moment is the point
	check(true)
}

// A search answers completions from the last ones made while new ones are
// being made (it never waits for them), Refresh makes a write's completions
// current, and without it they follow the writes within a second.
func TestCompletionsNeverWaitToBeMade(t *testing.T) {
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	e, w := liveEngine(t, docs)
	ws := e.cur.Load().writer
	write := func(id, word string) {
		t.Helper()
		d := corpus.Document{ID: id, Lang: "en", Title: word + " survey published", Body: "The " + word + " survey counts the " + word + ".", Kind: corpus.KindPressRelease}
		if out, err := w.Apply(context.Background(), []corpus.Action{{Line: 1, Doc: &d}}, indexer.WriteOptions{}); err != nil || !out[0].Result.OK() {
			t.Fatalf("%+v %v", out, err)
		}
	}
	offered := func(prefix string) bool {
		sug, err := e.Suggest(prefix)
		if err != nil {
			t.Fatal(err)
		}
		return len(sug) > 0
	}
	// Completions being made (held here as long as the test likes): a
	// search still answers, from the last ones.
	ws.making.Lock()
	write("numbat", "numbatville")
	answered := make(chan bool)
	go func() { answered <- offered("numbatvil") }()
	select {
	case got := <-answered:
		if got {
			t.Error("completions offered a word written after the last ones were made")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a search waited for completions to be made")
	}
	ws.making.Unlock()
	if err := e.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !offered("numbatvil") {
		t.Error("after Refresh, completions do not offer the word written")
	}
	write("quokka", "quokkaville")
	deadline := time.Now().Add(3 * time.Second)
	for !offered("quokkavil") {
		if time.Now().After(deadline) {
			t.Fatal("completions did not follow a write within 3 s without Refresh")
		}
		time.Sleep(20 * time.Millisecond) // polling what a reader would see
	}
}

// Completions made of an earlier state never replace those of a later one,
// whichever is made last.
func TestOlderCompletionsNeverReplaceNewer(t *testing.T) {
	ws := &writerState{}
	now := time.Now()
	steps := []struct {
		seq  uint64
		at   time.Time
		want bool
	}{
		{5, now, true},
		{3, now.Add(time.Second), false}, // made later, of an earlier write
		{5, now.Add(-time.Second), false},
		{5, now.Add(time.Second), true}, // the same write, made later (an embargo ended)
		{6, now, true},
	}
	for i, st := range steps {
		v := &suggestView{seq: st.seq, at: st.at}
		before := ws.view.Load()
		if got := ws.publish(v); got != st.want {
			t.Errorf("step %d (write %d): put in service %v, want %v", i, st.seq, got, st.want)
		}
		if want := map[bool]*suggestView{true: v, false: before}[st.want]; ws.view.Load() != want {
			t.Errorf("step %d: the view in service is write %d", i, ws.view.Load().seq)
		}
	}
}

// Completions wait for a series of large writes to end, and then follow
// it within a second, without Refresh.
func TestCompletionsFollowLargeWrites(t *testing.T) {
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	e, w := liveEngine(t, docs)
	for round, word := range []string{"wallabyville", "bandicootville"} {
		var actions []corpus.Action
		for i := range 250 {
			d := corpus.Document{ID: fmt.Sprintf("large-%d-%d", round, i), Lang: "en", Title: fmt.Sprintf("%s report %d", word, i),
				Body: "The " + word + " report.", Kind: corpus.KindPressRelease}
			actions = append(actions, corpus.Action{Line: i + 1, Doc: &d})
		}
		if out, err := w.Apply(context.Background(), actions, indexer.WriteOptions{}); err != nil || !out[0].Result.OK() {
			t.Fatalf("%+v %v", out[:1], err)
		}
		deadline := time.Now().Add(3 * time.Second)
		for {
			sug, err := e.Suggest(word[:8])
			if err != nil {
				t.Fatal(err)
			}
			if len(sug) > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("completions did not follow a large write within 3 s")
			}
			time.Sleep(20 * time.Millisecond) // polling what a reader would see
		}
	}
}

// A live collection the engine fails to put in service (here its build
// record is not JSON) keeps nothing of it open: once the collection is
// closed, no file of its generation is (on Linux, where /proc/self/fd says
// which files a process holds). Before, the reader opened for its searches
// stayed, holding its segment files open and on disk after a failed
// reindex removed them.
func TestSwapLiveFailureLeavesNothingOpen(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("no /proc/self/fd to count open files")
	}
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	store, err := indexer.OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	w := openLive(t, store, docs[:3])
	dir := w.Dir()
	if err := w.Index().SetInternal([]byte("pressearch:build"), []byte("{not JSON")); err != nil {
		t.Fatal(err)
	}
	e := NewEngine()
	defer e.Close()
	if _, err := e.SwapLive(w); err == nil {
		t.Fatal("served a live collection whose build record is not JSON")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range fds {
		target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		if err == nil && strings.HasPrefix(target, dir+string(filepath.Separator)) {
			t.Errorf("%s still open after the collection closed", target)
		}
	}
}

// Once writes stop, the index's segments are merged (the idle tidy, or
// Bleve): searches take the merged index in, and the files merged from,
// which the reader of the searches before held, leave the disk. Before,
// the engine kept the reader of the last refresh until the next write,
// and with it every file merged since.
func TestMergesAfterWritesLeaveNoFilesBehind(t *testing.T) {
	// Enough documents for Bleve's budget to leave the writes' small
	// segments to the tidy.
	var docs []corpus.Document
	for i := range 12000 {
		docs = append(docs, corpus.Document{ID: fmt.Sprintf("base-%d", i), Lang: "en", Title: "Base", Body: fmt.Sprintf("base document %d", i)})
	}
	e, w := liveEngine(t, docs)
	adv, err := w.Index().Advanced()
	if err != nil {
		t.Fatal(err)
	}
	s := adv.(*scorch.Scorch)
	for i := range 3 {
		d := corpus.Document{ID: fmt.Sprintf("new-%d", i), Lang: "en", Title: "New", Body: fmt.Sprintf("new document %d", i)}
		if out, err := w.Apply(context.Background(), []corpus.Action{{Line: 1, Doc: &d}}, indexer.WriteOptions{}); err != nil || !out[0].Result.OK() {
			t.Fatalf("%+v %v", out, err)
		}
		if err := e.Refresh(context.Background()); err != nil { // a segment each
			t.Fatal(err)
		}
	}
	segments := func() int { return len(indexer.SegmentSizes(s)) }
	// Bleve may have merged some already (under load, as the persister
	// takes several refreshes' segments together); the tidy merges the rest.
	if n := segments(); n < 2 {
		t.Fatalf("%d segments after three refreshed writes: nothing to merge", n)
	}
	for deadline := time.Now().Add(30 * time.Second); ; {
		files, segs := indextest.SegmentFiles(t, w.Dir()), segments()
		if files == segs && segs <= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("30 s after the last write: %d segment files on disk for %d segments", files, segs)
		}
		time.Sleep(50 * time.Millisecond) // merges and removals say nothing when done; poll the folder
	}
	res, err := e.Search(context.Background(), Request{Query: "new", Size: 10})
	if err != nil || res.Total != 3 {
		t.Fatalf("after the merges: %v, %+v", err, res)
	}
}
