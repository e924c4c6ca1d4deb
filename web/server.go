// Package web is the HTTP face of pressearch: a Gin router with the JSON API
// and the server-rendered HTML pages, templates and CSS embedded.
package web

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/message/catalog"

	"pressearch/indexer"
	"pressearch/search"
)

//go:embed templates static
var assets embed.FS

// Engine is what the server needs from the search engine.
type Engine interface {
	Search(ctx context.Context, r search.Request) (*search.Result, error)
	Export(ctx context.Context, r search.Request, emit func([]search.Hit) error) error
	Document(ctx context.Context, id string, includeEmbargoed bool) (*search.Document, error)
	Analyze(lang, text string) ([]indexer.Token, error)
	Suggest(prefix string) ([]string, error)
	Ready() bool
	Info() search.Info
	// Languages are the languages the engine knows; the server names none
	// itself.
	Languages() *indexer.Registry
	// Refresh makes the writes applied so far searchable.
	Refresh(ctx context.Context) error
}

// Server serves the API and the pages over an engine.
type Server struct {
	engine  Engine
	log     *slog.Logger
	router  *gin.Engine
	catalog catalog.Catalog
	metrics *metrics
	params  routeParams
	// slots holds a token for each search running: its capacity is the
	// bound of searches at once; heavy, one for each heavy request.
	slots, heavy chan struct{}
	// ordinary counts the searches that are not heavy, started and
	// running, and keeps when the last one started (in now's Unix
	// nanoseconds), for the heavy lane's rests (releaseHeavy).
	ordinary struct{ started, running, last atomic.Int64 }
	// after runs f after d, as time.AfterFunc, and now is the time (a
	// test's clock otherwise).
	after func(d time.Duration, f func())
	now   func() time.Time

	writer    Writer
	admin     Admin
	writeKeys *Keys
	readKeys  *Keys
	localKey  *Keys
	failures  *failures
}

// New returns a server over engine that logs to log. Without options it
// serves reads alone, to anyone; writes answer 403.
func New(engine Engine, log *slog.Logger, opts ...Option) (*Server, error) {
	cat, err := newCatalog()
	if err != nil {
		return nil, err
	}
	s := &Server{engine: engine, log: log, router: gin.New(), catalog: cat, metrics: newMetrics(engine), params: routeParams{},
		failures: newFailures()}
	s.slots, s.heavy = newSlots(DefaultMaxSearches())
	s.after = func(d time.Duration, f func()) { time.AfterFunc(d, f) }
	s.now = time.Now
	for _, o := range opts {
		o(s)
	}
	s.metrics.registry.MustRegister(s.slotsGauge())
	r := s.router
	if err := r.SetTrustedProxies(nil); err != nil {
		return nil, err
	}
	r.HandleMethodNotAllowed = true
	tmpl, err := newRenderer()
	if err != nil {
		return nil, err
	}
	r.HTMLRender = tmpl
	r.Use(s.requestID, s.logRequests, s.recover, s.lanes, securityHeaders, limits, s.validUTF8)

	static, err := fs.Sub(assets, "static")
	if err != nil {
		return nil, err
	}
	r.StaticFS("/static", http.FS(static))

	// Every GET route answers HEAD too. The pages take any parameter (a
	// link may carry tracking ones); the API takes only those listed.
	root := &r.RouterGroup
	pages := root.Group("", s.requireReadKey)
	s.get(pages, "/", s.home)
	s.get(pages, "/search", s.searchPage)
	s.get(pages, "/search.atom", s.feed)
	s.get(pages, "/doc/:id", s.docPage)
	s.get(root, "/help", s.helpPage)

	api := r.Group("/api/v1", s.knownParams)
	reads := api.Group("", s.requireReadKey)
	s.get(reads, "/search", s.apiSearch, formNames(searchParams{})...)
	s.get(reads, "/docs/:id", s.apiDoc, formNames(docParams{})...)
	s.get(reads, "/analyze", s.apiAnalyze, formNames(analyzeParams{})...)
	s.get(reads, "/suggest", s.apiSuggest, formNames(suggestParams{})...)
	// Writes need a write key; with none configured they answer 403.
	writes := api.Group("", s.requireWriteKey, longRequest(writeTimeout))
	s.handle(writes, http.MethodPut, "/docs/:id", s.putDoc, formNames(writeParams{})...)
	s.handle(writes, http.MethodDelete, "/docs/:id", s.deleteDoc, formNames(writeParams{})...)
	s.handle(writes, http.MethodPost, "/docs/_bulk", s.bulk, formNames(bulkParams{})...)
	if s.admin != nil {
		admin := api.Group("", s.requireWriteKey, longRequest(adminTimeout))
		s.handle(admin, http.MethodPost, "/_reindex", s.rebuild)
		s.handle(admin, http.MethodPost, "/_switch", s.adopt, formNames(adoptParams{})...)
	}

	s.get(root, "/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	s.get(root, "/readyz", s.readyz)
	s.get(root, "/metrics", gin.WrapH(s.metrics.handler()))

	r.NoRoute(func(c *gin.Context) {
		s.fail(c, &search.Error{Code: search.CodeNotFound, Message: "no such page: " + c.Request.URL.Path})
	})
	r.NoMethod(func(c *gin.Context) {
		s.failStatus(c, http.StatusMethodNotAllowed, "method_not_allowed", c.Request.Method+" is not allowed here")
	})
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

func (s *Server) readyz(c *gin.Context) {
	if !s.engine.Ready() {
		s.failStatus(c, http.StatusServiceUnavailable, search.CodeUnavailable, "no index is open yet")
		return
	}
	// An index with no documents answers every search with nothing: not
	// a state to send traffic to.
	if info := s.engine.Info(); info.Documents == 0 {
		s.failStatus(c, http.StatusServiceUnavailable, search.CodeUnavailable, info.Generation.String()+" holds no documents")
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

// statusOf maps an error code to an HTTP status, in this one place.
func statusOf(code string) int {
	switch code {
	case search.CodeInvalid:
		return http.StatusBadRequest
	case search.CodeNotFound:
		return http.StatusNotFound
	case search.CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// fail answers with the error in the form the route speaks: JSON under
// /api/ and for the probes, an HTML page elsewhere.
func (s *Server) fail(c *gin.Context, err error) {
	code := search.ErrorCode(err)
	if code == search.CodeInternal {
		s.logger(c).ErrorContext(c.Request.Context(), "request failed", "path", c.Request.URL.Path, "err", err)
	}
	s.failStatus(c, statusOf(code), code, search.ErrorMessage(err))
}

func (s *Server) failStatus(c *gin.Context, status int, code, message string) {
	if status == http.StatusServiceUnavailable {
		c.Header("Retry-After", retryAfter)
	}
	if wantsJSON(c) {
		c.AbortWithStatusJSON(status, gin.H{"error": gin.H{"code": code, "message": message}})
		return
	}
	c.HTML(status, "error", errorPage{page: s.newPage(c, ""), Status: status, Message: message})
	c.Abort()
}

func wantsJSON(c *gin.Context) bool {
	p := c.Request.URL.Path
	return strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/readyz" || p == "/metrics"
}

// recover turns a panic into a 500 with the error JSON, and logs it.
func (s *Server) recover(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if e, ok := v.(error); ok && errors.Is(e, http.ErrAbortHandler) {
				panic(v)
			}
			s.logger(c).ErrorContext(c.Request.Context(), "panic", "path", c.Request.URL.Path, "panic", v)
			s.failStatus(c, http.StatusInternalServerError, search.CodeInternal, "internal error")
		}
	}()
	c.Next()
}

func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	elapsed := time.Since(start)
	s.metrics.observe(c, elapsed)
	attrs := []any{"method", c.Request.Method, "path", c.Request.URL.Path,
		"status", c.Writer.Status(), "ms", float64(elapsed.Microseconds()) / 1000}
	if key := requestKey(c); key != "" {
		attrs = append(attrs, "key", key) // the key's name: never the key
	}
	s.logger(c).InfoContext(c.Request.Context(), "request", attrs...)
}

// retryAfter is the Retry-After of a 503, in seconds: long enough for a
// burst of searches to pass or an index to open.
const retryAfter = "1"

// Limits on every request.
const (
	maxBodyBytes  = 1 << 20
	searchTimeout = 5 * time.Second
)

// limits caps the request body and gives every request a deadline, which
// Bleve's collectors honour: a search that runs past it answers 503. The
// write routes set their own (writeTimeout, maxBulkBytes).
func limits(c *gin.Context) {
	if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead ||
		!strings.HasPrefix(c.Request.URL.Path, "/api/v1/") {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxBodyBytes)
	}
	withDeadline(c, searchTimeout)
}

// connContext is the key under which a request keeps its context as the
// connection gave it, before withDeadline.
const connContext = "pressearch.conn"

// withDeadline runs the rest of the chain with a deadline of d, keeping the
// request's context as it was for longRequest.
func withDeadline(c *gin.Context, d time.Duration) {
	c.Set(connContext, c.Request.Context())
	ctx, cancel := context.WithTimeout(c.Request.Context(), d)
	defer cancel()
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}

// securityHeaders forbid inline script, framing and MIME sniffing.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	c.Next()
}
