package opensearch

import (
	"testing"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"

	"pressearch/indexer"
	osindex "pressearch/indexer/opensearch"
	"pressearch/search/plan"
)

// The executor reads the engine's analyses, not the default ones: a
// language registered with the engine has its fields read back and its
// words analyzed.
func TestExecutorReadsTheEnginesRegistry(t *testing.T) {
	reg := indexer.DefaultRegistry()
	if err := reg.Register(indexer.Analysis{Key: "ka", Langs: []string{"ka"}, Analyzer: standard.Name,
		Scripts: []*unicode.RangeTable{unicode.Georgian}}); err != nil {
		t.Fatal(err)
	}
	src := &osindex.Source{ID: "tbilisi-ka", Lang: "ka", Title: "თბილისის განცხადება", Body: "საქართველოს მთავრობა"}
	fields := []string{indexer.TitleField("ka"), indexer.BodyField("ka")}
	ours := analysis{reg}
	got := ours.fieldsOfSource(src, fields)
	if got[indexer.TitleField("ka")][0] != src.Title || got[indexer.BodyField("ka")][0] != src.Body {
		t.Errorf("fields under the engine's registry: %v", got)
	}
	if got := (analysis{indexer.DefaultRegistry()}).fieldsOfSource(src, fields); len(got) != 0 {
		t.Errorf("the default registry has no ka fields, yet read %v", got)
	}
	toks, err := ours.analyze(indexer.BodyField("ka"), "", "საქართველოს მთავრობა")
	if err != nil || len(toks) != 2 {
		t.Errorf("body_ka analyzed to %v, %v", toks, err)
	}
	if _, err := (analysis{indexer.DefaultRegistry()}).analyze(indexer.BodyField("ka"), "", "x"); err == nil {
		t.Error("the default registry analyzed body_ka")
	}
	spans, err := Locations(reg, src, &plan.Match{Field: indexer.BodyField("ka"), Text: "საქართველოს"}, nil)
	if err != nil || len(spans[indexer.BodyField("ka")]) != 1 {
		t.Errorf("locations in body_ka: %v, %v", spans, err)
	}
}

// A fuzzy word its field's analyzer cannot analyze fails the plan rather
// than counting as no term.
func TestExpansionShareAnalyzerError(t *testing.T) {
	p := &plan.Plan{MaxExpansions: 10, Query: &plan.Fuzzy{Field: "body_nowhere", Text: "japn", Fuzziness: 1, Max: 50}}
	if _, err := (analysis{indexer.DefaultRegistry()}).expansionShare(p); err == nil {
		t.Error("a field with no analyzer was read as a word without terms")
	}
	p.Query = &plan.Fuzzy{Field: indexer.BodyField("en"), Text: "japn", Fuzziness: 1, Max: 50}
	if n, err := (analysis{indexer.DefaultRegistry()}).expansionShare(p); err != nil || n != 10 {
		t.Errorf("share %d, %v; want 10", n, err)
	}
}
