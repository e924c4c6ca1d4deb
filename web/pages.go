package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"

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
	for _, name := range []string{"home", "results", "doc", "error"} {
		t, err := template.New(name).Funcs(template.FuncMap{
			"snippet": func(s string) template.HTML {
				// Snippets are escaped by the engine; only <mark> is markup.
				return template.HTML(s) // #nosec G203
			},
		}).ParseFS(assets, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		r[name] = t
	}
	return r, nil
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
}

func (s *Server) newPage(c *gin.Context, title string) page {
	tag, i := uiLang(c)
	c.Header("Content-Language", tag.String())
	c.Header("Vary", "Accept-Language")
	return page{Query: c.Query("q"), Title: title, UILang: tag.String(), T: s.printer(tag), Langs: langLinks(c, i)}
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
	URL      string
	Selected bool
}

type facetGroup struct {
	Name  string
	Links []facetLink
}

type resultsPage struct {
	page
	Result *search.Result
	Page   int
	Pages  int
	Start  int // the number of the first hit on the page
	Prev   string
	Next   string
	Facets []facetGroup
	Active bool // a filter is set
}

// pageParams are the parameters of the results page: those of a search and
// the page number.
type pageParams struct {
	searchParams
	Page int `form:"page"`
}

func (s *Server) searchPage(c *gin.Context) {
	var p pageParams
	if !s.bind(c, &p) {
		return
	}
	if p.Q == "" && p.Lang == "" && p.Source == "" && p.Kind == "" {
		c.Redirect(http.StatusFound, "/")
		return
	}
	if p.Page < 1 {
		p.Page = 1
	}
	if p.Page > search.MaxWindow/pageSize {
		s.failStatus(c, http.StatusBadRequest, search.CodeInvalid,
			fmt.Sprintf("page must be at most %d", search.MaxWindow/pageSize))
		return
	}
	req := p.request()
	req.From, req.Size, req.NoHits = (p.Page-1)*pageSize, pageSize, false
	start := time.Now()
	res, err := s.engine.Search(c.Request.Context(), req)
	s.metrics.search.Observe(time.Since(start).Seconds())
	if err != nil {
		s.fail(c, err)
		return
	}
	out := resultsPage{page: s.newPage(c, p.Q), Result: res, Page: p.Page, Start: req.From + 1,
		Active: p.Lang != "" || p.Source != "" || p.Kind != "" || p.FromDate != "" || p.ToDate != ""}
	out.Pages = int((res.Total + pageSize - 1) / pageSize)
	if out.Pages > search.MaxWindow/pageSize {
		out.Pages = search.MaxWindow / pageSize
	}
	q := c.Request.URL.Query()
	if p.Page > 1 {
		out.Prev = link(q, "page", strconv.Itoa(p.Page-1))
	}
	if p.Page < out.Pages {
		out.Next = link(q, "page", strconv.Itoa(p.Page+1))
	}
	for _, name := range []string{"lang", "kind", "source", "year"} {
		g := facetGroup{Name: out.T(name)}
		for _, v := range res.Facets[name] {
			l := facetLink{Value: v.Value, Label: v.Value, Count: v.Count}
			if name == "kind" {
				l.Label = out.T(v.Value)
			}
			if name == "year" {
				from, to := v.Value+"-01-01", v.Value+"-12-31"
				l.Selected = q.Get("from_date") == from && q.Get("to_date") == to
				l.URL = link(q, "from_date", from, "to_date", to)
			} else {
				l.Selected = q.Get(name) == v.Value
				l.URL = link(q, name, v.Value)
			}
			g.Links = append(g.Links, l)
		}
		if len(g.Links) > 0 {
			out.Facets = append(out.Facets, g)
		}
	}
	c.HTML(http.StatusOK, "results", out)
}

// link returns the results URL for q with the paging reset and the given
// key, value pairs set.
func link(q url.Values, set ...string) string {
	c := url.Values{}
	for k, v := range q {
		if k != "page" {
			c[k] = v
		}
	}
	for i := 0; i+1 < len(set); i += 2 {
		c.Set(set[i], set[i+1])
	}
	return "/search?" + c.Encode()
}

type docPage struct {
	page
	Doc        *search.Document
	Paragraphs []string
}

func (s *Server) docPage(c *gin.Context) {
	d, err := s.engine.Document(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.HTML(http.StatusOK, "doc", docPage{page: s.newPage(c, d.Title), Doc: d, Paragraphs: paragraphs(d.Body)})
}
