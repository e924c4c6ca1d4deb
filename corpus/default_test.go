package corpus

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedDir returns ../shared beside the repository, skipping the test where
// it is absent, except under CI, where it must be there.
func sharedDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("PRESSEARCH_SHARED")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared")
	}
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared data not found at %s under CI: %v", dir, err)
		}
		t.Skipf("shared data not found at %s", dir)
	}
	return dir
}

func TestDefaultCorpus(t *testing.T) {
	docs, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	byID := map[string]Document{}
	kinds := map[string]int{}
	langs := map[string]int{}
	for _, d := range docs {
		byID[d.ID] = d
		kinds[d.Kind]++
		langs[d.Lang]++
	}
	article, ok := byID["eu-japan-partnership-te"]
	if !ok {
		t.Fatal("the seed article is missing")
	}
	if article.Kind != KindArticle || article.Lang != "te" || article.Date != "2024-11-01" || article.Source == "" {
		t.Errorf("seed article metadata: %+v", article)
	}
	if kinds[KindStatement] != 5 {
		t.Errorf("got %d statements, want 5", kinds[KindStatement])
	}
	if langs["en"] != 1 || langs["ja"] != 1 {
		t.Errorf("languages %v: want one English and one Japanese translation", langs)
	}
	// Every statement names the article and the article names every statement.
	named := map[string]bool{}
	for _, r := range article.Related {
		named[r] = true
	}
	for _, d := range docs {
		if d.Kind != KindStatement {
			continue
		}
		if d.Lang != "te" || len(d.Related) != 1 || d.Related[0] != article.ID {
			t.Errorf("statement %s: lang %s related %v, want te and [%s]", d.ID, d.Lang, d.Related, article.ID)
		}
		if !named[d.ID] {
			t.Errorf("the article does not name statement %s", d.ID)
		}
	}
	for _, d := range docs {
		if d.Lang != "te" && d.TranslationOf != article.ID {
			t.Errorf("%s (%s) translation_of %q, want %s", d.ID, d.Lang, d.TranslationOf, article.ID)
		}
	}
}

func TestDefaultCorpusHoldsTheSeedVerbatim(t *testing.T) {
	seed, err := os.ReadFile(filepath.Join(sharedDir(t), "seed", "000_6dd9f12cafea0c39.txt"))
	if err != nil {
		t.Fatal(err)
	}
	docs, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if d.ID == "eu-japan-partnership-te" {
			if got := d.Title + "\n" + d.Body; got != string(seed) {
				t.Errorf("title + body differ from the seed article")
			}
			return
		}
	}
	t.Fatal("seed article not found")
}
