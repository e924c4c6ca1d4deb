package opensearch

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"pressearch/corpus"
	"pressearch/indexer"
)

// Apply writes actions to the current generation and returns the outcome
// of each, in order, as the Bleve backend's live collection does
// (indexer.Live.Apply): refused actions (corpus.CheckActions, and deletes
// of ids that are not there) fail alone, unless o.Atomic, where one
// failure applies nothing. Documents are written whole under their id in
// bulk requests; once Apply returns they are durable (the cluster's
// translog is synced before it answers) and searchable within the index's
// refresh interval (1 s), or at once after Refresh. An analysis the
// generation had no documents of yet is recorded in its _meta, so that a
// server searching it looks there too.
func (s *Store) Apply(ctx context.Context, actions []corpus.Action, o indexer.WriteOptions) ([]indexer.Outcome, error) {
	c := NewCollection(s)
	out, err := c.Apply(ctx, actions, o)
	if ferr := c.Flush(ctx); err == nil && ferr != nil {
		err = fmt.Errorf("completions: %w", ferr)
	}
	return out, err
}

// apply is Apply to index (the current generation where ""); it also
// returns the actions it sent to the cluster, in order, even with an
// error: a rebuild applies them to the new generation too; and whether
// they brought an analysis new to the generation.
func (s *Store) apply(ctx context.Context, index string, actions []corpus.Action, o indexer.WriteOptions) ([]indexer.Outcome, []sentAction, bool, error) {
	if index == "" {
		cur, err := s.Current(ctx)
		if err != nil {
			return nil, nil, false, err
		}
		index = cur
	}
	m, err := s.Meta(ctx, index)
	if err != nil {
		return nil, nil, false, err
	}
	if m.Analysis != AnalysisVersion() {
		return nil, nil, false, &VersionError{Index: index, Built: m.Analysis, Ours: AnalysisVersion()}
	}
	if err := s.writeFields(ctx, index); err != nil {
		return nil, nil, false, err
	}
	var ids []string
	for i := range actions {
		if actions[i].Reason == "" {
			ids = append(ids, actions[i].ID())
		}
		if d := actions[i].Doc; d != nil && actions[i].Reason == "" {
			ids = append(ids, d.Related...)
			if d.TranslationOf != "" {
				ids = append(ids, d.TranslationOf)
			}
		}
	}
	exists, err := s.exist(ctx, index, ids)
	if err != nil {
		return nil, nil, false, err
	}
	corpus.CheckActions(actions, func(id string) bool { return exists[id] })

	out := make([]indexer.Outcome, len(actions))
	now := map[string]bool{} // whether each id exists as the actions before leave it
	has := func(id string) bool {
		if v, ok := now[id]; ok {
			return v
		}
		return exists[id]
	}
	failed := false
	var good []int
	for i := range actions {
		a := &actions[i]
		out[i] = indexer.Outcome{Line: a.Line, ID: a.ID(), Reason: a.Reason}
		switch {
		case a.Reason != "":
			out[i].Result = indexer.Invalid
			failed = true
			continue
		case a.Doc == nil && !has(a.Delete):
			out[i].Result = indexer.NotFound
			failed = true
			continue
		case a.Doc == nil:
			out[i].Result = indexer.Deleted
		case has(a.Doc.ID):
			out[i].Result = indexer.Replaced
		default:
			out[i].Result = indexer.Created
		}
		now[a.ID()] = a.Doc != nil
		good = append(good, i)
	}
	if len(good) == 0 {
		return out, nil, false, nil
	}
	if failed && o.Atomic {
		for _, i := range good {
			out[i].Result = indexer.NotApplied
		}
		return out, nil, false, nil
	}
	sent := make([]sentAction, 0, len(good))
	for _, i := range good {
		sent = append(sent, sentAction{action: actions[i], api: !o.Corpus})
	}
	added, err := s.send(ctx, index, m, sent)
	if err != nil {
		return nil, sent, added, err
	}
	return out, sent, added, nil
}

// sentAction is an action applied to a generation, and whether its
// document came through the documents API.
type sentAction struct {
	action corpus.Action
	api    bool
}

// documents returns the documents of index with ids, as it holds them now
// (read in real time): those it does not hold are missing.
func (s *Store) documents(ctx context.Context, index string, ids []string) (map[string]*corpus.Document, error) {
	found := map[string]*corpus.Document{}
	if len(ids) == 0 {
		return found, nil
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	var ans struct {
		Docs []struct {
			Found  bool   `json:"found"`
			Source Source `json:"_source"`
		} `json:"docs"`
	}
	if err := s.c.Do(ctx, "POST", "/"+url.PathEscape(index)+"/_mget", map[string]any{"ids": ids}, &ans); err != nil {
		return nil, err
	}
	for _, d := range ans.Docs {
		if d.Found {
			doc := d.Source.document()
			found[doc.ID] = &doc
		}
	}
	return found, nil
}

// send writes actions, all good, to index (whose _meta is m) in bulk
// requests, recording first any analysis new to it (and saying so).
func (s *Store) send(ctx context.Context, index string, m Meta, actions []sentAction) (bool, error) {
	present := map[string]bool{}
	for _, k := range m.Present {
		present[k] = true
	}
	added := false
	items := make([]bulkItem, 0, len(actions))
	for _, a := range actions {
		if a.action.Doc == nil {
			items = append(items, bulkItem{id: a.action.Delete})
			continue
		}
		t, err := indexer.Tokenize(a.action.Doc)
		if err != nil {
			return false, err
		}
		doc, err := encode(t, a.action.Doc.PublishAt, a.api)
		if err != nil {
			return false, err
		}
		items = append(items, bulkItem{id: t.ID, doc: doc})
		for _, k := range presentIn(t) {
			if !present[k] {
				present[k], added = true, true
			}
		}
	}
	if added {
		m.Present = m.Present[:0:0]
		for k := range present {
			m.Present = append(m.Present, k)
		}
		sort.Strings(m.Present)
		if err := s.c.Do(ctx, "PUT", "/"+url.PathEscape(index)+"/_mapping",
			map[string]any{"_meta": map[string]any{"pressearch": m}}, nil); err != nil {
			return false, err
		}
	}
	for start := 0; start < len(items); start += bulkDocs {
		if err := s.c.bulk(ctx, index, items[start:min(start+bulkDocs, len(items))], false); err != nil {
			return added, err
		}
	}
	return added, nil
}

// writeFields adds to index's mapping the fields writes use, once a store:
// a generation built before the documents API has none of them.
func (s *Store) writeFields(ctx context.Context, index string) error {
	s.fieldsMu.Lock()
	defer s.fieldsMu.Unlock()
	if s.fielded[index] {
		return nil
	}
	if err := s.c.Do(ctx, "PUT", "/"+url.PathEscape(index)+"/_mapping",
		map[string]any{"properties": writeFields}, nil); err != nil {
		return fmt.Errorf("%s: the fields of writes: %w", index, err)
	}
	if s.fielded == nil {
		s.fielded = map[string]bool{}
	}
	s.fielded[index] = true
	return nil
}

// exist answers, for each of ids, whether index holds it now (read in
// real time, not as of the last refresh).
func (s *Store) exist(ctx context.Context, index string, ids []string) (map[string]bool, error) {
	found := map[string]bool{}
	if len(ids) == 0 {
		return found, nil
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	var ans struct {
		Docs []struct {
			ID    string `json:"_id"`
			Found bool   `json:"found"`
		} `json:"docs"`
	}
	if err := s.c.Do(ctx, "POST", "/"+url.PathEscape(index)+"/_mget?_source=false",
		map[string]any{"ids": ids}, &ans); err != nil {
		return nil, err
	}
	for _, d := range ans.Docs {
		if d.Found {
			found[d.ID] = true
		}
	}
	return found, nil
}

// Refresh makes every write to the current generation searchable now.
func (s *Store) Refresh(ctx context.Context) error {
	cur, err := s.Current(ctx)
	if err != nil {
		return err
	}
	return s.refresh(ctx, cur)
}

func (s *Store) refresh(ctx context.Context, index string) error {
	return s.c.Do(ctx, "POST", "/"+url.PathEscape(index)+"/_refresh", nil, nil)
}

// Dropped counts the documents written through the documents API to the
// current generation that a new one built from docs would drop: missing
// from docs, or different there. None where there is no generation yet.
func (s *Store) Dropped(ctx context.Context, docs indexer.Documents) (int, error) {
	cur, err := s.Current(ctx)
	if err != nil {
		return 0, nil
	}
	written, _, err := s.stored(ctx, cur, map[string]any{"term": map[string]any{fieldAPI: true}})
	if err != nil || len(written) == 0 {
		return 0, err
	}
	want := make(map[string]corpus.Document, len(written))
	for _, d := range written {
		want[d.ID] = d
	}
	kept := 0
	err = docs.Each(func(d *corpus.Document) error {
		if w, ok := want[d.ID]; ok && sameDocument(&w, d) {
			kept++
		}
		return nil
	})
	return len(written) - kept, err
}

// sameDocument reports whether two documents are stored alike.
func sameDocument(a, b *corpus.Document) bool {
	return a.Lang == b.Lang && a.Title == b.Title && a.Body == b.Body && a.Date == b.Date && a.Source == b.Source &&
		a.URL == b.URL && a.Kind == b.Kind && a.TranslationOf == b.TranslationOf && a.PublishAt == b.PublishAt &&
		fmt.Sprint(a.Related) == fmt.Sprint(b.Related)
}

// Collection is the collection of a store in the process that writes it
// (serve): writes one at a time, and a rebuild that keeps the writes made
// while it runs.
type Collection struct {
	s  *Store
	mu sync.Mutex // one write at a time; guards log
	// log, while a rebuild runs, holds the writes applied since it began.
	log []sentAction
	// logging says a rebuild runs.
	logging bool
	// rebuilding is held by the one rebuild at a time.
	rebuilding sync.Mutex
	// kept is what completion draws on in the generation writes last went
	// to and how many documents it holds, kept as they go (nil until the
	// first write, or after a write that may have been applied in part:
	// counted again at the next).
	kept atomic.Pointer[kept]
	// pending are the writes in kept's state not yet saved to its suggest
	// index, oldest first; saving says a saver runs. Under mu.
	pending []*indexer.SuggestWrite
	saving  bool
	// saveMu is held by the one save at a time.
	saveMu sync.Mutex
	// NewAnalysis, where set, is called (writes waiting) after a write
	// brought the current generation documents of an analysis it had
	// none of, recorded in its _meta: a server searching it serves it
	// again, to look there too.
	NewAnalysis func(ctx context.Context)
}

// NewCollection returns the collection of s.
func NewCollection(s *Store) *Collection { return &Collection{s: s} }

// Store returns the collection's store.
func (c *Collection) Store() *Store { return c.s }

// kept is what a collection keeps of one generation as it is written.
type kept struct {
	index string
	state *indexer.SuggestState // what completion draws on
	docs  atomic.Int64          // the documents it holds
	v     version               // of the suggest document state was read from or saved as; under mu
}

// Apply writes actions to the current generation (Store.Apply), and
// changes what completion offers of it as a Bleve live collection does:
// by the documents each write removes and adds, saved in the generation's
// suggest index soon after Apply returns (at once with Flush): the save,
// of the whole state, runs beside the writes, one at a time, each taking
// every write made before it.
func (c *Collection) Apply(ctx context.Context, actions []corpus.Action, o indexer.WriteOptions) ([]indexer.Outcome, error) {
	out, err := c.apply(ctx, actions, o)
	c.mu.Lock()
	start := len(c.pending) > 0 && !c.saving
	if start {
		c.saving = true
	}
	c.mu.Unlock()
	if start {
		go c.Flush(context.Background())
	}
	return out, err
}

func (c *Collection) apply(ctx context.Context, actions []corpus.Action, o indexer.WriteOptions) ([]indexer.Outcome, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cur, err := c.s.Current(ctx)
	if err != nil {
		return nil, err
	}
	k, err := c.keep(ctx, cur)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(actions))
	for i := range actions {
		if actions[i].Reason == "" {
			ids = append(ids, actions[i].ID())
		}
	}
	before, err := c.s.documents(ctx, cur, ids)
	if err != nil {
		return nil, err
	}
	out, sent, added, err := c.s.apply(ctx, cur, actions, o)
	if c.logging {
		c.log = append(c.log, sent...)
	}
	if err != nil && len(sent) > 0 {
		// Some of sent may be in the generation: count it again from its
		// documents at the next write.
		c.kept.Store(&kept{index: cur})
		c.pending = nil
	} else if len(sent) > 0 {
		w := suggestWrite(before, sent)
		k.state.Apply(w)
		for _, o := range out {
			switch o.Result {
			case indexer.Created:
				k.docs.Add(1)
			case indexer.Deleted:
				k.docs.Add(-1)
			}
		}
		c.pending = append(c.pending, w)
	}
	if added && c.NewAnalysis != nil {
		c.NewAnalysis(ctx)
	}
	return out, err
}

// Flush saves to the suggest index what completion draws on, every write
// made so far through c included (where a write has changed it), and
// returns once it is saved. A write that fails (the write itself is
// answered whatever its saving does) is tried again by the next save. Where
// another process wrote the suggest index meanwhile (add on another
// machine), it reads theirs, changes it by c's writes not saved yet and
// saves that, and holds it from then on.
func (c *Collection) Flush(ctx context.Context) error {
	c.saveMu.Lock()
	defer c.saveMu.Unlock()
	for {
		c.mu.Lock()
		k := c.kept.Load()
		if k == nil || k.state == nil || len(c.pending) == 0 {
			c.pending, c.saving = nil, false
			c.mu.Unlock()
			return nil
		}
		raw, err := json.Marshal(suggestSource{State: k.state})
		inflight, v := c.pending, k.v
		c.pending = nil
		c.mu.Unlock()
		if err == nil {
			v, err = c.s.putSuggestionsIf(ctx, k.index, json.RawMessage(raw), v)
		}
		c.mu.Lock()
		switch {
		case c.kept.Load() != k:
			// c keeps another generation now, or counts this one again:
			// what was in flight is of no use.
			err = nil
		case err == nil:
			k.v = v
		case IsConflict(err) && c.kept.Load() == k:
			err = c.merge(ctx, k, append(inflight, c.pending...))
			c.pending = append(inflight, c.pending...)
		default:
			c.pending = append(inflight, c.pending...)
		}
		if err != nil {
			c.saving = false
			c.mu.Unlock()
			return err
		}
		c.mu.Unlock()
	}
}

// merge makes what c keeps of k's generation the state another process
// saved there changed by unsaved, the writes of c it does not have. Under
// mu.
func (c *Collection) merge(ctx context.Context, k *kept, unsaved []*indexer.SuggestWrite) error {
	src, v, _, err := c.s.readSuggestions(ctx, k.index)
	if err != nil {
		return err
	}
	nk := &kept{index: k.index, state: src.State, v: v}
	if nk.state != nil {
		for _, w := range unsaved {
			nk.state.Apply(w)
		}
	} else if nk.state, err = c.s.countSuggestions(ctx, k.index); err != nil { // unsaved included
		return err
	}
	if err := c.count(ctx, nk); err != nil {
		return err
	}
	c.kept.Store(nk)
	return nil
}

// suggestWrite is what sent changes in completion: each id's document
// before (as before has it) leaves, its document after comes.
func suggestWrite(before map[string]*corpus.Document, sent []sentAction) *indexer.SuggestWrite {
	w := indexer.NewSuggestWrite(time.Now())
	after := map[string]*corpus.Document{}
	var order []string
	for _, a := range sent {
		id := a.action.ID()
		if _, seen := after[id]; !seen {
			order = append(order, id)
		}
		after[id] = a.action.Doc
	}
	for _, id := range order {
		if d := before[id]; d != nil {
			w.Remove(d)
		}
		if d := after[id]; d != nil {
			w.Add(d)
		}
	}
	return w
}

// keep returns what c keeps of the generation index: read from its
// suggest index (or counted from its documents) and counted, where c does
// not hold it yet. Writes wait.
func (c *Collection) keep(ctx context.Context, index string) (*kept, error) {
	old := c.kept.Load()
	if old != nil && old.index == index && old.state != nil {
		return old, nil
	}
	var st *indexer.SuggestState
	var v version
	var err error
	if old != nil && old.index == index {
		// A write failed part way: what is saved may not be what is there.
		if err = c.s.refresh(ctx, index); err == nil {
			st, err = c.s.countSuggestions(ctx, index)
		}
	} else {
		st, v, err = c.s.suggestState(ctx, index)
	}
	if err != nil {
		return nil, fmt.Errorf("completions of %s: %w", index, err)
	}
	k := &kept{index: index, state: st, v: v}
	if err := c.count(ctx, k); err != nil {
		return nil, err
	}
	c.kept.Store(k)
	return k, nil
}

// count sets k's count of documents to what its generation holds, every
// write to it so far included.
func (c *Collection) count(ctx context.Context, k *kept) error {
	if err := c.s.refresh(ctx, k.index); err != nil {
		return err
	}
	n, err := c.s.count(ctx, k.index)
	k.docs.Store(int64(n))
	return err
}

// Suggestions returns what completion offers now of the generation index,
// as the writes through c have left it; nil where c holds nothing of it
// (no write through c yet): its suggest index has what it offers.
func (c *Collection) Suggestions(index string) *indexer.Suggestions {
	if k := c.kept.Load(); k != nil && k.index == index && k.state != nil {
		return k.state.Suggestions(time.Now())
	}
	return nil
}

// Documents returns how many documents the generation index holds, as the
// writes through c have left it (searchable or soon); false where c holds
// nothing of it.
func (c *Collection) Documents(index string) (uint64, bool) {
	if k := c.kept.Load(); k != nil && k.index == index && k.state != nil {
		return uint64(max(k.docs.Load(), 0)), true
	}
	return 0, false
}

// Refresh makes every write searchable now.
func (c *Collection) Refresh(ctx context.Context) error { return c.s.Refresh(ctx) }

// replayBatch is how many logged writes a rebuild applies to its new
// generation while writes go on; the rest it applies while they wait.
const replayBatch = 200

// Rebuild builds a new generation from the current one's documents, as
// they are stored (after an analyzer change, say), while writes go on:
// the writes made meanwhile are applied to the new generation too, the
// last of them while writes wait, and then the alias moves to it. Only
// the writes made through this collection are kept so: on a cluster, let
// one process write (serve), and run reindex through it.
func (c *Collection) Rebuild(ctx context.Context, progress indexer.Progress) (indexer.Summary, error) {
	if !c.rebuilding.TryLock() {
		return indexer.Summary{}, indexer.ErrBusy
	}
	defer c.rebuilding.Unlock()
	c.mu.Lock()
	c.logging, c.log = true, nil
	cur, err := c.s.Current(ctx)
	if err == nil {
		// What the scan below reads is what a refresh has made
		// searchable: every write before the log began.
		err = c.s.refresh(ctx, cur)
	}
	c.mu.Unlock()
	locked := false
	defer func() {
		if !locked {
			c.mu.Lock()
		}
		c.logging, c.log = false, nil
		c.mu.Unlock()
	}()
	if err != nil {
		return indexer.Summary{}, err
	}
	docs, api, err := c.s.stored(ctx, cur, nil)
	if err != nil {
		return indexer.Summary{}, err
	}
	replayed := 0
	catchUp := func(ctx context.Context, index string) error {
		m, err := c.s.Meta(ctx, index)
		if err != nil {
			return err
		}
		// What completion draws on in index, as built, changed by the
		// writes replayed as a write through c changes it.
		sugg, _, err := c.s.suggestState(ctx, index)
		if err != nil {
			return err
		}
		replay := func(pending []sentAction) error {
			ids := make([]string, len(pending))
			for i, a := range pending {
				ids[i] = a.action.ID()
			}
			before, err := c.s.documents(ctx, index, ids)
			if err != nil {
				return err
			}
			if _, err := c.s.send(ctx, index, m, pending); err != nil {
				return err
			}
			sugg.Apply(suggestWrite(before, pending))
			return nil
		}
		for {
			c.mu.Lock()
			pending := c.log[replayed:]
			if len(pending) <= replayBatch {
				locked = true // held until the alias has moved
				if err := replay(pending); err != nil {
					return err
				}
				v, err := c.s.putSuggestionsIf(ctx, index, sugg, version{})
				if err != nil {
					return err
				}
				k := &kept{index: index, state: sugg, v: v}
				if err := c.count(ctx, k); err != nil {
					return err
				}
				// The writes to the old generation not saved yet are saved
				// now: if the alias does not move after all, it goes on.
				if old := c.kept.Load(); old != nil && old.state != nil && len(c.pending) > 0 {
					if _, err := c.s.putSuggestionsIf(ctx, old.index, old.state, version{}); err != nil {
						return err
					}
				}
				c.kept.Store(k)
				c.pending = nil
				return nil
			}
			pending = pending[:len(pending):len(pending)]
			c.mu.Unlock()
			if err := replay(pending); err != nil {
				c.mu.Lock()
				locked = true
				return err
			}
			replayed += len(pending)
			if m, err = c.s.Meta(ctx, index); err != nil {
				c.mu.Lock()
				locked = true
				return err
			}
		}
	}
	return c.s.build(ctx, indexer.Slice(docs), buildOptions{progress: progress, api: api, beforeSwitch: catchUp})
}
