package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"pressearch/corpus"
	"pressearch/indexer"
	"pressearch/search"
)

// Writer applies writes to the live collection: indexer.Collection, or
// another backend's (serve's serving.writer takes either).
//
// The actions come parsed and checked one by one (corpus.ParseDocument,
// corpus.ParseBulk): an action with a Reason is refused as it is. Apply
// checks what needs the collection with corpus.CheckActions (ids written
// twice, related and translation_of naming documents that exist), answers
// one Outcome a action, in order (Created, Replaced, Deleted, NotFound,
// Invalid with its Reason, or NotApplied for the good actions of an
// o.Atomic write that failed, which then applies nothing), and returns
// once what it applied is durable; with o.Wait, once it is searchable too.
// An error is the backend's failure (500), indexer.ErrClosed a switch in
// progress (503).
type Writer interface {
	Apply(ctx context.Context, actions []corpus.Action, o indexer.WriteOptions) ([]indexer.Outcome, error)
}

// Admin is what the maintenance routes need of the live collection.
type Admin interface {
	// Rebuild builds a new generation from the live collection's
	// documents, keeping the writes made meanwhile, and puts it in
	// service.
	Rebuild(ctx context.Context) (indexer.Summary, error)
	// Adopt puts the prepared generation sw.Generation in service,
	// recording sw, unless it would drop documents written through the API
	// and replace is false (indexer.DropError says how many).
	Adopt(ctx context.Context, sw indexer.Switch, replace bool) error
}

// WithWriter turns on the write routes, for requests with one of keys.
func WithWriter(w Writer, keys *Keys) Option {
	return func(s *Server) { s.writer, s.writeKeys = w, keys }
}

// WithLocalKey accepts key, under the name "local", from the commands run
// on the server's own machine (it is written where only the owner of the
// data directory reads it); writes by anyone else still need keys of
// WithWriter.
func WithLocalKey(key string) Option {
	return func(s *Server) {
		s.localKey = &Keys{}
		s.localKey.Add(LocalKeyName, key)
	}
}

// LocalKeyName is the name writes with the local key are logged under.
const LocalKeyName = "local"

// WithAdmin turns on the maintenance routes (rebuild, adopt), for
// requests with a write key.
func WithAdmin(a Admin) Option { return func(s *Server) { s.admin = a } }

// WithReadKeys asks for one of keys (or a write key) on reads too.
func WithReadKeys(keys *Keys) Option { return func(s *Server) { s.readKeys = keys } }

// Body limits of the write routes.
const (
	maxDocumentBytes = 8 << 20  // one document
	maxBulkBytes     = 64 << 20 // a bulk request
	writeTimeout     = time.Minute
	adminTimeout     = 6 * time.Hour
)

// codeInvalidDocument is the error code of a document refused by
// validation; codeTooLarge that of a body over its limit.
const (
	codeInvalidDocument = "invalid_document"
	codeTooLarge        = "too_large"
	codeNotApplied      = "not_applied"
	codeWouldDrop       = "would_drop_writes"
)

// writeParams are the query parameters of a write.
type writeParams struct {
	Refresh string `form:"refresh"`
}

// bulkParams are those of a bulk write.
type bulkParams struct {
	writeParams
	Atomic bool `form:"atomic"`
}

// readBody reads a write's body, answering 413 past limit.
func (s *Server) readBody(c *gin.Context, limit int64) ([]byte, bool) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	body, err := io.ReadAll(c.Request.Body)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		s.failStatus(c, http.StatusRequestEntityTooLarge, codeTooLarge,
			fmt.Sprintf("the body is larger than %d bytes; split the documents over several requests", limit))
		return nil, false
	case err != nil:
		s.failStatus(c, http.StatusBadRequest, search.CodeInvalid, "the body could not be read: "+err.Error())
		return nil, false
	}
	return body, true
}

// write applies actions and makes them searchable first where the request
// asks (refresh=wait_for, or true).
func (s *Server) write(c *gin.Context, actions []corpus.Action, atomic bool, refresh string) ([]indexer.Outcome, bool) {
	switch refresh {
	case "", "false", "true", "wait_for":
	default:
		s.failStatus(c, http.StatusBadRequest, search.CodeInvalid, fmt.Sprintf("refresh must be wait_for, true or false, not %q", refresh))
		return nil, false
	}
	ctx := c.Request.Context()
	key := requestKey(c)
	wait := refresh == "wait_for" || refresh == "true"
	out, err := s.writer.Apply(ctx, actions, indexer.WriteOptions{Atomic: atomic, Writer: key, Wait: wait})
	if err != nil {
		if errors.Is(err, indexer.ErrClosed) {
			s.failStatus(c, http.StatusServiceUnavailable, search.CodeUnavailable, "the index is being switched; try again")
			return nil, false
		}
		if ctx.Err() != nil {
			// Out of time (or the client left) before anything was
			// applied: nothing is written, the client may send it again.
			s.logger(c).WarnContext(ctx, "write not applied in time", "key", key, "actions", len(actions), "err", err)
			c.Header("Retry-After", "1")
			s.failStatus(c, http.StatusServiceUnavailable, search.CodeUnavailable,
				fmt.Sprintf("the write was not applied within %s; nothing was written: send it again, or in smaller requests", writeTimeout))
			return nil, false
		}
		s.logger(c).ErrorContext(ctx, "write failed", "key", key, "err", err)
		s.failStatus(c, http.StatusInternalServerError, search.CodeInternal, "the write failed")
		return nil, false
	}
	s.logWrite(c, key, out)
	if wait {
		if err := s.engine.Refresh(ctx); err != nil {
			s.fail(c, err)
			return nil, false
		}
	}
	return out, true
}

// logWrite logs who wrote what and counts it.
func (s *Server) logWrite(c *gin.Context, key string, out []indexer.Outcome) {
	counts := map[indexer.Result]int{}
	var ids []string
	for _, o := range out {
		counts[o.Result]++
		s.metrics.writes.WithLabelValues(key, resultName(o.Result)).Inc()
		if o.Result.OK() && len(ids) < 20 {
			ids = append(ids, o.ID)
		}
	}
	s.logger(c).InfoContext(c.Request.Context(), "write", "key", key,
		"created", counts[indexer.Created], "replaced", counts[indexer.Replaced], "deleted", counts[indexer.Deleted],
		"failed", len(out)-counts[indexer.Created]-counts[indexer.Replaced]-counts[indexer.Deleted], "ids", ids)
}

func resultName(r indexer.Result) string {
	switch r {
	case indexer.Created:
		return "created"
	case indexer.Replaced:
		return "replaced"
	case indexer.Deleted:
		return "deleted"
	case indexer.NotFound:
		return "not_found"
	case indexer.Invalid:
		return "invalid"
	}
	return "not_applied"
}

// item is the answer for one action of a write.
type item struct {
	Line   int        `json:"line,omitempty"`
	ID     string     `json:"id,omitempty"`
	Status int        `json:"status"`
	Result string     `json:"result,omitempty"`
	Error  *itemError `json:"error,omitempty"`
}

type itemError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func itemOf(o indexer.Outcome, atomicFailed int) item {
	it := item{Line: o.Line, ID: o.ID}
	switch o.Result {
	case indexer.Created:
		it.Status, it.Result = http.StatusCreated, "created"
	case indexer.Replaced:
		it.Status, it.Result = http.StatusOK, "replaced"
	case indexer.Deleted:
		it.Status, it.Result = http.StatusOK, "deleted"
	case indexer.NotFound:
		it.Status = http.StatusNotFound
		it.Error = &itemError{Code: search.CodeNotFound, Message: fmt.Sprintf("no document with id %q", o.ID)}
	case indexer.Invalid:
		it.Status = http.StatusBadRequest
		it.Error = &itemError{Code: codeInvalidDocument, Message: o.Reason}
	default:
		it.Status = http.StatusFailedDependency
		it.Error = &itemError{Code: codeNotApplied, Message: fmt.Sprintf("not applied: the request is atomic and line %d failed", atomicFailed)}
	}
	return it
}

// putDoc adds or replaces one document: 201 created, 200 replaced.
func (s *Server) putDoc(c *gin.Context) {
	var p writeParams
	if !s.bind(c, &p) {
		return
	}
	body, ok := s.readBody(c, maxDocumentBytes)
	if !ok {
		return
	}
	id := c.Param("id")
	if !corpus.ValidID(id) {
		s.failStatus(c, http.StatusBadRequest, codeInvalidDocument, fmt.Sprintf("invalid id %q: want 1 to 128 of [A-Za-z0-9._-]", id))
		return
	}
	d, perr := corpus.ParseDocument(body, id)
	if perr != nil {
		s.refuse(c, perr.Line, perr.Reason)
		return
	}
	out, ok := s.write(c, []corpus.Action{{Line: 1, Doc: d}}, false, p.Refresh)
	if !ok {
		return
	}
	it := itemOf(out[0], 0)
	if it.Error != nil {
		s.refuse(c, 0, out[0].Reason)
		return
	}
	it.Line = 0
	c.PureJSON(it.Status, it)
}

// refuse answers 400 for a document validation refuses.
func (s *Server) refuse(c *gin.Context, line int, reason string) {
	msg := reason
	if line > 1 {
		msg = fmt.Sprintf("line %d: %s", line, reason)
	}
	s.failStatus(c, http.StatusBadRequest, codeInvalidDocument, msg)
}

// deleteDoc deletes one document: 200, or 404.
func (s *Server) deleteDoc(c *gin.Context) {
	var p writeParams
	if !s.bind(c, &p) {
		return
	}
	id := c.Param("id")
	if !corpus.ValidID(id) {
		s.fail(c, &search.Error{Code: search.CodeNotFound, Message: fmt.Sprintf("no document with id %q", id)})
		return
	}
	out, ok := s.write(c, []corpus.Action{{Line: 1, Delete: id}}, false, p.Refresh)
	if !ok {
		return
	}
	it := itemOf(out[0], 0)
	if it.Error != nil {
		s.failStatus(c, it.Status, it.Error.Code, it.Error.Message)
		return
	}
	it.Line = 0
	c.PureJSON(it.Status, it)
}

// bulk applies NDJSON actions, each line on its own (or, with
// atomic=true, all or none), and answers each line's result.
func (s *Server) bulk(c *gin.Context) {
	start := time.Now()
	var p bulkParams
	if !s.bind(c, &p) {
		return
	}
	body, ok := s.readBody(c, maxBulkBytes)
	if !ok {
		return
	}
	actions := corpus.ParseBulk(body)
	if len(actions) == 0 {
		s.failStatus(c, http.StatusBadRequest, search.CodeInvalid,
			`the body has no lines: send NDJSON, a document or {"delete": "ID"} a line`)
		return
	}
	out, ok := s.write(c, actions, p.Atomic, p.Refresh)
	if !ok {
		return
	}
	failed := 0
	for _, o := range out {
		if !o.Result.OK() && o.Result != indexer.NotApplied && failed == 0 {
			failed = o.Line
		}
	}
	items := make([]item, len(out))
	for i, o := range out {
		items[i] = itemOf(o, failed)
	}
	status := http.StatusOK
	if p.Atomic && failed > 0 {
		status = http.StatusBadRequest // nothing was applied
	}
	c.PureJSON(status, gin.H{"took_ms": float64(time.Since(start).Microseconds()) / 1000,
		"errors": failed > 0, "items": items})
}

// rebuild builds a new generation from the live collection's documents.
func (s *Server) rebuild(c *gin.Context) {
	sum, err := s.admin.Rebuild(c.Request.Context())
	if err != nil {
		s.adminFailed(c, err)
		return
	}
	s.logger(c).InfoContext(c.Request.Context(), "reindexed", "key", requestKey(c), "generation", sum.Generation, "documents", sum.Documents)
	c.PureJSON(http.StatusOK, sum)
}

type adoptParams struct {
	Generation string   `form:"generation"`
	Replace    bool     `form:"replace"`
	Corpus     []string `form:"corpus"` // what it was built from, for the history
	Keep       int      `form:"keep"`
}

// adopt puts a generation that a command built in service.
func (s *Server) adopt(c *gin.Context) {
	var p adoptParams
	if !s.bind(c, &p) {
		return
	}
	gen, err := indexer.ParseGeneration(p.Generation)
	if err != nil {
		s.failStatus(c, http.StatusBadRequest, search.CodeInvalid, err.Error())
		return
	}
	sw := indexer.Switch{Generation: gen, Corpus: p.Corpus, Why: indexer.ReasonIndex, Keep: p.Keep}
	if err := s.admin.Adopt(c.Request.Context(), sw, p.Replace); err != nil {
		var drop *indexer.DropError
		if errors.As(err, &drop) {
			s.failStatus(c, http.StatusConflict, codeWouldDrop, drop.Error())
			return
		}
		s.adminFailed(c, err)
		return
	}
	s.logger(c).InfoContext(c.Request.Context(), "switched", "key", requestKey(c), "generation", p.Generation, "replace", p.Replace)
	c.PureJSON(http.StatusOK, gin.H{"generation": p.Generation})
}

func (s *Server) adminFailed(c *gin.Context, err error) {
	if errors.Is(err, indexer.ErrClosed) || errors.Is(err, indexer.ErrBusy) {
		s.failStatus(c, http.StatusConflict, "busy", err.Error())
		return
	}
	s.logger(c).ErrorContext(c.Request.Context(), "maintenance failed", "path", c.Request.URL.Path, "err", err)
	s.failStatus(c, http.StatusInternalServerError, search.CodeInternal, err.Error())
}

// longRequest lifts the server's read and write timeouts and the request
// deadline for a request that may take long (a bulk upload, a rebuild).
func longRequest(limit time.Duration) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer lift(c, limit)()
		c.Next()
	}
}

// lift gives the rest of c's handling limit instead of the search deadline
// of every request, and the connection's read and write deadlines with
// it; the request still ends when its client goes away, however long it
// has run. The function it returns releases what lift took.
func lift(c *gin.Context, limit time.Duration) func() {
	rc := http.NewResponseController(c.Writer)
	deadline := time.Now().Add(limit)
	rc.SetReadDeadline(deadline)
	rc.SetWriteDeadline(deadline)
	// The context the connection gave, without the search deadline.
	conn := c.Request.Context()
	if v, ok := c.Get(connContext); ok {
		conn = v.(context.Context)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), limit)
	stop := context.AfterFunc(conn, cancel)
	c.Request = c.Request.WithContext(ctx)
	return func() {
		stop()
		cancel()
	}
}
