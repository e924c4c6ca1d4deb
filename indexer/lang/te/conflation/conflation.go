// Package conflation measures how a Bleve analyzer conflates Telugu words:
// the share of word families whose forms all meet in one term, and the share
// of pairs of distinct words that wrongly meet.
package conflation

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
)

// Family is the forms of one word that must meet.
type Family []string

// Pair is two distinct words that must not meet.
type Pair [2]string

// ReadFamilies reads one family a line, forms separated by spaces; lines
// starting with # are comments.
func ReadFamilies(path string) ([]Family, error) {
	var out []Family
	err := readLines(path, func(line string) error {
		f := strings.Fields(line)
		if len(f) < 2 {
			return fmt.Errorf("a family needs two forms or more: %q", line)
		}
		out = append(out, f)
		return nil
	})
	return out, err
}

// ReadPairs reads one pair a line: two words, then anything after a tab.
func ReadPairs(path string) ([]Pair, error) {
	var out []Pair
	err := readLines(path, func(line string) error {
		words, _, _ := strings.Cut(line, "\t")
		f := strings.Fields(words)
		if len(f) != 2 {
			return fmt.Errorf("a pair is two words: %q", line)
		}
		out = append(out, Pair{f[0], f[1]})
		return nil
	})
	return out, err
}

func readLines(path string, each func(string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := each(line); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	return sc.Err()
}

// Result is what Measure found.
type Result struct {
	Families, Conflated int
	Pairs, Merged       int
	// Split lists the families that did not meet, with their terms; Wrong
	// the pairs that met.
	Split []string
	Wrong []string
}

// ConflatedShare is the share of families fully conflated.
func (r Result) ConflatedShare() float64 { return share(r.Conflated, r.Families) }

// FalseMergeRate is the share of distinct pairs that met.
func (r Result) FalseMergeRate() float64 { return share(r.Merged, r.Pairs) }

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// term is what an analyzer makes of one word: its single term, or the
// terms joined where it makes several, or "" where it drops the word.
func term(a analysis.Analyzer, word string) string {
	var terms []string
	for _, t := range a.Analyze([]byte(word)) {
		terms = append(terms, string(t.Term))
	}
	return strings.Join(terms, " ")
}

// Measure analyzes every word with a. A family is conflated when all its
// forms give the same non-empty term; a pair is merged when both words give
// the same non-empty term.
func Measure(a analysis.Analyzer, families []Family, pairs []Pair) Result {
	r := Result{Families: len(families), Pairs: len(pairs)}
	for _, f := range families {
		first := term(a, f[0])
		same := first != ""
		var terms []string
		for _, w := range f {
			t := term(a, w)
			terms = append(terms, t)
			if t != first {
				same = false
			}
		}
		if same {
			r.Conflated++
		} else {
			r.Split = append(r.Split, strings.Join(f, " ")+" → "+strings.Join(terms, " | "))
		}
	}
	for _, p := range pairs {
		t0, t1 := term(a, p[0]), term(a, p[1])
		if t0 != "" && t0 == t1 {
			r.Merged++
			r.Wrong = append(r.Wrong, p[0]+" "+p[1]+" → "+t0)
		}
	}
	return r
}
