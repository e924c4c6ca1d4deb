package search

import (
	"context"
	"strings"
	"testing"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"golang.org/x/text/language"

	"pressearch/corpus"
	"pressearch/indexer"
)

// A language registered by a program of its own (here the test) gets its
// own fields in the index, and the engine finds, titles, highlights and
// explains its documents there; the default registry does not change.
func TestRegisteredLanguageIsSearched(t *testing.T) {
	reg := indexer.DefaultRegistry()
	if err := reg.Register(indexer.Analysis{Key: "ka", Langs: []string{"ka"}, Analyzer: standard.Name,
		Scripts: []*unicode.RangeTable{unicode.Georgian}}); err != nil {
		t.Fatal(err)
	}
	if err := reg.Register(indexer.Analysis{Key: "ka", Langs: []string{"ka"}, Analyzer: standard.Name}); err == nil {
		t.Error("a second analysis of one key is registered")
	}
	if got := indexer.DefaultRegistry().For("ka").Key; got == "ka" {
		t.Error("registering changed the default registry")
	}
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	docs = append(docs, corpus.Document{ID: "tbilisi-ka", Lang: "ka", Kind: corpus.KindPressRelease,
		Title: "თბილისის განცხადება", Body: "საქართველოს მთავრობა და ევროკავშირი თანამშრომლობენ."})
	e, _, err := BuildEngine(context.Background(), t.TempDir(), docs, indexer.Config{Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	res, err := e.Search(context.Background(), Request{Query: "საქართველოს", Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("hits %v, want the Georgian release", ids(res.Hits))
	}
	h := res.Hits[0]
	if h.ID != "tbilisi-ka" || h.Title != "თბილისის განცხადება" || h.Lang != "ka" ||
		!strings.Contains(strings.Join(h.Snippets, " "), "<mark>საქართველოს</mark>") {
		t.Errorf("hit %+v", h)
	}
	if !leaf(h.Explanation, "body_ka:") {
		t.Errorf("the match is not in body_ka: %+v", h.Explanation)
	}
	if f := res.Facets["lang"]; len(f) != 1 || f[0].Value != "ka" || f[0].Count != 1 {
		t.Errorf("lang facet %v, want ka 1", f)
	}
	d, err := e.Document(context.Background(), "tbilisi-ka", false)
	if err != nil || d.Title != "თბილისის განცხადება" || !strings.HasPrefix(d.Body, "საქართველოს") {
		t.Errorf("document %+v, %v", d, err)
	}
	if got := reg.Name(language.English, "ka"); got != "Georgian" {
		t.Errorf("name of ka %q, want Georgian", got)
	}
}
