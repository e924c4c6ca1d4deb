package web

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"pressearch/search"
)

// feedSize is how many of the newest matches a feed carries.
const feedSize = 20

// The Atom 1.0 document (RFC 4287), as much of it as a feed of search
// results uses.
type (
	atomFeed struct {
		XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
		Lang    string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
		ID      string      `xml:"id"`
		Title   string      `xml:"title"`
		Updated string      `xml:"updated"`
		Author  atomPerson  `xml:"author"`
		Links   []atomLink  `xml:"link"`
		Gen     string      `xml:"generator"`
		Entries []atomEntry `xml:"entry"`
	}
	atomPerson struct {
		Name string `xml:"name"`
	}
	atomLink struct {
		Rel      string `xml:"rel,attr,omitempty"`
		Type     string `xml:"type,attr,omitempty"`
		Href     string `xml:"href,attr"`
		Hreflang string `xml:"hreflang,attr,omitempty"`
	}
	atomText struct {
		Type string `xml:"type,attr,omitempty"`
		Text string `xml:",chardata"`
	}
	atomCategory struct {
		Term  string `xml:"term,attr"`
		Label string `xml:"label,attr,omitempty"`
	}
	atomEntry struct {
		Lang      string         `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
		ID        string         `xml:"id"`
		Title     string         `xml:"title"`
		Updated   string         `xml:"updated"`
		Published string         `xml:"published,omitempty"`
		Authors   []atomPerson   `xml:"author,omitempty"`
		Links     []atomLink     `xml:"link"`
		Category  []atomCategory `xml:"category,omitempty"`
		Summary   *atomText      `xml:"summary,omitempty"`
	}
)

// feedParams are the parameters of a feed: a search's query and filters;
// the order is always newest first.
type feedParams struct {
	Q        string `form:"q"`
	Lang     string `form:"lang"`
	Source   string `form:"source"`
	Kind     string `form:"kind"`
	FromDate string `form:"from_date"`
	ToDate   string `form:"to_date"`
}

// feed answers /search.atom: an Atom feed of the newest matches of a
// search, for a feed reader to follow it.
func (s *Server) feed(c *gin.Context) {
	var p feedParams
	if !s.bind(c, &p) {
		return
	}
	req := search.Request{Query: p.Q, Lang: p.Lang, Source: p.Source, Kind: p.Kind,
		FromDate: p.FromDate, ToDate: p.ToDate, Sort: "date", Size: feedSize,
		Lenient: true} // the query of a results page, read as its box reads it
	res, err := s.search(c, req)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg := s.newPage(c, "")
	base := baseURL(c.Request)
	self := base + c.Request.URL.RequestURI()
	page := url.Values{}
	for k, v := range c.Request.URL.Query() {
		if v[0] != "" {
			page[k] = v
		}
	}
	page.Set("sort", "date")
	f := atomFeed{
		Lang:   pg.UILang,
		ID:     self,
		Title:  "pressearch",
		Author: atomPerson{Name: "pressearch"},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: base + "/search?" + page.Encode()},
		},
		Gen: "pressearch",
	}
	if p.Q != "" {
		f.Title = pg.T("Newest for “%s”", p.Q) + " · pressearch"
	}
	// The feed changed when its newest entry appeared, or, without one,
	// when the index in service was built.
	updated := s.engine.Info().Build.Finished.UTC()
	if updated.IsZero() {
		updated = time.Unix(0, 0).UTC()
	}
	for _, h := range res.Hits {
		e := atomEntry{
			Lang:    h.Lang,
			ID:      base + "/doc/" + url.PathEscape(h.ID),
			Title:   h.Title,
			Updated: updated.Format(time.RFC3339),
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: base + "/doc/" + url.PathEscape(h.ID), Hreflang: h.Lang}},
		}
		if d, err := time.Parse(time.DateOnly, h.Date); err == nil {
			e.Updated = d.Format(time.RFC3339)
			e.Published = e.Updated
		}
		if h.Source != "" {
			e.Authors = []atomPerson{{Name: h.Source}}
		}
		if h.URL != "" {
			e.Links = append(e.Links, atomLink{Rel: "related", Href: h.URL})
		}
		if h.Kind != "" {
			e.Category = []atomCategory{{Term: h.Kind, Label: pg.T(h.Kind)}}
		}
		if len(h.Snippets) > 0 {
			// The snippets are HTML: escaped text and <mark>.
			e.Summary = &atomText{Type: "html", Text: strings.Join(h.Snippets, "<br>")}
		}
		f.Entries = append(f.Entries, e)
	}
	f.Updated = updated.Format(time.RFC3339)
	if len(f.Entries) > 0 {
		f.Updated = ""
		for _, e := range f.Entries {
			f.Updated = max(f.Updated, e.Updated) // RFC 3339 in UTC sorts as time does
		}
	}
	out, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/atom+xml; charset=utf-8", append([]byte(xml.Header), out...))
}

// baseURL is the scheme and host the request came to, for the absolute
// addresses a feed needs. No proxy is trusted, so a forwarded scheme is
// not read.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
