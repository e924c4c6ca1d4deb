package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/css"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/gin-gonic/gin"
)

// chromium finds a Chromium to drive, skipping the test where there is none,
// except under CI, where it must be installed.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium under CI: .ci/run must install it")
	}
	browserSkipped = browserSkipMessage
	t.Skip(browserSkipMessage)
	return ""
}

// browserSkipMessage says why the browser test did not run and how to run
// it.
const browserSkipMessage = "TestBrowser skipped: no Chromium found (looked for chromium, chromium-browser, google-chrome). " +
	"To run it, install Chromium and the Noto fonts (Debian: apt-get install chromium fonts-noto-core fonts-noto-cjk), " +
	"then: go test -run TestBrowser ./web"

// browserSkipped is set when the browser test skipped, for TestMain.
var browserSkipped string

// TestMain tells the person at the terminal when the browser test was
// skipped: go test ./... shows nothing of a passing package's output, not
// even its skips, and a skipped browser test is easy to mistake for a
// passing one.
func TestMain(m *testing.M) {
	gin.SetMode(gin.ReleaseMode) // as the program does
	code := m.Run()
	if browserSkipped != "" && !testing.Verbose() {
		if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
			fmt.Fprintf(tty, "pressearch/web: %s\n", browserSkipped)
			tty.Close()
		}
	}
	os.Exit(code)
}

// screenshotDir is where the browser test leaves its screenshots:
// $PRESSEARCH_SCREENSHOTS (web/screenshots updates the README's),
// or a folder under the temporary directory.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("PRESSEARCH_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "pressearch-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// axeSource is axe-core, the accessibility rules engine, as the npm
// registry publishes it (testdata/axe/README.md). It is vendored so that
// the test runs offline from a fresh clone.
func axeSource(t *testing.T) string {
	src, err := os.ReadFile(filepath.Join("testdata", "axe", "axe.min.js"))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("axe-core is missing under CI: %v", err)
		}
		t.Skipf("axe-core is missing (%v): the accessibility checks are skipped; see web/testdata/axe/README.md", err)
	}
	return string(src)
}

// browser is one headless Chromium tab on the test server.
type browser struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
}

// step runs actions, then saves a full-page screenshot named name.
func (b *browser) step(t *testing.T, name string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("%s: screenshot: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// do runs actions without a screenshot.
func (b *browser) do(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression that gives a string.
func (b *browser) eval(t *testing.T, js string) string {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// await evaluates a JavaScript expression that gives a promise of a string.
func (b *browser) await(t *testing.T, js string) string {
	t.Helper()
	sctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %.200s: %v", js, err)
	}
	return v
}

// ax returns what a screen reader is told of the first element matching
// selector: its role, name and properties, from Chromium's accessibility
// tree.
func (b *browser) ax(t *testing.T, selector string) (role, name string, props map[string]string) {
	t.Helper()
	node, err := chromedp.Run(b.ctx, func(ctx context.Context, tg *chromedp.Target) (*accessibility.Node, error) {
		nodes, err := chromedp.Nodes(chromedp.CSS(selector))(ctx, tg)
		if err != nil || len(nodes) == 0 {
			return nil, fmt.Errorf("no %s: %v", selector, err)
		}
		no := false
		res, err := cdp.Call(ctx, tg, accessibility.GetPartialAXTree,
			accessibility.GetPartialAXTreeParams{NodeID: nodes[0].NodeID, FetchRelatives: &no})
		if err != nil || len(res.Nodes) == 0 {
			return nil, fmt.Errorf("accessibility node of %s: %v", selector, err)
		}
		return res.Nodes[0], nil
	})
	if err != nil {
		t.Fatal(err)
	}
	str := func(v *accessibility.Value) string {
		if v == nil {
			return ""
		}
		var s any
		if json.Unmarshal(v.Value, &s) != nil {
			return string(v.Value)
		}
		if len(v.RelatedNodes) > 0 {
			return fmt.Sprint(v.RelatedNodes[0].Idref, v.RelatedNodes[0].Text)
		}
		return fmt.Sprint(s)
	}
	props = map[string]string{}
	for _, p := range node.Properties {
		props[string(p.Name)] = str(p.Value)
	}
	return str(node.Role), str(node.Name), props
}

// TestBrowser walks through the product in headless Chromium, one subtest
// a thing a reader does, each leaving a screenshot (the README shows them),
// and fails on any console error on the way.
func TestBrowser(t *testing.T) {
	exe := chromium(t)
	ts := httptest.NewServer(newTestServer(t))
	defer ts.Close()
	shots := screenshotDir(t)
	t.Logf("screenshots in %s", shots)

	profile := t.TempDir()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true), chromedp.Flag("lang", "en-US"), chromedp.Flag("hide-scrollbars", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()

	// Start the browser, then collect every console message.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1100, 900)); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	var mu sync.Mutex
	var console []chromedp.ConsoleMessage
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			mu.Lock()
			console = append(console, m)
			mu.Unlock()
		}
	}()
	b := &browser{t: t, ctx: ctx, base: ts.URL, shots: shots}
	// Pages the test asks for knowing they answer 400: Chromium reports
	// the status on the console.
	refused := map[string]bool{}
	u := ts.URL
	q := url.QueryEscape

	t.Run("search in Telugu", func(t *testing.T) {
		b.step(t, "1-home", chromedp.Navigate(u+"/"), chromedp.WaitVisible(chromedp.CSS("#q")))
		if got := b.eval(t, `document.querySelector("h1").textContent`); got != "Search press releases and news" {
			t.Errorf("home heading %q", got)
		}
		b.step(t, "2-results-telugu",
			chromedp.SendKeys(chromedp.CSS("#q"), "జపాన్"),
			chromedp.Submit(chromedp.CSS("#q")),
			chromedp.WaitVisible(chromedp.CSS(".hit .snippet mark")))
		if got := b.eval(t, `document.querySelector(".hit .snippet mark").textContent`); got != "జపాన్" {
			t.Errorf("the first highlight is %q, want జపాన్", got)
		}
		if got := b.eval(t, `document.querySelector(".hit h2 a").getAttribute("href")`); !strings.HasPrefix(got, "/doc/eu-japan-partnership-te") {
			t.Errorf("the first hit links to %q, want the seed article", got)
		}
		// The Telugu text is drawn with a Telugu font, not empty boxes.
		fonts, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) ([]*css.PlatformFontUsage, error) {
			if _, err := cdp.Call(ctx, tg, dom.Enable, dom.EnableParams{}); err != nil {
				return nil, err
			}
			if _, err := cdp.Call(ctx, tg, css.Enable, cdp.Empty{}); err != nil {
				return nil, err
			}
			nodes, err := chromedp.Nodes(chromedp.CSS(".hit .snippet mark"))(ctx, tg)
			if err != nil || len(nodes) == 0 {
				return nil, err
			}
			res, err := cdp.Call(ctx, tg, css.GetPlatformFontsForNode, css.GetPlatformFontsForNodeParams{NodeID: nodes[0].NodeID})
			if err != nil {
				return nil, err
			}
			return res.Fonts, nil
		})
		if err != nil {
			t.Fatalf("fonts: %v", err)
		}
		telugu := false
		for _, f := range fonts {
			telugu = telugu || strings.Contains(f.FamilyName, "Telugu") && f.GlyphCount > 0
		}
		if !telugu {
			t.Errorf("the highlighted Telugu word is not drawn with a Telugu font: %v", fonts)
		}
	})

	t.Run("a facet, a document, its statements and translations", func(t *testing.T) {
		b.do(t,
			chromedp.Navigate(u+"/search?q="+q("జపాన్")),
			chromedp.Click(chromedp.CSS(`.facet a[href*="lang=te"]`)),
			chromedp.WaitVisible(chromedp.CSS(`.facet a[aria-current="true"]`)))
		if got := b.eval(t, `Array.from(document.querySelectorAll(".hit")).every(h => h.lang === "te") ? "yes" : "no"`); got != "yes" {
			t.Errorf("a hit in another language after the Telugu facet")
		}
		b.step(t, "4-document",
			chromedp.Click(chromedp.CSS(`.hit h2 a[href^="/doc/eu-japan-partnership-te"]`)),
			chromedp.WaitVisible(chromedp.CSS("#related-heading")))
		if got := b.eval(t, `document.querySelectorAll("#related-heading + ul a").length + " " + document.querySelectorAll("#translations-heading + ul a").length`); got != "5 2" {
			t.Errorf("related statements and translations on the article: %s, want 5 2", got)
		}
		b.do(t,
			chromedp.Click(chromedp.CSS(`#related-heading + ul a`)),
			chromedp.WaitVisible(chromedp.CSS(`#related-heading`)))
		if got := b.eval(t, `document.querySelector("#related-heading").textContent`); got != "Part of:" {
			t.Errorf("the statement's heading %q, want Part of:", got)
		}
		b.do(t,
			chromedp.Navigate(u+"/doc/eu-japan-partnership-te"),
			chromedp.Click(chromedp.CSS(`#translations-heading + ul a[lang="ja"]`)),
			chromedp.WaitVisible(chromedp.CSS(`article.doc[lang="ja"]`)))
		b.step(t, "7-interface-in-telugu",
			chromedp.Click(chromedp.CSS(`.langs a[lang="te"]`)),
			chromedp.WaitVisible(chromedp.CSS(`html[lang="te"] #translations-heading`)))
		if got := b.eval(t, `document.querySelector("#translations-heading").textContent`); got != "ఇతర భాషలలో" {
			t.Errorf("the heading in Telugu: %q", got)
		}
		b.do(t,
			chromedp.Navigate(u+"/search?q=defence&hl=ja"),
			chromedp.WaitVisible(chromedp.CSS(".hit")))
		if got := b.eval(t, `document.querySelector("#results-heading").textContent`); !strings.HasPrefix(got, "「defence」の検索結果 1 件") {
			t.Errorf("the Japanese results heading: %q", got)
		}
	})

	// Issue 18, point 1: sort and dates as controls, a year facet.
	t.Run("sort, dates and years", func(t *testing.T) {
		b.do(t, chromedp.Navigate(u+"/search?q=EU"), chromedp.WaitVisible(chromedp.CSS(".hit")))
		b.do(t, chromedp.Click(chromedp.CSS(`.sort a[href*="sort=date"]`)), chromedp.WaitVisible(chromedp.CSS(`.sort a[href*="sort=date"][aria-current]`)))
		b.do(t, chromedp.SetValue(chromedp.CSS("#from_date"), "2024-10-01"),
			chromedp.Click(chromedp.CSS(".dates button")),
			chromedp.WaitVisible(chromedp.CSS(".chip")))
		params := b.eval(t, `(() => { const p = new URLSearchParams(location.search); return [p.get("q"), p.get("sort"), p.get("from_date"), p.get("to_date")].join(" ") })()`)
		if params != "EU date 2024-10-01 " {
			t.Errorf("after Newest first and a From date the address says %q", params)
		}
		if got := b.eval(t, `document.querySelector(".chip").textContent`); got != "Date: from 2024-10-01×" {
			t.Errorf("the date chip reads %q", got)
		}
		b.step(t, "11-sort-dates-year",
			chromedp.Click(chromedp.CSS(`.facet a[href*="to_date=2024-12-31"]`)),
			chromedp.WaitVisible(chromedp.CSS(`.chip[aria-label="Remove filter: Year: 2024"]`)))
		if got := b.eval(t, `document.querySelectorAll(".hit").length + " " + document.querySelector("#results-heading").textContent.split(" ")[0]`); got != "7 7" {
			t.Errorf("EU in 2024, newest first: %s hits", got)
		}
	})

	// Point 2: chips that undo, facet values that toggle off, languages by
	// name in the interface's language.
	t.Run("filters that undo", func(t *testing.T) {
		b.do(t, chromedp.Navigate(u+"/search?q=EU&hl=ja"), chromedp.WaitVisible(chromedp.CSS(".hit")))
		if got := b.eval(t, `Array.from(document.querySelectorAll(".facet a")).map(a => a.textContent).join("|")`); !strings.Contains(got, "テルグ語") || !strings.Contains(got, "英語") {
			t.Errorf("the language facet in Japanese reads %q", got)
		}
		b.do(t, chromedp.Click(chromedp.CSS(`.facet a[href*="lang=te"]`)), chromedp.WaitVisible(chromedp.CSS(".chip")))
		b.step(t, "12-filters-undo",
			chromedp.Click(chromedp.CSS(`.facet a[href*="kind=statement"]`)),
			chromedp.WaitVisible(chromedp.CSS(`.chips .clear`)))
		if got := b.eval(t, `Array.from(document.querySelectorAll(".chip")).map(c => c.textContent).join("|")`); got != "言語：テルグ語×|種類：声明×" {
			t.Errorf("chips %q", got)
		}
		// The chosen facet value, clicked again, turns off.
		b.do(t, chromedp.Click(chromedp.CSS(`.facet a[aria-current][href]`)), chromedp.WaitVisible(chromedp.CSS(".hit")))
		if got := b.eval(t, `document.querySelectorAll(".chip").length + " " + location.search.includes("lang=te")`); got != "1 false" {
			t.Errorf("after clicking the chosen language: %s chips, lang still set", got)
		}
		// The chip's × removes its filter.
		b.do(t, chromedp.Click(chromedp.CSS(".chip")), chromedp.WaitVisible(chromedp.CSS(".hit")))
		if got := b.eval(t, `document.querySelectorAll(".chip").length + " " + location.search`); got != "0 ?hl=ja&q=EU" {
			t.Errorf("after removing the last chip: %s", got)
		}
		// A value no document has is a chip too, with its way out.
		b.do(t, chromedp.Navigate(u+"/search?q=EU&lang=xx"), chromedp.WaitVisible(chromedp.CSS(".chip")))
		b.do(t, chromedp.Click(chromedp.CSS(".chip")), chromedp.WaitVisible(chromedp.CSS(".hit")))
	})

	// Point 3: at 400 px the hits come first, the filters folded into a
	// disclosure above them.
	t.Run("phone", func(t *testing.T) {
		b.step(t, "13-phone",
			chromedp.EmulateViewport(400, 860),
			chromedp.Navigate(u+"/search?q="+q("జపాన్")+"&lang=te"),
			chromedp.WaitVisible(chromedp.CSS(".hit")))
		layout := b.eval(t, `(() => { const d = document.querySelector("details.filters"), s = d.querySelector("summary"),
			h = document.querySelector(".hit").getBoundingClientRect();
			return [d.open, s.getBoundingClientRect().bottom <= h.top, Math.round(h.top) < 420,
				document.querySelector(".facet").checkVisibility(),
				document.documentElement.scrollWidth <= window.innerWidth].join(" ") })()`)
		if layout != "false true true false true" {
			t.Errorf("on a phone (open, summary above the hits, first hit within 420 px, facets shown, no sideways scroll): %s", layout)
		}
		b.step(t, "14-phone-filters-open",
			chromedp.Click(chromedp.CSS("details.filters summary")),
			chromedp.WaitVisible(chromedp.CSS(".facet a")))
		if got := b.eval(t, `String(document.querySelector("details.filters").open)`); got != "true" {
			t.Errorf("the disclosure did not open")
		}
		b.do(t, chromedp.EmulateViewport(1100, 900))
		b.do(t, chromedp.Navigate(u+"/search?q=EU"), chromedp.WaitVisible(chromedp.CSS(".facet a")))
		if got := b.eval(t, `(() => { const f = document.querySelector(".facet").getBoundingClientRect(), h = document.querySelector(".hit").getBoundingClientRect();
			return String(f.left > h.right) })()`); got != "true" {
			t.Errorf("on a wide screen the filters are not beside the hits")
		}
	})

	// Points 1-3 need no script: the date range is a form of native date
	// inputs, the facets and chips are links, the phone's filters a
	// <details>. With the page's script switched off, a reader still sets
	// dates, narrows by a year and undoes it.
	t.Run("without script", func(t *testing.T) {
		script := func(off bool) {
			if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: off}); err != nil {
				t.Fatal(err)
			}
		}
		script(true)
		defer script(false)
		b.do(t, chromedp.EmulateViewport(400, 860), chromedp.Navigate(u+"/search?q=EU&hl=te"), chromedp.WaitVisible(chromedp.CSS(".hit")))
		if got := b.eval(t, `String(document.querySelector("#q").getAttribute("role"))`); got != "null" {
			t.Fatalf("the page's script ran (the box has role %s)", got)
		}
		b.do(t, chromedp.Click(chromedp.CSS("details.filters summary")), chromedp.WaitVisible(chromedp.CSS("#from_date")),
			chromedp.SetValue(chromedp.CSS("#from_date"), "2024-10-01"),
			chromedp.Click(chromedp.CSS(".dates button")), chromedp.WaitVisible(chromedp.CSS(".chip")))
		if got := b.eval(t, `new URLSearchParams(location.search).get("from_date") + " " + document.querySelectorAll(".chip").length`); got != "2024-10-01 1" {
			t.Errorf("the date form without script: %s", got)
		}
		b.do(t, chromedp.Click(chromedp.CSS("details.filters summary")), chromedp.WaitVisible(chromedp.CSS(`.facet a[href*="to_date=2024-12-31"]`)),
			chromedp.Click(chromedp.CSS(`.facet a[href*="to_date=2024-12-31"]`)), chromedp.WaitVisible(chromedp.CSS(".chip")))
		if got := b.eval(t, `location.search`); got != "?from_date=2024-01-01&hl=te&q=EU&to_date=2024-12-31" {
			t.Errorf("the year 2024 without script: %s", got)
		}
		b.do(t, chromedp.Click(chromedp.CSS(".chip")), chromedp.WaitVisible(chromedp.CSS(".hit")))
		if got := b.eval(t, `document.querySelectorAll(".chip").length + " " + location.search`); got != "0 ?hl=te&q=EU" {
			t.Errorf("after the chip without script: %s", got)
		}
		b.do(t, chromedp.EmulateViewport(1100, 900))
	})

	// Point 4: help in each interface language, from the box and from a
	// notice about the query.
	t.Run("help", func(t *testing.T) {
		b.do(t, chromedp.Navigate(u+"/?hl=te"), chromedp.Click(chromedp.CSS(".help-link")), chromedp.WaitVisible(chromedp.CSS("article.help")))
		b.step(t, "15-help-telugu")
		if got := b.eval(t, `document.querySelector("h1").textContent + " " + document.querySelectorAll("article.help section").length`); got != "ఎలా వెతకాలి 8" {
			t.Errorf("the help page in Telugu: %q", got)
		}
		b.do(t, chromedp.Click(chromedp.CSS(`#phrases a.example`)), chromedp.WaitVisible(chromedp.CSS(".hit")))
		refused[u+"/search?hl=ja&q="+q("(Japan")] = true
		b.do(t, chromedp.Navigate(u+"/search?hl=ja&q="+q("(Japan")), chromedp.WaitVisible(chromedp.CSS(".notice")))
		b.do(t, chromedp.Click(chromedp.CSS(`.notice a[href^="/help"]`)), chromedp.WaitVisible(chromedp.CSS("article.help")))
		if got := b.eval(t, `document.querySelector("h1").textContent`); got != "検索の方法" {
			t.Errorf("the notice's help link led to %q", got)
		}
	})

	// Point 5: did you mean, Telugu-aware.
	t.Run("did you mean", func(t *testing.T) {
		b.step(t, "16-did-you-mean",
			chromedp.Navigate(u+"/search?hl=te&q="+q("బొరెల్")),
			chromedp.WaitVisible(chromedp.CSS(".dym a")))
		if got := b.eval(t, `document.querySelector(".dym a").textContent`); got != "బోరెల్" {
			t.Errorf("did you mean %q, want బోరెల్", got)
		}
		b.do(t, chromedp.Click(chromedp.CSS(".dym a")), chromedp.WaitVisible(chromedp.CSS(".hit")))
		if got := b.eval(t, `document.querySelectorAll(".hit").length + " " + String(!!document.querySelector(".dym"))`); got != "6 false" {
			t.Errorf("following the correction: %s hits, offer still there", got)
		}
	})

	// Point 6: a feed to follow and an export, linked from the page.
	t.Run("feed and export", func(t *testing.T) {
		b.do(t, chromedp.Navigate(u+"/search?q="+q("జపాన్")+"&sort=date"), chromedp.WaitVisible(chromedp.CSS(".follow")))
		b.step(t, "17-feed-and-export", chromedp.ScrollIntoView(chromedp.CSS(".follow")))
		feed := b.await(t, `fetch(document.querySelector('link[rel=alternate][type="application/atom+xml"]').href).then(r => r.text()).then(x => {
			const d = new DOMParser().parseFromString(x, "application/xml");
			const f = d.documentElement;
			return [f.namespaceURI, f.localName, d.getElementsByTagNameNS("http://www.w3.org/2005/Atom", "entry").length].join(" ") })`)
		if feed != "http://www.w3.org/2005/Atom feed 6" {
			t.Errorf("the page's feed: %s", feed)
		}
		csv := b.await(t, `fetch(document.querySelector('.follow a[type="text/csv"]').href).then(r => r.text()).then(x => x.trim().split("\n").length + " " + x.split("\n")[0])`)
		if csv != "7 id,date,lang,source,kind,title,url,score" {
			t.Errorf("the page's CSV export: %s", csv)
		}
	})

	// Point 7: completions as whole words, from the keyboard, told to a
	// screen reader.
	t.Run("suggestions", func(t *testing.T) {
		b.step(t, "9-suggestions",
			chromedp.Navigate(u+"/"),
			chromedp.SendKeys(chromedp.CSS("#q"), "జపా"),
			chromedp.WaitVisible(chromedp.CSS(`#suggestions [role=option]`)),
			chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown))
		combo := func() string {
			return b.eval(t, `(() => { const q = document.querySelector("#q"), a = q.getAttribute("aria-activedescendant");
				return [q.getAttribute("role"), q.getAttribute("aria-expanded"), a,
					a && document.getElementById(a).getAttribute("aria-selected"),
					document.querySelectorAll('#suggestions [aria-selected="true"]').length].join(" ") })()`)
		}
		if got := combo(); got != "combobox true suggestion-1 true 1" {
			t.Errorf("after typing and Down twice the combobox is %q, want the second option active", got)
		}
		// What a screen reader is told: a combobox, expanded, its active
		// option a selected option.
		role, _, props := b.ax(t, "#q")
		if role != "combobox" || props["expanded"] != "true" || props["autocomplete"] != "list" {
			t.Errorf("the box is announced as %s %v", role, props)
		}
		role, name, props := b.ax(t, "#suggestion-1")
		if role != "option" || props["selected"] != "true" || name == "" {
			t.Errorf("the active suggestion is announced as %s %q %v", role, name, props)
		}
		if got := b.eval(t, `document.querySelector("#suggest-status").textContent`); !strings.HasSuffix(got, "suggestions") {
			t.Errorf("the live region says %q", got)
		}
		b.do(t, chromedp.KeyEvent(kb.ArrowUp))
		if got := combo(); got != "combobox true suggestion-0 true 1" {
			t.Errorf("after Up the combobox is %q, want the first option active", got)
		}
		b.do(t, chromedp.KeyEvent(kb.Escape))
		if got := combo(); got != "combobox false   0" || b.eval(t, `String(document.querySelector("#suggestions").hidden)`) != "true" {
			t.Errorf("after Escape the combobox is %q, want it closed", got)
		}
		chosen := b.eval(t, `document.querySelector("#suggestion-0").textContent`)
		b.do(t, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS("#results-heading")))
		if got := b.eval(t, `new URLSearchParams(location.search).get("q")`); got != chosen {
			t.Errorf("Enter searched for %q, want the first suggestion %q", got, chosen)
		}
		// Japanese completes to words, as written.
		b.step(t, "9c-suggestions-japanese",
			chromedp.Navigate(u+"/?hl=ja"),
			chromedp.SendKeys(chromedp.CSS("#q"), "防"),
			chromedp.WaitVisible(chromedp.CSS(`#suggestions [role=option]`)))
		words := b.eval(t, `Array.from(document.querySelectorAll("#suggestions [role=option]")).map(o => o.textContent).filter(s => s.length < 12).join("|")`)
		if !strings.Contains(words, "防衛") || strings.ContainsAny(words, "におけるのをはがとでeu") {
			t.Errorf("Japanese completions of 防: %q", words)
		}
	})

	// Point 8: Japanese snippets begin and end at word boundaries.
	t.Run("Japanese snippets", func(t *testing.T) {
		b.step(t, "18-snippets-japanese",
			chromedp.Navigate(u+"/search?hl=ja&lang=ja&q="+q("防衛")),
			chromedp.WaitVisible(chromedp.CSS(".hit .snippet")))
		bad := b.eval(t, `Array.from(document.querySelectorAll(".hit .snippet")).map(s => s.textContent)
			.filter(s => /^… \p{Script=Hiragana}/u.test(s)).join(" / ")`)
		if bad != "" {
			t.Errorf("snippets cut inside a word: %s", bad)
		}
	})

	// Point 9: no serious or critical accessibility violation on the home,
	// results, document and help pages in each interface language.
	t.Run("accessibility", func(t *testing.T) {
		axe := axeSource(t)
		for _, hl := range []string{"en", "te", "ja"} {
			for _, page := range []string{"/", "/search?q=" + q("జపాన్") + "&lang=te", "/doc/eu-japan-partnership-te", "/help", "/search?q=" + q("బొరెల్")} {
				target := page + map[bool]string{true: "&", false: "?"}[strings.Contains(page, "?")] + "hl=" + hl
				b.do(t, chromedp.Navigate(u+target), chromedp.WaitVisible(chromedp.CSS("main")))
				if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axe+";true")); err != nil {
					t.Fatalf("loading axe-core: %v", err)
				}
				out := b.await(t, `axe.run(document).then(r => r.passes.length < 20 ? "axe checked nothing" : JSON.stringify(r.violations
					.filter(v => v.impact === "serious" || v.impact === "critical")
					.map(v => v.impact + " " + v.id + ": " + v.help + " at " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "))))`)
				var violations []string
				if err := json.Unmarshal([]byte(out), &violations); err != nil {
					t.Fatalf("axe's answer %q: %v", out, err)
				}
				for _, v := range violations {
					t.Errorf("%s: %s", target, v)
				}
			}
		}
		// The check can fail: an image without a text alternative is a
		// critical violation it finds.
		planted := b.await(t, `(() => { const i = document.createElement("img"); i.src = "/static/icon.svg"; document.querySelector("main").append(i);
			return axe.run(document).then(r => r.violations.filter(v => v.impact === "critical").map(v => v.id).join(" ")) })()`)
		if !strings.Contains(planted, "image-alt") {
			t.Errorf("axe did not find a planted image without alt text: %q", planted)
		}
		// And the phone layout, filters open.
		b.do(t, chromedp.EmulateViewport(400, 860), chromedp.Navigate(u+"/search?q=EU&lang=te&hl=te"),
			chromedp.Click(chromedp.CSS("details.filters summary")), chromedp.WaitVisible(chromedp.CSS(".facet a")))
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axe+";true")); err != nil {
			t.Fatal(err)
		}
		if out := b.await(t, `axe.run(document).then(r => JSON.stringify(r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => v.id)))`); out != "[]" {
			t.Errorf("the phone layout: %s", out)
		}
		b.do(t, chromedp.EmulateViewport(1100, 900))
	})

	cancel()
	mu.Lock()
	defer mu.Unlock()
	for _, m := range console {
		if refused[m.URL] && strings.Contains(m.Text, "status of 400") {
			continue
		}
		if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
			t.Errorf("console %s: %s (%s)", m.Type, m.Text, m.URL)
		}
	}
}
