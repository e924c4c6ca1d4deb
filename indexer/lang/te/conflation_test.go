package te_test

import (
	"testing"

	"github.com/blevesearch/bleve/v2/registry"

	te "pressearch/indexer/lang/te"
	"pressearch/indexer/lang/te/conflation"
	"pressearch/indexer/lang/te/lucene"
)

// The analyzer's targets on the written families and distinct pairs: at
// least 90% of families conflated, under 3% false merges, and clearly ahead
// of the Lucene-equivalent chain.
func TestConflationTargets(t *testing.T) {
	fams, err := conflation.ReadFamilies("testdata/families.txt")
	if err != nil {
		t.Fatal(err)
	}
	pairs, err := conflation.ReadPairs("testdata/distinct.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(fams) < 300 || len(pairs) < 100 {
		t.Fatalf("%d families and %d pairs: want at least 300 and 100", len(fams), len(pairs))
	}
	cache := registry.NewCache()
	ours, err := cache.AnalyzerNamed(te.AnalyzerName)
	if err != nil {
		t.Fatal(err)
	}
	base, err := cache.AnalyzerNamed(lucene.AnalyzerName)
	if err != nil {
		t.Fatal(err)
	}
	r := conflation.Measure(ours, fams, pairs)
	l := conflation.Measure(base, fams, pairs)
	t.Logf("te: %.1f%% conflated, %.1f%% false merges; te_lucene: %.1f%%, %.1f%%",
		100*r.ConflatedShare(), 100*r.FalseMergeRate(), 100*l.ConflatedShare(), 100*l.FalseMergeRate())
	if r.ConflatedShare() < 0.90 {
		t.Errorf("%.1f%% of families conflated, want at least 90%%; split: %q", 100*r.ConflatedShare(), r.Split)
	}
	if r.FalseMergeRate() >= 0.03 {
		t.Errorf("%.1f%% false merges, want under 3%%: %q", 100*r.FalseMergeRate(), r.Wrong)
	}
	if r.ConflatedShare() < l.ConflatedShare()+0.2 || r.FalseMergeRate() > l.FalseMergeRate() {
		t.Errorf("not clearly ahead of the Lucene-equivalent chain")
	}
}
