// Package plan describes one search as plain data, between the query
// language and an engine: which fields and terms it matches with which
// weights, what every hit must also match, the priors, the rescoring of the
// best hits, the sort, the page, the facets and what each hit carries.
// Package search makes plans; an engine executes them (package
// search/scoring on Bleve) and another engine can execute the same plan.
// Nothing here depends on an engine.
package plan

import (
	"fmt"
	"strings"
	"time"
)

// Plan is one search.
type Plan struct {
	// Query decides what matches and how it scores.
	Query Node
	// Filters must all match as well. Like Query's own clauses they add
	// their score (a keyword's is the same for every document).
	Filters []Node
	// Priors scale, one after the other, the score of the documents that
	// match their filter (after Filters, and on Rescore too).
	Priors []Prior
	// Rescore, where set, adds its query's score to the best hits by
	// relevance, then sorts them again.
	Rescore *Rescore
	// BM25 are the parameters of the term scorer.
	BM25 BM25
	// Sort is SortRelevance or SortDate (newest first, then score, then id).
	Sort string
	// From and Size are the page: hits From to From+Size of the order.
	From, Size int
	// Facets are the keyword fields whose values are counted over every
	// match, FacetSize values each, the most frequent first.
	Facets    []string
	FacetSize int
	// Fields are the stored fields each hit of the page carries; none: an
	// id and a score alone.
	Fields []string
	// Highlight is what a hit's match locations (Hit.Locations) are the
	// matches of, for snippets; nil: none.
	Highlight Node
	// Explain asks for each hit's score broken down (Hit.Explanation).
	Explain bool
	// MaxExpansions bounds the index terms the Prefix and Fuzzy nodes of
	// Query expand to, all together (0: no bound). Where their Max would
	// come to more, each keeps fewer of its most frequent, evenly.
	MaxExpansions int
	// Hidden, where set, are documents no hit, count or facet may come
	// from (those under embargo); the others score as they would.
	Hidden Node
}

// The orders of a plan.
const (
	SortRelevance = "relevance"
	SortDate      = "date"
)

// BM25 are the parameters of BM25: idf × tf·(K1+1) / (tf + K1·(1 − B +
// B·len/avglen)), with the raw term frequency and each field's own
// document count and average length.
type BM25 struct{ K1, B float64 }

// Prior multiplies the score of the documents matching Filter by Factor.
type Prior struct {
	Filter Node
	Factor float64
}

// Rescore adds Query's score (nothing where it does not match) to the
// best Window hits by relevance.
type Rescore struct {
	Window int
	Query  Node
}

// Node is a part of a query.
type Node interface {
	// String is the node as a person reads it, in explanations.
	String() string
}

// Weighted is a clause of a Sum with its weight.
type Weighted struct {
	Weight float64
	Node   Node
}

type (
	// Sum matches a document that matches any clause and scores it by
	// the weighted sum of the clauses' scores, without any coordination
	// factor.
	Sum struct{ Clauses []Weighted }
	// Bool matches a document that matches every Must, none of MustNot and
	// at least MinShould of Should, and scores it by the sum of the
	// scores of the clauses it matches.
	Bool struct {
		Must, Should, MustNot []Node
		MinShould             int
	}
	// All matches every document, at a constant score.
	All struct{}
	// None matches no document.
	None struct{}
	// Match is Text analyzed with Field's analyzer (or Analyzer, where
	// set), each term scored by BM25 and the scores summed; a term the
	// text repeats counts as often. Where RarityFrom is set, the terms'
	// idf is not Field's own but that of Text over those fields (each
	// analyzing it with its own analyzer): their documents, and those
	// with the word, counted together.
	Match struct {
		Field, Text, Analyzer string
		RarityFrom            []string
	}
	// Term is one indexed term of Field, scored by BM25.
	Term struct{ Field, Term string }
	// Phrase is Text analyzed with Field's analyzer, its terms in their
	// order.
	Phrase struct{ Field, Text string }
	// Prefix is the terms of Field that start with Prefix: at most Max of
	// them (0: all), the most frequent first.
	Prefix struct {
		Field, Prefix string
		Max           int
	}
	// Fuzzy is Text analyzed with Field's analyzer, each term or any term
	// of Field within Fuzziness edits of it: at most Max terms for each
	// (0: all), the term itself first, then the most frequent.
	Fuzzy struct {
		Field, Text string
		Fuzziness   int
		Max         int
	}
	// Keyword is the exact Value of a keyword field.
	Keyword struct{ Field, Value string }
	// DateRange is a date of Field in [From, To); a zero end is open.
	DateRange struct {
		Field    string
		From, To time.Time
	}
	// Boost is Inner, with the score of the documents that also match
	// Filter multiplied by Factor.
	Boost struct {
		Inner, Filter Node
		Factor        float64
	}
	// Pair matches the documents whose Field has the first and the last
	// term of Text (analyzed with Field's analyzer or Analyzer), and scores
	// the sum of their two scores where they stand as in Text, the gap
	// between them the same; elsewhere nothing. RarityFrom is Match's,
	// for each of the two words.
	Pair struct {
		Field, Text, Analyzer string
		RarityFrom            []string
	}
	// IfAbsent is Then where Field holds none of the terms Text analyzes
	// to (with Analyzer), and nothing otherwise: a fallback for a word the
	// index has never seen.
	IfAbsent struct {
		Field, Text, Analyzer string
		Then                  Node
	}
	// Parts matches a compound by its words: the first of Splits (each a
	// compound's words) all of whose words have a term in Field (analyzed
	// with Analyzer) is matched as those words, Match by Match, the scores
	// summed; where none has, nothing.
	Parts struct {
		Field, Analyzer string
		Splits          [][]string
	}
)

func (n *Sum) String() string {
	parts := make([]string, len(n.Clauses))
	for i, c := range n.Clauses {
		parts[i] = fmt.Sprintf("%g×%s", c.Weight, c.Node)
	}
	return "sum(" + strings.Join(parts, ", ") + ")"
}

// Add appends a clause with its weight.
func (n *Sum) Add(node Node, weight float64) {
	n.Clauses = append(n.Clauses, Weighted{Weight: weight, Node: node})
}

func (n *Bool) String() string {
	var parts []string
	for _, c := range n.Must {
		parts = append(parts, "+"+c.String())
	}
	for _, c := range n.Should {
		parts = append(parts, c.String())
	}
	for _, c := range n.MustNot {
		parts = append(parts, "-"+c.String())
	}
	s := "bool(" + strings.Join(parts, ", ")
	if n.MinShould > 0 {
		s += fmt.Sprintf("; at least %d", n.MinShould)
	}
	return s + ")"
}

func (*All) String() string  { return "all" }
func (*None) String() string { return "none" }
func (n *Match) String() string {
	s := fmt.Sprintf("%s:%q%s", n.Field, n.Text, with(n.Analyzer))
	if len(n.RarityFrom) > 0 {
		s += " as rare as in " + strings.Join(n.RarityFrom, ", ")
	}
	return s
}
func (n *Term) String() string   { return fmt.Sprintf("%s:=%q", n.Field, n.Term) }
func (n *Phrase) String() string { return fmt.Sprintf("phrase %s:%q", n.Field, n.Text) }
func (n *Prefix) String() string { return fmt.Sprintf("%s:%s*%s", n.Field, n.Prefix, most(n.Max)) }
func (n *Fuzzy) String() string {
	return fmt.Sprintf("%s:%s~%d%s", n.Field, n.Text, n.Fuzziness, most(n.Max))
}
func (n *Keyword) String() string { return fmt.Sprintf("%s=%q", n.Field, n.Value) }
func (n *Pair) String() string {
	s := fmt.Sprintf("pair %s:%q%s", n.Field, n.Text, with(n.Analyzer))
	if len(n.RarityFrom) > 0 {
		s += " as rare as in " + strings.Join(n.RarityFrom, ", ")
	}
	return s
}
func (n *Boost) String() string { return fmt.Sprintf("%s ×%g where %s", n.Inner, n.Factor, n.Filter) }
func (n *Parts) String() string {
	splits := make([]string, len(n.Splits))
	for i, s := range n.Splits {
		splits[i] = strings.Join(s, "+")
	}
	return fmt.Sprintf("parts %s:%s%s", n.Field, strings.Join(splits, "|"), with(n.Analyzer))
}

func (n *IfAbsent) String() string {
	return fmt.Sprintf("%s if %s has no term of %q%s", n.Then, n.Field, n.Text, with(n.Analyzer))
}

func (n *DateRange) String() string {
	from, to := "", ""
	if !n.From.IsZero() {
		from = n.From.Format(time.DateOnly)
	}
	if !n.To.IsZero() {
		to = n.To.Format(time.DateOnly)
	}
	return fmt.Sprintf("%s in [%s, %s)", n.Field, from, to)
}

// most is the bound of an expansion as explanations show it.
func most(max int) string {
	if max <= 0 {
		return ""
	}
	return fmt.Sprintf(" (%d terms at most)", max)
}

func with(analyzer string) string {
	if analyzer == "" {
		return ""
	}
	return " with " + analyzer
}

// Lines is the plan as a person reads it, a line a part.
func (p *Plan) Lines() []string {
	out := []string{"query: " + p.Query.String()}
	for _, f := range p.Filters {
		out = append(out, "filter: "+f.String())
	}
	for _, pr := range p.Priors {
		out = append(out, fmt.Sprintf("prior: ×%g where %s", pr.Factor, pr.Filter))
	}
	if p.Rescore != nil {
		out = append(out, fmt.Sprintf("rescore the best %d: + %s", p.Rescore.Window, p.Rescore.Query))
	}
	out = append(out, fmt.Sprintf("bm25: k1=%g b=%g", p.BM25.K1, p.BM25.B),
		fmt.Sprintf("sort: %s; page: from %d, size %d", p.Sort, p.From, p.Size))
	if p.MaxExpansions > 0 {
		out = append(out, fmt.Sprintf("prefixes and fuzzy words: %d terms at most in all", p.MaxExpansions))
	}
	if len(p.Facets) > 0 {
		out = append(out, fmt.Sprintf("facets: %s, %d values each", strings.Join(p.Facets, ", "), p.FacetSize))
	}
	if p.Highlight != nil {
		out = append(out, "highlight: "+p.Highlight.String())
	}
	if p.Hidden != nil {
		out = append(out, "hidden: "+p.Hidden.String())
	}
	return out
}
