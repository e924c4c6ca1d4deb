package opensearch

import (
	"context"
	"fmt"
	"strings"
	"time"

	"pressearch/indexer"
	osindex "pressearch/indexer/opensearch"
	"pressearch/search/plan"
)

// obj is a JSON object of OpenSearch's query language.
type obj = map[string]any

var matchNone = obj{"match_none": obj{}}

// builder turns plan nodes into OpenSearch queries. Text is analyzed here,
// in Go, with the analyzers the index was built with, and sent as terms
// and phrases of terms: OpenSearch only splits them on whitespace.
type builder struct {
	analysis
	// absent answers an IfAbsent node, looked up before building.
	absent map[absentKey]bool
	// counts are the document counts RarityFrom nodes need.
	counts map[countKey]float64
	// share bounds the terms each prefix or fuzzy term of the query
	// expands to, so that all of them come to the plan's MaxExpansions at
	// most; 0: each node's own Max alone.
	share int
}

// expansionShare is the bound of each prefix or fuzzy term of p's query
// where their Max would come to more than p.MaxExpansions: an even share.
// A fuzzy word its field's analyzer cannot analyze is an error.
func (a analysis) expansionShare(p *plan.Plan) (int, error) {
	if p.MaxExpansions <= 0 {
		return 0, nil
	}
	units, total := 0, 0
	var err error
	var walk func(n plan.Node)
	walk = func(n plan.Node) {
		switch n := n.(type) {
		case *plan.Sum:
			for _, c := range n.Clauses {
				walk(c.Node)
			}
		case *plan.Bool:
			for _, list := range [][]plan.Node{n.Must, n.Should, n.MustNot} {
				for _, c := range list {
					walk(c)
				}
			}
		case *plan.Boost:
			walk(n.Inner)
		case *plan.IfAbsent:
			walk(n.Then)
		case *plan.Prefix:
			units++
			total += bound(n.Max)
		case *plan.Fuzzy:
			toks, aerr := a.analyze(n.Field, "", n.Text)
			if aerr != nil && err == nil {
				err = aerr
			}
			units += len(toks)
			total += len(toks) * bound(n.Max)
		}
	}
	walk(p.Query)
	if err != nil || units == 0 || total <= p.MaxExpansions {
		return 0, err
	}
	return max(1, p.MaxExpansions/units), nil
}

// bound is a plan node's Max, or maxExpansions where it sets none.
func bound(max int) int {
	if max > 0 {
		return max
	}
	return maxExpansions
}

// expansions is how many terms a prefix or fuzzy term with bound max may
// expand to under the builder's share.
func (b *builder) expansions(max int) int {
	if b.share > 0 {
		return min(bound(max), b.share)
	}
	return bound(max)
}

// main is n with the filters every match must pass and the priors.
// Filters match without scoring: OpenSearch's score of a keyword is not
// Bleve's, and a filter's score is the same for every match anyway.
func (b *builder) main(n plan.Node, filters []plan.Node, priors []plan.Prior) (obj, error) {
	q, err := b.build(n)
	if err != nil {
		return nil, err
	}
	if len(filters) > 0 {
		fs, err := b.all(filters)
		if err != nil {
			return nil, err
		}
		q = obj{"bool": obj{"must": []any{q}, "filter": fs}}
	}
	if len(priors) > 0 {
		var fns []any
		for _, p := range priors {
			f, err := b.build(p.Filter)
			if err != nil {
				return nil, err
			}
			fns = append(fns, obj{"filter": f, "weight": p.Factor})
		}
		q = obj{"function_score": obj{"query": q, "functions": fns, "score_mode": "multiply", "boost_mode": "multiply"}}
	}
	return q, nil
}

// without is q less the documents hidden matches (those under embargo):
// no hit, count or facet comes from them, and the others score as they
// would.
func (b *builder) without(q obj, hidden plan.Node) (obj, error) {
	if hidden == nil {
		return q, nil
	}
	h, err := b.build(hidden)
	if err != nil || isNone(h) {
		return q, err
	}
	return obj{"bool": obj{"must": []any{q}, "must_not": []any{h}}}, nil
}

func (b *builder) all(ns []plan.Node) ([]any, error) {
	out := make([]any, 0, len(ns))
	for _, n := range ns {
		q, err := b.build(n)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, nil
}

// weighted is q with its score multiplied by w.
func weighted(q obj, w float64) obj {
	if w == 1 {
		return q
	}
	return obj{"bool": obj{"must": []any{q}, "boost": w}}
}

// sum matches any of qs and scores the sum of the scores of those that
// match: a Boolean query of should clauses, which in Lucene has no
// coordination factor.
func sum(qs []any) obj {
	switch len(qs) {
	case 0:
		return matchNone
	case 1:
		return qs[0].(obj)
	}
	return obj{"bool": obj{"should": qs}}
}

// build is the query of one node.
func (b *builder) build(n plan.Node) (obj, error) {
	switch n := n.(type) {
	case *plan.Sum:
		var qs []any
		for _, c := range n.Clauses {
			q, err := b.build(c.Node)
			if err != nil {
				return nil, err
			}
			if isNone(q) {
				continue
			}
			qs = append(qs, weighted(q, c.Weight))
		}
		return sum(qs), nil
	case *plan.Bool:
		must, err := b.all(n.Must)
		if err != nil {
			return nil, err
		}
		should, err := b.all(n.Should)
		if err != nil {
			return nil, err
		}
		not, err := b.all(n.MustNot)
		if err != nil {
			return nil, err
		}
		q := obj{}
		if len(must) > 0 {
			q["must"] = must
		}
		if len(should) > 0 {
			q["should"] = should
			q["minimum_should_match"] = n.MinShould
		}
		if len(not) > 0 {
			q["must_not"] = not
		}
		if len(must) == 0 && len(should) == 0 {
			return matchNone, nil // as Bleve: nothing to match
		}
		return obj{"bool": q}, nil
	case *plan.All:
		return obj{"match_all": obj{}}, nil
	case *plan.None:
		return matchNone, nil
	case *plan.Match:
		toks, err := b.analyze(n.Field, n.Analyzer, n.Text)
		if err != nil {
			return nil, err
		}
		var want float64
		if len(n.RarityFrom) > 0 {
			if want, err = b.rarity(b.counts, n.RarityFrom, n.Text); err != nil {
				return nil, err
			}
		}
		qs := make([]any, 0, len(toks))
		for _, t := range toks {
			qs = append(qs, termBoosted(n.Field, t.Term, boost(b.counts, n.Field, t.Term, want)))
		}
		return sum(qs), nil
	case *plan.Term:
		return term(n.Field, n.Term), nil
	case *plan.Phrase:
		toks, err := b.analyze(n.Field, "", n.Text)
		if err != nil {
			return nil, err
		}
		switch len(toks) {
		case 0:
			return matchNone, nil
		case 1:
			return term(n.Field, toks[0].Term), nil
		}
		return obj{"match_phrase": obj{n.Field: obj{"query": osindex.Text(toks)}}}, nil
	case *plan.Prefix:
		// The terms of the prefix scored each, as Bleve does, at most
		// the node's bound of them.
		return obj{"prefix": obj{n.Field: obj{"value": osindex.Term(n.Prefix),
			"rewrite": fmt.Sprintf("top_terms_%d", b.expansions(n.Max))}}}, nil
	case *plan.Fuzzy:
		toks, err := b.analyze(n.Field, "", n.Text)
		if err != nil {
			return nil, err
		}
		qs := make([]any, 0, len(toks))
		for _, t := range toks {
			qs = append(qs, obj{"fuzzy": obj{n.Field: obj{"value": osindex.Term(t.Term), "fuzziness": n.Fuzziness,
				"prefix_length": 0, "transpositions": false, "max_expansions": b.expansions(n.Max)}}})
		}
		return sum(qs), nil
	case *plan.Keyword:
		return obj{"term": obj{n.Field: n.Value}}, nil
	case *plan.DateRange:
		// To the millisecond OpenSearch keeps dates in: an embargo ends
		// at a moment, not a day.
		r := obj{"format": "strict_date_optional_time"}
		if !n.From.IsZero() {
			r["gte"] = n.From.UTC().Format(time.RFC3339Nano)
		}
		if !n.To.IsZero() {
			r["lt"] = n.To.UTC().Format(time.RFC3339Nano)
		}
		return obj{"range": obj{n.Field: r}}, nil
	case *plan.Boost:
		inner, err := b.build(n.Inner)
		if err != nil {
			return nil, err
		}
		f, err := b.build(n.Filter)
		if err != nil {
			return nil, err
		}
		if isNone(f) {
			return inner, nil
		}
		return obj{"function_score": obj{"query": inner, "functions": []any{obj{"filter": f, "weight": n.Factor}},
			"score_mode": "multiply", "boost_mode": "multiply"}}, nil
	case *plan.Pair:
		return b.pair(n)
	case *plan.IfAbsent:
		if !b.absent[keyOf(n)] {
			return matchNone, nil
		}
		return b.build(n.Then)
	case *plan.Parts:
		words, err := b.split(n, b.absent)
		if err != nil || words == nil {
			return matchNone, err
		}
		return b.build(words)
	}
	return nil, fmt.Errorf("opensearch: unknown plan node %T", n)
}

// maxExpansions bounds the terms a prefix or fuzzy term expands to where
// its plan node sets no bound: OpenSearch's own limit of clauses.
const maxExpansions = 1024

func isNone(q obj) bool { _, ok := q["match_none"]; return ok }

// term is a term query of one of our tokens.
func term(field, t string) obj { return obj{"term": obj{field: obj{"value": osindex.Term(t)}}} }

// pair is the query of two neighbouring words: the documents where the
// first and last terms stand as in the text (a phrase of the two with the
// gap between them kept), scored by the sum of the two terms' scores.
func (b *builder) pair(n *plan.Pair) (obj, error) {
	toks, err := b.analyze(n.Field, n.Analyzer, n.Text)
	if err != nil {
		return nil, err
	}
	if len(toks) < 2 || toks[len(toks)-1].Position == toks[0].Position {
		return matchNone, nil
	}
	first, last := toks[0], toks[len(toks)-1]
	var idf1, idf2 float64
	if words := strings.Fields(n.Text); len(n.RarityFrom) > 0 && len(words) > 0 {
		if idf1, err = b.rarity(b.counts, n.RarityFrom, words[0]); err != nil {
			return nil, err
		}
		if idf2, err = b.rarity(b.counts, n.RarityFrom, words[len(words)-1]); err != nil {
			return nil, err
		}
	}
	phrase := osindex.Text([]indexer.Token{first, last})
	return obj{"bool": obj{
		"must": []any{termBoosted(n.Field, first.Term, boost(b.counts, n.Field, first.Term, idf1)),
			termBoosted(n.Field, last.Term, boost(b.counts, n.Field, last.Term, idf2))},
		"filter": []any{obj{"match_phrase": obj{n.Field: obj{"query": phrase}}}},
	}}, nil
}

// analyze runs text through analyzer, or the analyzer of field's index
// mapping.
func (a analysis) analyze(field, analyzer, text string) ([]indexer.Token, error) {
	if analyzer == "" {
		analyzer = a.langs.FieldAnalyzer(field)
	}
	if analyzer == "" {
		return nil, fmt.Errorf("opensearch: no analyzer for field %s", field)
	}
	return a.langs.AnalyzeWith(analyzer, text)
}

// absentKey names one IfAbsent question.
type absentKey struct{ field, analyzer, text string }

func keyOf(n *plan.IfAbsent) absentKey { return absentKey{n.Field, n.Analyzer, n.Text} }

// ifAbsents collects the IfAbsent nodes under n.
func ifAbsents(n plan.Node, out map[absentKey]*plan.IfAbsent) {
	switch n := n.(type) {
	case *plan.Sum:
		for _, c := range n.Clauses {
			ifAbsents(c.Node, out)
		}
	case *plan.Bool:
		for _, list := range [][]plan.Node{n.Must, n.Should, n.MustNot} {
			for _, c := range list {
				ifAbsents(c, out)
			}
		}
	case *plan.Boost:
		ifAbsents(n.Inner, out)
		ifAbsents(n.Filter, out)
	case *plan.IfAbsent:
		out[keyOf(n)] = n
		ifAbsents(n.Then, out)
	case *plan.Parts:
		// Whether each word of each split is there is the same question.
		for _, sp := range n.Splits {
			for _, w := range sp {
				q := &plan.IfAbsent{Field: n.Field, Text: w, Analyzer: n.Analyzer}
				out[keyOf(q)] = q
			}
		}
	}
}

// split is the sum of the words of n's first split whose every word has a
// term in n's field (absent answers that), as Bleve's executor takes it,
// or nil where none has.
func (a analysis) split(n *plan.Parts, absent map[absentKey]bool) (plan.Node, error) {
next:
	for _, sp := range n.Splits {
		for _, w := range sp {
			toks, err := a.analyze(n.Field, n.Analyzer, w)
			if err != nil {
				return nil, err
			}
			if len(toks) == 0 || absent[absentKey{n.Field, n.Analyzer, w}] {
				continue next
			}
		}
		sum := &plan.Sum{}
		for _, w := range sp {
			sum.Add(&plan.Match{Field: n.Field, Text: w, Analyzer: n.Analyzer}, 1)
		}
		return sum, nil
	}
	return nil, nil
}

// lookUpAbsent answers every IfAbsent of the plan in one multi-search: for
// each, whether any document's field holds a term its text analyzes to.
func (x *Index) lookUpAbsent(ctx context.Context, p *plan.Plan) (map[absentKey]bool, error) {
	nodes := map[absentKey]*plan.IfAbsent{}
	for _, n := range []plan.Node{p.Query, p.Highlight} {
		ifAbsents(n, nodes)
	}
	if p.Rescore != nil {
		ifAbsents(p.Rescore.Query, nodes)
	}
	for _, f := range p.Filters {
		ifAbsents(f, nodes)
	}
	for _, pr := range p.Priors {
		ifAbsents(pr.Filter, nodes)
	}
	out := map[absentKey]bool{}
	var keys []absentKey
	var terms [][]string
	for k := range nodes {
		if v, ok := x.absentCache.get(k); ok {
			out[k] = v
			continue
		}
		toks, err := x.analyze(k.field, k.analyzer, k.text)
		if err != nil {
			return nil, err
		}
		if len(toks) == 0 {
			out[k] = false // no term: nothing to fall back from
			continue
		}
		ts := make([]string, len(toks))
		for i, t := range toks {
			ts[i] = osindex.Term(t.Term)
		}
		keys, terms = append(keys, k), append(terms, ts)
	}
	if len(keys) == 0 {
		return out, nil
	}
	found, err := x.store.AnyTerms(ctx, x.index, fieldsOf(keys), terms)
	if err != nil {
		return nil, err
	}
	for i, k := range keys {
		out[k] = !found[i]
		x.absentCache.put(k, !found[i])
	}
	return out, nil
}

func fieldsOf(keys []absentKey) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.field
	}
	return out
}
