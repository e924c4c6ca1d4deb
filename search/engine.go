package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"

	"pressearch/corpus"
	"pressearch/indexer"
	"pressearch/search/plan"
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
	// Lenient reads any Query as a query, as a search box should: what
	// the strict reading refuses it mends (an unknown field read as a
	// word, a leading * left out, a quote or parenthesis closed at the
	// end, ...), and Result.Notice says how.
	Lenient bool
	// NoSnippets skips snippets, related documents and facets, for callers
	// that need only ranked ids (evaluation, benchmarks).
	NoSnippets bool
	// Explain adds the plan to the result and each hit's score broken
	// down by field, term and weight.
	Explain bool
	// IncludeEmbargoed finds documents under embargo too (for writers).
	IncludeEmbargoed bool

	// parsed is the query as Heavy read it, which Search then plans.
	parsed *parsed
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
	URL      string   `json:"url,omitempty"`
	Score    float64  `json:"score"`
	Snippets []string `json:"snippets"`
	Related  []Ref    `json:"related,omitempty"`
	// Translations are the other languages the story exists in: the
	// original and its translations, this document left out.
	Translations []Ref `json:"translations,omitempty"`
	// Explanation is how the score is made, where the request asks.
	Explanation *plan.Explanation `json:"explanation,omitempty"`

	translationOf string
}

// FacetValue is one value of a facet and how many matching documents have it.
type FacetValue = plan.FacetValue

// Result is the answer to a Request.
type Result struct {
	Query  string                  `json:"query"`
	Total  uint64                  `json:"total"`
	TookMS float64                 `json:"took_ms"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetValue `json:"facets"`
	// Plan is what the search asked the index for, a line a part, where
	// the request asks for an explanation.
	Plan []string `json:"plan,omitempty"`
	// DidYouMean is the query with its doubtful words spelt as the
	// collection spells them, where that finds far more (see spell.go).
	DidYouMean string `json:"did_you_mean,omitempty"`
	// Notice says how a lenient search read its query, where it mended
	// the text.
	Notice *Notice `json:"notice,omitempty"`
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
	// PublishAt is the end of the document's embargo, where it has one
	// (shown only to a writer while it lasts).
	PublishAt    string `json:"publish_at,omitempty"`
	Related      []Ref  `json:"related"`
	Translations []Ref  `json:"translations"`
}

// Backend executes plans over one index. scoring.Index is the one on
// Bleve; another engine answers the same plans by implementing it.
type Backend interface {
	// Execute runs a plan: its hits, total and facets.
	Execute(ctx context.Context, p *plan.Plan) (*plan.Result, error)
	// Lookup returns the documents a lookup asks for, in id order.
	Lookup(ctx context.Context, l plan.Lookup) ([]plan.Document, error)
	// Close closes the index.
	Close() error
}

// Engine answers searches over the index it holds in service. The index
// can be swapped while searches run: a search in flight finishes on the
// index it started on.
type Engine struct {
	cur atomic.Pointer[live] // the index in service; nil: none
	// written, where set, knows what writes changed in an index served
	// with SwapBackend since it was read (FollowWrites).
	written atomic.Pointer[WrittenView]
	// maxExpansion bounds how many index terms the prefixes and fuzzy
	// words of one query expand to, all together.
	maxExpansion int
	cross        *keyCache // the sound keys of words searched lately
	// langs are the analyses of the indexes the engine serves.
	langs *indexer.Registry
	// log hears what fails in an optional part of a search (the count
	// of a "did you mean"), which the search answers without.
	log *slog.Logger

	// upkeep guards the generation switches (serve) against the reading
	// of Maintenance, and carried: the maintenance counts of the
	// generations served before the one in service.
	upkeep  sync.Mutex
	carried Maintenance
}

// live is an index in service and what the engine knows of it. Searches
// hold it (read) for their whole run; taking it out of service holds it
// (write) until they are done, so that it is never closed under them.
type live struct {
	mu      sync.RWMutex
	retired bool

	backend Backend
	index   bleve.Index // the Bleve index behind backend
	info    Info
	present map[string]bool // the analyses with documents; nil: all
	suggest *suggester
	writer  *writerState // the live collection behind index, where it is one

	wmu      sync.Mutex           // guards what follows
	wsrc     *indexer.Suggestions // what a WrittenView offered last
	wsuggest *suggester           // made of wsrc
}

// suggester returns the completions to offer of l.
func (e *Engine) suggester(l *live) *suggester {
	if l.writer != nil {
		return l.writer.suggester()
	}
	if v := e.written.Load(); v != nil && l.index == nil {
		if src := (*v).Suggestions(l.info.Generation); src != nil {
			l.wmu.Lock()
			defer l.wmu.Unlock()
			if src != l.wsrc {
				l.wsrc, l.wsuggest = src, newSuggesterFrom(l.wsuggest, src, e.langs)
			}
			return l.wsuggest
		}
	}
	return l.suggest
}

// Info describes the index an engine is searching.
type Info struct {
	Generation indexer.Generation
	Documents  uint64
	Build      indexer.BuildInfo
}

// Bounds of the index terms prefixes and fuzzy words expand to, as
// Elasticsearch's max_expansions and max_clause_count: a word keeps its
// most frequent terms, and the words of a query share its bound evenly.
const (
	MaxWordExpansion = 50   // one word in one field
	MaxExpansion     = 1024 // all the words of a query
)

// NewEngine returns an engine with no index; it answers unavailable until
// Swap gives it one.
func NewEngine(opts ...Option) *Engine {
	e := &Engine{maxExpansion: MaxExpansion, langs: indexer.DefaultRegistry(), log: slog.Default()}
	for _, o := range opts {
		o(e)
	}
	e.cross = newKeyCache(maxCrossCache, e.langs)
	return e
}

// An Option changes how an engine searches.
type Option func(*Engine)

// WithRegistry makes an engine search indexes whose analyses are r's (the
// default registry's without it).
func WithRegistry(r *indexer.Registry) Option { return func(e *Engine) { e.langs = r } }

// WithLog makes an engine log to l (slog's default logger without it).
func WithLog(l *slog.Logger) Option { return func(e *Engine) { e.log = l } }

// Languages returns the registry of analyses the engine searches with.
func (e *Engine) Languages() *indexer.Registry { return e.langs }

// hold returns the index in service, held for one operation until its
// release.
func (e *Engine) hold() (*live, error) {
	for {
		l := e.cur.Load()
		if l == nil {
			return nil, errNoIndex
		}
		l.mu.RLock()
		if !l.retired {
			return l, nil
		}
		l.mu.RUnlock() // swapped out meanwhile: take the new one
	}
}

func (l *live) release() { l.mu.RUnlock() }

// retire waits for the searches holding l and keeps new ones off it.
func (l *live) retire() {
	l.mu.Lock()
	l.retired = true
	l.mu.Unlock()
}

// Swap puts idx, generation gen, in service and returns the index it
// replaces once no search uses it any more. An index whose records
// (statistics, completions, build, facet values) cannot be read is
// refused with an error, and the one in service stays.
func (e *Engine) Swap(idx bleve.Index, gen indexer.Generation) (bleve.Index, error) {
	l, err := e.open(idx, gen)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", gen, err)
	}
	old := e.serve(l)
	if old == nil {
		return nil, nil
	}
	if old.writer != nil {
		w, err := e.retireOld(old)
		if err != nil {
			return nil, err
		}
		return nil, w.Close()
	}
	old.retire()
	return old.index, nil
}

// Served is an index of an engine other than Bleve (OpenSearch), with what
// the engine keeps of it.
type Served struct {
	Backend Backend
	Info    Info
	// Present are the keys of the analyses that have documents (and
	// indexer.NamesField where bodies fed it); nil: all may have.
	Present map[string]bool
	// Suggestions are what completion offers; nil: nothing.
	Suggestions *indexer.Suggestions
}

// SwapBackend puts s in service and returns the backend it replaces once
// no search uses it any more (nil when there was none).
func (e *Engine) SwapBackend(s Served) Backend {
	sugg := s.Suggestions
	if sugg == nil {
		sugg = &indexer.Suggestions{}
	}
	old := e.serve(&live{backend: s.Backend, info: s.Info, present: s.Present, suggest: newSuggester(sugg, e.langs)})
	if old == nil {
		return nil
	}
	old.retire()
	return old.backend
}

// open reads what the engine keeps of idx.
func (e *Engine) open(idx bleve.Index, gen indexer.Generation) (*live, error) {
	stats, err := indexer.ReadStats(idx, e.langs)
	if err != nil {
		return nil, err
	}
	sugg, err := indexer.LoadSuggestions(idx)
	if err != nil {
		return nil, fmt.Errorf("completions: %w", err)
	}
	info := Info{Generation: gen}
	if info.Documents, err = idx.DocCount(); err != nil {
		return nil, err
	}
	if info.Build, err = indexer.ReadBuildInfo(idx); err != nil {
		return nil, fmt.Errorf("build record: %w", err)
	}
	o := scoring.Options{FacetFields: facetFields}
	var present map[string]bool
	if stats != nil {
		o.Stats = &scoring.Stats{Global: stats.Global, PerField: stats.PerField}
		present = stats.Present
	}
	backend, err := scoring.New(context.Background(), idx, o)
	if err != nil {
		return nil, err
	}
	return &live{backend: backend, index: idx, info: info, present: present, suggest: newSuggester(sugg, e.langs)}, nil
}

// Close takes the index out of service, waits for the searches on it and
// closes it (a live collection too).
func (e *Engine) Close() error {
	old := e.serve(nil)
	if old == nil {
		return nil
	}
	w, err := e.retireOld(old)
	if w != nil {
		return w.Close()
	}
	return err
}

// Info returns what the engine knows of its current index.
func (e *Engine) Info() Info {
	l := e.cur.Load()
	if l == nil {
		return Info{}
	}
	info := l.info
	if v := e.written.Load(); v != nil && l.index == nil && l.writer == nil {
		if n, ok := (*v).Documents(info.Generation); ok {
			info.Documents = n
		}
	}
	return info
}

// Generation returns the generation being searched, or 0.
func (e *Engine) Generation() indexer.Generation { return e.Info().Generation }

// Ready reports whether the engine has an index.
func (e *Engine) Ready() bool { return e.cur.Load() != nil }

var errNoIndex = &Error{Code: CodeUnavailable, Message: "no index is open yet"}

// Search runs one search: the query parsed, planned, executed by the index
// in service, and its hits presented.
func (e *Engine) Search(ctx context.Context, r Request) (*Result, error) {
	start := time.Now()
	l, err := e.hold()
	if err != nil {
		return nil, err
	}
	defer l.release()
	if err := r.validate(); err != nil {
		return nil, err
	}
	root, notice, err := r.parse()
	if err != nil {
		return nil, err
	}
	p, err := e.plan(root, &r, l.present)
	if err != nil {
		return nil, err
	}
	res, err := l.backend.Execute(ctx, p)
	if err != nil {
		return nil, searchError(ctx, err)
	}
	out, err := present(ctx, l.backend, e.langs, &r, p, res)
	if err != nil {
		return nil, err
	}
	if !r.Plain && !r.NoSnippets && r.From == 0 {
		if out.DidYouMean, err = e.didYouMean(ctx, l, &r, root, out.Total); err != nil {
			return nil, err
		}
	}
	out.Notice = notice
	out.TookMS = float64(time.Since(start).Microseconds()) / 1000
	return out, nil
}

// validate checks the request and fills in the default size.
func (r *Request) validate() error {
	if r.Size == 0 && !r.NoHits {
		r.Size = DefaultSize
	}
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

func searchError(ctx context.Context, err error) error {
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return &Error{Code: CodeUnavailable, Message: "the search took too long", Err: err}
	}
	return &Error{Code: CodeInternal, Message: "search failed", Err: err}
}

// Document returns one document with its related documents and
// translations. A document under embargo is not found, unless
// includeEmbargoed (for a writer).
func (e *Engine) Document(ctx context.Context, id string, includeEmbargoed bool) (*Document, error) {
	l, err := e.hold()
	if err != nil {
		return nil, err
	}
	defer l.release()
	return document(ctx, l.backend, e.langs, id, hidden(time.Now(), includeEmbargoed))
}

// hidden is what no reader may see at now: the documents whose embargo
// has not ended; nil where the reader may see them (a writer).
func hidden(now time.Time, includeEmbargoed bool) plan.Node {
	if includeEmbargoed {
		return nil
	}
	return &plan.DateRange{Field: indexer.FieldPublishAt, From: now.Add(time.Nanosecond)}
}

// maxAnalyzeBytes bounds the text Analyze takes: what fits in a URL.
const maxAnalyzeBytes = 8 << 10

// Analyze returns the tokens the index stores for text in language lang.
func (e *Engine) Analyze(lang, text string) ([]indexer.Token, error) {
	if len(text) > maxAnalyzeBytes {
		return nil, invalidf("text is too long: at most %d bytes", maxAnalyzeBytes)
	}
	toks, err := e.langs.Analyze(lang, text)
	if errors.Is(err, indexer.ErrUnknownLanguage) {
		return nil, &Error{Code: CodeInvalid, Message: err.Error()}
	}
	return toks, err
}
