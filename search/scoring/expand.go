package scoring

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"

	"pressearch/search/plan"
)

// A prefix or fuzzy word is searched as the index terms it expands to.
// Bleve takes every one, and a short prefix or a fuzzy short word has
// thousands: se~2 sixty times took seconds and hundreds of megabytes. Here
// each keeps at most its plan node's Max, the most frequent first, and the
// words of one query share the plan's MaxExpansions evenly. The terms are
// chosen before any searcher is built, so that the share is known.

// unit is one word to expand in one field: a prefix, or one term of a
// fuzzy word's text.
type unit struct {
	field, text string
	fuzziness   int // 0 for a prefix
}

// expansion is the terms a unit expands to, the best first.
type expansion struct {
	terms []string
	dists []uint8 // edit distances of a fuzzy word's terms
	keep  int     // how many of terms the query searches
	uses  int     // how often the query has the unit
}

// expander chooses the terms of every unit of one search.
type expander struct {
	ctx   context.Context
	r     index.IndexReader
	m     mapping.IndexMapping
	units map[unit]*expansion
}

// plan chooses the terms of the units under n, sharing budget among them
// (0: no bound beyond each node's Max).
func (x *expander) plan(n plan.Node, budget int) error {
	if err := x.walk(n); err != nil {
		return err
	}
	total, most := 0, 0
	for _, e := range x.units {
		total += e.uses * len(e.terms)
		most = max(most, len(e.terms))
	}
	if budget <= 0 || total <= budget {
		return nil
	}
	// The largest share each unit may keep with all within the budget;
	// every unit keeps its best term at least.
	share := most
	for share > 1 {
		n := 0
		for _, e := range x.units {
			n += e.uses * min(share, len(e.terms))
		}
		if n <= budget {
			break
		}
		share--
	}
	for _, e := range x.units {
		e.keep = min(share, len(e.terms))
	}
	return nil
}

// walk finds the units under n.
func (x *expander) walk(n plan.Node) error {
	switch n := n.(type) {
	case *plan.Sum:
		for _, c := range n.Clauses {
			if err := x.walk(c.Node); err != nil {
				return err
			}
		}
	case *plan.Bool:
		for _, list := range [][]plan.Node{n.Must, n.Should, n.MustNot} {
			for _, c := range list {
				if err := x.walk(c); err != nil {
					return err
				}
			}
		}
	case *plan.Boost:
		if err := x.walk(n.Inner); err != nil {
			return err
		}
		return x.walk(n.Filter)
	case *plan.IfAbsent:
		return x.walk(n.Then)
	case *plan.Prefix:
		e, err := x.expand(unit{field: n.Field, text: n.Prefix}, n.Max)
		if err == nil {
			e.uses++
		}
		return err
	case *plan.Fuzzy:
		units, err := x.fuzzyUnits(n)
		if err != nil {
			return err
		}
		for _, u := range units {
			e, err := x.expand(u, n.Max)
			if err != nil {
				return err
			}
			e.uses++
		}
	}
	return nil
}

// fuzzyUnits are the units of a fuzzy word: each term its text analyzes
// to in its field.
func (x *expander) fuzzyUnits(n *plan.Fuzzy) ([]unit, error) {
	name, a, err := fieldAnalyzer(x.m, n.Field, "")
	if err != nil {
		return nil, err
	}
	var out []unit
	for _, t := range analyze(x.ctx, name, a, n.Text) {
		out = append(out, unit{field: n.Field, text: string(t.Term), fuzziness: n.Fuzziness})
	}
	return out, nil
}

// expand returns the expansion of u, at most limit terms (0: all), reading
// the field's dictionary the first time.
func (x *expander) expand(u unit, limit int) (*expansion, error) {
	if e, ok := x.units[u]; ok {
		return e, nil
	}
	var d index.FieldDict
	var err error
	if u.fuzziness == 0 {
		d, err = x.r.FieldDictPrefix(u.field, []byte(u.text))
	} else {
		rf, ok := x.r.(index.IndexReaderFuzzy)
		if !ok {
			return nil, fmt.Errorf("the index cannot look up fuzzy terms in %s", u.field)
		}
		d, _, err = rf.FieldDictFuzzyAutomaton(u.field, u.text, u.fuzziness, "")
	}
	if err != nil {
		return nil, err
	}
	var all []index.DictEntry
	entry, err := d.Next()
	for ; err == nil && entry != nil; entry, err = d.Next() {
		all = append(all, *entry)
	}
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("dictionary of %s: %w", u.field, err)
	}
	if u.fuzziness > 0 && limit > 0 && len(all) > limit {
		// A fuzzy dictionary leaves the counts out: read them.
		if err := x.count(u.field, all); err != nil {
			return nil, err
		}
	}
	// The word itself first, then the most frequent; ties in the
	// dictionary's order, so that a query always finds the same terms.
	slices.SortStableFunc(all, func(a, b index.DictEntry) int {
		if (a.Term == u.text) != (b.Term == u.text) {
			if a.Term == u.text {
				return -1
			}
			return 1
		}
		return cmp.Compare(b.Count, a.Count)
	})
	if limit > 0 && len(all) > limit {
		all = all[:limit]
	}
	e := &expansion{terms: make([]string, len(all)), dists: make([]uint8, len(all))}
	for i, t := range all {
		e.terms[i], e.dists[i] = t.Term, t.EditDistance
	}
	e.keep = len(e.terms)
	if x.units == nil {
		x.units = map[unit]*expansion{}
	}
	x.units[u] = e
	return e, nil
}

// count fills in how many documents have each term in field.
func (x *expander) count(field string, entries []index.DictEntry) error {
	for i := range entries {
		tfr, err := x.r.TermFieldReader(x.ctx, []byte(entries[i].Term), field, false, false, false)
		if err != nil {
			return fmt.Errorf("postings of %s: %w", field, err)
		}
		entries[i].Count = tfr.Count()
		if err := tfr.Close(); err != nil {
			return err
		}
	}
	return nil
}

// termsQuery searches the terms a unit keeps, scored as Bleve scores the
// terms of a prefix or fuzzy query.
type termsQuery struct {
	u unit
	e *expansion
}

// Searcher implements query.Query.
func (q *termsQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping,
	options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	terms := q.e.terms[:q.e.keep]
	switch {
	case len(terms) == 0:
		return searcher.NewMatchNoneSearcher(r)
	case len(terms) == 1 && (q.u.fuzziness == 0 || q.e.dists[0] == 0):
		return searcher.NewTermSearcher(ctx, r, terms[0], q.u.field, 1, options)
	case q.u.fuzziness == 0:
		return searcher.NewMultiTermSearcher(ctx, r, terms, q.u.field, 1, options, false)
	}
	return searcher.NewMultiTermSearcherBoosted(ctx, r, terms, q.u.field, 1, q.e.dists[:q.e.keep], options, false)
}
