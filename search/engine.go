package search

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"

	"pressearch/corpus"
	"pressearch/indexer"
	"pressearch/search/scoring"
)

// Paging limits.
const (
	DefaultSize = 10
	MaxSize     = 100
	MaxWindow   = 10000 // from + size
)

// Request is one search.
type Request struct {
	Query    string
	Lang     string
	Source   string
	Kind     string
	FromDate string // YYYY-MM-DD, inclusive
	ToDate   string // YYYY-MM-DD, inclusive
	Sort     string // "relevance" (default) or "date"
	From     int
	Size     int // 0 means DefaultSize, unless NoHits
	// NoHits asks for the total and the facets alone (size=0 in the API).
	NoHits bool

	// Plain reads Query as plain words, with no operators or fields: for
	// text that was not typed as a query, such as a question or a title.
	Plain bool
	// NoSnippets skips snippets, related documents and facets, for callers
	// that need only ranked ids (evaluation, benchmarks).
	NoSnippets bool
}

// Ref names another document.
type Ref struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Lang  string `json:"lang"`
}

// Hit is one matching document.
type Hit struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Lang     string   `json:"lang"`
	Date     string   `json:"date,omitempty"`
	Source   string   `json:"source,omitempty"`
	Kind     string   `json:"kind"`
	Score    float64  `json:"score"`
	Snippets []string `json:"snippets"`
	Related  []Ref    `json:"related,omitempty"`
	// Translations are the other languages the story exists in: the
	// original and its translations, this document left out.
	Translations []Ref `json:"translations,omitempty"`

	translationOf string
}

// FacetValue is one value of a facet and how many matching documents have it.
type FacetValue = scoring.FacetValue

// Result is the answer to a Request.
type Result struct {
	Query  string                  `json:"query"`
	Total  uint64                  `json:"total"`
	TookMS float64                 `json:"took_ms"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetValue `json:"facets"`
}

// Document is one whole document with its links resolved.
type Document struct {
	ID            string `json:"id"`
	Lang          string `json:"lang"`
	Title         string `json:"title"`
	Body          string `json:"body"`
	Date          string `json:"date,omitempty"`
	Source        string `json:"source,omitempty"`
	URL           string `json:"url,omitempty"`
	Kind          string `json:"kind"`
	TranslationOf string `json:"translation_of,omitempty"`
	Related       []Ref  `json:"related"`
	Translations  []Ref  `json:"translations"`
}

// Engine answers searches over the index it currently holds. The index can
// be swapped while searches run: a search in flight finishes on the index it
// started on.
type Engine struct {
	alias bleve.IndexAlias
	// searching is held (read) by each search for its whole run, and
	// (write) by Swap and Close: a search reads the index it started on
	// through several readers, and it must not be closed under them.
	searching sync.RWMutex

	mu      sync.Mutex
	cur     bleve.Index
	gen     string
	stats   *indexer.Stats
	suggest *suggester
	info    Info
	present map[string]bool       // the analyses with documents; nil: all
	facets  *scoring.FacetColumns // each document's facet values; nil: Bleve counts them
}

// Info describes the index an engine is searching.
type Info struct {
	Generation string
	Documents  uint64
	Build      indexer.BuildInfo
}

// Info returns what the engine knows of its current index.
func (e *Engine) Info() Info {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.info
}

// MaxExpansion bounds how many index terms one prefix or fuzzy word may
// expand to; a query past it is refused as the caller's mistake.
const MaxExpansion = 1024

var limitExpansion sync.Once

// NewEngine returns an engine with no index; it answers unavailable until
// Swap gives it one.
func NewEngine() *Engine {
	// Bleve keeps this bound in a package variable; set it once.
	limitExpansion.Do(func() { searcher.DisjunctionMaxClauseCount = MaxExpansion })
	return &Engine{alias: bleve.NewIndexAlias()}
}

// Swap makes idx (generation gen) the index searches use and returns the one
// it replaces, which no search uses any more once Swap returns.
func (e *Engine) Swap(idx bleve.Index, gen string) bleve.Index {
	stats, err := indexer.BM25Stats(idx)
	if err != nil {
		stats = nil // Bleve's own estimate is still usable
	}
	sugg, err := indexer.LoadSuggestions(idx)
	if err != nil {
		sugg = &indexer.Suggestions{} // search works without completions
	}
	cols, err := scoring.LoadFacetColumns(context.Background(), idx, facetFields)
	if err != nil {
		cols = nil // Bleve counts the facets itself
	}
	info := Info{Generation: gen}
	info.Documents, _ = idx.DocCount()
	info.Build, _ = indexer.ReadBuildInfo(idx)
	present := indexer.PresentAnalyses(idx)

	e.searching.Lock()
	defer e.searching.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	old := e.cur
	var out []bleve.Index
	if old != nil {
		out = append(out, old)
	}
	e.alias.Swap([]bleve.Index{idx}, out)
	e.cur, e.gen, e.stats, e.suggest, e.info, e.facets = idx, gen, stats, newSuggester(sugg), info, cols
	e.present = present
	return old
}

// Generation returns the name of the generation being searched, or "".
func (e *Engine) Generation() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.gen
}

// scoring returns ctx carrying the current index's BM25 statistics.
func (e *Engine) scoring(ctx context.Context) context.Context {
	e.mu.Lock()
	stats := e.stats
	e.mu.Unlock()
	if stats == nil {
		return ctx
	}
	return scoring.WithStats(ctx, &scoring.Stats{Global: stats.Global, PerField: stats.PerField, K1: bm25K1, B: bm25B})
}

// termChecker answers whether a field of one reader has a term, opening
// each field's dictionary once.
type termChecker struct {
	r     index.IndexReader
	dicts map[string]index.FieldDictContains
}

func (c *termChecker) has(field, term string) bool {
	d, ok := c.dicts[field]
	if !ok {
		if fc, canContain := c.r.(interface {
			FieldDictContains(string) (index.FieldDictContains, error)
		}); canContain {
			d, _ = fc.FieldDictContains(field)
		}
		if c.dicts == nil {
			c.dicts = map[string]index.FieldDictContains{}
		}
		c.dicts[field] = d
	}
	if d == nil {
		return false
	}
	found, err := d.Contains([]byte(term))
	return err == nil && found
}

// Ready reports whether the engine has an index.
func (e *Engine) Ready() bool { return e.Generation() != "" }

// Close closes the current index.
func (e *Engine) Close() error {
	e.searching.Lock()
	defer e.searching.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cur == nil {
		return nil
	}
	err := e.cur.Close()
	e.alias.Swap(nil, []bleve.Index{e.cur})
	e.cur, e.gen, e.suggest, e.info, e.facets = nil, "", nil, Info{}, nil
	return err
}

var errNoIndex = &Error{Code: CodeUnavailable, Message: "no index is open yet"}

// storedFields are the fields a hit needs.
func storedFields() []string {
	f := []string{indexer.FieldLang, indexer.FieldDate, indexer.FieldSource, indexer.FieldKind,
		indexer.FieldURL, indexer.FieldRelated, indexer.FieldTranslationOf}
	for _, a := range indexer.Analyses() {
		f = append(f, indexer.TitleField(a.Key), indexer.BodyField(a.Key))
	}
	return f
}

// facetFields are the facets every search counts.
var facetFields = []string{indexer.FieldLang, indexer.FieldSource, indexer.FieldKind, indexer.FieldYear}

// facetSize is how many values of each facet a search returns.
const facetSize = 20

// Search runs one search.
func (e *Engine) Search(ctx context.Context, r Request) (*Result, error) {
	start := time.Now()
	if !e.Ready() {
		return nil, errNoIndex
	}
	if r.Size == 0 && !r.NoHits {
		r.Size = DefaultSize
	}
	if err := r.validate(); err != nil {
		return nil, err
	}
	e.searching.RLock()
	defer e.searching.RUnlock()
	e.mu.Lock()
	idx, present, cols := e.cur, e.present, e.facets
	e.mu.Unlock()
	if idx == nil {
		return nil, errNoIndex
	}
	adv, err := idx.Advanced()
	if err != nil {
		return nil, searchError(ctx, err)
	}
	reader, err := adv.Reader()
	if err != nil {
		return nil, searchError(ctx, err)
	}
	defer reader.Close()
	terms := &termChecker{r: reader}
	p, err := parseQuery(r.Query, r.Plain, vocab{has: terms.has, present: present})
	if err != nil {
		return nil, err
	}
	q, err := r.withFilters(p.main)
	if err != nil {
		return nil, err
	}
	q = withPriors(q)
	var facets *scoring.Counter
	if !r.NoSnippets && cols != nil {
		facets = cols.Counter()
	}
	ctx = scoring.WithAnalysisMemo(e.scoring(ctx))
	var hits bsearch.DocumentMatchCollection
	var total uint64
	var bleveFacets bsearch.FacetResults
	if r.Sort != "date" {
		// By relevance, word pairs rescoring the first rescoreWindow hits,
		// facets counted from the columns.
		var pairs query.Query
		if p.pairs != nil && !r.NoHits {
			pairs = withPriors(p.pairs)
		}
		var count func(index.IndexInternalID)
		if facets != nil {
			count = facets.Add
		}
		res, err := scoring.Rank(ctx, reader, idx.Mapping(), q, pairs, rescoreWindow, r.From, r.Size, count)
		if err != nil {
			return nil, searchError(ctx, err)
		}
		hits, total = res.Hits, res.Total
	}
	if r.Sort == "date" || (facets == nil && !r.NoSnippets) {
		// By date, or facets without columns: Bleve's search request.
		size, from := r.Size, r.From
		if r.Sort != "date" {
			size, from = 0, 0 // the facets alone
		}
		req := bleve.NewSearchRequestOptions(q, size, from, false)
		if facets == nil && !r.NoSnippets {
			for _, f := range facetFields {
				req.AddFacet(f, bleve.NewFacetRequest(f, facetSize))
			}
		}
		if r.Sort == "date" {
			req.SortBy([]string{"-" + indexer.FieldDate, "-_score", "_id"})
		}
		sctx := ctx
		if facets != nil {
			sctx = facets.Context(ctx)
		}
		res, err := idx.SearchInContext(sctx, req)
		if err != nil {
			return nil, searchError(ctx, err)
		}
		bleveFacets = res.Facets
		if r.Sort == "date" {
			hits, total = res.Hits, res.Total
		}
	}
	out := &Result{
		Query:  r.Query,
		Total:  total,
		Hits:   make([]Hit, 0, len(hits)),
		Facets: map[string][]FacetValue{},
	}
	if r.NoSnippets {
		for _, h := range hits {
			out.Hits = append(out.Hits, Hit{ID: h.ID, Score: h.Score})
		}
	} else if len(hits) > 0 {
		details, err := scoring.Details(ctx, reader, idx.Mapping(), p.highlight(), hits)
		if err != nil {
			return nil, err
		}
		for _, h := range hits {
			d := details[h.ID]
			if d == nil {
				d = h
			}
			hit := hitFrom(d, d.Locations)
			hit.Score = h.Score
			out.Hits = append(out.Hits, hit)
		}
	}
	if !r.NoSnippets {
		if err := e.resolveRelated(ctx, out.Hits); err != nil {
			return nil, err
		}
		if err := e.resolveTranslations(ctx, out.Hits); err != nil {
			return nil, err
		}
	}
	for _, f := range facetFields {
		if facets != nil {
			out.Facets[f] = facets.Values(f, facetSize)
		} else {
			out.Facets[f] = facetValues(bleveFacets[f])
		}
	}
	out.TookMS = float64(time.Since(start).Microseconds()) / 1000
	return out, nil
}

func withPriors(q query.Query) query.Query {
	kind := bleve.NewTermQuery(corpus.KindStatement)
	kind.SetField(indexer.FieldKind)
	return &scoring.Boost{Inner: q, Filter: kind, Factor: statementPrior}
}

func (r *Request) validate() error {
	switch {
	case r.NoHits && r.Size != 0:
		return invalidf("a search for no hits has size 0")
	case r.Size < 0 || r.Size > MaxSize:
		return invalidf("size must be between 0 and %d", MaxSize)
	case r.From < 0:
		return invalidf("from must not be negative")
	case r.From+r.Size > MaxWindow:
		return invalidf("from + size must be at most %d; narrow the query instead of paging this deep", MaxWindow)
	}
	switch r.Sort {
	case "", "relevance", "date":
	default:
		return invalidf("sort must be relevance or date, not %q", r.Sort)
	}
	for _, d := range []string{r.FromDate, r.ToDate} {
		if d == "" {
			continue
		}
		if _, err := time.Parse(corpus.DateLayout, d); err != nil {
			return invalidf("bad date %q: want YYYY-MM-DD", d)
		}
	}
	return nil
}

// withFilters adds the request's filters to q.
func (r *Request) withFilters(q query.Query) (query.Query, error) {
	must := []query.Query{q}
	for field, v := range map[string]string{indexer.FieldLang: r.Lang, indexer.FieldSource: r.Source, indexer.FieldKind: r.Kind} {
		if v != "" {
			t := bleve.NewTermQuery(v)
			t.SetField(field)
			must = append(must, t)
		}
	}
	if r.FromDate != "" || r.ToDate != "" {
		var from, to time.Time
		if r.FromDate != "" {
			from, _ = time.Parse(corpus.DateLayout, r.FromDate)
		}
		if r.ToDate != "" {
			to, _ = time.Parse(corpus.DateLayout, r.ToDate)
			to = to.AddDate(0, 0, 1)
		}
		if !from.IsZero() && !to.IsZero() && !from.Before(to) {
			return nil, invalidf("from_date %s is after to_date %s", r.FromDate, r.ToDate)
		}
		incl, excl := true, false
		d := bleve.NewDateRangeInclusiveQuery(from, to, &incl, &excl)
		d.SetField(indexer.FieldDate)
		must = append(must, d)
	}
	if len(must) == 1 {
		return q, nil
	}
	return bleve.NewConjunctionQuery(must...), nil
}

func searchError(ctx context.Context, err error) error {
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return &Error{Code: CodeUnavailable, Message: "the search took too long", Err: err}
	}
	if strings.Contains(err.Error(), "TooManyClauses") {
		e := invalidf("a prefix or fuzzy word matches more than %d words; make it longer", MaxExpansion).(*Error)
		e.Err = err
		return e
	}
	return &Error{Code: CodeInternal, Message: "search failed", Err: err}
}

// hitFrom turns a Bleve hit into ours, with snippets cut from the stored
// body in the document's language at the match locations.
func hitFrom(h *bsearch.DocumentMatch, locations bsearch.FieldTermLocationMap) Hit {
	hit := Hit{
		ID:     h.ID,
		Score:  h.Score,
		Lang:   str(h.Fields[indexer.FieldLang]),
		Date:   dateOf(h.Fields[indexer.FieldDate]),
		Source: str(h.Fields[indexer.FieldSource]),
		Kind:   str(h.Fields[indexer.FieldKind]),
	}
	key := indexer.AnalysisFor(hit.Lang).Key
	hit.Title = str(h.Fields[indexer.TitleField(key)])
	body := indexer.BodyField(key)
	var spans []span
	// The prefix field indexes the same text: its matches mark words there.
	for _, field := range []string{body, indexer.PrefixField(key), indexer.NamesField} {
		for _, locs := range locations[field] {
			for _, l := range locs {
				spans = append(spans, span{int(l.Start), int(l.End)})
			}
		}
	}
	hit.Snippets = snippets(str(h.Fields[body]), spans, snippetWidth, maxSnippets)
	for _, id := range strs(h.Fields[indexer.FieldRelated]) {
		hit.Related = append(hit.Related, Ref{ID: id})
	}
	hit.translationOf = str(h.Fields[indexer.FieldTranslationOf])
	return hit
}

// resolveRelated fills in the titles and languages of the hits' related
// documents with one lookup.
func (e *Engine) resolveRelated(ctx context.Context, hits []Hit) error {
	var ids []string
	for _, h := range hits {
		for _, r := range h.Related {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	refs, err := e.refs(ctx, bleve.NewDocIDQuery(ids))
	if err != nil {
		return err
	}
	byID := map[string]Ref{}
	for _, r := range refs {
		byID[r.ID] = r
	}
	for i := range hits {
		for j, r := range hits[i].Related {
			if full, ok := byID[r.ID]; ok {
				hits[i].Related[j] = full
			}
		}
	}
	return nil
}

// resolveTranslations lists, for each hit, the other documents of its story
// (its original and the original's translations), with one lookup. Hits
// that are originals themselves are loaded already: only translations and
// originals off the page are looked up, so a page without translations
// loads no document.
func (e *Engine) resolveTranslations(ctx context.Context, hits []Hit) error {
	if len(hits) == 0 {
		return nil
	}
	onPage := map[string]bool{}
	for _, h := range hits {
		onPage[h.ID] = true
	}
	var qs []query.Query
	var missing []string
	originals := map[string]bool{}
	for _, h := range hits {
		o := original(h)
		if originals[o] {
			continue
		}
		originals[o] = true
		t := bleve.NewTermQuery(o)
		t.SetField(indexer.FieldTranslationOf)
		qs = append(qs, t)
		if !onPage[o] {
			missing = append(missing, o)
		}
	}
	if len(missing) > 0 {
		qs = append(qs, bleve.NewDocIDQuery(missing))
	}
	refs, of, err := e.refsOf(ctx, bleve.NewDisjunctionQuery(qs...))
	if err != nil {
		return err
	}
	found := map[string]bool{}
	for _, r := range refs {
		found[r.ID] = true
	}
	for _, h := range hits {
		if originals[h.ID] && !found[h.ID] {
			refs = append(refs, Ref{ID: h.ID, Lang: h.Lang, Title: h.Title})
			of = append(of, h.translationOf)
			found[h.ID] = true
		}
	}
	order := make([]int, len(refs))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool { return refs[order[i]].ID < refs[order[j]].ID })
	for i := range hits {
		o := original(hits[i])
		for _, j := range order {
			if r := refs[j]; r.ID != hits[i].ID && (r.ID == o || of[j] == o) {
				hits[i].Translations = append(hits[i].Translations, r)
			}
		}
	}
	return nil
}

// original is the id of the document a hit's story starts from.
func original(h Hit) string {
	if h.translationOf != "" {
		return h.translationOf
	}
	return h.ID
}

// maxRefs bounds how many linked documents one lookup returns.
const maxRefs = 100

// refs returns the documents matching q as references, in id order.
func (e *Engine) refs(ctx context.Context, q query.Query) ([]Ref, error) {
	refs, _, err := e.refsOf(ctx, q)
	return refs, err
}

// refsOf is refs with the translation_of of each reference.
func (e *Engine) refsOf(ctx context.Context, q query.Query) ([]Ref, []string, error) {
	req := bleve.NewSearchRequestOptions(q, maxRefs, 0, false)
	req.Fields = []string{indexer.FieldLang, indexer.FieldTranslationOf}
	for _, a := range indexer.Analyses() {
		req.Fields = append(req.Fields, indexer.TitleField(a.Key))
	}
	req.SortBy([]string{"_id"})
	res, err := e.alias.SearchInContext(ctx, req)
	if err != nil {
		return nil, nil, searchError(ctx, err)
	}
	out := make([]Ref, 0, len(res.Hits))
	of := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		lang := str(h.Fields[indexer.FieldLang])
		out = append(out, Ref{ID: h.ID, Lang: lang,
			Title: str(h.Fields[indexer.TitleField(indexer.AnalysisFor(lang).Key)])})
		of = append(of, str(h.Fields[indexer.FieldTranslationOf]))
	}
	return out, of, nil
}

// Document returns one document with its related documents and translations.
func (e *Engine) Document(ctx context.Context, id string) (*Document, error) {
	if !e.Ready() {
		return nil, errNoIndex
	}
	req := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery([]string{id}), 1, 0, false)
	req.Fields = storedFields()
	res, err := e.alias.SearchInContext(ctx, req)
	if err != nil {
		return nil, searchError(ctx, err)
	}
	if len(res.Hits) == 0 {
		return nil, &Error{Code: CodeNotFound, Message: fmt.Sprintf("no document with id %q", id)}
	}
	f := res.Hits[0].Fields
	d := &Document{
		ID:            id,
		Lang:          str(f[indexer.FieldLang]),
		Date:          dateOf(f[indexer.FieldDate]),
		Source:        str(f[indexer.FieldSource]),
		URL:           str(f[indexer.FieldURL]),
		Kind:          str(f[indexer.FieldKind]),
		TranslationOf: str(f[indexer.FieldTranslationOf]),
		Related:       []Ref{},
		Translations:  []Ref{},
	}
	key := indexer.AnalysisFor(d.Lang).Key
	d.Title = str(f[indexer.TitleField(key)])
	d.Body = str(f[indexer.BodyField(key)])

	// Related both ways: what this document names, and what names it.
	named := strs(f[indexer.FieldRelated])
	naming := bleve.NewTermQuery(id)
	naming.SetField(indexer.FieldRelated)
	relQ := query.Query(naming)
	if len(named) > 0 {
		relQ = bleve.NewDisjunctionQuery(naming, bleve.NewDocIDQuery(named))
	}
	if d.Related, err = e.refs(ctx, relQ); err != nil {
		return nil, err
	}
	// Translations: the original and everything that translates it.
	original := id
	if d.TranslationOf != "" {
		original = d.TranslationOf
	}
	of := bleve.NewTermQuery(original)
	of.SetField(indexer.FieldTranslationOf)
	trs, err := e.refs(ctx, bleve.NewDisjunctionQuery(of, bleve.NewDocIDQuery([]string{original})))
	if err != nil {
		return nil, err
	}
	for _, t := range trs {
		if t.ID != id {
			d.Translations = append(d.Translations, t)
		}
	}
	return d, nil
}

// maxAnalyzeBytes bounds the text Analyze takes: what fits in a URL.
const maxAnalyzeBytes = 8 << 10

// Analyze returns the tokens the index stores for text in language lang.
func (e *Engine) Analyze(lang, text string) ([]indexer.Token, error) {
	if len(text) > maxAnalyzeBytes {
		return nil, invalidf("text is too long: at most %d bytes", maxAnalyzeBytes)
	}
	toks, err := indexer.Analyze(lang, text)
	if errors.Is(err, indexer.ErrUnknownLanguage) {
		return nil, &Error{Code: CodeInvalid, Message: err.Error()}
	}
	return toks, err
}

func facetValues(f *bsearch.FacetResult) []FacetValue {
	out := []FacetValue{}
	if f == nil || f.Terms == nil {
		return out
	}
	for _, t := range f.Terms.Terms() {
		out = append(out, FacetValue{Value: t.Term, Count: t.Count})
	}
	scoring.SortFacet(out)
	return out
}

func str(v interface{}) string {
	switch t := v.(type) {
	case string:
		return t
	case []interface{}:
		if len(t) > 0 {
			return str(t[0])
		}
	}
	return ""
}

func strs(v interface{}) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []interface{}:
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

// dateOf turns a stored date (RFC 3339) back into YYYY-MM-DD.
func dateOf(v interface{}) string {
	s := str(v)
	if len(s) >= len(corpus.DateLayout) && strings.Count(s[:10], "-") == 2 {
		return s[:10]
	}
	return s
}
