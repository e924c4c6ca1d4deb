// Command teconflate measures Telugu conflation for pressearch's analyzer,
// the Lucene-equivalent chain and Bleve's standard analyzer, on the same
// word families and distinct pairs:
//
//	go run ./cmd/teconflate [-families FILE] [-distinct FILE] [-v]
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/registry"

	te "pressearch/indexer/lang/te"
	"pressearch/indexer/lang/te/conflation"
	"pressearch/indexer/lang/te/lucene"
)

func main() {
	families := flag.String("families", "indexer/lang/te/testdata/families.txt", "word families, one a line")
	distinct := flag.String("distinct", "indexer/lang/te/testdata/distinct.txt", "distinct pairs, one a line")
	verbose := flag.Bool("v", false, "list the families that split and the pairs that merged")
	flag.Parse()
	fams, err := conflation.ReadFamilies(*families)
	if err != nil {
		fail(err)
	}
	pairs, err := conflation.ReadPairs(*distinct)
	if err != nil {
		fail(err)
	}
	cache := registry.NewCache()
	fmt.Printf("%d families, %d distinct pairs\n\n%-12s %10s %12s\n", len(fams), len(pairs), "analyzer", "conflated", "false merges")
	for _, name := range []string{te.AnalyzerName, lucene.AnalyzerName, standard.Name} {
		a, err := cache.AnalyzerNamed(name)
		if err != nil {
			fail(err)
		}
		r := conflation.Measure(a, fams, pairs)
		fmt.Printf("%-12s %9.1f%% %11.1f%%\n", name, 100*r.ConflatedShare(), 100*r.FalseMergeRate())
		if *verbose {
			for _, s := range r.Split {
				fmt.Println("  split:", s)
			}
			for _, s := range r.Wrong {
				fmt.Println("  merged:", s)
			}
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "teconflate:", err)
	os.Exit(1)
}
