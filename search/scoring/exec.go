package scoring

import (
	"context"
	"errors"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"pressearch/search/plan"
)

// Index executes plans on one Bleve index.
type Index struct {
	idx   bleve.Index
	stats *Stats
	cols  *FacetColumns
}

// Options say how an Index executes plans.
type Options struct {
	// Stats are the index's statistics; nil scores with Bleve's own
	// estimates (an index built before they were recorded). Their K1 and
	// B are taken from each plan.
	Stats *Stats
	// FacetFields are the keyword fields whose values are held in memory
	// for counting (FacetColumns); others are counted by Bleve.
	FacetFields []string
}

// New returns an Index over idx, reading its facet columns. An index too
// large for columns counts facets with Bleve; any other failure to read
// them is returned.
func New(ctx context.Context, idx bleve.Index, o Options) (*Index, error) {
	x := &Index{idx: idx, stats: o.Stats}
	if len(o.FacetFields) > 0 {
		cols, err := LoadFacetColumns(ctx, idx, o.FacetFields)
		switch {
		case errors.Is(err, errOutOfReach):
			// Bleve counts the facets itself.
		case err != nil:
			return nil, fmt.Errorf("facet columns: %w", err)
		default:
			x.cols = cols
		}
	}
	return x, nil
}

// Bleve returns the index.
func (x *Index) Bleve() bleve.Index { return x.idx }

// Close closes the index.
func (x *Index) Close() error { return x.idx.Close() }

// Execute runs p on one reader of the index: the best hits by relevance
// (rescored) or by date, the facet counts of every match, and the page's
// stored fields, match locations and explanations.
func (x *Index) Execute(ctx context.Context, p *plan.Plan) (*plan.Result, error) {
	adv, err := x.idx.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	ctx = WithAnalysisMemo(x.withStats(ctx, p.BM25))
	m := x.idx.Mapping()
	b := &builder{ctx: ctx, r: r, m: m, exp: &expander{ctx: ctx, r: r, m: m}}
	if err := b.exp.plan(p.Query, p.MaxExpansions); err != nil {
		return nil, err
	}
	q, err := b.main(p.Query, p.Filters, p.Priors)
	if err != nil {
		return nil, err
	}
	var facets *Counter
	if x.cols != nil && x.cols.covers(p.Facets) {
		facets = x.cols.Counter()
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
		res, err := Rank(ctx, r, b.m, q, pairs, window, p.From, p.Size, count)
		if err != nil {
			return nil, err
		}
		hits, out.Total = res.Hits, res.Total
	}
	if p.Sort == plan.SortDate || (facets == nil && len(p.Facets) > 0) {
		// By date, or facets without columns: Bleve's search request.
		size, from := p.Size, p.From
		if p.Sort != plan.SortDate {
			size, from = 0, 0 // the facets alone
		}
		req := bleve.NewSearchRequestOptions(q, size, from, false)
		if facets == nil {
			for _, f := range p.Facets {
				req.AddFacet(f, bleve.NewFacetRequest(f, p.FacetSize))
			}
		}
		if p.Sort == plan.SortDate {
			req.SortBy([]string{"-" + dateField(p), "-_score", "_id"})
		}
		sctx := ctx
		if facets != nil {
			sctx = facets.Context(ctx)
		}
		res, err := x.idx.SearchInContext(sctx, req)
		if err != nil {
			return nil, err
		}
		for _, f := range p.Facets {
			if facets == nil {
				out.Facets[f] = facetValues(res.Facets[f])
			}
		}
		if p.Sort == plan.SortDate {
			hits, out.Total = res.Hits, res.Total
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
		details, err := Details(ctx, r, b.m, hl, hits)
		if err != nil {
			return nil, err
		}
		for i := range out.Hits {
			fill(&out.Hits[i], details[hits[i].ID], p.Fields)
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

func (x *Index) withStats(ctx context.Context, p plan.BM25) context.Context {
	if x.stats == nil {
		return ctx
	}
	s := *x.stats
	s.K1, s.B = p.K1, p.B
	return WithStats(ctx, &s)
}

// fill copies a located, loaded match into a hit: its stored fields of
// those asked for and its match locations by field.
func fill(h *plan.Hit, d *bsearch.DocumentMatch, fields []string) {
	if d == nil {
		return
	}
	h.Fields = map[string][]string{}
	for _, f := range fields {
		if v := strs(d.Fields[f]); len(v) > 0 {
			h.Fields[f] = v
		}
	}
	if len(d.Locations) > 0 {
		h.Locations = map[string][]plan.Span{}
	}
	for field, terms := range d.Locations {
		for _, locs := range terms {
			for _, l := range locs {
				h.Locations[field] = append(h.Locations[field], plan.Span{Start: int(l.Start), End: int(l.End)})
			}
		}
	}
}

// strs reads a stored value Bleve returns: a string, or a list of them.
func strs(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
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

// Lookup returns the documents l asks for, in id order.
func (x *Index) Lookup(ctx context.Context, l plan.Lookup) ([]plan.Document, error) {
	var qs []query.Query
	for _, v := range l.Values {
		t := bleve.NewTermQuery(v.Value)
		t.SetField(v.Field)
		qs = append(qs, t)
	}
	if len(l.IDs) > 0 {
		qs = append(qs, bleve.NewDocIDQuery(l.IDs))
	}
	if len(qs) == 0 {
		return nil, nil
	}
	q := qs[0]
	if len(qs) > 1 {
		q = bleve.NewDisjunctionQuery(qs...)
	}
	req := bleve.NewSearchRequestOptions(q, l.Limit, 0, false)
	req.Fields = l.Fields
	req.SortBy([]string{"_id"})
	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	out := make([]plan.Document, 0, len(res.Hits))
	for _, h := range res.Hits {
		d := plan.Document{ID: h.ID, Fields: map[string][]string{}}
		for f, v := range h.Fields {
			d.Fields[f] = strs(v)
		}
		out = append(out, d)
	}
	return out, nil
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
// the analyzer named, or the field's), and whether text has any.
func (b *builder) has(field, text, analyzer string) (has, some bool, err error) {
	name, a, err := fieldAnalyzer(b.m, field, analyzer)
	if err != nil {
		return false, false, err
	}
	toks := analyze(b.ctx, name, a, text)
	if len(toks) == 0 {
		return false, false, nil
	}
	d, ok := b.dicts[field]
	if !ok {
		rc, ok := b.r.(index.IndexReaderContains)
		if !ok {
			return false, true, fmt.Errorf("the index cannot look terms up in %s", field)
		}
		if d, err = rc.FieldDictContains(field); err != nil {
			return false, true, fmt.Errorf("dictionary of %s: %w", field, err)
		}
		if b.dicts == nil {
			b.dicts = map[string]index.FieldDictContains{}
		}
		b.dicts[field] = d
	}
	for _, t := range toks {
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
	rq := &restrict{inner: q}
	for _, h := range hits {
		rq.ids = append(rq.ids, h.IndexInternalID)
	}
	s, err := rq.Searcher(ctx, r, m, bsearch.SearcherOptions{Explain: true})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	sctx := &bsearch.SearchContext{
		DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize()+len(hits)+1, 0),
		IndexReader:       r,
	}
	out := make(map[uint64]*bsearch.Explanation, len(hits))
	dm, err := s.Next(sctx)
	for ; err == nil && dm != nil; dm, err = s.Next(sctx) {
		e := dm.Expl
		if e == nil {
			e = &bsearch.Explanation{Value: dm.Score, Message: "score"}
		}
		out[dm.IndexInternalID.Value()] = e
	}
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
