package web

import (
	"errors"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/render"

	"pressearch/search"
)

// pageSize is how many hits a results page shows.
const pageSize = 10

// renderer holds one template set a page, each the shared layout plus the
// page's own blocks.
type renderer map[string]*template.Template

func newRenderer() (renderer, error) {
	r := renderer{}
	// Pages whose content comes in more than one file.
	parts := map[string][]string{"help": {"templates/help_*.html"}, "results": {"templates/notice.html"}}
	for _, name := range []string{"home", "results", "doc", "error", "help"} {
		files := append([]string{"templates/layout.html", "templates/" + name + ".html"}, parts[name]...)
		t, err := template.New(name).Funcs(template.FuncMap{
			"snippet": func(s string) template.HTML {
				// Snippets are escaped by the engine; only <mark> is markup.
				return template.HTML(s) // #nosec G203
			},
			"example": example,
		}).ParseFS(assets, files...)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		r[name] = t
	}
	return r, nil
}

// example is a link that runs query q, shown as code, for the help page
// in interface language hl.
func example(hl, q string) template.HTML {
	lang := ""
	for _, r := range q {
		switch {
		case unicode.Is(unicode.Telugu, r):
			lang = ` lang="te"`
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana):
			lang = ` lang="ja"`
		}
	}
	u := "/search?" + url.Values{"q": {q}, "hl": {hl}}.Encode()
	return template.HTML(`<a class="example" href="` + html.EscapeString(u) + `"` + lang + `><code>` + // #nosec G203
		html.EscapeString(q) + `</code></a>`)
}

// Instance implements gin's render.HTMLRender.
func (r renderer) Instance(name string, data any) render.Render {
	return render.HTML{Template: r[name], Name: "layout", Data: data}
}

// page is what every page's layout needs.
type page struct {
	Query  string
	Title  string
	UILang string                               // the interface language
	T      func(key string, args ...any) string // translates page text
	Langs  []langLink                           // the page in each interface language
	// LangName names a document language in the interface language.
	LangName func(code string) string
	// Feed is the address of the page's Atom feed, if it has one.
	Feed string
}

func (s *Server) newPage(c *gin.Context, title string) page {
	tag, i := uiLang(c)
	c.Header("Content-Language", tag.String())
	c.Header("Vary", "Accept-Language")
	return page{Query: c.Query("q"), Title: title, UILang: tag.String(), T: s.printer(tag), Langs: langLinks(c, i),
		LangName: func(code string) string { return s.engine.Languages().Name(tag, code) }}
}

type errorPage struct {
	page
	Status  int
	Message string
}

func (s *Server) home(c *gin.Context) {
	c.HTML(http.StatusOK, "home", s.newPage(c, ""))
}

type facetLink struct {
	Value    string
	Label    string
	Count    int
	URL      string // the results with this value chosen, or without it when it is
	Selected bool
}

type facetGroup struct {
	Name  string
	Links []facetLink
}

// chip is a chosen filter, shown above the results with a link that
// removes it.
type chip struct {
	Label string
	URL   string // the results without this filter
}

// choice is one of a set of links of which one is current (the sort order).
type choice struct {
	Label   string
	URL     string
	Current bool
}

// field is a hidden form field that carries a parameter through a form.
type field struct{ Name, Value string }

type resultsPage struct {
	page
	Result *search.Result
	Page   int
	Pages  int
	Start  int // the number of the first hit on the page
	Prev   string
	Next   string
	Facets []facetGroup
	Chips  []chip
	Clear  string // the results without any filter
	Sorts  []choice
	// The date form: its hidden fields and the dates chosen.
	Hidden           []field
	FromDate, ToDate string
	// PastEnd is set when the page asked for lies past the last one,
	// which Last links to.
	PastEnd bool
	Last    string
	// Error says, in the interface language, why the search could not be
	// run; the page still offers the filters to change.
	Error string
	// CSV and JSONL export the matches.
	CSV, JSONL string
	// DidYouMean runs the query the engine offers as a near spelling.
	DidYouMean string
	// Reading says how the search box read the query, where it mended
	// what was typed.
	Reading *reading
}

// reading is how the search box read a query: the query searched for, a
// link to its results, and each change to what was typed, in the
// interface language.
type reading struct {
	Query, URL string
	Changes    []string
}

// readingOf is the reading of notice for the page, nil where the query was
// read as typed.
func readingOf(pg page, q url.Values, notice *search.Notice) *reading {
	if notice == nil {
		return nil
	}
	r := &reading{Query: notice.Query, URL: link(q, "q", notice.Query)}
	for _, c := range notice.Changes {
		r.Changes = append(r.Changes, pg.T(c.Format, c.Args...))
	}
	return r
}

// pageParams are the parameters of the results page: those of a search and
// the page number.
type pageParams struct {
	searchParams
	Page int `form:"page"`
}

// filterKeys are the parameters that narrow a search.
var filterKeys = []string{"lang", "kind", "source", "from_date", "to_date"}

func (s *Server) searchPage(c *gin.Context) {
	var p pageParams
	if !s.bind(c, &p) {
		return
	}
	if p.Q == "" && p.Lang == "" && p.Source == "" && p.Kind == "" && p.FromDate == "" && p.ToDate == "" {
		c.Redirect(http.StatusFound, "/")
		return
	}
	if p.Page < 1 {
		p.Page = 1
	}
	q := c.Request.URL.Query()
	out := resultsPage{page: s.newPage(c, p.Q), Page: p.Page, Hidden: hidden(q, "from_date", "to_date", "page"),
		FromDate: p.FromDate, ToDate: p.ToDate}
	out.Chips, out.Clear = s.chips(out.page, q)
	out.Feed, out.CSV, out.JSONL = follow(q)
	out.Sorts = []choice{
		{Label: out.T("Relevance"), URL: link(q, "sort", ""), Current: p.Sort != "date"},
		{Label: out.T("Newest"), URL: link(q, "sort", "date"), Current: p.Sort == "date"},
	}

	req := p.request()
	// Nothing typed in the box is an error: the box reads it leniently.
	req.From, req.Size, req.NoHits, req.Lenient = (p.Page-1)*pageSize, pageSize, false, true
	if req.From+req.Size > search.MaxWindow {
		req.From = 0 // past the deepest page there is: count, and link to the last
	}
	res, err := s.search(c, req)
	if err != nil {
		if search.ErrorCode(err) != search.CodeInvalid {
			s.fail(c, err)
			return
		}
		out.Error = s.errorText(out.page, err)
		out.Result = &search.Result{Query: p.Q}
		c.HTML(http.StatusBadRequest, "results", out)
		return
	}
	out.Result = res
	if res.DidYouMean != "" {
		out.DidYouMean = link(q, "q", res.DidYouMean)
	}
	out.Reading = readingOf(out.page, q, res.Notice)
	out.Start = req.From + 1
	out.Pages = int((res.Total + pageSize - 1) / pageSize)
	if out.Pages > search.MaxWindow/pageSize {
		out.Pages = search.MaxWindow / pageSize
	}
	if p.Page > out.Pages && out.Pages > 0 {
		out.PastEnd = true
		out.Last = link(q, "page", strconv.Itoa(out.Pages))
		res.Hits = nil
	} else {
		if p.Page > 1 {
			out.Prev = link(q, "page", strconv.Itoa(p.Page-1))
		}
		if p.Page < out.Pages {
			out.Next = link(q, "page", strconv.Itoa(p.Page+1))
		}
	}
	out.Facets = s.facets(out.page, q, res.Facets)
	c.HTML(http.StatusOK, "results", out)
}

// facets are the facet groups of a result, each value linking to the
// results with it chosen or, when it is chosen, without it.
func (s *Server) facets(pg page, q url.Values, facets map[string][]search.FacetValue) []facetGroup {
	var out []facetGroup
	for _, name := range []string{"lang", "kind", "source", "year"} {
		g := facetGroup{Name: pg.T(name)}
		for _, v := range facets[name] {
			l := facetLink{Value: v.Value, Label: v.Value, Count: v.Count}
			switch name {
			case "kind":
				l.Label = pg.T(v.Value)
			case "lang":
				l.Label = pg.LangName(v.Value)
			}
			if name == "year" {
				from, to := v.Value+"-01-01", v.Value+"-12-31"
				l.Selected = q.Get("from_date") == from && q.Get("to_date") == to
				if l.Selected {
					l.URL = link(q, "from_date", "", "to_date", "")
				} else {
					l.URL = link(q, "from_date", from, "to_date", to)
				}
			} else {
				l.Selected = q.Get(name) == v.Value
				if l.Selected {
					l.URL = link(q, name, "")
				} else {
					l.URL = link(q, name, v.Value)
				}
			}
			g.Links = append(g.Links, l)
		}
		if len(g.Links) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// chips are the filters q sets, each with the link that removes it, and
// the link that removes them all. A value no document has is shown too:
// it is why nothing matched.
func (s *Server) chips(pg page, q url.Values) ([]chip, string) {
	var out []chip
	add := func(name, value string, remove ...string) {
		label := pg.T("%s: %s", pg.T(name), value)
		if name == "" {
			label = value
		}
		unset := make([]string, 0, 2*len(remove))
		for _, k := range remove {
			unset = append(unset, k, "")
		}
		out = append(out, chip{Label: label, URL: link(q, unset...)})
	}
	if v := q.Get("lang"); v != "" {
		add("lang", pg.LangName(v), "lang")
	}
	if v := q.Get("kind"); v != "" {
		add("kind", pg.T(v), "kind")
	}
	if v := q.Get("source"); v != "" {
		add("source", v, "source")
	}
	from, to := q.Get("from_date"), q.Get("to_date")
	switch {
	case len(from) == 10 && strings.HasSuffix(from, "-01-01") && to == from[:4]+"-12-31":
		add("year", from[:4], "from_date", "to_date")
	default:
		if from != "" {
			add("date", pg.T("from %s", from), "from_date")
		}
		if to != "" {
			add("date", pg.T("to %s", to), "to_date")
		}
	}
	unset := make([]string, 0, 2*len(filterKeys))
	for _, k := range filterKeys {
		unset = append(unset, k, "")
	}
	return out, link(q, unset...)
}

// hidden are the fields of q a form must carry, those named in except
// left out (the form sets them).
func hidden(q url.Values, except ...string) []field {
	var out []field
	for _, k := range []string{"q", "lang", "kind", "source", "sort", "hl"} {
		if v := q.Get(k); v != "" && !slices.Contains(except, k) {
			out = append(out, field{k, v})
		}
	}
	return out
}

// follow returns the addresses of the Atom feed of the search q asks for
// and of its exports as CSV and JSON Lines.
func follow(q url.Values) (feed, csv, jsonl string) {
	f := url.Values{}
	for _, k := range []string{"q", "lang", "kind", "source", "from_date", "to_date", "hl"} {
		if v := q.Get(k); v != "" {
			f.Set(k, v)
		}
	}
	feed = "/search.atom?" + f.Encode()
	f.Del("hl")
	if v := q.Get("sort"); v != "" {
		f.Set("sort", v)
	}
	f.Set("lenient", "true") // the query as the page read it
	f.Set("format", "csv")
	csv = "/api/v1/search?" + f.Encode()
	f.Set("format", "jsonl")
	jsonl = "/api/v1/search?" + f.Encode()
	return feed, csv, jsonl
}

// errorText is err's message in the page's language.
func (s *Server) errorText(pg page, err error) string {
	var e *search.Error
	if errors.As(err, &e) && e.Format != "" {
		return pg.T(e.Format, e.Args...)
	}
	return search.ErrorMessage(err)
}

// link returns the results URL for q with the paging reset and the given
// key, value pairs set; an empty value removes its key, and so do empty
// values already in q.
func link(q url.Values, set ...string) string {
	c := url.Values{}
	for k, v := range q {
		if k != "page" && len(v) > 0 && v[0] != "" {
			c[k] = v
		}
	}
	for i := 0; i+1 < len(set); i += 2 {
		if set[i+1] == "" {
			c.Del(set[i])
		} else {
			c.Set(set[i], set[i+1])
		}
	}
	return "/search?" + c.Encode()
}

func (s *Server) helpPage(c *gin.Context) {
	pg := s.newPage(c, "")
	pg.Title = pg.T("How to search")
	pg.Query = ""
	c.HTML(http.StatusOK, "help", pg)
}

type docPage struct {
	page
	Doc        *search.Document
	Paragraphs []string
}

func (s *Server) docPage(c *gin.Context) {
	d, err := s.engine.Document(c.Request.Context(), c.Param("id"), false)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.HTML(http.StatusOK, "doc", docPage{page: s.newPage(c, d.Title), Doc: d, Paragraphs: paragraphs(d.Body)})
}
