package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestEveryGETRouteAnswersHEAD(t *testing.T) {
	s := newTestServer(t)
	// Path parameters get a value that exists.
	fill := strings.NewReplacer(":id", "eu-japan-partnership-te", "*filepath", "style.css")
	n := 0
	for _, r := range s.router.Routes() {
		if r.Method != http.MethodGet {
			continue
		}
		n++
		target := fill.Replace(r.Path)
		if target == "/search" {
			target += "?q=Japan"
		}
		t.Run(target, func(t *testing.T) {
			want := get(t, s, target)
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, target, nil))
			if rec.Code != want.Code || rec.Code == http.StatusMethodNotAllowed {
				t.Errorf("HEAD %s: %d, GET: %d", target, rec.Code, want.Code)
			}
			if got, w := rec.Header().Get("Content-Type"), want.Header().Get("Content-Type"); got != w {
				t.Errorf("HEAD %s: Content-Type %q, GET: %q", target, got, w)
			}
		})
	}
	if n < 10 {
		t.Errorf("only %d GET routes", n)
	}
}

func TestMethodNotAllowedSaysWhatIs(t *testing.T) {
	s := newTestServer(t)
	for _, target := range []string{"/api/v1/search?q=x", "/healthz", "/search?q=x", "/api/v1/docs/eu-japan-partnership-te"} {
		for _, method := range []string{http.MethodPost, http.MethodDelete, http.MethodPut, http.MethodPatch} {
			if strings.HasPrefix(target, "/api/v1/docs/") && (method == http.MethodDelete || method == http.MethodPut) {
				continue // the writes of a document
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
			if rec.Code != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: %d, want 405", method, target, rec.Code)
				continue
			}
			allow := strings.Split(rec.Header().Get("Allow"), ", ")
			if !contains(allow, "GET") || !contains(allow, "HEAD") || contains(allow, method) ||
				strings.HasPrefix(target, "/api/v1/docs/") && !contains(allow, "PUT") {
				t.Errorf("%s %s: Allow %q, want GET and HEAD", method, target, allow)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestAPIParameters(t *testing.T) {
	s := newTestServer(t)
	q := url.QueryEscape
	tests := []struct {
		name     string
		target   string
		status   int
		code     string
		contains []string
	}{
		{"every search parameter", "/api/v1/search?q=Japan&lang=en&source=x&kind=article&from_date=2024-01-01&to_date=2024-12-31&sort=date&from=0&size=5", 200, "", nil},
		{"page is no API parameter", "/api/v1/search?q=Japan&page=2", 400, "unknown_parameter", []string{`\"page\"`, "q, lang"}},
		{"a misspelt parameter", "/api/v1/search?q=Japan&szie=5", 400, "unknown_parameter", []string{`\"szie\"`}},
		{"an empty parameter", "/api/v1/search?q=Japan&debug", 400, "unknown_parameter", []string{`\"debug\"`}},
		{"a document takes include_embargoed alone", "/api/v1/docs/eu-japan-partnership-te?fields=title", 400, "unknown_parameter", []string{`\"fields\"`, "only include_embargoed"}},
		{"analyze", "/api/v1/analyze?lang=te&text=x&explain=true", 400, "unknown_parameter", []string{`\"explain\"`}},
		{"suggest", "/api/v1/suggest?q=ja&size=3", 400, "unknown_parameter", []string{`\"size\"`}},
		{"HEAD checks too", "/api/v1/suggest?q=ja&size=3", 400, "unknown_parameter", nil},
		{"a query string that does not parse", "/api/v1/search?q=%zz", 400, "invalid_query", []string{"does not parse"}},
		{"invalid UTF-8 in a value", "/api/v1/search?q=%ff%fe", 400, "invalid_query", []string{"parameter q is not valid UTF-8"}},
		{"invalid UTF-8 in a filter", "/api/v1/search?q=x&source=%c3", 400, "invalid_query", []string{"parameter source is not valid UTF-8"}},
		{"invalid UTF-8 in suggest", "/api/v1/suggest?q=%e0%b0", 400, "invalid_query", []string{"not valid UTF-8"}},
		{"invalid UTF-8 in analyze", "/api/v1/analyze?text=%ff", 400, "invalid_query", []string{"not valid UTF-8"}},
		{"invalid UTF-8 in a name", "/api/v1/search?%ff=1", 400, "invalid_query", []string{"a parameter name is not valid UTF-8"}},
		{"invalid UTF-8 in a document id", "/api/v1/docs/%ff", 400, "invalid_query", []string{"not valid UTF-8"}},
		{"analyze in an unknown language", "/api/v1/analyze?lang=" + q("../../etc") + "&text=x", 400, "invalid_query",
			[]string{`unknown language \"../../etc\"`, "te, ", "en"}},
		{"analyze in a well-formed unknown language", "/api/v1/analyze?lang=xx&text=x", 400, "invalid_query", []string{"unknown language"}},
		{"analyze in a language with no analysis of its own", "/api/v1/analyze?lang=sw&text=Habari", 200, "", []string{`"term":"habari"`}},
		{"analyze with a region", "/api/v1/analyze?lang=te-IN&text=" + q("రష్యాతో"), 200, "", []string{`"term":"రష్య"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := http.MethodGet
			if strings.HasPrefix(tt.name, "HEAD") {
				method = http.MethodHead
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest(method, tt.target, nil))
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d; body %s", rec.Code, tt.status, rec.Body)
			}
			if tt.code != "" {
				var e struct {
					Error struct{ Code, Message string }
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code != tt.code {
					t.Errorf("error %+v (%v), want code %s", e, err, tt.code)
				}
			}
			for _, c := range tt.contains {
				if !strings.Contains(rec.Body.String(), c) {
					t.Errorf("body lacks %s: %s", c, rec.Body)
				}
			}
		})
	}
}

func TestPagesTakeOtherParametersButNotBadText(t *testing.T) {
	s := newTestServer(t)
	if rec := get(t, s, "/search?q=Japan&utm_source=mail"); rec.Code != http.StatusOK {
		t.Errorf("a results page with a tracking parameter: %d", rec.Code)
	}
	rec := get(t, s, "/search?q=%ff")
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Header().Get("Content-Type"), "text/html") {
		t.Errorf("a results page for invalid UTF-8: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
}

func TestSizeZeroAnswersTotalAndFacets(t *testing.T) {
	s := newTestServer(t)
	for _, sort := range []string{"relevance", "date"} {
		t.Run(sort, func(t *testing.T) {
			var full, none struct {
				Total  int
				Hits   []json.RawMessage
				Facets map[string][]struct{ Value string }
			}
			for _, x := range []struct {
				size string
				into any
			}{{"10", &full}, {"0", &none}} {
				rec := get(t, s, "/api/v1/search?q=EU&sort="+sort+"&size="+x.size)
				if rec.Code != http.StatusOK {
					t.Fatalf("size=%s: %d %s", x.size, rec.Code, rec.Body)
				}
				if err := json.Unmarshal(rec.Body.Bytes(), x.into); err != nil {
					t.Fatal(err)
				}
				if x.size == "0" && !strings.Contains(rec.Body.String(), `"hits":[]`) {
					t.Errorf("size=0: hits are not an empty list: %s", rec.Body)
				}
			}
			if full.Total == 0 || len(full.Hits) == 0 {
				t.Fatalf("size=10 found nothing")
			}
			if none.Total != full.Total || len(none.Hits) != 0 {
				t.Errorf("size=0: total %d and %d hits, want %d and none", none.Total, len(none.Hits), full.Total)
			}
			if len(none.Facets["lang"]) == 0 || len(none.Facets["lang"]) != len(full.Facets["lang"]) {
				t.Errorf("size=0: lang facet %v, want %v", none.Facets["lang"], full.Facets["lang"])
			}
		})
	}
}
