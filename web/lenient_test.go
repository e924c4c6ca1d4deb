package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Nothing typed in the search box is an error: each of these answers the
// results page, saying how it read the query.
func TestSearchBoxTakesAnything(t *testing.T) {
	s := newTestServer(t)
	for _, q := range []string{
		"Nadu Rice Prices Set:", "*இலங்கை", `"open`, "(Japan", ")))", "AND", "NOT", "~", "*", "j*", "to*kyo",
		"date:2024-13-01 Japan", "colour:red", "lang:", "Japan~9", "()", strings.Repeat("Japan ", 70),
		strings.Repeat("జపాన్", 100), `title:"`,
	} {
		rec := get(t, s, "/search?q="+url.QueryEscape(q))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Searched for:") {
			t.Errorf("%.30q: status %d, notice: %v", q, rec.Code, strings.Contains(rec.Body.String(), "Searched for:"))
		}
	}
	// What the strict reading takes needs no notice.
	for _, q := range []string{"+", "- -", "\x00"} {
		if rec := get(t, s, "/search?q="+url.QueryEscape(q)); rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "Searched for:") {
			t.Errorf("%q: status %d", q, rec.Code)
		}
	}
	if body := get(t, s, "/search?q="+url.QueryEscape("(Nakatani OR Iwaya) AND kind:article")).Body.String(); strings.Contains(body, "Searched for:") {
		t.Errorf("a query read as typed has a notice")
	}
	// The reading links to its own results, which need no mending.
	body := get(t, s, "/search?q="+url.QueryEscape("*Japan Set:")+"&lang=en").Body.String()
	if !strings.Contains(body, `href="/search?lang=en&amp;q=Japan&#43;Set"`) || !strings.Contains(body, "<mark>Japan</mark>") {
		t.Errorf("the reading of *Japan Set: does not link to its results, or found nothing:\n%.3000s", body)
	}
}

func TestAPIIsStrictUnlessAskedToBeLenient(t *testing.T) {
	s := newTestServer(t)
	q := url.QueryEscape("*Japan Set:")
	if rec := get(t, s, "/api/v1/search?q="+q); rec.Code != http.StatusBadRequest {
		t.Errorf("strict: status %d, want 400", rec.Code)
	}
	var res struct {
		Total  int
		Notice *struct {
			Query   string
			Changes []string
		}
	}
	rec := get(t, s, "/api/v1/search?lenient=true&q="+q)
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("lenient: %d %s", rec.Code, rec.Body)
	}
	if res.Total == 0 || res.Notice == nil || res.Notice.Query != "Japan Set" || len(res.Notice.Changes) != 2 ||
		!strings.Contains(res.Notice.Changes[1], `"Set:" at position 8 is not a field: read as a word`) {
		t.Errorf("lenient: total %d, notice %+v", res.Total, res.Notice)
	}
	rec = get(t, s, "/api/v1/search?lenient=true&q=Japan")
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"notice"`) {
		t.Errorf("lenient, read as typed: %d, body has a notice: %s", rec.Code, rec.Body)
	}
	for _, format := range []string{"csv", "jsonl"} {
		if rec := get(t, s, "/api/v1/search?format="+format+"&q="+q); rec.Code != http.StatusBadRequest {
			t.Errorf("strict %s export: status %d, want 400", format, rec.Code)
		}
		if rec := get(t, s, "/api/v1/search?lenient=true&format="+format+"&q="+q); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "eu-japan-partnership-en") {
			t.Errorf("lenient %s export: status %d: %.300s", format, rec.Code, rec.Body)
		}
	}
	if rec := get(t, s, "/api/v1/search?lenient=maybe&q=Japan"); rec.Code != http.StatusBadRequest {
		t.Errorf("lenient=maybe: %d, want 400", rec.Code)
	}
}
