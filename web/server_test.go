package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"pressearch/corpus"
	"pressearch/indexer"
	"pressearch/search"
)

func newTestServer(t testing.TB) *Server {
	t.Helper()
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	return serverOver(t, docs, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// serverOver builds docs into a temporary store and serves them as
// `pressearch serve` does: the generation opened as a live collection,
// the one the documents API writes to, not as a read-only index (the
// engine reads a few things, such as the words it completes and corrects
// from, from each in its own way).
func serverOver(t testing.TB, docs []corpus.Document, log *slog.Logger, opts ...Option) *Server {
	t.Helper()
	store, err := indexer.OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sum, err := store.Build(context.Background(), docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := store.LockWriter()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unlock)
	live, err := store.OpenLive(sum.Generation)
	if err != nil {
		t.Fatal(err)
	}
	e := search.NewEngine()
	if _, err := e.SwapLive(live); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	s, err := New(e, log, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func get(t testing.TB, h http.Handler, target string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestRoutes(t *testing.T) {
	s := newTestServer(t)
	q := url.QueryEscape
	tests := []struct {
		name     string
		target   string
		status   int
		json     bool
		contains []string
	}{
		{"home", "/", 200, false, []string{`<form class="searchbox" role="search"`, `<label for="q"`}},
		{"results in Telugu", "/search?q=" + q("జపాన్"), 200, false,
			[]string{`<mark>జపాన్</mark>`, `href="/doc/eu-japan-partnership-te?`, `lang="te"`, `<details class="filters">`}},
		{"results in English", "/search?q=Japan", 200, false,
			[]string{`href="/doc/eu-japan-partnership-en?`, `<mark>Japan</mark>`}},
		{"no results", "/search?q=zzzqqq", 200, false, []string{"No results", "Nothing matched"}},
		{"a query the box mends", "/search?q=" + q(`"security and defence`), 200, false,
			[]string{"Searched for:", `<code dir="auto">&#34;security and defence&#34;</code>`, "the quote at position 1 was closed at the end", "<mark>"}},
		{"a page that cannot be run", "/search?q=Japan&from_date=yesterday", 400, false, []string{"That search could not be run", "YYYY-MM-DD"}},
		{"document page", "/doc/eu-japan-partnership-te", 200, false,
			[]string{"Related statements (5)", "Also in", `href="/doc/eu-japan-partnership-en?`, `hreflang="ja"`}},
		{"statement page", "/doc/eu-japan-borrell-x-post-te", 200, false, []string{"Part of", `href="/doc/eu-japan-partnership-te?`}},
		{"unknown document page", "/doc/nope", 404, false, []string{"Not found"}},
		{"unknown page", "/nope", 404, false, []string{"Not found"}},
		{"stylesheet", "/static/style.css", 200, false, []string{"Noto Sans Telugu"}},
		{"api search", "/api/v1/search?q=" + q("జపాన్"), 200, true, []string{`"hits":`, `<mark>జపాన్</mark>`}},
		{"api search bad query", "/api/v1/search?q=" + q(`"open`), 400, true, []string{`"code":"invalid_query"`}},
		{"api search bad size", "/api/v1/search?q=x&size=1000", 400, true, []string{`"code":"invalid_query"`, "size"}},
		{"api search size not a number", "/api/v1/search?q=x&size=ten", 400, true, []string{`"code":"invalid_query"`}},
		{"api search too deep", "/api/v1/search?q=x&from=9995&size=10", 400, true, []string{"10000"}},
		{"api doc", "/api/v1/docs/eu-japan-partnership-te", 200, true, []string{`"related":[{"id":`, `"translations":[{"id":`}},
		{"api doc unknown", "/api/v1/docs/nope", 404, true, []string{`"code":"not_found"`}},
		{"api analyze", "/api/v1/analyze?lang=te&text=" + q("రష్యాతో 2022లో"), 200, true, []string{`"tokens":[`, `"term":"2022"`}},
		{"api analyze without text", "/api/v1/analyze?lang=te", 400, true, []string{`"code":"invalid_query"`}},
		{"api unknown route", "/api/v1/nope", 404, true, []string{`"code":"not_found"`}},
		{"api suggest", "/api/v1/suggest?q=" + q("జపా"), 200, true, []string{`"suggestions":[`, `"జపాన్"`}},
		{"api suggest empty", "/api/v1/suggest?q=", 200, true, []string{`"suggestions":[]`}},
		{"an article shows its statements", "/search?q=" + q("జపాన్"), 200, false, []string{"5 related statements"}},
		{"a statement shows its article", "/search?q=" + q("సోషల్") + "&kind=statement", 200, false, []string{"Part of: <a href=\"/doc/eu-japan-partnership-te?"}},
		{"healthz", "/healthz", 200, true, []string{`"status":"ok"`}},
		{"readyz", "/readyz", 200, true, []string{`"status":"ready"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, s, tt.target)
			if rec.Code != tt.status {
				t.Errorf("status %d, want %d; body %s", rec.Code, tt.status, rec.Body)
			}
			ct := rec.Header().Get("Content-Type")
			if tt.json && ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type %q, want JSON", ct)
			}
			if tt.json && !json.Valid(rec.Body.Bytes()) {
				t.Errorf("body is not JSON: %s", rec.Body)
			}
			if !tt.json && strings.HasPrefix(tt.target, "/static") == false && !strings.HasPrefix(ct, "text/html") {
				t.Errorf("Content-Type %q, want HTML", ct)
			}
			for _, c := range tt.contains {
				if !strings.Contains(rec.Body.String(), c) {
					t.Errorf("body lacks %q:\n%.2000s", c, rec.Body)
				}
			}
			if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
				t.Errorf("Content-Security-Policy %q", csp)
			}
			if strings.Contains(rec.Body.String(), "<script>") {
				t.Errorf("the page has an inline script")
			}
		})
	}
}

func TestAPISearchShape(t *testing.T) {
	s := newTestServer(t)
	rec := get(t, s, "/api/v1/search?q="+url.QueryEscape("జపాన్"))
	var res struct {
		Query  string  `json:"query"`
		Total  int     `json:"total"`
		TookMS float64 `json:"took_ms"`
		Hits   []struct {
			ID, Title, Lang, Date, Source, Kind string
			Score                               float64
			Snippets                            []string
		} `json:"hits"`
		Facets map[string][]struct {
			Value string
			Count int
		} `json:"facets"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if res.Query != "జపాన్" || res.Total == 0 || len(res.Hits) == 0 {
		t.Fatalf("response %+v", res)
	}
	h := res.Hits[0]
	if h.ID != "eu-japan-partnership-te" || h.Lang != "te" || h.Date != "2024-11-01" || h.Kind != "article" ||
		h.Source == "" || h.Score <= 0 || h.Title == "" {
		t.Errorf("first hit %+v", h)
	}
	if !strings.Contains(strings.Join(h.Snippets, ""), "<mark>జపాన్</mark>") {
		t.Errorf("snippets %q lack <mark>జపాన్</mark>", h.Snippets)
	}
	for _, f := range []string{"lang", "source", "kind"} {
		if len(res.Facets[f]) == 0 {
			t.Errorf("facet %s missing", f)
		}
	}
}

// explain=true adds the plan and each hit's explanation; without it the
// answer has neither.
func TestAPISearchExplain(t *testing.T) {
	s := newTestServer(t)
	for _, explain := range []bool{false, true} {
		target := "/api/v1/search?q=" + url.QueryEscape("జపాన్ రష్యా")
		if explain {
			target += "&explain=true"
		}
		rec := get(t, s, target)
		var res map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || rec.Code != http.StatusOK {
			t.Fatalf("explain %v: %d %v", explain, rec.Code, err)
		}
		plan, hasPlan := res["plan"].([]any)
		hits, _ := res["hits"].([]any)
		if hasPlan != explain || (explain && len(plan) == 0) || len(hits) == 0 {
			t.Fatalf("explain %v: plan %v, %d hits", explain, res["plan"], len(hits))
		}
		for _, h := range hits {
			hit := h.(map[string]any)
			x, ok := hit["explanation"].(map[string]any)
			if ok != explain {
				t.Errorf("explain %v: hit %v has explanation %v", explain, hit["id"], ok)
			}
			v, _ := x["value"].(float64)
			score, _ := hit["score"].(float64)
			if ok && (math.Abs(v-score) > 1e-9 || x["description"] == "" || x["details"] == nil) {
				t.Errorf("hit %v scores %v, explanation %v", hit["id"], hit["score"], x)
			}
		}
	}
}

func TestResultsPagePagingAndFacetLinks(t *testing.T) {
	s := newTestServer(t)
	rec := get(t, s, "/search?q=EU&lang=te")
	body := rec.Body.String()
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	if strings.Contains(body, `<h2><a href="/doc/eu-japan-partnership-en?`) {
		t.Errorf("the lang=te filter let an English document through")
	}
	if rec := get(t, s, "/search?q=EU&page=x"); rec.Code != 400 {
		t.Errorf("page not a number: status %d, want 400", rec.Code)
	}
}

// Chosen filters show as chips that remove them, a chosen facet value links
// to the results without it, and a value no document has still shows, with
// its way out.
func TestResultsFiltersUndo(t *testing.T) {
	s := newTestServer(t)
	q := url.QueryEscape
	tests := []struct {
		name, target string
		contains     []string
		lacks        []string
	}{
		{"a chosen language is a chip and toggles off", "/search?q=EU&lang=te", []string{
			`<ul class="chips" aria-label="Active filters">`,
			`<a class="chip" href="/search?q=EU" aria-label="Remove filter: Language: Telugu">Language: Telugu<span class="x" aria-hidden="true">×</span></a>`,
			`<li><a href="/search?q=EU" aria-current="true">Telugu<span class="x" aria-hidden="true"> ×</span><span class="visually-hidden"> (remove)</span></a>`,
			`<span class="count">(1)</span>`,
		}, []string{`Clear all`, `href="/search?lang=te&amp;q=EU" aria-current="true">Telugu`}},
		{"an unknown value is a chip with its way out", "/search?q=EU&lang=xx", []string{
			`No results for “EU”`, "Remove a filter",
			`<a class="chip" href="/search?q=EU" aria-label="Remove filter: Language: xx">`,
		}, nil},
		{"an unknown kind too", "/search?q=EU&kind=memo", []string{
			`<a class="chip" href="/search?q=EU" aria-label="Remove filter: Kind: memo">`,
		}, nil},
		{"a chosen year is one chip and toggles off", "/search?q=EU&from_date=2024-01-01&to_date=2024-12-31", []string{
			`<a class="chip" href="/search?q=EU" aria-label="Remove filter: Year: 2024">`,
			`<li><a href="/search?q=EU" aria-current="true">2024<span class="x"`,
			`<input type="date" id="from_date" name="from_date" value="2024-01-01">`,
		}, nil},
		{"a date range is a chip a bound", "/search?q=EU&from_date=2024-10-01", []string{
			`<a class="chip" href="/search?q=EU" aria-label="Remove filter: Date: from 2024-10-01">`,
			`<a href="/search?from_date=2024-01-01&amp;q=EU&amp;to_date=2024-12-31">2024</a>`,
		}, nil},
		{"two filters and a clear-all", "/search?q=EU&lang=te&kind=statement&sort=date", []string{
			`<a class="chip" href="/search?kind=statement&amp;q=EU&amp;sort=date" aria-label="Remove filter: Language: Telugu">`,
			`<a class="chip" href="/search?lang=te&amp;q=EU&amp;sort=date" aria-label="Remove filter: Kind: statement">`,
			`<a class="clear" href="/search?q=EU&amp;sort=date">Clear all filters</a>`,
			`<span class="count">(2)</span>`,
		}, nil},
		{"sort is a control", "/search?q=EU&sort=date", []string{
			`<a href="/search?q=EU">Relevance</a>`,
			`<a href="/search?q=EU&amp;sort=date" aria-current="true">Newest first</a>`,
		}, nil},
		{"the date form carries the other parameters", "/search?q=EU&lang=te&sort=date&hl=en&page=2", []string{
			`<input type="hidden" name="q" value="EU">`, `<input type="hidden" name="lang" value="te">`,
			`<input type="hidden" name="sort" value="date">`, `<input type="hidden" name="hl" value="en">`,
			`<input type="date" id="to_date" name="to_date" value="">`,
		}, []string{`name="page"`}},
		{"languages by name in Japanese", "/search?q=EU&hl=ja", []string{`>テルグ語</a>`, `>英語</a>`}, []string{`>te</a>`}},
		{"languages by name in Telugu", "/search?q=EU&hl=te&lang=te", []string{`>తెలుగు<span class="x"`, `భాష: తెలుగు`}, nil},
		{"a page past the end says how many there are", "/search?q=EU&page=50", []string{
			`Page 50 is past the end`, `There is only 1 page.`, `<a href="/search?page=1&amp;q=EU">Go to the last page (1)</a>`,
		}, []string{`Page 50 of`, `class="hit"`, "Nothing matched"}},
		{"a page past the deepest one too", "/search?q=EU&page=5000", []string{
			`Page 5,000 is past the end`, `<a href="/search?page=1&amp;q=EU">`,
		}, []string{`class="hit"`}},
		{"past the end in Telugu", "/search?q=" + q("జపాన్") + "&page=9&hl=te", []string{`9 వ పేజీ ఫలితాల చివరను దాటింది`, `1 పేజీ మాత్రమే ఉంది.`}, nil},
		{"bad dates keep the form", "/search?q=EU&from_date=2024-12-01&to_date=2024-01-01&hl=ja", []string{
			`開始日 2024-12-01 が終了日 2024-01-01 より後です`, `<input type="date" id="from_date" name="from_date" value="2024-12-01">`,
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, s, tt.target)
			body := rec.Body.String()
			for _, c := range tt.contains {
				if !strings.Contains(body, c) {
					t.Errorf("page lacks %s", c)
				}
			}
			for _, c := range tt.lacks {
				if strings.Contains(body, c) {
					t.Errorf("page has %s", c)
				}
			}
			if t.Failed() {
				t.Logf("%s", body)
			}
		})
	}
}

type notReady struct{ Engine }

func (notReady) Ready() bool { return false }

func TestReadyzWithoutIndex(t *testing.T) {
	s, err := New(notReady{search.NewEngine()}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if rec := get(t, s, "/readyz"); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("readyz without an index: %d, want 503", rec.Code)
	}
	if rec := get(t, s, "/healthz"); rec.Code != http.StatusOK {
		t.Errorf("healthz without an index: %d, want 200", rec.Code)
	}
}

// emptyIndex is an engine whose current generation holds no documents.
type emptyIndex struct{ Engine }

func (emptyIndex) Ready() bool { return true }
func (emptyIndex) Info() search.Info {
	return search.Info{Generation: 4}
}

// An index with no documents is not ready: it would answer every search
// with nothing.
func TestReadyzWithEmptyIndex(t *testing.T) {
	s, err := New(emptyIndex{search.NewEngine()}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	rec := get(t, s, "/readyz")
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "gen-000004 holds no documents") {
		t.Errorf("readyz over an empty generation: %d %s, want 503 naming it", rec.Code, rec.Body)
	}
	if rec := get(t, newTestServer(t), "/readyz"); rec.Code != http.StatusOK {
		t.Errorf("readyz over the default corpus: %d", rec.Code)
	}
}

func TestMethodNotAllowed(t *testing.T) {
	s := newTestServer(t)
	req := httptest.NewRequest(http.MethodPost, "/api/v1/search?q=x", nil)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed || !strings.Contains(rec.Body.String(), "method_not_allowed") {
		t.Errorf("POST search: %d %s", rec.Code, rec.Body)
	}
}

func TestInterfaceLanguage(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		name, target, accept string
		lang                 string
		contains             []string
	}{
		{"English by default", "/", "", "en", []string{"Search press releases and news", `aria-current="true">English`}},
		{"Telugu from Accept-Language", "/", "te-IN,te;q=0.9,en;q=0.5", "te", []string{"పత్రికా ప్రకటనలు, వార్తలు వెతకండి", ">వెతకండి</button>"}},
		{"Japanese from Accept-Language", "/", "ja,en;q=0.5", "ja", []string{"プレスリリースとニュースを検索"}},
		{"an unsupported language falls back to English", "/", "fr-FR,fr;q=0.9", "en", []string{"Search press releases and news"}},
		{"hl overrides Accept-Language", "/?hl=ja", "te", "ja", []string{"プレスリリースとニュースを検索"}},
		{"results in Telugu", "/search?q=" + url.QueryEscape("జపాన్") + "&hl=te", "", "te",
			[]string{"“జపాన్” కోసం", "ఫలితాలు", "5 సంబంధిత ప్రకటనలు", ">వ్యాసం<", "ఇతర భాషలలో:"}},
		{"results in Japanese", "/search?q=defence&hl=ja", "", "ja", []string{"「defence」の検索結果 1 件", "他の言語:"}},
		{"one result in English", "/search?q=defence", "", "en", []string{"1 result for “defence”"}},
		{"a document in Japanese", "/doc/eu-japan-partnership-te?hl=ja", "", "ja", []string{"関連する声明（5）", "他の言語"}},
		{"an error in Telugu", "/search?q=Japan&from_date=yesterday&hl=te", "", "te", []string{"ఈ శోధనను అమలు చేయలేకపోయాము", "తేదీ &#34;yesterday&#34; సరైనది కాదు"}},
		{"an error in Japanese", "/search?q=Japan&from_date=yesterday&hl=ja", "", "ja", []string{"この検索は実行できませんでした", "日付 &#34;yesterday&#34; が正しくありません"}},
		{"a reading in Telugu", "/search?q=" + url.QueryEscape(`"open`) + "&hl=te", "", "te", []string{"దీని కోసం వెతికాం:", "1 వ స్థానంలోని కొటేషన్‌ను చివరలో మూసివేశాం"}},
		{"a reading in Japanese", "/search?q=" + url.QueryEscape(`(Japan Set:`) + "&hl=ja", "", "ja", []string{"検索した内容:", "1 文字目の括弧を末尾で閉じました", "8 文字目の &#34;Set:&#34; はフィールドではないため、語として読みました"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tt.target, nil)
			if tt.accept != "" {
				req.Header.Set("Accept-Language", tt.accept)
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			body := rec.Body.String()
			if !strings.Contains(body, `<html lang="`+tt.lang+`">`) {
				t.Errorf("page language is not %s", tt.lang)
			}
			if got := rec.Header().Get("Content-Language"); got != tt.lang {
				t.Errorf("Content-Language %q, want %s", got, tt.lang)
			}
			for _, c := range tt.contains {
				if !strings.Contains(body, c) {
					t.Errorf("page lacks %q", c)
				}
			}
		})
	}
}

func TestHTMLEscapesDocumentsAndQueries(t *testing.T) {
	docs := []corpus.Document{{ID: "xss", Lang: "en", Kind: "article", Source: `<b>Agency</b> & "Co"`,
		Title: `<script>alert("title")</script> & 'quotes'`,
		Body:  `Tom & Jerry said "<script>alert(1)</script>" and </mark> <img src=x onerror=alert(2)> appeared`}}
	s := serverOver(t, docs, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, target := range []string{
		"/search?q=jerry", "/search?q=" + url.QueryEscape("<script>"), "/search?q=" + url.QueryEscape(`"</mark>"`),
		"/search?q=" + url.QueryEscape(`img src=x onerror`), "/doc/xss", "/search?q=" + url.QueryEscape(`"<script>alert(1)`),
	} {
		body := get(t, s, target).Body.String()
		for _, bad := range []string{"<script>alert", "<img", "<b>Agency", `onerror=alert(2)>`} {
			if strings.Contains(body, bad) {
				t.Errorf("%s: page has live markup %q", target, bad)
			}
		}
		if strings.Count(body, "<mark>") != strings.Count(body, "</mark>") {
			t.Errorf("%s: unbalanced marks", target)
		}
	}
}

func TestMetricsAndRequestIDs(t *testing.T) {
	var logs strings.Builder
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	s := serverOver(t, docs, slog.New(slog.NewTextHandler(&logs, nil)))
	get(t, s, "/api/v1/search?q="+url.QueryEscape("జపాన్"))
	get(t, s, "/search?q=Japan")
	get(t, s, "/nope")
	body := get(t, s, "/metrics").Body.String()
	for _, want := range []string{
		`pressearch_http_requests_total{route="/api/v1/search",status="200"} 1`,
		`pressearch_http_requests_total{route="/search",status="200"} 1`,
		`pressearch_http_requests_total{route="unmatched",status="404"} 1`,
		`pressearch_http_request_duration_seconds_count{route="/api/v1/search"} 1`,
		`pressearch_search_duration_seconds_count 2`,
		`pressearch_index_documents 8`,
		`pressearch_index_generation 1`,
		`pressearch_last_reindex_duration_seconds`,
		// The default corpus as built, not written since.
		"pressearch_index_segments 1\n",
		"pressearch_index_merges_total 0\n",
		"pressearch_index_refreshes_total 0\n",
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(body, "pressearch_last_reindex_timestamp_seconds 0\n") {
		t.Errorf("the last reindex has no time")
	}

	// A sane request id is echoed; anything else is replaced.
	req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	req.Header.Set("X-Request-ID", "abc-123")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if got := rec.Header().Get("X-Request-ID"); got != "abc-123" {
		t.Errorf("request id %q, want abc-123 echoed", got)
	}
	if !strings.Contains(logs.String(), "request_id=abc-123") {
		t.Errorf("the log lines lack the request id")
	}
	req.Header.Set("X-Request-ID", "<bad id>\n")
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if got := rec.Header().Get("X-Request-ID"); len(got) != 16 || strings.ContainsAny(got, "<> \n") {
		t.Errorf("a bad request id became %q", got)
	}
}

// A near spelling that finds far more is offered on the page, as a link
// that keeps the filters, and in the API.
func TestDidYouMean(t *testing.T) {
	s := newTestServer(t)
	body := get(t, s, "/search?hl=te&lang=te&q="+url.QueryEscape("బొరెల్")).Body.String()
	want := `<p class="dym">మీరు వెతికింది ఇదేనా: <a href="/search?hl=te&amp;lang=te&amp;q=` + url.QueryEscape("బోరెల్") + `" dir="auto">బోరెల్</a></p>`
	if !strings.Contains(body, want) {
		t.Errorf("the page lacks %s", want)
	}
	if body := get(t, s, "/search?q=Japan").Body.String(); strings.Contains(body, `class="dym"`) {
		t.Errorf("a query that finds what it should is offered another")
	}
	for target, want := range map[string]string{
		"/api/v1/search?q=Japn":                               `"did_you_mean":"Japan"`,
		"/api/v1/search?q=" + url.QueryEscape("బద్రత"):        `"did_you_mean":"భద్రత"`,
		"/api/v1/search?q=" + url.QueryEscape("ఖలిసి AND EU"): `"did_you_mean":"కలిసి AND EU"`,
	} {
		if body := get(t, s, target).Body.String(); !strings.Contains(body, want) {
			t.Errorf("%s: %.300s lacks %s", target, body, want)
		}
	}
	if body := get(t, s, "/api/v1/search?q=Japan").Body.String(); strings.Contains(body, "did_you_mean") {
		t.Errorf("did_you_mean where nothing is misspelt: %.300s", body)
	}
}
