package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"pressearch/corpus"
)

// A document under embargo (publish_at) is seen by no reader: not in the
// results page's hits, counts, years or "did you mean", not in the Atom
// feed, an export or the completions, not as a page of its own, and not
// named by a document that links to it as related or as its translation.
// A page or feed asking for include_embargoed is not a writer and gets
// nothing more.
func TestEmbargoedHiddenFromPagesAndFeeds(t *testing.T) {
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	const until = "2099-01-01T00:00:00Z"
	docs = append(docs,
		corpus.Document{ID: "zanzibar-port", Lang: "en", Kind: corpus.KindArticle, Date: "2025-03-01", Source: "Harbour Office",
			Title: "Zanzibar port reopens", Body: "The Zanzibar port reopens to ships on Monday.",
			Related: []string{"zanzibar-communique"}},
		// In a year of its own, with a source and words of its own: each
		// would show if it leaked.
		corpus.Document{ID: "zanzibar-communique", Lang: "en", Kind: corpus.KindStatement, Date: "2019-06-01", Source: "Secret Ministry",
			Title: "Zanzibar summit communique", Body: "Zanzibar summit communique on Pemba, signed in Stone Town.",
			Related: []string{"zanzibar-port"}, PublishAt: until},
		corpus.Document{ID: "zanzibar-port-te", Lang: "te", Kind: corpus.KindArticle, Date: "2025-03-01", Source: "Harbour Office",
			Title: "జాంజిబార్ ఓడరేవు", Body: "జాంజిబార్ ఓడరేవు సోమవారం తెరుచుకుంటుంది.", TranslationOf: "zanzibar-port", PublishAt: until},
	)
	keys := &Keys{}
	if err := keys.Add("desk", writerKey); err != nil {
		t.Fatal(err)
	}
	s := serverOver(t, docs, slog.New(slog.NewTextHandler(io.Discard, nil)), WithWriter(nil, keys))
	// Whatever a reader is shown, none of this may be in it, except as
	// the request itself has it (a 404 names the id asked for).
	secrets := []string{"zanzibar-communique", "communique", "Secret Ministry", "Pemba", "summit", "Stone Town", "2019", "zanzibar-port-te", "జాంజిబార్",
		"Also in:", `id="translations-heading"`, `id="related-heading"`, "related statement"}
	tests := []struct {
		name, target string
		status       int
		contains     []string
	}{
		{"results page", "/search?q=Zanzibar", 200, []string{"1 result for “Zanzibar”", `href="/doc/zanzibar-port?`, `<span class="count">1</span>`}},
		{"results page asking for more", "/search?q=Zanzibar&include_embargoed=true&sort=date", 200, []string{"1 result for “Zanzibar”"}},
		{"results of a filter alone", "/search?source=" + url.QueryEscape("Secret Ministry"), 200, []string{"No results"}},
		{"a year only it has", "/search?q=Zanzibar&from_date=2019-01-01&to_date=2019-12-31", 200, []string{"No results"}},
		{"no spelling from it", "/search?q=Pembo", 200, []string{"No results"}},
		{"the visible document's page", "/doc/zanzibar-port", 200, []string{"Zanzibar port reopens"}},
		{"its own page", "/doc/zanzibar-communique", 404, nil},
		{"its translation's page", "/doc/zanzibar-port-te?hl=te", 404, nil},
		{"feed", "/search.atom?q=Zanzibar", 200, []string{"/doc/zanzibar-port<"}},
		{"feed asking for more", "/search.atom?q=Zanzibar&include_embargoed=true", 200, []string{"/doc/zanzibar-port<"}},
		{"feed of a language", "/search.atom?lang=te&q=" + url.QueryEscape("జాంజిబార్ ఓడరేవు"), 200, nil},
		{"CSV export", "/api/v1/search?q=Zanzibar&format=csv", 200, []string{"zanzibar-port,2025-03-01,en,Harbour Office,article,Zanzibar port reopens"}},
		{"JSON Lines export", "/api/v1/search?q=Zanzibar&format=jsonl&sort=date", 200, []string{`"id":"zanzibar-port"`}},
		{"API", "/api/v1/search?q=Zanzibar", 200, []string{`"total":1,`}},
		{"API document", "/api/v1/docs/zanzibar-communique", 404, []string{`"code":"not_found"`}},
		{"completions of a title", "/api/v1/suggest?q=" + url.QueryEscape("Zanzibar s"), 200, nil},
		{"completions of a word", "/api/v1/suggest?q=Pem", 200, []string{`{"suggestions":[]}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, s, tt.target)
			body := rec.Body.String()
			if rec.Code != tt.status {
				t.Errorf("status %d, want %d", rec.Code, tt.status)
			}
			for _, c := range tt.contains {
				if !strings.Contains(body, c) {
					t.Errorf("lacks %s", c)
				}
			}
			asked, _ := url.QueryUnescape(tt.target)
			for _, c := range secrets {
				if strings.Contains(body, c) && !strings.Contains(asked, c) {
					t.Errorf("shows %q, which only the embargoed documents have", c)
				}
			}
			if t.Failed() {
				t.Logf("%.3000s", body)
			}
		})
	}
	// The feed stays valid, dated by what it shows.
	f := validAtom(t, get(t, s, "/search.atom?q=Zanzibar").Body.Bytes())
	if len(f.Entries) != 1 || f.Updated != "2025-03-01T00:00:00Z" {
		t.Errorf("the feed: %d entries, updated %s; want the visible document alone", len(f.Entries), f.Updated)
	}
}

// writerKey is the write key of the embargo test's server.
const writerKey = "desk-key-0123456789abcdef"

// A writer (with a write key) asking for include_embargoed gets the
// documents under embargo in an export as in a search; without the key,
// a 401.
func TestEmbargoedInAWritersExport(t *testing.T) {
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	docs = append(docs, corpus.Document{ID: "zanzibar-communique", Lang: "en", Kind: corpus.KindStatement,
		Title: "Zanzibar summit communique", Body: "Zanzibar summit communique.", PublishAt: "2099-01-01T00:00:00Z"})
	keys := &Keys{}
	if err := keys.Add("desk", writerKey); err != nil {
		t.Fatal(err)
	}
	s := serverOver(t, docs, slog.New(slog.NewTextHandler(io.Discard, nil)), WithWriter(nil, keys))
	for _, target := range []string{
		"/api/v1/search?q=Zanzibar&include_embargoed=true",
		"/api/v1/search?q=Zanzibar&include_embargoed=true&format=csv",
		"/api/v1/search?q=Zanzibar&include_embargoed=true&format=jsonl",
	} {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Header.Set("Authorization", "Bearer "+writerKey)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "zanzibar-communique") {
			t.Errorf("%s with a write key: %d %.300s", target, rec.Code, rec.Body.String())
		}
		if rec := get(t, s, target); rec.Code != http.StatusUnauthorized {
			t.Errorf("%s without a key: %d, want 401", target, rec.Code)
		}
	}
}
