package opensearch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"pressearch/corpus"
	"pressearch/indexer"
)

// A Store is a collection on a cluster: generations are indices named
// ALIAS-gen-000007, and the alias ALIAS names the current one. A build
// fills a new index beside the live one and then moves the alias in one
// atomic update; searches go through the alias, so each sees either the
// old generation or the new one, whole.
type Store struct {
	c     *Client
	alias string
	// Shape is how a new generation is split; a zero Shards means one
	// shard, a negative Replicas one replica where the cluster has more
	// than one data node and none otherwise.
	Shape Shape
	// Keep is how many generations a build leaves (the newest ones, and
	// always the current one and the one before it).
	Keep int

	fieldsMu sync.Mutex
	fielded  map[string]bool // indices known to have the fields of writes
}

// ErrNoGeneration is returned when the alias names no index yet.
var ErrNoGeneration = errors.New("no index generation on the cluster yet")

// aliasName is what an alias (and so a generation) may be called: what
// OpenSearch allows in an index name, kept simple.
var aliasName = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,200}$`)

// Open connects to the cluster of c and checks that it answers.
func Open(ctx context.Context, c Config) (*Store, error) {
	alias := c.Index
	if alias == "" {
		alias = DefaultIndex
	}
	if !aliasName.MatchString(alias) {
		return nil, fmt.Errorf("bad OpenSearch index name %q: lower-case letters, digits, '-', '_' and '.'", alias)
	}
	cl, err := NewClient(c)
	if err != nil {
		return nil, err
	}
	var info struct {
		Version struct {
			Number string `json:"number"`
		} `json:"version"`
	}
	if err := cl.Do(ctx, "GET", "/", nil, &info); err != nil {
		return nil, fmt.Errorf("OpenSearch at %s does not answer: %w", strings.Join(c.URLs, ","), err)
	}
	return &Store{c: cl, alias: alias, Shape: Shape{Replicas: -1}, Keep: 3}, nil
}

// Client returns the store's client.
func (s *Store) Client() *Client { return s.c }

// Alias returns the name searches go through.
func (s *Store) Alias() string { return s.alias }

func (s *Store) genName(n int) string { return fmt.Sprintf("%s-gen-%06d", s.alias, n) }

// genNumber returns the number of a generation of this store, or -1.
func (s *Store) genNumber(index string) int {
	rest, ok := strings.CutPrefix(index, s.alias+"-gen-")
	if !ok || len(rest) < 6 {
		return -1
	}
	n, err := strconv.Atoi(rest)
	if err != nil {
		return -1
	}
	return n
}

// Generation returns the generation an index of this store is, or 0.
func (s *Store) Generation(index string) indexer.Generation {
	if n := s.genNumber(index); n > 0 {
		return indexer.Generation(n)
	}
	return 0
}

// Index returns the index of a generation.
func (s *Store) Index(g indexer.Generation) string { return s.genName(int(g)) }

// Current returns the index the alias names, or ErrNoGeneration.
func (s *Store) Current(ctx context.Context) (string, error) {
	var ans map[string]any
	err := s.c.Do(ctx, "GET", "/_alias/"+url.PathEscape(s.alias), nil, &ans)
	if IsNotFound(err) {
		return "", ErrNoGeneration
	}
	if err != nil {
		return "", err
	}
	var names []string
	for name := range ans {
		names = append(names, name)
	}
	switch len(names) {
	case 0:
		return "", ErrNoGeneration
	case 1:
		return names[0], nil
	}
	sort.Strings(names)
	return "", fmt.Errorf("the alias %s names %d indices (%s); pressearch keeps it on one", s.alias, len(names), strings.Join(names, ", "))
}

// Generations returns the store's indices, oldest first.
func (s *Store) Generations(ctx context.Context) ([]string, error) {
	var rows []struct {
		Index string `json:"index"`
	}
	path := "/_cat/indices/" + url.PathEscape(s.alias+"-gen-*") + "?format=json&h=index&expand_wildcards=all"
	if err := s.c.Do(ctx, "GET", path, nil, &rows); err != nil {
		return nil, err
	}
	var gens []string
	for _, r := range rows {
		if s.genNumber(r.Index) >= 0 {
			gens = append(gens, r.Index)
		}
	}
	sort.Slice(gens, func(i, j int) bool { return s.genNumber(gens[i]) < s.genNumber(gens[j]) })
	return gens, nil
}

// Meta reads what a generation records about itself.
func (s *Store) Meta(ctx context.Context, index string) (Meta, error) {
	var ans map[string]struct {
		Mappings struct {
			Meta struct {
				Pressearch Meta `json:"pressearch"`
			} `json:"_meta"`
		} `json:"mappings"`
	}
	if err := s.c.Do(ctx, "GET", "/"+url.PathEscape(index)+"/_mapping", nil, &ans); err != nil {
		return Meta{}, err
	}
	for _, m := range ans {
		return m.Mappings.Meta.Pressearch, nil
	}
	return Meta{}, fmt.Errorf("no mapping for %s", index)
}

// VersionError is an index built by an analysis other than this
// program's: its tokens would not meet the queries' tokens.
type VersionError struct {
	Index, Built, Ours string
}

func (e *VersionError) Error() string {
	built := e.Built
	if built == "" {
		built = "no recorded analysis"
	}
	return fmt.Sprintf("index %s was built with analysis %s, and this pressearch analyzes as %s: "+
		"rebuild it with this version (pressearch index --backend opensearch, or reindex)", e.Index, built, e.Ours)
}

// Check returns the current index and its Meta, or an error when there is
// none or it was built by another analysis.
func (s *Store) Check(ctx context.Context) (string, Meta, error) {
	cur, err := s.Current(ctx)
	if err != nil {
		return "", Meta{}, err
	}
	m, err := s.Meta(ctx, cur)
	if err != nil {
		return "", Meta{}, err
	}
	if m.Analysis != AnalysisVersion() {
		return "", Meta{}, &VersionError{Index: cur, Built: m.Analysis, Ours: AnalysisVersion()}
	}
	return cur, m, nil
}

// health is the part of a cluster health answer we read.
type health struct {
	Status        string `json:"status"`
	TimedOut      bool   `json:"timed_out"`
	DataNodes     int    `json:"number_of_data_nodes"`
	Unassigned    int    `json:"unassigned_shards"`
	Relocating    int    `json:"relocating_shards"`
	Initializing  int    `json:"initializing_shards"`
	NumberOfNodes int    `json:"number_of_nodes"`
}

// shape resolves the store's Shape against the cluster.
func (s *Store) shape(ctx context.Context) (Shape, error) {
	sh := s.Shape
	if sh.Shards <= 0 {
		sh.Shards = 1
	}
	if sh.Replicas < 0 {
		var h health
		if err := s.c.Do(ctx, "GET", "/_cluster/health", nil, &h); err != nil {
			return sh, err
		}
		sh.Replicas = min(1, max(0, h.DataNodes-1))
	}
	return sh, nil
}

// Build indexes docs into a new generation, waits until every copy of it
// is ready, and moves the alias to it in one update. A failed or
// cancelled build deletes its index and leaves the alias where it was.
func (s *Store) Build(ctx context.Context, docs indexer.Documents, progress indexer.Progress) (indexer.Summary, error) {
	return s.build(ctx, docs, buildOptions{progress: progress})
}

// buildOptions are a build's less common needs.
type buildOptions struct {
	progress indexer.Progress
	// api are the ids of documents written through the documents API,
	// kept marked as such in the new generation.
	api map[string]bool
	// beforeSwitch, where set, runs once the new index is filled and
	// ready, before the alias moves to it (a rebuild applies the writes
	// made meanwhile there).
	beforeSwitch func(ctx context.Context, index string) error
}

func (s *Store) build(ctx context.Context, docs indexer.Documents, o buildOptions) (indexer.Summary, error) {
	start := time.Now()
	gens, err := s.Generations(ctx)
	if err != nil {
		return indexer.Summary{}, err
	}
	cur, err := s.Current(ctx)
	if err != nil && !errors.Is(err, ErrNoGeneration) {
		return indexer.Summary{}, err
	}
	// A build that died leaves an index never finished: clear it away.
	for _, g := range gens {
		if g == cur {
			continue
		}
		if m, err := s.Meta(ctx, g); err == nil && m.Finished == "" {
			s.remove(ctx, g)
		}
	}
	next := 1
	if len(gens) > 0 {
		next = s.genNumber(gens[len(gens)-1]) + 1
	}
	index := s.genName(next)
	shape, err := s.shape(ctx)
	if err != nil {
		return indexer.Summary{}, err
	}
	meta := Meta{Analysis: AnalysisVersion(), Generation: s.Generation(index).String(), Previous: cur}
	if err := s.c.Do(ctx, "PUT", "/"+url.PathEscape(index), indexBody(shape, meta), nil); err != nil {
		return indexer.Summary{}, fmt.Errorf("create %s: %w", index, err)
	}
	sum, sugg, present, err := s.fill(ctx, index, docs, o.api, o.progress)
	if err == nil {
		err = s.saveSuggestions(ctx, index, shape, sugg)
	}
	if err == nil {
		err = s.finish(ctx, index, shape, sum.Documents)
	}
	if err == nil && o.beforeSwitch != nil {
		if err = o.beforeSwitch(ctx, index); err == nil {
			sum.Documents, err = s.count(ctx, index)
		}
	}
	if err == nil {
		sum.Seconds = time.Since(start).Seconds()
		meta.Documents = sum.Documents
		meta.Present = present
		if o.beforeSwitch != nil {
			// The writes applied there may have brought analyses of
			// their own, recorded in its _meta meanwhile.
			if m, merr := s.Meta(ctx, index); merr == nil {
				meta.Present = union(present, m.Present)
			}
		}
		meta.Finished = time.Now().UTC().Format(time.RFC3339)
		meta.Seconds = sum.Seconds
		err = s.c.Do(ctx, "PUT", "/"+url.PathEscape(index)+"/_mapping",
			map[string]any{"_meta": map[string]any{"pressearch": meta}}, nil)
	}
	if err == nil {
		err = s.point(ctx, cur, index)
	}
	if err != nil {
		// Not under ctx: a cancelled build still clears away its index.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		s.remove(dctx, index)
		return indexer.Summary{}, err
	}
	sum.Generation = indexer.Generation(next)
	s.prune(ctx, index, cur)
	return sum, nil
}

// union is the sorted union of two sets of names.
func union(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range [][]string{a, b} {
		for _, k := range l {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// count returns how many documents index holds, as searches see them.
func (s *Store) count(ctx context.Context, index string) (int, error) {
	var c struct {
		Count int `json:"count"`
	}
	err := s.c.Do(ctx, "GET", "/"+url.PathEscape(index)+"/_count", nil, &c)
	return c.Count, err
}

// fill sends docs to index in bulk requests, two in flight while the next
// documents are analyzed.
func (s *Store) fill(ctx context.Context, index string, docs indexer.Documents, api map[string]bool, progress indexer.Progress) (indexer.Summary, *indexer.SuggestState, []string, error) {
	sum := indexer.Summary{Languages: map[string]int{}}
	sugg := indexer.NewSuggestionSet()
	present := map[string]bool{}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	const inFlight = 2
	sem := make(chan struct{}, inFlight)
	errs := make(chan error, 1)
	fail := func(err error) {
		select {
		case errs <- err:
		default:
		}
		cancel()
	}
	send := func(batch []bulkItem) {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			if err := s.c.bulk(ctx, index, batch, false); err != nil {
				fail(err)
			}
		}()
	}
	var batch []bulkItem
	size := 0
	err := tokenizeAll(ctx, docs, api, func(it bulkItem) error {
		if it.failed != nil {
			return it.failed
		}
		batch = append(batch, it)
		size += len(it.doc)
		sugg.AddDocument(it.src)
		for _, k := range it.present {
			present[k] = true
		}
		sum.Documents++
		sum.Languages[it.lang]++
		if len(batch) >= bulkDocs || size >= bulkBytes {
			send(batch)
			batch, size = nil, 0
		}
		if progress != nil && (sum.Documents%100 == 0 || sum.Documents == docs.Len()) {
			progress(sum.Documents, docs.Len())
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		send(batch)
	}
	for range inFlight {
		sem <- struct{}{}
	}
	select {
	case ferr := <-errs:
		return sum, nil, nil, ferr
	default:
	}
	keys := make([]string, 0, len(present))
	for k := range present {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return sum, sugg.State(), keys, err
}

// finish makes a filled index searchable: refreshed, its replicas placed,
// its segments merged, the document count checked.
func (s *Store) finish(ctx context.Context, index string, shape Shape, want int) error {
	base := "/" + url.PathEscape(index)
	if err := s.c.Do(ctx, "POST", base+"/_refresh", nil, nil); err != nil {
		return err
	}
	// One segment a shard, as the Bleve build leaves: searches read fewer
	// posting lists.
	if err := s.c.Do(ctx, "POST", base+"/_forcemerge?max_num_segments=1", nil, nil); err != nil {
		return err
	}
	settings := map[string]any{"index": map[string]any{"number_of_replicas": shape.Replicas, "refresh_interval": "1s"}}
	if err := s.c.Do(ctx, "PUT", base+"/_settings", settings, nil); err != nil {
		return err
	}
	var h health
	if err := s.c.Do(ctx, "GET", "/_cluster/health/"+url.PathEscape(index)+"?wait_for_status=green&timeout=120s", nil, &h); err != nil {
		return err
	}
	if h.TimedOut {
		return fmt.Errorf("%s did not get all its copies placed within 120 s (status %s, %d shards unassigned)", index, h.Status, h.Unassigned)
	}
	var count struct {
		Count int `json:"count"`
	}
	if err := s.c.Do(ctx, "GET", base+"/_count", nil, &count); err != nil {
		return err
	}
	if count.Count != want {
		return fmt.Errorf("%s holds %d documents, not the %d sent", index, count.Count, want)
	}
	return nil
}

// point moves the alias from index from (none when "") to index to, in one
// update: if another process moved it meanwhile, the update fails whole.
func (s *Store) point(ctx context.Context, from, to string) error {
	var actions []any
	if from != "" {
		actions = append(actions, map[string]any{"remove": map[string]any{"index": from, "alias": s.alias}})
	}
	actions = append(actions, map[string]any{"add": map[string]any{"index": to, "alias": s.alias}})
	if err := s.c.Do(ctx, "POST", "/_aliases", map[string]any{"actions": actions}, nil); err != nil {
		return fmt.Errorf("point %s at %s: %w", s.alias, to, err)
	}
	return nil
}

// prune deletes the generations a build no longer needs: all but the
// Keep newest, never the current one or the one before it.
func (s *Store) prune(ctx context.Context, cur, prev string) {
	gens, err := s.Generations(ctx)
	if err != nil {
		return
	}
	keep := max(s.Keep, 2)
	for i, g := range gens {
		if g == cur || g == prev || i >= len(gens)-keep {
			continue
		}
		s.remove(ctx, g)
	}
}

// Rollback moves the alias back to the generation that was current before
// the current one, in one update, and returns it.
func (s *Store) Rollback(ctx context.Context) (indexer.Generation, error) {
	cur, err := s.Current(ctx)
	if err != nil {
		return 0, err
	}
	m, err := s.Meta(ctx, cur)
	if err != nil {
		return 0, err
	}
	if m.Previous == "" {
		return 0, fmt.Errorf("%s has no generation before it to roll back to", s.Generation(cur))
	}
	prev := s.Generation(m.Previous)
	if err := s.Use(ctx, prev); err != nil {
		if IsNotFound(err) {
			return 0, fmt.Errorf("the generation before %s, %s, is gone", s.Generation(cur), prev)
		}
		return 0, err
	}
	return prev, nil
}

// Use makes generation g current, in one update of the alias.
func (s *Store) Use(ctx context.Context, g indexer.Generation) error {
	if g == 0 {
		return fmt.Errorf("no generation to use")
	}
	index := s.Index(g)
	m, err := s.Meta(ctx, index)
	if err != nil {
		return err
	}
	if m.Finished == "" {
		return fmt.Errorf("%s was never finished", g)
	}
	if m.Analysis != AnalysisVersion() {
		return &VersionError{Index: index, Built: m.Analysis, Ours: AnalysisVersion()}
	}
	cur, err := s.Current(ctx)
	if err != nil && !errors.Is(err, ErrNoGeneration) {
		return err
	}
	if cur == index {
		return nil
	}
	return s.point(ctx, cur, index)
}

// Delete removes the alias and every generation: the whole collection.
func (s *Store) Delete(ctx context.Context) error {
	gens, err := s.Generations(ctx)
	if err != nil {
		return err
	}
	for _, g := range gens {
		if err := s.remove(ctx, g); err != nil {
			return err
		}
	}
	return nil
}

// remove deletes a generation and its companion index.
func (s *Store) remove(ctx context.Context, index string) error {
	for _, name := range []string{suggestIndex(index), index} {
		if err := s.c.Do(ctx, "DELETE", "/"+url.PathEscape(name), nil, nil); err != nil && !IsNotFound(err) {
			return err
		}
	}
	return nil
}

// suggestIndex names the companion of a generation that keeps what
// completion offers, one document: kept out of the generation itself so
// that no search counts it.
func suggestIndex(index string) string { return index + "-suggest" }

// suggestID is the id of the one document of a suggest index.
const suggestID = "suggestions"

func (s *Store) saveSuggestions(ctx context.Context, index string, shape Shape, sugg *indexer.SuggestState) error {
	name := "/" + url.PathEscape(suggestIndex(index))
	body := map[string]any{
		"settings": map[string]any{"index": map[string]any{"number_of_shards": 1, "number_of_replicas": shape.Replicas}},
		"mappings": map[string]any{"dynamic": false, "properties": map[string]any{}},
	}
	if err := s.c.Do(ctx, "PUT", name, body, nil); err != nil {
		return fmt.Errorf("create %s: %w", suggestIndex(index), err)
	}
	return s.putSuggestions(ctx, index, sugg)
}

// putSuggestions writes sugg as what completion draws on in index.
func (s *Store) putSuggestions(ctx context.Context, index string, sugg *indexer.SuggestState) error {
	_, err := s.putSuggestionsIf(ctx, index, sugg, version{})
	return err
}

// version is the version of a suggest index's document, as OpenSearch
// numbers it for optimistic concurrency; zero: none known.
type version struct {
	SeqNo       int64 `json:"_seq_no"`
	PrimaryTerm int64 `json:"_primary_term"`
}

// putSuggestionsIf writes sugg as what completion draws on in index, if
// its document is still at version v (any, where v is zero: the caller
// knows no version), and returns its new version; sugg is a
// *indexer.SuggestState or a suggestSource encoded already. Another writer having
// changed it meanwhile is an error IsConflict reports.
func (s *Store) putSuggestionsIf(ctx context.Context, index string, sugg any, v version) (version, error) {
	// (A read by id sees it at once: no refresh.)
	path := "/" + url.PathEscape(suggestIndex(index)) + "/_doc/" + suggestID
	if v.PrimaryTerm > 0 {
		path += fmt.Sprintf("?if_seq_no=%d&if_primary_term=%d", v.SeqNo, v.PrimaryTerm)
	}
	if st, ok := sugg.(*indexer.SuggestState); ok {
		sugg = suggestSource{State: st}
	}
	var ans version
	err := s.c.Do(ctx, "PUT", path, sugg, &ans)
	return ans, err
}

// suggestSource is the one document of a suggest index: the state
// completion draws on, kept as the generation is written; a generation
// built before writes kept completions kept what it offered then.
type suggestSource struct {
	State *indexer.SuggestState `json:"state,omitempty"`
	indexer.Suggestions
}

// readSuggestions reads the document of index's suggest index and its
// version; found is false where there is none.
func (s *Store) readSuggestions(ctx context.Context, index string) (src suggestSource, v version, found bool, err error) {
	var ans struct {
		version
		Source suggestSource `json:"_source"`
	}
	err = s.c.Do(ctx, "GET", "/"+url.PathEscape(suggestIndex(index))+"/_doc/"+suggestID, nil, &ans)
	if IsNotFound(err) {
		return suggestSource{}, version{}, false, nil
	}
	return ans.Source, ans.version, err == nil, err
}

// Suggestions reads what completion offers now from a generation; one
// without them offers nothing.
func (s *Store) Suggestions(ctx context.Context, index string) (*indexer.Suggestions, error) {
	src, _, _, err := s.readSuggestions(ctx, index)
	if err != nil {
		return nil, err
	}
	if src.State != nil {
		return src.State.Suggestions(time.Now()), nil
	}
	return &src.Suggestions, nil
}

// suggestState returns what completion draws on in index and the version
// of the document it was read from: as its suggest index keeps it, or,
// for a generation built before that was kept, counted again from its
// documents.
func (s *Store) suggestState(ctx context.Context, index string) (*indexer.SuggestState, version, error) {
	src, v, _, err := s.readSuggestions(ctx, index)
	if err != nil {
		return nil, v, err
	}
	if src.State != nil {
		return src.State, v, nil
	}
	st, err := s.countSuggestions(ctx, index)
	return st, v, err
}

// countSuggestions counts what completion draws on from the documents of
// index as searches see them.
func (s *Store) countSuggestions(ctx context.Context, index string) (*indexer.SuggestState, error) {
	docs, _, err := s.stored(ctx, index, nil)
	if err != nil {
		return nil, err
	}
	set := indexer.NewSuggestionSet()
	for i := range docs {
		set.AddDocument(&docs[i])
	}
	return set.State(), nil
}

// Raw sends a request to the cluster as the store's client does; for
// tests and tools that need an endpoint the store does not wrap.
func (s *Store) Raw(ctx context.Context, method, path string, body, out any) error {
	return s.c.Do(ctx, method, path, body, out)
}

// AnyTerms answers, for each i, whether any document of index holds one
// of terms[i] in fields[i], in one multi-search that stops at the first
// match of each.
func (s *Store) AnyTerms(ctx context.Context, index string, fields []string, terms [][]string) ([]bool, error) {
	var b bytes.Buffer
	head, _ := json.Marshal(map[string]any{"index": index})
	for i := range fields {
		body, err := json.Marshal(map[string]any{
			"size": 0, "terminate_after": 1, "track_total_hits": 1,
			"query": map[string]any{"terms": map[string]any{fields[i]: terms[i]}},
		})
		if err != nil {
			return nil, err
		}
		b.Write(head)
		b.WriteByte('\n')
		b.Write(body)
		b.WriteByte('\n')
	}
	var ans msearchAnswer
	if err := s.c.Do(ctx, "POST", "/_msearch", ndjson(b.Bytes()), &ans); err != nil {
		return nil, err
	}
	totals, err := ans.totals(len(fields))
	if err != nil {
		return nil, err
	}
	out := make([]bool, len(fields))
	for i, n := range totals {
		out[i] = n > 0
	}
	return out, nil
}

// Documents returns every document of index, in id order, as the corpus
// gave them: for moving a collection to another backend.
func (s *Store) Documents(ctx context.Context, index string) ([]corpus.Document, error) {
	docs, _, err := s.stored(ctx, index, nil)
	return docs, err
}

// stored returns the documents of index that match query (nil: all), in
// id order, and the ids of those written through the documents API.
func (s *Store) stored(ctx context.Context, index string, query map[string]any) ([]corpus.Document, map[string]bool, error) {
	var out []corpus.Document
	api := map[string]bool{}
	var after []any
	if query == nil {
		query = map[string]any{"match_all": map[string]any{}}
	}
	for {
		body := map[string]any{"size": 1000, "sort": []any{map[string]any{"id": "asc"}}, "query": query}
		if after != nil {
			body["search_after"] = after
		}
		var ans struct {
			Hits struct {
				Hits []struct {
					Source Source `json:"_source"`
					Sort   []any  `json:"sort"`
				} `json:"hits"`
			} `json:"hits"`
		}
		if err := s.c.Do(ctx, "POST", "/"+url.PathEscape(index)+"/_search", body, &ans); err != nil {
			return nil, nil, err
		}
		for _, h := range ans.Hits.Hits {
			d := h.Source
			out = append(out, d.document())
			if d.API {
				api[d.ID] = true
			}
			after = h.Sort
		}
		if len(ans.Hits.Hits) < 1000 {
			return out, api, nil
		}
	}
}

// Counts returns, for each query, how many documents of index match it,
// exactly, in one multi-search.
func (s *Store) Counts(ctx context.Context, index string, queries []map[string]any) ([]int, error) {
	var b bytes.Buffer
	head, _ := json.Marshal(map[string]any{"index": index})
	for _, q := range queries {
		body, err := json.Marshal(map[string]any{"size": 0, "track_total_hits": true, "query": q})
		if err != nil {
			return nil, err
		}
		b.Write(head)
		b.WriteByte('\n')
		b.Write(body)
		b.WriteByte('\n')
	}
	var ans msearchAnswer
	if err := s.c.Do(ctx, "POST", "/_msearch", ndjson(b.Bytes()), &ans); err != nil {
		return nil, err
	}
	return ans.totals(len(queries))
}

// msearchAnswer is the part of a multi-search answer we read.
type msearchAnswer struct {
	Responses []struct {
		Hits struct {
			Total struct {
				Value int `json:"value"`
			} `json:"total"`
		} `json:"hits"`
		Error  json.RawMessage `json:"error"`
		Status int             `json:"status"`
	} `json:"responses"`
}

// totals returns each search's total, or the first search's error.
func (a *msearchAnswer) totals(want int) ([]int, error) {
	if len(a.Responses) != want {
		return nil, fmt.Errorf("OpenSearch answered %d of %d searches", len(a.Responses), want)
	}
	out := make([]int, want)
	for i, r := range a.Responses {
		if len(r.Error) > 0 {
			return nil, &Error{Status: r.Status, Reason: string(r.Error)}
		}
		out[i] = r.Hits.Total.Value
	}
	return out, nil
}
