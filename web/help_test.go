package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// The help page explains each part of the query language in each interface
// language, and every example on it finds something in the default corpus.
func TestHelpPage(t *testing.T) {
	s := newTestServer(t)
	example := regexp.MustCompile(`<a class="example" href="([^"]+)"`)
	for _, tt := range []struct{ hl, heading string }{
		{"en", "How to search"}, {"te", "ఎలా వెతకాలి"}, {"ja", "検索の方法"},
	} {
		t.Run(tt.hl, func(t *testing.T) {
			rec := get(t, s, "/help?hl="+tt.hl)
			body := rec.Body.String()
			if rec.Code != http.StatusOK || !strings.Contains(body, `<html lang="`+tt.hl+`">`) {
				t.Fatalf("status %d, or the page is not in %s", rec.Code, tt.hl)
			}
			if !strings.Contains(body, "<h1>"+tt.heading+"</h1>") || !strings.Contains(body, "<title>"+tt.heading+" · pressearch</title>") {
				t.Errorf("the heading is not %q", tt.heading)
			}
			for _, id := range []string{"words", "phrases", "operators", "prefixes", "fuzzy", "filters", "dates", "reading"} {
				if !strings.Contains(body, `<section id="`+id+`"`) || !strings.Contains(body, `href="#`+id+`"`) {
					t.Errorf("no section %q, or no link to it", id)
				}
			}
			links := example.FindAllStringSubmatch(body, -1)
			if len(links) < 15 {
				t.Errorf("%d examples, want one or more a section", len(links))
			}
			for _, l := range links {
				target := html.UnescapeString(l[1])
				u, err := url.Parse(target)
				if err != nil || u.Query().Get("hl") != tt.hl {
					t.Errorf("example %s keeps no interface language", target)
					continue
				}
				res := get(t, s, target)
				if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), `class="hit"`) {
					t.Errorf("example %q finds nothing (status %d)", u.Query().Get("q"), res.Code)
				}
			}
		})
	}
}

// The search box and every notice about how a query was read link to the
// help page, in the interface language.
func TestHelpLinked(t *testing.T) {
	s := newTestServer(t)
	for _, target := range []string{"/", "/?hl=ja", "/search?q=Japan&hl=te", "/doc/eu-japan-partnership-te"} {
		body := get(t, s, target).Body.String()
		if !regexp.MustCompile(`<a class="help-link" href="/help\?hl=(en|te|ja)"`).MatchString(body) {
			t.Errorf("%s: the search box does not link to help", target)
		}
	}
	body := get(t, s, "/search?hl=te&q="+url.QueryEscape("(Japan")).Body.String()
	if !strings.Contains(body, `<div class="notice reading" role="status">`) || !strings.Contains(body, `<a href="/help?hl=te">ప్రశ్న ఎలా రాయాలి</a>`) {
		t.Errorf("the notice of how the query was read does not link to help")
	}
	body = get(t, s, "/search?hl=te&q=Japan&from_date=yesterday").Body.String()
	if !strings.Contains(body, `<p class="notice" role="alert">`) || !strings.Contains(body, `<a href="/help?hl=te">ప్రశ్న ఎలా రాయాలి</a>`) {
		t.Errorf("the error does not link to help")
	}
}
