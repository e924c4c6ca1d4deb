package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"pressearch/corpus"
)

// What a feed reader needs of an Atom 1.0 feed (RFC 4287 4.1): these are
// read with the Atom namespace, so a feed in another namespace reads empty.
type parsedFeed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"http://www.w3.org/2005/Atom id"`
	Title   string   `xml:"http://www.w3.org/2005/Atom title"`
	Updated string   `xml:"http://www.w3.org/2005/Atom updated"`
	Authors []struct {
		Name string `xml:"http://www.w3.org/2005/Atom name"`
	} `xml:"http://www.w3.org/2005/Atom author"`
	Links []struct {
		Rel  string `xml:"rel,attr"`
		Type string `xml:"type,attr"`
		Href string `xml:"href,attr"`
	} `xml:"http://www.w3.org/2005/Atom link"`
	Entries []struct {
		Lang    string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
		ID      string `xml:"http://www.w3.org/2005/Atom id"`
		Title   string `xml:"http://www.w3.org/2005/Atom title"`
		Updated string `xml:"http://www.w3.org/2005/Atom updated"`
		Links   []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"http://www.w3.org/2005/Atom link"`
		Summary struct {
			Type string `xml:"type,attr"`
			Text string `xml:",chardata"`
		} `xml:"http://www.w3.org/2005/Atom summary"`
	} `xml:"http://www.w3.org/2005/Atom entry"`
}

// validAtom checks the rules of RFC 4287 that a feed of search results
// can break, and returns the feed.
func validAtom(t *testing.T, body []byte) parsedFeed {
	t.Helper()
	var f parsedFeed
	if err := xml.Unmarshal(body, &f); err != nil {
		t.Fatalf("the feed is not XML: %v\n%s", err, body)
	}
	absolute := func(what, iri string) {
		if u, err := url.Parse(iri); err != nil || !u.IsAbs() {
			t.Errorf("%s %q is not an absolute IRI", what, iri)
		}
	}
	date := func(what, s string) time.Time {
		d, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Errorf("%s %q is not an RFC 3339 date: %v", what, s, err)
		}
		return d
	}
	absolute("feed id", f.ID)
	if f.Title == "" {
		t.Errorf("the feed has no title")
	}
	updated := date("feed updated", f.Updated)
	self := 0
	for _, l := range f.Links {
		if l.Rel == "self" {
			self++
			absolute("self link", l.Href)
		}
	}
	if self != 1 {
		t.Errorf("%d self links, want 1", self)
	}
	ids := map[string]bool{}
	var last time.Time
	for i, e := range f.Entries {
		absolute("entry id", e.ID)
		if ids[e.ID] {
			t.Errorf("entry id %s twice", e.ID)
		}
		ids[e.ID] = true
		if e.Title == "" {
			t.Errorf("entry %s has no title", e.ID)
		}
		d := date("entry updated", e.Updated)
		if d.After(updated) {
			t.Errorf("entry %s updated %s after the feed, %s", e.ID, e.Updated, f.Updated)
		}
		if i > 0 && d.After(last) {
			t.Errorf("entry %s is newer than the one before it", e.ID)
		}
		last = d
		alternate := false
		for _, l := range e.Links {
			alternate = alternate || l.Rel == "alternate" && strings.Contains(l.Href, "/doc/")
		}
		if !alternate {
			t.Errorf("entry %s has no alternate link to its document", e.ID)
		}
		// Without a feed author, every entry needs one (RFC 4287 4.1.1).
		if len(f.Authors) == 0 {
			t.Errorf("the feed has no author")
		}
	}
	return f
}

func TestFeed(t *testing.T) {
	// More dated documents than a feed carries, in an order of dates that
	// is not their order of ids.
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 30; i++ {
		docs = append(docs, corpus.Document{ID: fmt.Sprintf("release-%02d", i), Lang: "en", Kind: corpus.KindPressRelease,
			Title: fmt.Sprintf("Defence release %d", i), Body: "The ministry on defence cooperation with Japan.",
			Date: fmt.Sprintf("2025-%02d-%02d", 1+i*7%12, 1+i), Source: "Ministry"})
	}
	newest := docs[len(docs)-30]
	for _, d := range docs[len(docs)-30:] {
		if d.Date > newest.Date {
			newest = d
		}
	}
	s := serverOver(t, docs, slog.New(slog.NewTextHandler(io.Discard, nil)))

	rec := get(t, s, "/search.atom?q=defence&hl=ja")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/atom+xml; charset=utf-8" {
		t.Fatalf("status %d, Content-Type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	f := validAtom(t, rec.Body.Bytes())
	if len(f.Entries) != feedSize {
		t.Errorf("%d entries, want the newest %d", len(f.Entries), feedSize)
	}
	if len(f.Entries) > 0 && (f.Entries[0].ID != "http://example.com/doc/"+newest.ID || f.Updated != newest.Date+"T00:00:00Z") {
		t.Errorf("the newest entry is %s, the feed updated %s; want %s of %s", f.Entries[0].ID, f.Updated, newest.ID, newest.Date)
	}
	if f.Title != "「defence」の新着 · pressearch" {
		t.Errorf("title %q, want it in the interface language", f.Title)
	}
	if f.ID != "http://example.com/search.atom?q=defence&hl=ja" {
		t.Errorf("feed id %q", f.ID)
	}

	// Filters narrow the feed; the snippets are its summaries.
	f = validAtom(t, get(t, s, "/search.atom?q="+url.QueryEscape("జపాన్")+"&lang=te").Body.Bytes())
	if len(f.Entries) != 5 {
		t.Errorf("%d Telugu entries for జపాన్, want 5", len(f.Entries))
	}
	for _, e := range f.Entries {
		if e.Lang != "te" {
			t.Errorf("entry %s in %q under lang=te", e.ID, e.Lang)
		}
		if e.Summary.Type != "html" || !strings.Contains(e.Summary.Text, "<mark>") {
			t.Errorf("entry %s summary %q", e.ID, e.Summary.Text)
		}
	}
	// Nothing matched is an empty feed, still valid.
	f = validAtom(t, get(t, s, "/search.atom?q=zzzqqq").Body.Bytes())
	if len(f.Entries) != 0 {
		t.Errorf("%d entries for nothing", len(f.Entries))
	}
	// The query of a results page reads as its box reads it; a bad filter
	// is still a 400.
	if f := validAtom(t, get(t, s, "/search.atom?q="+url.QueryEscape("(defence")).Body.Bytes()); len(f.Entries) == 0 {
		t.Errorf("no entries for (defence")
	}
	if rec := get(t, s, "/search.atom?q=defence&from_date=yesterday"); rec.Code != http.StatusBadRequest {
		t.Errorf("a bad date: status %d, want 400", rec.Code)
	}

	// Every results page offers its feed, in the page and to the browser.
	body := get(t, s, "/search?q=defence&lang=en&sort=date&hl=te").Body.String()
	for _, want := range []string{
		`<link rel="alternate" type="application/atom+xml" href="/search.atom?hl=te&amp;lang=en&amp;q=defence"`,
		`<a class="feed" href="/search.atom?hl=te&amp;lang=en&amp;q=defence" type="application/atom+xml">`,
		`<a href="/api/v1/search?format=csv&amp;lang=en&amp;lenient=true&amp;q=defence&amp;sort=date" type="text/csv" download>CSV</a>`,
		`<a href="/api/v1/search?format=jsonl&amp;lang=en&amp;lenient=true&amp;q=defence&amp;sort=date" type="application/x-ndjson" download>JSON Lines</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the results page lacks %s", want)
		}
	}
}

func TestExport(t *testing.T) {
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	// More matches than a batch and than an export may carry.
	for i := 0; i < 10_050; i++ {
		docs = append(docs, corpus.Document{ID: fmt.Sprintf("r%05d", i), Lang: "en", Kind: corpus.KindPressRelease,
			Title: fmt.Sprintf("Release %d on trade", i), Body: strings.Repeat("trade ", 1+i%7) + "and tariffs.",
			Date: "2025-01-02", URL: fmt.Sprintf("https://example.org/r/%d", i)})
	}
	docs = append(docs, corpus.Document{ID: "formula", Lang: "en", Title: "=HYPERLINK(\"x\") trade", Body: "trade", Source: "@agency"})
	s := serverOver(t, docs, slog.New(slog.NewTextHandler(io.Discard, nil)))

	rec := get(t, s, "/api/v1/search?q=trade&format=csv")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("status %d, headers %v", rec.Code, rec.Header())
	}
	rows, err := csv.NewReader(bytes.NewReader(rec.Body.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ","); got != "id,date,lang,source,kind,title,url,score" {
		t.Errorf("header %s", got)
	}
	if len(rows) != 1+10_000 {
		t.Errorf("%d rows, want 10,000 and a header", len(rows)-1)
	}
	// The rows are the search's, in its order: the first page's hits first.
	var page struct {
		Hits []struct{ ID string } `json:"hits"`
	}
	if err := json.Unmarshal(get(t, s, "/api/v1/search?q=trade&size=100").Body.Bytes(), &page); err != nil {
		t.Fatal(err)
	}
	for i, h := range page.Hits {
		if rows[1+i][0] != h.ID {
			t.Fatalf("row %d is %s, the search's hit %s", i+1, rows[1+i][0], h.ID)
		}
	}
	seen := map[string]bool{}
	for _, r := range rows[1:] {
		if seen[r[0]] {
			t.Errorf("%s twice", r[0])
		}
		seen[r[0]] = true
		if r[0] == "formula" && (r[5] != `'=HYPERLINK("x") trade` || r[3] != "'@agency") {
			t.Errorf("a formula is left for a spreadsheet to run: %q", r)
		}
		if strings.HasPrefix(r[0], "r") && (r[1] != "2025-01-02" || r[2] != "en" || r[4] != "press-release" || !strings.HasPrefix(r[6], "https://example.org/r/")) {
			t.Errorf("row %q", r)
		}
	}

	// The rows stream: the first batch leaves before the last is read, so
	// an export's memory is a batch's, not 10,000 rows'.
	fw := &flushCounter{ResponseRecorder: httptest.NewRecorder()}
	s.ServeHTTP(fw, httptest.NewRequest(http.MethodGet, "/api/v1/search?q=trade&format=jsonl", nil))
	if fw.flushes < 10 || fw.atFirst == 0 || fw.atFirst > fw.Body.Len()/5 {
		t.Errorf("the export flushed %d times, %d of %d bytes at the first; want it a batch at a time", fw.flushes, fw.atFirst, fw.Body.Len())
	}

	// JSON Lines, with a window: from and size.
	rec = get(t, s, "/api/v1/search?q=trade&format=jsonl&from=50&size=1500&lang=en")
	if rec.Header().Get("Content-Type") != "application/x-ndjson; charset=utf-8" {
		t.Errorf("Content-Type %q", rec.Header().Get("Content-Type"))
	}
	lines := strings.Split(strings.TrimSuffix(rec.Body.String(), "\n"), "\n")
	if len(lines) != 1500 {
		t.Errorf("%d lines, want 1500", len(lines))
	}
	var first map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "date", "lang", "source", "kind", "title", "url", "score"} {
		if _, ok := first[k]; !ok {
			t.Errorf("a line lacks %q: %s", k, lines[0])
		}
	}
	if len(page.Hits) > 50 && first["id"] != page.Hits[50].ID {
		t.Errorf("the export from 50 starts at %v, the search's 51st hit is %s", first["id"], page.Hits[50].ID)
	}

	for _, tt := range []struct {
		target string
		status int
		body   string
	}{
		{"/api/v1/search?q=trade&format=csv&size=0", 200, "id,date,lang,source,kind,title,url,score\n"},
		{"/api/v1/search?q=zzzqqq&format=jsonl", 200, ""},
		{"/api/v1/search?q=zzzqqq&format=csv", 200, "id,date,lang,source,kind,title,url,score\n"},
		{"/api/v1/search?q=trade&format=csv&size=10001", 400, `"code":"invalid_query"`},
		{"/api/v1/search?q=trade&format=csv&from=9000&size=1001", 400, "10000"},
		{"/api/v1/search?q=" + url.QueryEscape("(trade") + "&format=csv", 400, `"code":"invalid_query"`},
		{"/api/v1/search?q=trade&format=xml", 400, `format must be json, csv or jsonl`},
	} {
		rec := get(t, s, tt.target)
		if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.body) || tt.body == "" && rec.Body.Len() != 0 {
			t.Errorf("%s: %d %.200q, want %d %q", tt.target, rec.Code, rec.Body.String(), tt.status, tt.body)
		}
	}
}

// flushCounter records how often a response is flushed, and how much of
// it had been written at the first flush.
type flushCounter struct {
	*httptest.ResponseRecorder
	flushes, atFirst int
}

func (f *flushCounter) Flush() {
	if f.flushes == 0 {
		f.atFirst = f.Body.Len()
	}
	f.flushes++
	f.ResponseRecorder.Flush()
}
