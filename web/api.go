package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"pressearch/search"
)

// searchParams are the query parameters of a search, for the API and the
// results page.
type searchParams struct {
	Q        string `form:"q"`
	Lang     string `form:"lang"`
	Source   string `form:"source"`
	Kind     string `form:"kind"`
	FromDate string `form:"from_date"`
	ToDate   string `form:"to_date"`
	Sort     string `form:"sort"`
	From     int    `form:"from"`
	// Size is a pointer so that size=0, total and facets alone, differs
	// from no size.
	Size *int `form:"size"`
	// Explain adds the plan and each hit's score broken down.
	Explain bool `form:"explain"`
	// Format is json (the default), or csv or jsonl for an export of up
	// to search.MaxWindow rows.
	Format string `form:"format"`
	// Lenient reads q as the search box does, and the answer's notice
	// says how.
	Lenient bool `form:"lenient"`
	// IncludeEmbargoed finds documents under embargo too, for a request
	// with a write key (the API alone).
	IncludeEmbargoed bool `form:"include_embargoed"`
}

func (p searchParams) request() search.Request {
	r := search.Request{Query: p.Q, Lang: p.Lang, Source: p.Source, Kind: p.Kind,
		FromDate: p.FromDate, ToDate: p.ToDate, Sort: p.Sort, From: p.From, Explain: p.Explain,
		Lenient: p.Lenient}
	if p.Size != nil {
		r.Size = *p.Size
		r.NoHits = *p.Size == 0
	}
	return r
}

// bind reads the query parameters, answering 400 for ones that do not parse.
func (s *Server) bind(c *gin.Context, p any) bool {
	if err := c.ShouldBindQuery(p); err != nil {
		s.failStatus(c, http.StatusBadRequest, search.CodeInvalid, "bad parameter: "+err.Error())
		return false
	}
	return true
}

func (s *Server) apiSearch(c *gin.Context) {
	var p searchParams
	if !s.bind(c, &p) {
		return
	}
	if p.IncludeEmbargoed && !s.writerRead(c) {
		return
	}
	switch p.Format {
	case "", "json":
	case "csv", "jsonl":
		s.export(c, p)
		return
	default:
		s.failStatus(c, http.StatusBadRequest, search.CodeInvalid, "format must be json, csv or jsonl, not "+strconv.Quote(p.Format))
		return
	}
	r := p.request()
	r.IncludeEmbargoed = p.IncludeEmbargoed
	res, err := s.search(c, r)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.PureJSON(http.StatusOK, res)
}

// docParams are the query parameters of a document.
type docParams struct {
	IncludeEmbargoed bool `form:"include_embargoed"`
}

func (s *Server) apiDoc(c *gin.Context) {
	var p docParams
	if !s.bind(c, &p) {
		return
	}
	if p.IncludeEmbargoed && !s.writerRead(c) {
		return
	}
	d, err := s.engine.Document(c.Request.Context(), c.Param("id"), p.IncludeEmbargoed)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.PureJSON(http.StatusOK, d)
}

type analyzeParams struct {
	Lang string `form:"lang"`
	Text string `form:"text"`
}

func (s *Server) apiAnalyze(c *gin.Context) {
	var p analyzeParams
	if !s.bind(c, &p) {
		return
	}
	if p.Lang == "" {
		p.Lang = s.engine.Languages().Default()
	}
	if p.Text == "" {
		s.failStatus(c, http.StatusBadRequest, search.CodeInvalid, "text is required")
		return
	}
	toks, err := s.engine.Analyze(p.Lang, p.Text)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.PureJSON(http.StatusOK, gin.H{"lang": p.Lang, "tokens": toks})
}

type suggestParams struct {
	Q string `form:"q"`
}

func (s *Server) apiSuggest(c *gin.Context) {
	var p suggestParams
	if !s.bind(c, &p) {
		return
	}
	sug, err := s.engine.Suggest(p.Q)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.PureJSON(http.StatusOK, gin.H{"suggestions": sug})
}

// writerRead lets a read of documents under embargo on only with a write
// key, answering the request itself otherwise.
func (s *Server) writerRead(c *gin.Context) bool {
	if s.writeKeys.Len() == 0 && s.localKey.Len() == 0 {
		s.failStatus(c, http.StatusForbidden, codeWritesDisabled,
			"include_embargoed needs a write key, and this server has none: start it with --api-keys FILE or PRESSEARCH_API_KEY")
		return false
	}
	return s.authenticate(c, s.writeKeys, s.localKey)
}
