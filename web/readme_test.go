package web

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// The README shows every screenshot the browser test takes, and only those:
// each is in web/screenshots, so a point of the product the test walks
// through is seen on the project's front page, and no picture there is of
// a page that no longer looks like it.
func TestReadmeShowsTheScreenshots(t *testing.T) {
	src, err := os.ReadFile("browser_test.go")
	if err != nil {
		t.Fatal(err)
	}
	var taken []string
	for _, m := range regexp.MustCompile(`b\.step\(t, "([^"]+)"`).FindAllStringSubmatch(string(src), -1) {
		taken = append(taken, m[1]+".png")
	}
	if len(taken) < 10 {
		t.Fatalf("found only %d screenshots in the browser test; has it changed shape?", len(taken))
	}
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var shown []string
	for _, m := range regexp.MustCompile(`!\[[^\]]+\]\(web/screenshots/([^)]+)\)`).FindAllStringSubmatch(string(readme), -1) {
		shown = append(shown, m[1])
	}
	kept, err := filepath.Glob(filepath.Join("screenshots", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range kept {
		kept[i] = filepath.Base(k)
	}
	for _, name := range taken {
		if !slices.Contains(shown, name) {
			t.Errorf("the README does not show %s, which the browser test takes", name)
		}
		if !slices.Contains(kept, name) {
			t.Errorf("web/screenshots lacks %s (PRESSEARCH_SCREENSHOTS=web/screenshots go test -run TestBrowser ./web)", name)
		}
	}
	for _, name := range shown {
		if !slices.Contains(taken, name) {
			t.Errorf("the README shows %s, which the browser test no longer takes", name)
		}
	}
	for _, name := range kept {
		if !slices.Contains(taken, name) {
			t.Errorf("web/screenshots holds %s, which the browser test no longer takes", name)
		}
	}
}
