package scoring

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	"github.com/blevesearch/bleve/v2/search/facet"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"pressearch/search/plan"
)

// Index executes plans on one Bleve index. Every search runs on one
// snapshot of the index (a view: a reader with the statistics, facet
// columns and document ids of that snapshot); Refresh takes a new one, for
// an index that is written while it is searched.
type Index struct {
	idx bleve.Index
	o   Options
	cur atomic.Pointer[view]

	mu    sync.Mutex // one refresh at a time; guards cache
	cache *columnCache
	noCol bool // the index is beyond the columns' reach: Bleve counts facets
}

// Options say how an Index executes plans.
type Options struct {
	// Stats are the index's statistics; nil scores with Bleve's own
	// estimates (an index built before they were recorded). Their K1 and
	// B are taken from each plan.
	Stats *Stats
	// StatsOf, where set, reads the statistics of each snapshot searched
	// (an index written while it is searched); Stats is then not used.
	StatsOf func(r index.IndexReader) (*Stats, error)
	// FacetFields are the keyword fields whose values are held in memory
	// for counting (FacetColumns); others are counted by Bleve.
	FacetFields []string
	// Written says the index is written while it is searched: its
	// dictionaries are read without the terms of deleted documents.
	Written bool
}

// view is one snapshot of the index and what searches need of it. Searches
// hold it (read) while they run; a refresh retires it (write) once they
// are done, and closes its reader.
type view struct {
	mu      sync.RWMutex
	retired bool
	r       index.IndexReader
	stats   *Stats
	cols    *FacetColumns // nil: Bleve counts the facets
	terms   *presence     // which terms the snapshot's fields have
	ids     *FacetColumns // the ids of documents, for ties; nil: internal order
	written bool
}

// New returns an Index over idx, reading its facet columns. An index too
// large for columns counts facets with Bleve; any other failure to read
// them is returned.
func New(ctx context.Context, idx bleve.Index, o Options) (*Index, error) {
	// Hits of equal score come in id order, whatever the order documents
	// were built or written in: the columns hold every document's id.
	x := &Index{idx: idx, o: o, cache: newColumnCache(o.FacetFields, true)}
	if err := x.Refresh(ctx); err != nil {
		return nil, err
	}
	return x, nil
}

// Refresh puts the index as it is now in service for the searches that
// start from here on.
func (x *Index) Refresh(ctx context.Context) error { return x.RefreshThen(ctx, nil) }

// RefreshThen is Refresh, and calls released, where not nil, once the
// searches on the view it replaced are done and that view's reader is
// closed (on a goroutine of its own; not when nothing is replaced).
func (x *Index) RefreshThen(ctx context.Context, released func()) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	adv, err := x.idx.Advanced()
	if err != nil {
		return err
	}
	r, err := adv.Reader()
	if err != nil {
		return err
	}
	v := &view{r: r, stats: x.o.Stats, written: x.o.Written, terms: newPresence(r)}
	if x.o.StatsOf != nil {
		if v.stats, err = x.o.StatsOf(r); err != nil {
			r.Close()
			return err
		}
	}
	if !x.noCol {
		cols, err := x.cache.columns(ctx, r)
		switch {
		case errors.Is(err, errOutOfReach):
			x.noCol = true // Bleve counts facets, ties in internal order
		case err != nil:
			r.Close()
			return fmt.Errorf("facet columns: %w", err)
		default:
			if len(x.o.FacetFields) > 0 {
				v.cols = cols
			}
			v.ids = cols
		}
	}
	if old := x.cur.Swap(v); old != nil {
		go func() {
			old.retire()
			if released != nil {
				released()
			}
		}()
	}
	return nil
}

// retire waits for the searches on v and closes its reader.
func (v *view) retire() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.retired {
		v.retired = true
		v.r.Close()
	}
}

// hold returns the view in service, held until its release.
func (x *Index) hold() (*view, error) {
	for {
		v := x.cur.Load()
		if v == nil {
			return nil, errors.New("the index is closed")
		}
		v.mu.RLock()
		if !v.retired {
			return v, nil
		}
		v.mu.RUnlock()
	}
}

func (v *view) release() { v.mu.RUnlock() }

// reader is the reader searches use: for an index that is written, one
// whose dictionaries leave out the terms of deleted documents.
func (v *view) reader() index.IndexReader {
	if v.written {
		return liveDicts{v.r}
	}
	return v.r
}

// Bleve returns the index.
func (x *Index) Bleve() bleve.Index { return x.idx }

// Retire takes the index out of service without closing it (its owner
// does), once the searches on it are done.
func (x *Index) Retire() {
	if v := x.cur.Swap(nil); v != nil {
		v.retire()
	}
}

// Close closes the index, once the searches on it are done.
func (x *Index) Close() error {
	x.Retire()
	return x.idx.Close()
}

// Execute runs p on one reader of the index: the best hits by relevance
// (rescored) or by date, the facet counts of every match, and the page's
// stored fields, match locations and explanations.
func (x *Index) Execute(ctx context.Context, p *plan.Plan) (*plan.Result, error) {
	v, err := x.hold()
	if err != nil {
		return nil, err
	}
	defer v.release()
	r := v.reader()
	ctx = WithAnalysisMemo(withPresence(withStats(ctx, v.stats, p.BM25), v.terms))
	m := x.idx.Mapping()
	b := &builder{ctx: ctx, r: r, m: m, exp: &expander{ctx: ctx, r: r, m: m}}
	if err := b.exp.plan(p.Query, p.MaxExpansions); err != nil {
		return nil, err
	}
	q, err := b.main(p.Query, p.Filters, p.Priors)
	if err != nil {
		return nil, err
	}
	if q, err = b.hide(q, p.Hidden); err != nil {
		return nil, err
	}
	var facets *Counter // nil where the plan asks for none: no match counted
	if v.cols != nil && len(p.Facets) > 0 && v.cols.covers(p.Facets) {
		facets = v.cols.Counter()
	}
	var hits bsearch.DocumentMatchCollection
	out := &plan.Result{Facets: map[string][]plan.FacetValue{}}
	var rescored int
	var pairs query.Query
	if p.Sort != plan.SortDate {
		window := 0
		if p.Rescore != nil {
			if pairs, err = b.main(p.Rescore.Query, nil, p.Priors); err != nil {
				return nil, err
			}
			window = p.Rescore.Window
			rescored = max(0, min(window, p.From+p.Size)-p.From)
		}
		var count func(index.IndexInternalID)
		if facets != nil {
			count = facets.Add
		}
		res, err := Rank(ctx, r, b.m, q, pairs, window, p.From, p.Size, count, v.ties())
		if err != nil {
			return nil, err
		}
		hits, out.Total = res.Hits, res.Total
	}
	if p.Sort == plan.SortDate || (facets == nil && len(p.Facets) > 0) {
		// By date, or facets without columns: Bleve's collector.
		size, from := p.Size, p.From
		if p.Sort != plan.SortDate {
			size, from = 0, 0 // the facets alone
		}
		order := bsearch.SortOrder{&bsearch.SortScore{Desc: true}}
		if p.Sort == plan.SortDate {
			order = bsearch.SortOrder{
				&bsearch.SortField{Field: dateField(p), Desc: true, Type: bsearch.SortFieldAsDate, Missing: bsearch.SortFieldMissingLast},
				&bsearch.SortScore{Desc: true}, &bsearch.SortDocID{}}
		}
		var fb *bsearch.FacetsBuilder
		if facets == nil && len(p.Facets) > 0 {
			fb = bsearch.NewFacetsBuilder(r)
			for _, f := range p.Facets {
				fb.Add(f, facet.NewTermsFacetBuilder(f, p.FacetSize))
			}
		}
		sctx := ctx
		if facets != nil {
			sctx = facets.Context(ctx)
		}
		res, total, fres, err := collect(sctx, r, b.m, q, size, from, order, fb)
		if err != nil {
			return nil, err
		}
		for _, f := range p.Facets {
			if facets == nil {
				out.Facets[f] = facetValues(fres[f])
			}
		}
		if p.Sort == plan.SortDate {
			hits, out.Total = res, total
		}
	}
	for _, f := range p.Facets {
		if facets != nil {
			out.Facets[f] = facets.Values(f, p.FacetSize)
		}
	}
	out.Hits = make([]plan.Hit, len(hits))
	for i, h := range hits {
		out.Hits[i] = plan.Hit{ID: h.ID, Score: h.Score}
	}
	if len(hits) == 0 {
		return out, nil
	}
	if len(p.Fields) > 0 {
		hl := query.Query(bleve.NewMatchNoneQuery())
		if p.Highlight != nil {
			if hl, err = b.build(p.Highlight); err != nil {
				return nil, err
			}
		}
		if err := Details(ctx, r, b.m, hl, hits, p.Fields, out.Hits); err != nil {
			return nil, err
		}
	}
	if p.Explain {
		if err := explain(ctx, r, b.m, q, pairs, hits, rescored, out.Hits); err != nil {
			return nil, err
		}
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
	return "date"
}

func withStats(ctx context.Context, stats *Stats, p plan.BM25) context.Context {
	if stats == nil {
		return ctx
	}
	s := *stats
	s.K1, s.B = p.K1, p.B
	return WithStats(ctx, &s)
}

func facetValues(f *bsearch.FacetResult) []plan.FacetValue {
	out := []plan.FacetValue{}
	if f == nil || f.Terms == nil {
		return out
	}
	for _, t := range f.Terms.Terms() {
		out = append(out, plan.FacetValue{Value: t.Term, Count: t.Count})
	}
	SortFacet(out)
	return out
}

// collect runs q on r with Bleve's collector: the page of hits in order,
// with their ids, the total and, where fb is set, the facets.
func collect(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, q query.Query, size, from int,
	order bsearch.SortOrder, fb *bsearch.FacetsBuilder) (bsearch.DocumentMatchCollection, uint64, bsearch.FacetResults, error) {
	s, err := q.Searcher(ctx, r, m, bsearch.SearcherOptions{Score: "bm25"})
	if err != nil {
		return nil, 0, nil, err
	}
	defer s.Close()
	coll := collector.NewTopNCollector(size, from, order)
	if fb != nil {
		coll.SetFacetsBuilder(fb)
	}
	if err := coll.Collect(ctx, s, r); err != nil {
		return nil, 0, nil, err
	}
	var fres bsearch.FacetResults
	if fb != nil {
		fres = coll.FacetResults()
	}
	return coll.Results(), coll.Total(), fres, nil
}

// Lookup returns the documents l asks for, in id order.
func (x *Index) Lookup(ctx context.Context, l plan.Lookup) ([]plan.Document, error) {
	v, err := x.hold()
	if err != nil {
		return nil, err
	}
	defer v.release()
	var qs []query.Query
	for _, fv := range l.Values {
		// A value no segment's dictionary of its field has finds nothing:
		// a page's translations are looked up by the value of each hit's
		// story, which most stories (told in one language) have nowhere,
		// and such a lookup made Bleve's collector and its pool of Limit
		// matches for nothing.
		if v.terms.absent(fv.Field, []byte(fv.Value)) {
			continue
		}
		t := bleve.NewTermQuery(fv.Value)
		t.SetField(fv.Field)
		qs = append(qs, t)
	}
	if len(l.IDs) > 0 {
		qs = append(qs, bleve.NewDocIDQuery(l.IDs))
	}
	if len(qs) == 0 {
		// What Bleve's collector says of a search whose time is up.
		return nil, ctx.Err()
	}
	q := qs[0]
	if len(qs) > 1 {
		q = bleve.NewDisjunctionQuery(qs...)
	}
	b := &builder{ctx: ctx, r: v.reader(), m: x.idx.Mapping()}
	if q, err = b.hide(q, l.Hidden); err != nil {
		return nil, err
	}
	hits, _, _, err := collect(ctx, b.r, b.m, q, l.Limit, 0, bsearch.SortOrder{&bsearch.SortDocID{}}, nil)
	if err != nil {
		return nil, err
	}
	out := make([]plan.Document, 0, len(hits))
	want := map[string]bool{}
	for _, f := range l.Fields {
		want[f] = true
	}
	stored := newStoredReader(v.r)
	for _, h := range hits {
		d := plan.Document{ID: h.ID, Fields: map[string][]string{}}
		_, err := stored.visit(h.IndexInternalID, h.ID, func(field, value string) {
			if want[field] {
				d.Fields[field] = append(d.Fields[field], value)
			}
		})
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// visitStored calls f with each stored field of doc as text, a date as
// RFC 3339.
func visitStored(doc index.Document, f func(field, value string)) {
	doc.VisitFields(func(fl index.Field) {
		switch v := fl.(type) {
		case index.TextField:
			f(fl.Name(), v.Text())
		case index.DateTimeField:
			if t, layout, err := v.DateTime(); err == nil {
				if layout == "" {
					layout = time.RFC3339
				}
				f(fl.Name(), t.Format(layout))
			}
		}
	})
}

// hide leaves out of q's matches the documents that match hidden (nil:
// none), without changing the score of the others.
func (b *builder) hide(q query.Query, hidden plan.Node) (query.Query, error) {
	if hidden == nil {
		return q, nil
	}
	if d, ok := hidden.(*plan.DateRange); ok {
		return &exclude{inner: q, hidden: dated(d.Field, d.From, d.To)}, nil
	}
	h, err := b.build(hidden)
	if err != nil {
		return nil, err
	}
	return &exclude{inner: q, hidden: matching(h)}, nil
}

// builder turns plan nodes into the queries of this package and Bleve's,
// on one reader.
type builder struct {
	ctx context.Context
	r   index.IndexReader
	m   mapping.IndexMapping
	// exp chooses the terms of prefixes and fuzzy words.
	exp *expander
	// dicts are the field dictionaries IfAbsent looks terms up in.
	dicts map[string]index.FieldDictContains
}

// main is n with the filters every match must pass and the priors.
func (b *builder) main(n plan.Node, filters []plan.Node, priors []plan.Prior) (query.Query, error) {
	q, err := b.build(n)
	if err != nil {
		return nil, err
	}
	if len(filters) > 0 {
		must := []query.Query{q}
		for _, f := range filters {
			fq, err := b.build(f)
			if err != nil {
				return nil, err
			}
			must = append(must, fq)
		}
		q = bleve.NewConjunctionQuery(must...)
	}
	for _, p := range priors {
		f, err := b.build(p.Filter)
		if err != nil {
			return nil, err
		}
		q = &Boost{Inner: q, Filter: f, Factor: p.Factor}
	}
	return q, nil
}

func (b *builder) all(ns []plan.Node) ([]query.Query, error) {
	out := make([]query.Query, 0, len(ns))
	for _, n := range ns {
		q, err := b.build(n)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, nil
}

// build is the query of one node.
func (b *builder) build(n plan.Node) (query.Query, error) {
	switch n := n.(type) {
	case *plan.Sum:
		sum := &Sum{}
		for _, c := range n.Clauses {
			q, err := b.build(c.Node)
			if err != nil {
				return nil, err
			}
			sum.Add(q, c.Weight)
		}
		return sum, nil
	case *plan.Bool:
		q := bleve.NewBooleanQuery()
		must, err := b.all(n.Must)
		if err != nil {
			return nil, err
		}
		should, err := b.all(n.Should)
		if err != nil {
			return nil, err
		}
		not, err := b.all(n.MustNot)
		if err != nil {
			return nil, err
		}
		if len(must) > 0 {
			q.AddMust(must...)
		}
		if len(should) > 0 {
			q.AddShould(should...)
		}
		if len(not) > 0 {
			q.AddMustNot(not...)
		}
		if n.MinShould > 0 {
			q.SetMinShould(float64(n.MinShould))
		}
		return q, nil
	case *plan.All:
		return bleve.NewMatchAllQuery(), nil
	case *plan.None:
		return bleve.NewMatchNoneQuery(), nil
	case *plan.Match:
		return &Match{Field: n.Field, Text: n.Text, Analyzer: n.Analyzer, RarityFrom: n.RarityFrom}, nil
	case *plan.Term:
		return &Term{Field: n.Field, Term: n.Term}, nil
	case *plan.Phrase:
		q := bleve.NewMatchPhraseQuery(n.Text)
		q.SetField(n.Field)
		return InField(q, n.Field), nil
	case *plan.Prefix:
		u := unit{field: n.Field, text: n.Prefix}
		e, err := b.exp.expand(u, n.Max)
		if err != nil {
			return nil, err
		}
		return InField(&termsQuery{u: u, e: e}, n.Field), nil
	case *plan.Fuzzy:
		units, err := b.exp.fuzzyUnits(n)
		if err != nil {
			return nil, err
		}
		var qs []query.Query
		for _, u := range units {
			e, err := b.exp.expand(u, n.Max)
			if err != nil {
				return nil, err
			}
			qs = append(qs, &termsQuery{u: u, e: e})
		}
		switch len(qs) {
		case 0:
			return bleve.NewMatchNoneQuery(), nil
		case 1:
			return InField(qs[0], n.Field), nil
		}
		return InField(bleve.NewDisjunctionQuery(qs...), n.Field), nil
	case *plan.Keyword:
		q := bleve.NewTermQuery(n.Value)
		q.SetField(n.Field)
		return q, nil
	case *plan.DateRange:
		incl, excl := true, false
		q := bleve.NewDateRangeInclusiveQuery(n.From, n.To, &incl, &excl)
		q.SetField(n.Field)
		return q, nil
	case *plan.Boost:
		inner, err := b.build(n.Inner)
		if err != nil {
			return nil, err
		}
		f, err := b.build(n.Filter)
		if err != nil {
			return nil, err
		}
		return &Boost{Inner: inner, Filter: f, Factor: n.Factor}, nil
	case *plan.Pair:
		return &Pair{Field: n.Field, Text: n.Text, Analyzer: n.Analyzer, RarityFrom: n.RarityFrom}, nil
	case *plan.IfAbsent:
		absent, err := b.absent(n.Field, n.Text, n.Analyzer)
		if err != nil || !absent {
			return bleve.NewMatchNoneQuery(), err
		}
		return b.build(n.Then)
	case *plan.Parts:
		return b.parts(n)
	}
	return nil, fmt.Errorf("scoring: unknown plan node %T", n)
}

// parts is the query of the first split of n whose every word has a term
// in n's field: the sum of the words' matches.
func (b *builder) parts(n *plan.Parts) (query.Query, error) {
next:
	for _, split := range n.Splits {
		for _, w := range split {
			if has, _, err := b.has(n.Field, w, n.Analyzer); err != nil {
				return nil, err
			} else if !has {
				continue next
			}
		}
		sum := &Sum{}
		for _, w := range split {
			sum.Add(&Match{Field: n.Field, Text: w, Analyzer: n.Analyzer}, 1)
		}
		return sum, nil
	}
	return bleve.NewMatchNoneQuery(), nil
}

// absent reports whether field holds none of the terms text analyzes to
// (with the analyzer named, or the field's), and text has some.
func (b *builder) absent(field, text, analyzer string) (bool, error) {
	has, some, err := b.has(field, text, analyzer)
	return some && !has, err
}

// has reports whether field holds one of the terms text analyzes to (with
// the analyzer named, or the field's), and whether text has any. The
// snapshot's dictionaries answer where the search has them; an index that
// is written asks its reader too whether a document still has the term.
func (b *builder) has(field, text, analyzer string) (has, some bool, err error) {
	name, a, err := fieldAnalyzer(b.m, field, analyzer)
	if err != nil {
		return false, false, err
	}
	toks := analyze(b.ctx, name, a, text)
	if len(toks) == 0 {
		return false, false, nil
	}
	p, _ := b.ctx.Value(presenceKey{}).(*presence)
	_, written := b.r.(liveDicts)
	for _, t := range toks {
		if in, known := p.has(field, t.Term); known {
			if !in {
				continue
			}
			if !written {
				return true, true, nil
			}
		}
		d, err := b.dict(field)
		if err != nil {
			return false, true, err
		}
		found, err := d.Contains(t.Term)
		if err != nil {
			return false, true, fmt.Errorf("dictionary of %s: %w", field, err)
		}
		if found {
			return true, true, nil
		}
	}
	return false, true, nil
}

// dict is the dictionary of field IfAbsent looks terms up in, read once a
// search.
func (b *builder) dict(field string) (index.FieldDictContains, error) {
	if d, ok := b.dicts[field]; ok {
		return d, nil
	}
	rc, ok := b.r.(index.IndexReaderContains)
	if !ok {
		return nil, fmt.Errorf("the index cannot look terms up in %s", field)
	}
	d, err := rc.FieldDictContains(field)
	if err != nil {
		return nil, fmt.Errorf("dictionary of %s: %w", field, err)
	}
	if b.dicts == nil {
		b.dicts = map[string]index.FieldDictContains{}
	}
	b.dicts[field] = d
	return d, nil
}

// explain fills in each hit's explanation: q's on the page's documents,
// plus what pairs added to the first rescored of them.
func explain(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, q, pairs query.Query,
	hits bsearch.DocumentMatchCollection, rescored int, out []plan.Hit) error {
	main, err := explanations(ctx, r, m, q, hits)
	if err != nil {
		return err
	}
	var extra map[uint64]*bsearch.Explanation
	if pairs != nil && rescored > 0 {
		if extra, err = explanations(ctx, r, m, pairs, hits[:min(rescored, len(hits))]); err != nil {
			return err
		}
	}
	for i, h := range hits {
		e := convert(main[h.IndexInternalID.Value()])
		if x := extra[h.IndexInternalID.Value()]; x != nil && x.Value != 0 {
			e = &plan.Explanation{Value: e.Value + x.Value, Description: "sum of the words and the rescoring of the best hits:",
				Details: []*plan.Explanation{e, {Value: x.Value, Description: "neighbouring words (rescoring):", Details: []*plan.Explanation{convert(x)}}}}
		}
		out[i].Explanation = e
	}
	return nil
}

// explanations runs q over the given hits alone, explaining each score.
func explanations(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, q query.Query,
	hits bsearch.DocumentMatchCollection) (map[uint64]*bsearch.Explanation, error) {
	out := make(map[uint64]*bsearch.Explanation, len(hits))
	err := overHits(ctx, r, m, q, idsOf(hits), bsearch.SearcherOptions{Explain: true}, true, func(dm *bsearch.DocumentMatch) {
		e := dm.Expl
		if e == nil {
			e = &bsearch.Explanation{Value: dm.Score, Message: "score"}
		}
		out[dm.IndexInternalID.Value()] = e
	})
	return out, err
}

// convert copies a Bleve explanation into a plan's.
func convert(e *bsearch.Explanation) *plan.Explanation {
	if e == nil {
		return &plan.Explanation{Description: "no match"}
	}
	out := &plan.Explanation{Value: e.Value, Description: e.Message}
	for _, c := range e.Children {
		if c != nil {
			out.Details = append(out.Details, convert(c))
		}
	}
	return out
}
