// Package opensearch executes search plans on an OpenSearch cluster: the
// second backend of package search, beside search/scoring on Bleve. Plans
// become OpenSearch queries of terms and phrases our analyzers made, run
// with dfs_query_then_fetch so that scores do not depend on how many
// shards there are; word pairs are a rescore of the best hits, facets come
// from aggregations, and match locations for snippets are found in Go in
// the stored text, as the Bleve backend's are.
package opensearch

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"pressearch/corpus"
	"pressearch/indexer"
	osindex "pressearch/indexer/opensearch"
	"pressearch/search"
	"pressearch/search/plan"
)

// analysis is what the executor knows of the analyses: the engine's
// registry, which says which analysis a language is indexed under and
// which analyzer a field has.
type analysis struct{ langs *indexer.Registry }

// Index executes plans on one generation of a collection on a cluster.
type Index struct {
	analysis
	store *osindex.Store
	index string // the generation's own index, not the alias
	meta  osindex.Meta

	absentCache *ttlCache
	countCache  *countCache
}

// New returns the executor of one generation (an index name of store),
// checking that it was built by this program's analysis; langs are the
// engine's analyses.
func New(ctx context.Context, store *osindex.Store, index string, langs *indexer.Registry) (*Index, error) {
	m, err := store.Meta(ctx, index)
	if err != nil {
		return nil, err
	}
	if m.Analysis != osindex.AnalysisVersion() {
		return nil, &osindex.VersionError{Index: index, Built: m.Analysis, Ours: osindex.AnalysisVersion()}
	}
	return &Index{analysis: analysis{langs}, store: store, index: index, meta: m, absentCache: newTTLCache(4096, 5*time.Second),
		countCache: newCountCache(1<<16, 5*time.Second)}, nil
}

// Meta returns what the generation records about itself.
func (x *Index) Meta() osindex.Meta { return x.meta }

// Name returns the generation's index.
func (x *Index) Name() string { return x.index }

// RefreshWrites makes every write to the generation searchable now
// (search.WritesRefresher).
func (x *Index) RefreshWrites(ctx context.Context) error {
	return x.store.Raw(ctx, "POST", "/"+url.PathEscape(x.index)+"/_refresh", nil, nil)
}

// Close does nothing: the index stays on the cluster.
func (x *Index) Close() error { return nil }

// hitAnswer is one hit of a search answer.
type hitAnswer struct {
	ID          string            `json:"_id"`
	Score       *float64          `json:"_score"`
	Source      osindex.Source    `json:"_source"`
	Explanation *plan.Explanation `json:"_explanation"`
}

// searchAnswer is the part of a search answer we read.
type searchAnswer struct {
	Hits struct {
		Total struct {
			Value uint64 `json:"value"`
		} `json:"total"`
		Hits []hitAnswer `json:"hits"`
	} `json:"hits"`
	Aggregations map[string]struct {
		Buckets []struct {
			Key      string `json:"key"`
			DocCount int    `json:"doc_count"`
		} `json:"buckets"`
	} `json:"aggregations"`
}

// Execute runs p: one search request (after one multi-search when the
// plan falls back for words the index has never seen), then the page's
// match locations found in Go.
func (x *Index) Execute(ctx context.Context, p *plan.Plan) (*plan.Result, error) {
	if p.BM25.K1 != 0 && (p.BM25.K1 != osindex.BM25K1 || p.BM25.B != osindex.BM25B) {
		return nil, fmt.Errorf("opensearch: the index scores with k1=%g b=%g, the plan asks for k1=%g b=%g",
			osindex.BM25K1, osindex.BM25B, p.BM25.K1, p.BM25.B)
	}
	absent, err := x.lookUpAbsent(ctx, p)
	if err != nil {
		return nil, err
	}
	counts, err := x.lookUpCounts(ctx, p)
	if err != nil {
		return nil, err
	}
	share, err := x.expansionShare(p)
	if err != nil {
		return nil, err
	}
	b := &builder{analysis: x.analysis, absent: absent, counts: counts, share: share}
	q, err := b.main(p.Query, p.Filters, p.Priors)
	if err != nil {
		return nil, err
	}
	if q, err = b.without(q, p.Hidden); err != nil {
		return nil, err
	}
	body := obj{"query": q, "from": p.From, "size": p.Size, "track_total_hits": true}
	if p.Sort == plan.SortDate {
		body["sort"] = []any{
			obj{dateField(p): obj{"order": "desc", "missing": "_last"}},
			obj{"_score": obj{"order": "desc"}},
			obj{"id": obj{"order": "asc"}},
		}
		body["track_scores"] = true
	} else if p.Rescore != nil && p.Rescore.Window > 0 {
		rq, err := b.main(p.Rescore.Query, nil, p.Priors)
		if err != nil {
			return nil, err
		}
		if !isNone(rq) {
			body["rescore"] = obj{"window_size": p.Rescore.Window, "query": obj{
				"rescore_query": rq, "query_weight": 1, "rescore_query_weight": 1, "score_mode": "total"}}
		}
	}
	if len(p.Facets) > 0 {
		aggs := obj{}
		for _, f := range p.Facets {
			aggs[f] = obj{"terms": obj{"field": f, "size": p.FacetSize, "shard_size": max(p.FacetSize*20, 1000),
				"order": []any{obj{"_count": "desc"}, obj{"_key": "asc"}}}}
		}
		body["aggs"] = aggs
	}
	src := p.Fields
	if p.Highlight != nil {
		src = append(src[:len(src):len(src)], indexer.BodyField("std")) // the text to locate matches in
	}
	body["_source"] = sourceFields(src)
	if p.Explain {
		body["explain"] = true
	}
	var ans searchAnswer
	path := "/" + url.PathEscape(x.index) + "/_search?search_type=dfs_query_then_fetch"
	if err := x.store.Raw(ctx, "POST", path, body, &ans); err != nil {
		return nil, err
	}
	out := &plan.Result{Total: ans.Hits.Total.Value, Facets: map[string][]plan.FacetValue{}}
	for _, f := range p.Facets {
		vals := []plan.FacetValue{}
		for _, bk := range ans.Aggregations[f].Buckets {
			vals = append(vals, plan.FacetValue{Value: bk.Key, Count: bk.DocCount})
		}
		out.Facets[f] = vals
	}
	out.Hits = make([]plan.Hit, len(ans.Hits.Hits))
	for i, h := range ans.Hits.Hits {
		hit := plan.Hit{ID: h.ID, Explanation: h.Explanation}
		if h.Score != nil {
			hit.Score = *h.Score
		}
		if len(p.Fields) > 0 {
			hit.Fields = x.fieldsOfSource(&h.Source, p.Fields)
			if p.Highlight != nil {
				if hit.Locations, err = x.locations(&h.Source, p.Highlight, absent); err != nil {
					return nil, err
				}
			}
		}
		out.Hits[i] = hit
	}
	return out, nil
}

// dateField is the field a plan sorts by date on: that of its first date
// filter, or "date".
func dateField(p *plan.Plan) string {
	for _, f := range p.Filters {
		if d, ok := f.(*plan.DateRange); ok {
			return d.Field
		}
	}
	return indexer.FieldDate
}

// sourceFields are the _source fields that hold what fields asks for:
// title_<key> and body_<key> are the stored title and body of a document
// indexed under that key.
func sourceFields(fields []string) []string {
	if len(fields) == 0 {
		return []string{"lang"}
	}
	seen := map[string]bool{}
	out := []string{"lang"}
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	for _, f := range fields {
		switch {
		case strings.HasPrefix(f, "title_"):
			add("title")
		case strings.HasPrefix(f, "body_"):
			add("body")
		default:
			add(f)
		}
	}
	return out
}

// fieldsOfSource reads the fields a plan asks for out of a _source, as
// Bleve returns stored fields: text by field name, a date as RFC 3339.
func (a analysis) fieldsOfSource(s *osindex.Source, fields []string) map[string][]string {
	key := a.langs.For(s.Lang).Key
	out := map[string][]string{}
	put := func(f, v string) {
		if v != "" {
			out[f] = []string{v}
		}
	}
	for _, f := range fields {
		switch f {
		case indexer.FieldLang:
			put(f, s.Lang)
		case indexer.FieldKind:
			put(f, s.Kind)
		case indexer.FieldSource:
			put(f, s.Source)
		case indexer.FieldURL:
			put(f, s.URL)
		case indexer.FieldTranslationOf:
			put(f, s.TranslationOf)
		case indexer.FieldYear:
			put(f, s.Year)
		case indexer.FieldPublishAt:
			if s.PublishAt != "" {
				if t, err := time.Parse(time.RFC3339, s.PublishAt); err == nil {
					put(f, t.UTC().Format(time.RFC3339)) // as Bleve gives it
				}
			}
		case indexer.FieldDate:
			if s.Date != "" {
				put(f, s.Date+"T00:00:00Z")
			}
		case indexer.FieldRelated:
			if len(s.Related) > 0 {
				out[f] = s.Related
			}
		case indexer.TitleField(key):
			put(f, s.Title)
		case indexer.BodyField(key):
			put(f, s.Body)
		}
	}
	return out
}

// Lookup returns the documents l asks for, in id order.
func (x *Index) Lookup(ctx context.Context, l plan.Lookup) ([]plan.Document, error) {
	var should []any
	if len(l.IDs) > 0 {
		should = append(should, obj{"ids": obj{"values": l.IDs}})
	}
	for _, v := range l.Values {
		should = append(should, obj{"term": obj{v.Field: v.Value}})
	}
	if len(should) == 0 || l.Limit <= 0 {
		return nil, nil
	}
	q, err := (&builder{}).without(obj{"bool": obj{"should": should, "minimum_should_match": 1}}, l.Hidden)
	if err != nil {
		return nil, err
	}
	body := obj{
		"query":   q,
		"size":    l.Limit,
		"sort":    []any{obj{"id": obj{"order": "asc"}}},
		"_source": sourceFields(l.Fields),
	}
	var ans searchAnswer
	if err := x.store.Raw(ctx, "POST", "/"+url.PathEscape(x.index)+"/_search", body, &ans); err != nil {
		return nil, err
	}
	out := make([]plan.Document, 0, len(ans.Hits.Hits))
	for _, h := range ans.Hits.Hits {
		out = append(out, plan.Document{ID: h.ID, Fields: x.fieldsOfSource(&h.Source, l.Fields)})
	}
	return out, nil
}

// Documents returns the stored documents of the generation, every one, in
// id order, as the corpus had them: for moving a collection to another
// backend.
func (x *Index) Documents(ctx context.Context) ([]corpus.Document, error) {
	return x.store.Documents(ctx, x.index)
}

// ttlCache keeps answers for a while, at most max of them.
type ttlCache struct {
	mu   sync.Mutex
	max  int
	ttl  time.Duration
	vals map[absentKey]ttlEntry
}

type ttlEntry struct {
	v    bool
	when time.Time
}

func newTTLCache(max int, ttl time.Duration) *ttlCache {
	return &ttlCache{max: max, ttl: ttl, vals: map[absentKey]ttlEntry{}}
}

func (c *ttlCache) get(k absentKey) (bool, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.vals[k]
	if !ok || time.Since(e.when) > c.ttl {
		return false, false
	}
	return e.v, true
}

func (c *ttlCache) put(k absentKey, v bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.vals) >= c.max {
		clear(c.vals) // a cheap bound; the words in use come back
	}
	c.vals[k] = ttlEntry{v: v, when: time.Now()}
}

// Serve returns generation index of store as an engine with analyses
// langs serves it: its executor, what it records of itself, and its
// completions.
func Serve(ctx context.Context, store *osindex.Store, index string, langs *indexer.Registry) (search.Served, error) {
	x, err := New(ctx, store, index, langs)
	if err != nil {
		return search.Served{}, err
	}
	sugg, err := store.Suggestions(ctx, index)
	if err != nil {
		return search.Served{}, fmt.Errorf("completions of %s: %w", index, err)
	}
	var count struct {
		Count uint64 `json:"count"`
	}
	if err := store.Raw(ctx, "GET", "/"+url.PathEscape(index)+"/_count", nil, &count); err != nil {
		return search.Served{}, err
	}
	m := x.meta
	info := search.Info{Generation: store.Generation(index), Documents: count.Count,
		Build: indexer.BuildInfo{Documents: m.Documents, Seconds: m.Seconds}}
	info.Build.Finished, _ = time.Parse(time.RFC3339, m.Finished)
	present := map[string]bool{}
	for _, k := range m.Present {
		present[k] = true
	}
	return search.Served{Backend: x, Info: info, Present: present, Suggestions: sugg}, nil
}

// Engine returns an engine, made with opts, serving the generation the
// store's alias names, and that generation's index. A generation built by
// another analysis is refused (osindex.VersionError); where the alias
// names none the error wraps osindex.ErrNoGeneration.
func Engine(ctx context.Context, store *osindex.Store, opts ...search.Option) (*search.Engine, string, error) {
	cur, _, err := store.Check(ctx)
	if err != nil {
		return nil, "", err
	}
	e := search.NewEngine(opts...)
	served, err := Serve(ctx, store, cur, e.Languages())
	if err != nil {
		return nil, "", err
	}
	e.SwapBackend(served)
	return e, cur, nil
}
