package web

import (
	"fmt"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"pressearch/search"
)

// codeUnknownParameter is the error code of a query parameter a route does
// not take.
const codeUnknownParameter = "unknown_parameter"

// routeParams holds, by method and route pattern ("GET /api/v1/search"),
// the query parameters each route takes. Routes under /api/v1 take no
// others: a misspelt or unsupported parameter is an error, not a silent
// default.
type routeParams map[string][]string

// get registers h for GET and HEAD on relPath under g, taking the query
// parameters params.
func (s *Server) get(g *gin.RouterGroup, relPath string, h gin.HandlerFunc, params ...string) {
	s.handle(g, http.MethodGet, relPath, h, params...)
	g.HEAD(relPath, h)
}

// handle registers h for method on relPath under g, taking the query
// parameters params. A route that binds a struct passes formNames of it, so
// that a field added there is a parameter the route takes.
func (s *Server) handle(g *gin.RouterGroup, method, relPath string, h gin.HandlerFunc, params ...string) {
	s.params[method+" "+path.Join(g.BasePath(), relPath)] = params
	g.Handle(method, relPath, h)
}

// knownParams answers 400 unknown_parameter for a query parameter the
// route does not take, and for a query string that does not parse.
func (s *Server) knownParams(c *gin.Context) {
	q, err := url.ParseQuery(c.Request.URL.RawQuery)
	if err != nil {
		s.failStatus(c, http.StatusBadRequest, search.CodeInvalid, "the query string does not parse: "+err.Error())
		return
	}
	method := c.Request.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	allowed := s.params[method+" "+c.FullPath()]
	names := make([]string, 0, len(q))
	for name := range q {
		if !slices.Contains(allowed, name) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		c.Next()
		return
	}
	slices.Sort(names)
	takes := "no parameters"
	if len(allowed) > 0 {
		takes = "only " + strings.Join(allowed, ", ")
	}
	s.failStatus(c, http.StatusBadRequest, codeUnknownParameter,
		fmt.Sprintf("unknown parameter %q: %s takes %s", names[0], c.FullPath(), takes))
}

// validUTF8 answers 400 for a query parameter or path segment that is not
// valid UTF-8: no text that is not text goes further.
func (s *Server) validUTF8(c *gin.Context) {
	bad := ""
	for name, values := range c.Request.URL.Query() {
		if !utf8.ValidString(name) {
			bad = "a parameter name"
			break
		}
		for _, v := range values {
			if !utf8.ValidString(v) {
				bad = "parameter " + name
				break
			}
		}
	}
	for _, p := range c.Params {
		if !utf8.ValidString(p.Value) {
			bad = "the " + p.Key + " in the path"
		}
	}
	if !utf8.ValidString(c.Request.URL.Path) {
		bad = "the path"
	}
	if bad != "" {
		s.failStatus(c, http.StatusBadRequest, search.CodeInvalid, bad+" is not valid UTF-8")
		return
	}
	c.Next()
}

// formNames returns the query parameter names a struct binds: its fields'
// form tags, those of embedded structs included.
func formNames(v any) []string {
	var out []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				walk(f.Type)
				continue
			}
			if name, _, _ := strings.Cut(f.Tag.Get("form"), ","); name != "" && name != "-" {
				out = append(out, name)
			}
		}
	}
	walk(reflect.TypeOf(v))
	return out
}
