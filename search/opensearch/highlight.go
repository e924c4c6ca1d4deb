package opensearch

import (
	"slices"
	"sort"
	"strings"

	"pressearch/corpus"
	"pressearch/indexer"
	osindex "pressearch/indexer/opensearch"
	"pressearch/search/plan"
)

// located is the fields of one document, analyzed, with a position index.
type located struct {
	analysis
	fields map[string][]indexer.Token
	at     map[string]map[int][]int // field → position → indexes into fields[field]
	out    map[string][]plan.Span
	seen   map[string]map[plan.Span]bool
}

// Locations returns where hl matches the document src: spans of its stored
// body by field, in order, each once. The text is analyzed again, in Go,
// into the fields the index made of it (with byte offsets), and each of the
// node's terms, phrases, prefixes and fuzzy words is looked for there, as
// Bleve reports the locations of the terms a query matched.
func Locations(langs *indexer.Registry, src *osindex.Source, hl plan.Node, absent map[absentKey]bool) (map[string][]plan.Span, error) {
	return analysis{langs}.locations(src, hl, absent)
}

// locations is Locations with a's analyses.
func (a analysis) locations(src *osindex.Source, hl plan.Node, absent map[absentKey]bool) (map[string][]plan.Span, error) {
	// Only the fields the node looks in are analyzed.
	fields := fieldsIn(hl, nil)
	if len(fields) == 0 {
		return nil, nil
	}
	t, err := a.langs.Tokenize(&corpus.Document{ID: src.ID, Lang: src.Lang, Title: src.Title, Body: src.Body, Kind: src.Kind}, fields...)
	if err != nil {
		return nil, err
	}
	l := &located{analysis: a, fields: t.Fields, out: map[string][]plan.Span{}, seen: map[string]map[plan.Span]bool{}}
	if err := l.walk(hl, absent); err != nil {
		return nil, err
	}
	for f := range l.out {
		sort.Slice(l.out[f], func(i, j int) bool { return l.out[f][i].Start < l.out[f][j].Start })
	}
	if len(l.out) == 0 {
		return nil, nil
	}
	return l.out, nil
}

func (l *located) mark(field string, t indexer.Token) {
	sp := plan.Span{Start: t.Start, End: t.End}
	if l.seen[field] == nil {
		l.seen[field] = map[plan.Span]bool{}
	}
	if !l.seen[field][sp] {
		l.seen[field][sp] = true
		l.out[field] = append(l.out[field], sp)
	}
}

// markWhere marks every token of field that keep accepts.
func (l *located) markWhere(field string, keep func(term string) bool) {
	for _, t := range l.fields[field] {
		if keep(t.Term) {
			l.mark(field, t)
		}
	}
}

// markSequence marks the places where the terms of q stand in field as
// they stand in q (the same gaps between them).
func (l *located) markSequence(field string, q []indexer.Token) {
	if len(q) == 0 {
		return
	}
	toks := l.fields[field]
	if l.at == nil {
		l.at = map[string]map[int][]int{}
	}
	at, ok := l.at[field]
	if !ok {
		at = map[int][]int{}
		for i, t := range toks {
			at[t.Position] = append(at[t.Position], i)
		}
		l.at[field] = at
	}
	for _, t := range toks {
		if t.Term != q[0].Term {
			continue
		}
		var run []indexer.Token
		for _, w := range q {
			pos := t.Position + w.Position - q[0].Position
			found := false
			for _, i := range at[pos] {
				if toks[i].Term == w.Term {
					run = append(run, toks[i])
					found = true
					break
				}
			}
			if !found {
				run = nil
				break
			}
		}
		for _, r := range run {
			l.mark(field, r)
		}
	}
}

func (l *located) walk(n plan.Node, absent map[absentKey]bool) error {
	switch n := n.(type) {
	case *plan.Sum:
		for _, c := range n.Clauses {
			if err := l.walk(c.Node, absent); err != nil {
				return err
			}
		}
	case *plan.Bool:
		for _, list := range [][]plan.Node{n.Must, n.Should} {
			for _, c := range list {
				if err := l.walk(c, absent); err != nil {
					return err
				}
			}
		}
	case *plan.Boost:
		return l.walk(n.Inner, absent)
	case *plan.IfAbsent:
		if absent[keyOf(n)] {
			return l.walk(n.Then, absent)
		}
	case *plan.Parts:
		words, err := l.split(n, absent)
		if err != nil || words == nil {
			return err
		}
		return l.walk(words, absent)
	case *plan.Match:
		toks, err := l.analyze(n.Field, n.Analyzer, n.Text)
		if err != nil {
			return err
		}
		want := map[string]bool{}
		for _, t := range toks {
			want[t.Term] = true
		}
		l.markWhere(n.Field, func(term string) bool { return want[term] })
	case *plan.Term:
		l.markWhere(n.Field, func(term string) bool { return term == n.Term })
	case *plan.Phrase:
		toks, err := l.analyze(n.Field, "", n.Text)
		if err != nil {
			return err
		}
		l.markSequence(n.Field, toks)
	case *plan.Pair:
		toks, err := l.analyze(n.Field, n.Analyzer, n.Text)
		if err != nil {
			return err
		}
		if len(toks) >= 2 {
			l.markSequence(n.Field, []indexer.Token{toks[0], toks[len(toks)-1]})
		}
	case *plan.Prefix:
		l.markWhere(n.Field, func(term string) bool { return strings.HasPrefix(term, n.Prefix) })
	case *plan.Fuzzy:
		toks, err := l.analyze(n.Field, "", n.Text)
		if err != nil {
			return err
		}
		l.markWhere(n.Field, func(term string) bool {
			for _, t := range toks {
				if within(term, t.Term, n.Fuzziness) {
					return true
				}
			}
			return false
		})
	}
	return nil
}

// within reports whether a and b are at most k edits apart (insertions,
// deletions, substitutions of characters).
func within(a, b string, k int) bool {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > k || -d > k {
		return false
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > k {
			return false
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)] <= k
}

// fieldsIn appends the fields the nodes under n look in.
func fieldsIn(n plan.Node, out []string) []string {
	add := func(f string) []string {
		if slices.Contains(out, f) {
			return out
		}
		return append(out, f)
	}
	switch n := n.(type) {
	case *plan.Sum:
		for _, c := range n.Clauses {
			out = fieldsIn(c.Node, out)
		}
	case *plan.Bool:
		for _, list := range [][]plan.Node{n.Must, n.Should} {
			for _, c := range list {
				out = fieldsIn(c, out)
			}
		}
	case *plan.Boost:
		out = fieldsIn(n.Inner, out)
	case *plan.IfAbsent:
		out = fieldsIn(n.Then, out)
	case *plan.Match:
		out = add(n.Field)
	case *plan.Term:
		out = add(n.Field)
	case *plan.Phrase:
		out = add(n.Field)
	case *plan.Pair:
		out = add(n.Field)
	case *plan.Prefix:
		out = add(n.Field)
	case *plan.Fuzzy:
		out = add(n.Field)
	case *plan.Parts:
		out = add(n.Field)
	}
	return out
}
