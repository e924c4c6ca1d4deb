package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"pressearch/search"
)

// exportRow is one row of an export: every column always there, empty
// where the document has no value.
type exportRow struct {
	ID     string  `json:"id"`
	Date   string  `json:"date"`
	Lang   string  `json:"lang"`
	Source string  `json:"source"`
	Kind   string  `json:"kind"`
	Title  string  `json:"title"`
	URL    string  `json:"url"`
	Score  float64 `json:"score"`
}

// exportColumns are the columns of a CSV export, in order.
var exportColumns = []string{"id", "date", "lang", "source", "kind", "title", "url", "score"}

// exportTimeout bounds a whole export, a batch of searches.
const exportTimeout = time.Minute

// rowWriter writes export rows in one format.
type rowWriter interface {
	header() error
	rows([]search.Hit) error
}

// export streams the matches of a search as CSV or JSON Lines, a batch of
// rows at a time, up to search.MaxWindow (or size) of them. The status
// goes with the first batch, so a mistake in the request is still a 400
// with the error JSON; a failure after that cannot change the status, and
// the response is cut off rather than ended as if it were whole.
func (s *Server) export(c *gin.Context, p searchParams) {
	// Up to 10,000 rows take longer than one search may: the whole export
	// has exportTimeout, each of its searches still waits for a slot.
	defer lift(c, exportTimeout)()
	r := p.request()
	r.IncludeEmbargoed = p.IncludeEmbargoed // the caller checked the write key
	buf := bufio.NewWriterSize(c.Writer, 32<<10)
	var rw rowWriter = &jsonlRows{enc: json.NewEncoder(buf)}
	contentType, name := "application/x-ndjson; charset=utf-8", "pressearch.jsonl"
	if p.Format == "csv" {
		rw = &csvRows{w: csv.NewWriter(buf)}
		contentType, name = "text/csv; charset=utf-8", "pressearch.csv"
	}
	started := false
	begin := func() error {
		if started {
			return nil
		}
		started = true
		c.Header("Content-Type", contentType)
		c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
		c.Status(http.StatusOK)
		return rw.header()
	}
	emit := func(rows []search.Hit) error {
		if err := begin(); err != nil {
			return err
		}
		if err := rw.rows(rows); err != nil {
			return err
		}
		if err := buf.Flush(); err != nil {
			return err
		}
		c.Writer.Flush()
		return nil
	}
	// An export runs a search a batch at a time: it takes a heavy slot.
	err := s.slotted(c, true, func(ctx context.Context) error { return s.engine.Export(ctx, r, emit) })
	if err != nil {
		if !started {
			s.fail(c, err)
			return
		}
		s.logger(c).WarnContext(c.Request.Context(), "export cut short", "err", err)
		panic(http.ErrAbortHandler)
	}
	if err := begin(); err == nil { // no rows: the header alone
		_ = buf.Flush()
	}
}

type csvRows struct{ w *csv.Writer }

func (c *csvRows) header() error {
	c.w.Write(exportColumns)
	c.w.Flush()
	return c.w.Error()
}

func (c *csvRows) rows(rows []search.Hit) error {
	for _, h := range rows {
		c.w.Write([]string{h.ID, h.Date, h.Lang, cell(h.Source), h.Kind, cell(h.Title), cell(h.URL),
			strconv.FormatFloat(h.Score, 'g', -1, 64)})
	}
	c.w.Flush()
	return c.w.Error()
}

// cell keeps a spreadsheet from reading a text cell as a formula: one that
// begins with =, +, -, @ or a tab or carriage return gets a leading
// apostrophe, as OWASP advises for CSV exports.
func cell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

type jsonlRows struct{ enc *json.Encoder }

func (j *jsonlRows) header() error {
	j.enc.SetEscapeHTML(false)
	return nil
}

func (j *jsonlRows) rows(rows []search.Hit) error {
	for _, h := range rows {
		if err := j.enc.Encode(exportRow{h.ID, h.Date, h.Lang, h.Source, h.Kind, h.Title, h.URL, h.Score}); err != nil {
			return err
		}
	}
	return nil
}
