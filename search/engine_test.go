package search

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"pressearch/corpus"
	"pressearch/indexer"
)

// newTestEngine builds docs into a temporary store and returns an engine
// over it.
func newTestEngine(t testing.TB, docs []corpus.Document) *Engine {
	t.Helper()
	e, _, err := BuildEngine(context.Background(), t.TempDir(), docs, indexer.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func defaultEngine(t testing.TB) *Engine {
	t.Helper()
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	return newTestEngine(t, docs)
}

func ids(hits []Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID
	}
	return out
}

// SearchCase is a search over the default corpus and what users rely on
// in its answer. The same cases run on every backend: on Bleve here, on
// OpenSearch in TestSearchCasesOnOpenSearch.
type SearchCase struct {
	Name      string
	Req       Request
	First     string // the id that must rank first
	Mark      string // a snippet of the first hit must contain this
	Contains  []string
	Excludes  []string
	WantTotal int // 0: any; -1: none
}

// SearchCases are the cases of the default corpus.
var SearchCases = []SearchCase{
	{Name: "Telugu word finds the seed article first", Req: Request{Query: "జపాన్"},
		First: "eu-japan-partnership-te", Mark: "<mark>జపాన్</mark>"},
	{Name: "English word finds the English translation", Req: Request{Query: "Japan"},
		First: "eu-japan-partnership-en", Mark: "<mark>Japan</mark>"},
	{Name: "Japanese word finds the Japanese translation", Req: Request{Query: "防衛"},
		First: "eu-japan-partnership-ja", Mark: "<mark>"},
	{Name: "a statement's words find it", Req: Request{Query: "సోషల్ మీడియా"},
		Contains: []string{"eu-japan-borrell-x-post-te", "eu-japan-partnership-te"}},
	{Name: "lang filter", Req: Request{Query: "EU", Lang: "en"},
		Contains: []string{"eu-japan-partnership-en"}, Excludes: []string{"eu-japan-partnership-te", "eu-japan-partnership-ja"}},
	{Name: "kind filter", Req: Request{Query: "బోరెల్", Kind: "statement"},
		Excludes: []string{"eu-japan-partnership-te"}},
	{Name: "field filter in the query", Req: Request{Query: "బోరెల్ kind:article lang:te"},
		Contains: []string{"eu-japan-partnership-te"}, WantTotal: 1},
	{Name: "exclusion", Req: Request{Query: "జపాన్ -సోషల్"},
		// The article quotes the post on social media, so it goes too.
		Excludes: []string{"eu-japan-borrell-x-post-te", "eu-japan-partnership-te"},
		Contains: []string{"eu-japan-mod-statement-te"}},
	{Name: "phrase", Req: Request{Query: `"security and defence partnership"`},
		Contains: []string{"eu-japan-partnership-en"}, WantTotal: 1, Mark: "<mark>security</mark> and <mark>defence</mark>"},
	{Name: "Latin name finds and marks it in Telugu", Req: Request{Query: "borrell", Lang: "te"},
		First: "eu-japan-partnership-te", Mark: "<mark>బోరెల్</mark>"},
	{Name: "date range that excludes everything", Req: Request{Query: "Japan", FromDate: "2025-01-01"}, WantTotal: -1},
	{Name: "date range that includes the day", Req: Request{Query: "Japan", FromDate: "2024-11-01", ToDate: "2024-11-01"},
		Contains: []string{"eu-japan-partnership-en"}},
	{Name: "no match", Req: Request{Query: "zzzqqq"}, WantTotal: -1},
	{Name: "OR across languages", Req: Request{Query: "(Nakatani OR 岩屋) -lang:te"},
		Contains: []string{"eu-japan-partnership-en", "eu-japan-partnership-ja"}, WantTotal: 2},
	{Name: "AND needs both", Req: Request{Query: "Borrell AND Nakatani"},
		// Nakatani and Borrell are written in the Telugu article and the
		// defence ministry's statement too.
		Contains: []string{"eu-japan-partnership-en", "eu-japan-partnership-te", "eu-japan-mod-statement-te"}, WantTotal: 3},
	{Name: "AND with nothing in common", Req: Request{Query: "Nakatani AND 岩屋"}, WantTotal: -1},
	{Name: "NOT", Req: Request{Query: "బోరెల్ NOT సోషల్"},
		Excludes: []string{"eu-japan-borrell-x-post-te", "eu-japan-partnership-te"}, Contains: []string{"eu-japan-borrell-remarks-te"}},
	{Name: "parentheses", Req: Request{Query: "(Nakatani OR Iwaya) AND kind:article AND lang:en"},
		Contains: []string{"eu-japan-partnership-en"}, WantTotal: 1},
	{Name: "prefix", Req: Request{Query: "జపా*"}, First: "eu-japan-partnership-te", Mark: "<mark>జపాన్</mark>"},
	{Name: "prefix in English", Req: Request{Query: "nakat*"}, Contains: []string{"eu-japan-partnership-en"}},
	{Name: "fuzzy", Req: Request{Query: "Borell~"}, Contains: []string{"eu-japan-partnership-en"}},
	{Name: "date in the query", Req: Request{Query: "Japan date:>=2024-11-01"}, Contains: []string{"eu-japan-partnership-en"}},
	{Name: "date in the query that excludes", Req: Request{Query: "Japan date:<2024-11-01"}, WantTotal: -1},
	{Name: "date range in the query", Req: Request{Query: "Japan date:2024-10-01..2024-11-30"}, Contains: []string{"eu-japan-partnership-en"}},
	{Name: "filters alone browse", Req: Request{Query: "kind:statement"}, WantTotal: 5},
	{Name: "title only", Req: Request{Query: "title:పోస్ట్"}, Contains: []string{"eu-japan-borrell-x-post-te"}, WantTotal: 1},
}

func TestSearchDefaultCorpus(t *testing.T) {
	e := defaultEngine(t)
	for _, tt := range SearchCases {
		t.Run(tt.Name, func(t *testing.T) { tt.Check(t, e) })
	}
}

// Check runs the case's search on e and checks the answer; it returns the
// answer for comparisons across backends.
func (tt SearchCase) Check(t *testing.T, e *Engine) *Result {
	t.Helper()
	res, err := e.Search(context.Background(), tt.Req)
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	got := ids(res.Hits)
	if tt.WantTotal == -1 && res.Total != 0 || tt.WantTotal > 0 && res.Total != uint64(tt.WantTotal) {
		t.Errorf("total %d (%v), want %d", res.Total, got, tt.WantTotal)
	}
	if tt.First != "" {
		if len(got) == 0 || got[0] != tt.First {
			t.Fatalf("hits %v, want %s first", got, tt.First)
		}
	}
	if tt.Mark != "" && !strings.Contains(strings.Join(res.Hits[0].Snippets, " "), tt.Mark) {
		t.Errorf("snippets %q lack %s", res.Hits[0].Snippets, tt.Mark)
	}
	has := map[string]bool{}
	for _, id := range got {
		has[id] = true
	}
	for _, id := range tt.Contains {
		if !has[id] {
			t.Errorf("hits %v lack %s", got, id)
		}
	}
	for _, id := range tt.Excludes {
		if has[id] {
			t.Errorf("hits %v include %s", got, id)
		}
	}
	return res
}

// DefaultEngine is an engine over the default corpus on Bleve, for tests
// outside the package.
func DefaultEngine(t testing.TB) *Engine { return defaultEngine(t) }

func TestSearchStatementShowsItsArticle(t *testing.T) {
	e := defaultEngine(t)
	res, err := e.Search(context.Background(), Request{Query: "సోషల్", Kind: "statement"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 {
		t.Fatal("no statement found")
	}
	h := res.Hits[0]
	if len(h.Related) != 1 || h.Related[0].ID != "eu-japan-partnership-te" || h.Related[0].Lang != "te" ||
		!strings.HasPrefix(h.Related[0].Title, "ప్రాంతీయ బెదిరింపులకు") {
		t.Errorf("statement %s related %+v, want the seed article with its title", h.ID, h.Related)
	}
}

func TestSearchFacets(t *testing.T) {
	e := defaultEngine(t)
	res, err := e.Search(context.Background(), Request{Query: "EU"})
	if err != nil {
		t.Fatal(err)
	}
	count := func(facet, value string) int {
		for _, v := range res.Facets[facet] {
			if v.Value == value {
				return v.Count
			}
		}
		return 0
	}
	// Count what the facets should say from the hits themselves.
	all, err := e.Search(context.Background(), Request{Query: "EU", Size: MaxSize})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]int{"lang": {}, "kind": {}, "year": {}}
	for _, h := range all.Hits {
		want["lang"][h.Lang]++
		want["kind"][h.Kind]++
		want["year"][h.Date[:4]]++
	}
	for facet, values := range want {
		for v, n := range values {
			if got := count(facet, v); got != n {
				t.Errorf("facet %s=%s: %d, want %d", facet, v, got, n)
			}
		}
	}
	if count("lang", "te") == 0 || count("lang", "en") != 1 || count("lang", "ja") != 1 {
		t.Errorf("lang facet %+v: want te, one en and one ja", res.Facets["lang"])
	}
}

func TestSearchInvalidRequests(t *testing.T) {
	e := defaultEngine(t)
	tests := []struct {
		name string
		req  Request
		msg  string
	}{
		{"size too big", Request{Query: "x", Size: MaxSize + 1}, "size"},
		{"negative from", Request{Query: "x", From: -1}, "from"},
		{"window too deep", Request{Query: "x", From: MaxWindow, Size: 10}, "10000"},
		{"bad sort", Request{Query: "x", Sort: "random"}, "sort"},
		{"bad date", Request{Query: "x", FromDate: "2024-02-30"}, "date"},
		{"dates reversed", Request{Query: "x", FromDate: "2025-01-01", ToDate: "2024-01-01"}, "after"},
		{"unterminated phrase", Request{Query: `"abc`}, "position 1"},
		{"unknown field", Request{Query: `colour:blue`}, "unknown field"},
		{"too long", Request{Query: strings.Repeat("a", maxQueryBytes+1)}, "bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.Search(context.Background(), tt.req)
			if ErrorCode(err) != CodeInvalid || !strings.Contains(ErrorMessage(err), tt.msg) {
				t.Errorf("got %v (code %s), want invalid_query mentioning %q", err, ErrorCode(err), tt.msg)
			}
		})
	}
}

func TestSearchPagingIsStable(t *testing.T) {
	var docs []corpus.Document
	for i := 0; i < 25; i++ {
		// Identical documents: every score ties, and paging must still
		// give each exactly once, in the same order every time.
		docs = append(docs, corpus.Document{ID: "tie-" + string(rune('a'+i)), Lang: "en", Title: "same",
			Body: "identical text", Kind: "press-release"})
	}
	e := newTestEngine(t, docs)
	page := func() []string {
		var seen []string
		for from := 0; from < 25; from += 10 {
			res, err := e.Search(context.Background(), Request{Query: "identical", From: from, Size: 10})
			if err != nil {
				t.Fatal(err)
			}
			seen = append(seen, ids(res.Hits)...)
		}
		return seen
	}
	first := page()
	unique := map[string]bool{}
	for _, id := range first {
		unique[id] = true
	}
	if len(first) != 25 || len(unique) != 25 {
		t.Fatalf("paged through %d hits, %d distinct; want 25 and 25", len(first), len(unique))
	}
	all, err := e.Search(context.Background(), Request{Query: "identical", Size: 25})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(ids(all.Hits), ","), strings.Join(first, ","); got != want {
		t.Errorf("one page of 25 and three pages differ:\n%s\n%s", got, want)
	}
	if again := page(); strings.Join(again, ",") != strings.Join(first, ",") {
		t.Errorf("the order of ties changed between two runs")
	}
}

func TestDocument(t *testing.T) {
	e := defaultEngine(t)
	d, err := e.Document(context.Background(), "eu-japan-partnership-te", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Related) != 5 {
		t.Errorf("article has %d related, want its 5 statements", len(d.Related))
	}
	langs := map[string]bool{}
	for _, tr := range d.Translations {
		langs[tr.Lang] = true
	}
	if len(d.Translations) != 2 || !langs["en"] || !langs["ja"] {
		t.Errorf("translations %+v, want en and ja", d.Translations)
	}
	en, err := e.Document(context.Background(), "eu-japan-partnership-en", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(en.Translations) != 2 || en.TranslationOf != "eu-japan-partnership-te" {
		t.Errorf("English translation: translations %+v, translation_of %q", en.Translations, en.TranslationOf)
	}
	st, err := e.Document(context.Background(), "eu-japan-eu-statement-te", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Related) != 1 || st.Related[0].ID != "eu-japan-partnership-te" {
		t.Errorf("statement related %+v, want the article", st.Related)
	}
	if _, err := e.Document(context.Background(), "no-such-doc", false); ErrorCode(err) != CodeNotFound {
		t.Errorf("unknown id: got %v, want not_found", err)
	}
}

func TestStoredTextIsNFC(t *testing.T) {
	// ె + ౖ written apart is canonically ై; a page must show the NFC form.
	e := newTestEngine(t, []corpus.Document{{ID: "nfc", Lang: "te", Title: "కై\u0c46\u0c56",
		Body: "కె\u0c56లాసం", Kind: "article"}})
	d, err := e.Document(context.Background(), "nfc", false)
	if err != nil {
		t.Fatal(err)
	}
	if d.Body != "కైలాసం" {
		t.Errorf("stored body %q, want NFC %q", d.Body, "కైలాసం")
	}
}

func TestNotReady(t *testing.T) {
	e := NewEngine()
	if e.Ready() {
		t.Error("an engine without an index says it is ready")
	}
	if _, err := e.Search(context.Background(), Request{Query: "x"}); ErrorCode(err) != CodeUnavailable {
		t.Errorf("search without an index: got %v, want unavailable", err)
	}
}

func TestMain(m *testing.M) {
	os.Exit(m.Run())
}

func TestFacetsAndFiltersOnFixture(t *testing.T) {
	docs := []corpus.Document{
		{ID: "a", Lang: "en", Title: "Fisheries report", Body: "fisheries harbour", Date: "2024-03-01", Source: "Ministry A", Kind: "press-release"},
		{ID: "b", Lang: "en", Title: "Harbour works", Body: "harbour dredging", Date: "2025-03-01", Source: "Ministry B", Kind: "press-release"},
		{ID: "c", Lang: "te", Title: "ఓడరేవు పనులు", Body: "ఓడరేవు harbour", Date: "2025-04-01", Source: "Ministry A", Kind: "statement"},
		{ID: "d", Lang: "en", Title: "Harbour statement", Body: "harbour statement", Date: "2025-05-01", Source: "Ministry A", Kind: "statement"},
		{ID: "e", Lang: "en", Title: "Unrelated", Body: "budget", Date: "2025-06-01", Source: "Ministry C", Kind: "press-release"},
	}
	e := newTestEngine(t, docs)
	count := func(res *Result, facet, value string) int {
		for _, v := range res.Facets[facet] {
			if v.Value == value {
				return v.Count
			}
		}
		return 0
	}
	res, err := e.Search(context.Background(), Request{Query: "harbour"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 4 || count(res, "source", "Ministry A") != 3 || count(res, "source", "Ministry B") != 1 ||
		count(res, "year", "2025") != 3 || count(res, "year", "2024") != 1 || count(res, "lang", "te") != 1 ||
		count(res, "kind", "statement") != 2 || count(res, "source", "Ministry C") != 0 {
		t.Errorf("facets %+v (total %d)", res.Facets, res.Total)
	}
	// Filters combine, and the facets count within them.
	res, err = e.Search(context.Background(), Request{Query: "harbour", Source: "Ministry A", Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ids(res.Hits), ","); res.Total != 2 || !strings.Contains(got, "a") || !strings.Contains(got, "d") {
		t.Errorf("source and lang filters: %s", got)
	}
	if count(res, "source", "Ministry B") != 0 || count(res, "lang", "te") != 0 {
		t.Errorf("facets ignore the filters: %+v", res.Facets)
	}
	// Date range and sort by date, newest first.
	res, err = e.Search(context.Background(), Request{Query: "harbour", FromDate: "2025-01-01", Sort: "date"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ids(res.Hits), ","); got != "d,c,b" {
		t.Errorf("2025 by date: %s, want d,c,b", got)
	}
}

func TestExactFormRanksFirst(t *testing.T) {
	// Two documents alike but for the form of the word: the one with the
	// form the query uses comes first, and the other is still found.
	e := newTestEngine(t, []corpus.Document{
		{ID: "a-other", Lang: "te", Title: "వార్త", Body: "సైనిక సహకారం రష్యాకు పెరిగింది", Kind: "article"},
		{ID: "b-exact", Lang: "te", Title: "వార్త", Body: "సైనిక సహకారం రష్యాతో పెరిగింది", Kind: "article"},
	})
	res, err := e.Search(context.Background(), Request{Query: "రష్యాతో"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ids(res.Hits), ","); got != "b-exact,a-other" {
		t.Errorf("hits %s, want b-exact,a-other", got)
	}
	if res.Hits[0].Score <= res.Hits[1].Score {
		t.Errorf("scores %v and %v: the exact form should score higher", res.Hits[0].Score, res.Hits[1].Score)
	}
}

func TestHostileQueries(t *testing.T) {
	// 1,500 words that share a prefix: far more than a prefix expands to.
	var b strings.Builder
	for i := 0; i < 1500; i++ {
		fmt.Fprintf(&b, "ab%04d ", i)
	}
	e := newTestEngine(t, []corpus.Document{{ID: "many", Lang: "en", Title: "t", Body: b.String(), Kind: "article"}})
	tests := []struct {
		name, q string
		code    string
	}{
		{"prefix with many terms", "ab*", ""},
		{"fine prefix", "ab149*", ""},
		{"too long", strings.Repeat("x", 2000), CodeInvalid},
		{"too many words", strings.Repeat("w ", 70), CodeInvalid},
		{"deep parentheses", strings.Repeat("(", 300) + "x" + strings.Repeat(")", 300), ""},
		{"invalid UTF-8", "ab\xff\xfe", ""},
		{"control characters", "ab\x00\x01", ""},
	}
	for _, tt := range tests {
		_, err := e.Search(context.Background(), Request{Query: tt.q})
		if tt.code == "" && err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if tt.code != "" && ErrorCode(err) != tt.code {
			t.Errorf("%s: got %v (%s), want %s", tt.name, err, ErrorCode(err), tt.code)
		}
	}
	// A search past its deadline is unavailable, not an internal error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Search(ctx, Request{Query: "ab0001"}); ErrorCode(err) != CodeUnavailable {
		t.Errorf("cancelled search: %v, want unavailable", err)
	}
}

func TestHitsListTheirTranslations(t *testing.T) {
	e := defaultEngine(t)
	for _, tt := range []struct{ q, id, want string }{
		{"జపాన్", "eu-japan-partnership-te", "en,ja"},
		{"Japan", "eu-japan-partnership-en", "ja,te"},
		{"బోరెల్", "eu-japan-borrell-remarks-te", ""},
	} {
		res, err := e.Search(context.Background(), Request{Query: tt.q, Size: MaxSize})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			if h.ID != tt.id {
				continue
			}
			var langs []string
			for _, r := range h.Translations {
				langs = append(langs, r.Lang)
			}
			if got := strings.Join(langs, ","); got != tt.want {
				t.Errorf("%s: translations in %q, want %q", tt.id, got, tt.want)
			}
		}
	}
}

func TestNamesAcrossScripts(t *testing.T) {
	e := defaultEngine(t)
	tests := []struct {
		q, id, mark string // mark: the word the hit must highlight
	}{
		{"borrell", "eu-japan-partnership-te", "<mark>బోరెల్</mark>"},
		{"tokyo", "eu-japan-partnership-te", "<mark>టోక్యోలో</mark>"},
		{"iwaya", "eu-japan-partnership-te", "<mark>ఇవాయాతో</mark>"},
		{"nakatani", "eu-japan-partnership-te", "<mark>నకాటానిని</mark>"},
		{"ukraine", "eu-japan-partnership-te", "<mark>ఉక్రెయిన్కు</mark>"},
		{"జపాన్", "eu-japan-partnership-en", "<mark>Japan</mark>"},
		{"టోక్యో", "eu-japan-partnership-en", "<mark>Tokyo</mark>"},
	}
	for _, tt := range tests {
		res, err := e.Search(context.Background(), Request{Query: tt.q, Size: MaxSize})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range res.Hits {
			if h.ID == tt.id {
				found = true
				if !strings.Contains(strings.Join(h.Snippets, " "), tt.mark) {
					t.Errorf("%s: %s found but its snippets lack %s: %q", tt.q, tt.id, tt.mark, h.Snippets)
				}
			}
		}
		if !found {
			t.Errorf("%s does not find %s: %v", tt.q, tt.id, ids(res.Hits))
		}
		// The query's own script still comes first.
		if len(res.Hits) > 0 && translitScript(res.Hits[0].Lang) == translitScript(tt.id[len(tt.id)-2:]) {
			t.Errorf("%s: the first hit %s is in the other script", tt.q, res.Hits[0].ID)
		}
	}
	// Words that only look like a name find nothing across scripts.
	for _, q := range []string{"take", "seoul", "borneo"} {
		res, err := e.Search(context.Background(), Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			if h.Lang == "te" {
				t.Errorf("%s finds the Telugu %s", q, h.ID)
			}
		}
	}
}

func translitScript(lang string) string {
	if lang == "te" {
		return "te"
	}
	return "latin"
}
