package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/css"
	"github.com/chromedp/cdproto/dom"
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
// $PRESSEARCH_SCREENSHOTS, or a folder under the temporary directory.
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

// TestBrowser walks through the product in headless Chromium: search in
// Telugu, see the word highlighted in a Telugu font, follow a language
// facet, open a document, its statements and translations, and switch the
// interface language, with no console error on the way.
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
		chromedp.Flag("no-first-run", true), chromedp.Flag("lang", "en-US"))
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

	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, scancel := context.WithTimeout(ctx, 20*time.Second)
		defer scancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("%s: screenshot: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("evaluate %s: %v", js, err)
		}
		return v
	}

	step("1-home", chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#q")))
	if got := eval(`document.querySelector("h1").textContent`); got != "Search press releases and news" {
		t.Errorf("home heading %q", got)
	}

	step("2-results-telugu",
		chromedp.SendKeys(chromedp.CSS("#q"), "జపాన్"),
		chromedp.Submit(chromedp.CSS("#q")),
		chromedp.WaitVisible(chromedp.CSS(".hit .snippet mark")))
	if got := eval(`document.querySelector(".hit .snippet mark").textContent`); got != "జపాన్" {
		t.Errorf("the first highlight is %q, want జపాన్", got)
	}
	if got := eval(`document.querySelector(".hit h2 a").getAttribute("href")`); !strings.HasPrefix(got, "/doc/eu-japan-partnership-te") {
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
		t.Logf("font %q: %v glyphs", f.FamilyName, f.GlyphCount)
		telugu = telugu || strings.Contains(f.FamilyName, "Telugu") && f.GlyphCount > 0
	}
	if !telugu {
		t.Errorf("the highlighted Telugu word is not drawn with a Telugu font: %v", fonts)
	}

	step("3-language-facet",
		chromedp.Click(chromedp.CSS(`.facet a[href*="lang=te"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.facet a[aria-current="true"]`)))
	if got := eval(`location.search`); !strings.Contains(got, "lang=te") {
		t.Errorf("after the facet the address is %q", got)
	}
	if got := eval(`Array.from(document.querySelectorAll(".hit")).every(h => h.lang === "te") ? "yes" : "no"`); got != "yes" {
		t.Errorf("a hit in another language after the lang=te facet")
	}

	step("4-document",
		chromedp.Click(chromedp.CSS(`.hit h2 a[href^="/doc/eu-japan-partnership-te"]`)),
		chromedp.WaitVisible(chromedp.CSS("#related-heading")))
	if got := eval(`document.querySelectorAll("#related-heading + ul a").length + " " + document.querySelectorAll("#translations-heading + ul a").length`); got != "5 2" {
		t.Errorf("related statements and translations on the article: %s, want 5 2", got)
	}

	step("5-statement",
		chromedp.Click(chromedp.CSS(`#related-heading + ul a`)),
		chromedp.WaitVisible(chromedp.CSS(`#related-heading`)))
	if got := eval(`document.querySelector("#related-heading").textContent`); got != "Part of:" {
		t.Errorf("the statement's heading %q, want Part of:", got)
	}

	step("6-translation",
		chromedp.Navigate(ts.URL+"/doc/eu-japan-partnership-te"),
		chromedp.Click(chromedp.CSS(`#translations-heading + ul a[lang="ja"]`)),
		chromedp.WaitVisible(chromedp.CSS(`article.doc[lang="ja"]`)))

	step("7-interface-in-telugu",
		chromedp.Click(chromedp.CSS(`.langs a[lang="te"]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="te"] #translations-heading`)))
	if got := eval(`document.querySelector("#translations-heading").textContent`); got != "ఇతర భాషలలో" {
		t.Errorf("the heading in Telugu: %q", got)
	}

	step("8-results-in-japanese",
		chromedp.Navigate(ts.URL+"/search?q=defence&hl=ja"),
		chromedp.WaitVisible(chromedp.CSS(".hit")))
	if got := eval(`document.querySelector("#results-heading").textContent`); !strings.HasPrefix(got, "「defence」の検索結果 1 件") {
		t.Errorf("the Japanese results heading: %q", got)
	}

	// On a phone-sized screen the results stay in one readable column.
	step("10-phone",
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(ts.URL+"/search?q="+"%E0%B0%9C%E0%B0%AA%E0%B0%BE%E0%B0%A8%E0%B1%8D"),
		chromedp.WaitVisible(chromedp.CSS(".hit")))
	if got := eval(`document.documentElement.scrollWidth <= window.innerWidth ? "fits" : "scrolls"`); got != "fits" {
		t.Errorf("the results page scrolls sideways on a phone: %s", eval(`Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > window.innerWidth).slice(0, 5).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right)).join("; ")`))
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1100, 900)); err != nil {
		t.Fatal(err)
	}

	// Completions are a combobox: the list opens as the reader types, Up
	// and Down move through it with the active option announced, Escape
	// closes it and Enter searches for the option chosen.
	step("9-suggestions",
		chromedp.Navigate(ts.URL+"/"),
		chromedp.SendKeys(chromedp.CSS("#q"), "జపా"),
		chromedp.WaitVisible(chromedp.CSS(`#suggestions [role=option]`)),
		chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown))
	combo := func() string {
		return eval(`(() => { const q = document.querySelector("#q"), a = q.getAttribute("aria-activedescendant");
			return [q.getAttribute("role"), q.getAttribute("aria-expanded"), a,
				a && document.getElementById(a).getAttribute("aria-selected"),
				document.querySelectorAll('#suggestions [aria-selected="true"]').length].join(" ") })()`)
	}
	if got := combo(); got != "combobox true suggestion-1 true 1" {
		t.Errorf("after typing and Down twice the combobox is %q, want the second option active", got)
	}
	if got := eval(`Array.from(document.querySelectorAll("#suggestions [role=option]")).map(o => o.textContent).join("|")`); !strings.Contains(got, "జపాన్") {
		t.Errorf("suggestions %q lack జపాన్", got)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowUp)); err != nil {
		t.Fatal(err)
	}
	if got := combo(); got != "combobox true suggestion-0 true 1" {
		t.Errorf("after Up the combobox is %q, want the first option active", got)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	if got := combo(); got != "combobox false   0" || eval(`String(document.querySelector("#suggestions").hidden)`) != "true" {
		t.Errorf("after Escape the combobox is %q, want it closed", got)
	}
	chosen := eval(`document.querySelector("#suggestion-0").textContent`)
	step("9b-suggestion-chosen",
		chromedp.KeyEvent(kb.ArrowDown),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#results-heading")))
	if got := eval(`new URLSearchParams(location.search).get("q")`); got != chosen {
		t.Errorf("Enter searched for %q, want the first suggestion %q", got, chosen)
	}

	cancel()
	mu.Lock()
	defer mu.Unlock()
	for _, m := range console {
		if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
			t.Errorf("console %s: %s (%s)", m.Type, m.Text, m.URL)
		}
	}
}
