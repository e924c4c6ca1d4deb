package search

import (
	"fmt"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"pressearch/indexer"
	telugu "pressearch/indexer/lang/te"
	"pressearch/indexer/translit"
)

// titleBoost weighs a match in a title above one in a body.
const titleBoost = 1.5

// vocab is what query building knows of the index: which analyses have
// documents (nil: all may), and whether a field has a term (nil: unknown).
type vocab struct {
	present map[string]bool
	has     func(field, term string) bool
}

// analyses are the analyses a query is matched against: those with
// documents.
func (v vocab) analyses() []indexer.Analysis {
	all := indexer.Analyses()
	if v.present == nil {
		return all
	}
	out := all[:0]
	for _, a := range all {
		if v.present[a.Key] {
			out = append(out, a)
		}
	}
	return out
}

// maxQueryBytes bounds the query text.
const maxQueryBytes = 1024

// parseQuery turns query text into a Bleve query (see parse.go for the
// language). Plain words and "quoted phrases" are matched in the title and
// body of every language, each with that language's analyzer; a document
// matching more of them ranks higher. In plain mode the text is only words:
// for text that was not typed as a query, such as a question or a title.
func parseQuery(text string, plain bool, v vocab) (query.Query, error) {
	if len(text) > maxQueryBytes {
		return nil, invalidf("query is %d bytes long; at most %d are allowed", len(text), maxQueryBytes)
	}
	var root node
	if plain {
		var items []node
		for _, w := range strings.Fields(text) {
			items = append(items, &term{text: w})
			if len(items) > maxClauses {
				return nil, invalidf("too many words: at most %d are allowed", maxClauses)
			}
		}
		if len(items) > 0 {
			root = &seqNode{items}
		}
	} else {
		var err error
		if root, err = parse(text); err != nil {
			return nil, err
		}
	}
	if root == nil {
		return bleve.NewMatchAllQuery(), nil
	}
	return withExactBoost(translate(root, v), root, v), nil
}

// exactBoost scales the score of a document that contains a query word in
// the very form the query uses, above one that has only other forms of it.
// On te-qa-dev it costs 0.0006 of MRR@100, one tie (README); it is kept small.
const exactBoost = 1.05

// withExactBoost wraps q so that documents with an unstemmed match of one of
// the query's words score exactBoost times higher.
func withExactBoost(q query.Query, root node, v vocab) query.Query {
	var qs []query.Query
	for _, t := range words(root, nil) {
		for _, a := range v.analyses() {
			if a.Exact == "" || !a.Matches(t.text) {
				continue
			}
			m := bleve.NewMatchQuery(t.text)
			m.SetField(indexer.ExactField(a.Key))
			m.Analyzer = a.Exact
			qs = append(qs, m)
		}
	}
	if len(qs) == 0 {
		return q
	}
	return &boostQuery{inner: q, filter: bleve.NewDisjunctionQuery(qs...), factor: exactBoost}
}

// words lists the plain words of a query that are not negated.
func words(n node, out []*term) []*term {
	switch n := n.(type) {
	case *term:
		if n.field == "" && !n.phrase && !n.prefix && n.fuzzy == 0 {
			out = append(out, n)
		}
	case *reqNode:
		out = words(n.item, out)
	case *orNode:
		for _, it := range n.items {
			out = words(it, out)
		}
	case *seqNode:
		for _, it := range n.items {
			out = words(it, out)
		}
	case *andNode:
		for _, it := range n.items {
			out = words(it, out)
		}
	}
	return out
}

// translate turns a parsed query into a Bleve query.
func translate(n node, vocab vocab) query.Query {
	switch n := n.(type) {
	case *term:
		return n.query(vocab)
	case *reqNode:
		return translate(n.item, vocab)
	case *notNode:
		b := bleve.NewBooleanQuery()
		b.AddMust(bleve.NewMatchAllQuery())
		b.AddMustNot(translate(n.item, vocab))
		return b
	case *orNode:
		var qs []query.Query
		for _, it := range n.items {
			qs = append(qs, translate(it, vocab))
		}
		return bleve.NewDisjunctionQuery(qs...)
	case *andNode:
		return combine(n.items, true, vocab)
	case *seqNode:
		return combine(n.items, false, vocab)
	}
	panic(fmt.Sprintf("search: unknown query node %T", n))
}

// combine builds the Boolean query of a juxtaposition (all false) or a
// conjunction (all true). In a juxtaposition, +items and filters are
// required, -items excluded and the rest optional but ranking; at least one
// of those must match unless a +item is given, so a filter never turns a
// word into a mere preference.
func combine(items []node, all bool, vocab vocab) query.Query {
	b := bleve.NewBooleanQuery()
	should, must, required := 0, 0, false
	for _, it := range items {
		switch it := it.(type) {
		case *notNode:
			b.AddMustNot(translate(it.item, vocab))
			continue
		case *reqNode:
			required = true
		case *term:
			if it.isFilter() {
				b.AddMust(it.query(vocab))
				must++
				continue
			}
		}
		if all || isReq(it) {
			b.AddMust(translate(it, vocab))
			must++
		} else {
			b.AddShould(translate(it, vocab))
			should++
		}
	}
	switch {
	case should > 0 && !required:
		b.SetMinShould(1)
	case should == 0 && must == 0:
		b.AddMust(bleve.NewMatchAllQuery())
	}
	return b
}

func isReq(n node) bool { _, ok := n.(*reqNode); return ok }

func (t *term) isFilter() bool {
	switch t.field {
	case "lang", "source", "kind", "date":
		return true
	}
	return false
}

var filterFields = map[string]string{
	"lang":   indexer.FieldLang,
	"source": indexer.FieldSource,
	"kind":   indexer.FieldKind,
}

// query is the Bleve query of one term.
func (t *term) query(vocab vocab) query.Query {
	switch t.field {
	case "", "title":
		return textQuery(t, t.field == "", vocab)
	case "date":
		var from, to time.Time = t.from, t.to
		incl, excl := true, false
		d := bleve.NewDateRangeInclusiveQuery(from, to, &incl, &excl)
		d.SetField(indexer.FieldDate)
		return d
	}
	q := bleve.NewTermQuery(t.text)
	q.SetField(filterFields[t.field])
	return q
}

// textQuery matches a word, phrase, prefix or fuzzy word in every
// language's title and, when body is set, body. A field's query is analyzed
// with the analyzer the index mapping gives that field, so queries and
// documents meet in one form.
func textQuery(t *term, body bool, vocab vocab) query.Query {
	var qs []query.Query
	for _, a := range vocab.analyses() {
		if !a.Matches(t.text) {
			continue // a Telugu word has nothing to find in English fields
		}
		fields := []string{indexer.TitleField(a.Key)}
		if body {
			fields = append(fields, indexer.BodyField(a.Key))
		}
		for _, f := range fields {
			var q query.Query
			switch {
			case t.phrase:
				m := bleve.NewMatchPhraseQuery(t.text)
				m.SetField(f)
				q = m
			case t.prefix:
				// Prefixes match indexed terms as they are: normalized and
				// lower-cased, which is what Telugu normalization does.
				m := bleve.NewPrefixQuery(telugu.Normalize(t.text))
				m.SetField(f)
				q = m
			default:
				m := bleve.NewMatchQuery(t.text)
				m.SetField(f)
				m.SetFuzziness(t.fuzzy)
				q = m
			}
			if f == indexer.TitleField(a.Key) {
				q.(query.BoostableQuery).SetBoost(titleBoost)
			}
			qs = append(qs, q)
		}
		// A word the index has never seen in its stemmed form falls back
		// to its root: కేంద్రీకృత finds కేంద్రీకరించింది.
		if body && !t.phrase && !t.prefix && t.fuzzy == 0 && a.Prefix != "" && vocab.has != nil &&
			unknown(vocab.has, indexer.BodyField(a.Key), a.Analyzer, t.text) {
			m := bleve.NewMatchQuery(t.text)
			m.SetField(indexer.PrefixField(a.Key))
			// Bleve finds a field's analyzer by property path, and the
			// prefix field shares its property with the body: name it.
			m.Analyzer = a.Prefix
			qs = append(qs, m)
		}
	}
	// A name in one script finds it written in the other.
	if body && !t.phrase && !t.prefix && t.fuzzy == 0 && vocab.present[indexer.NamesField] {
		for _, k := range crossKeys(t.text) {
			q := bleve.NewTermQuery(k)
			q.SetField(indexer.NamesField)
			q.SetBoost(crossBoost)
			qs = append(qs, q)
		}
	}
	if len(qs) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// crossBoost weighs a match across scripts below one in the query's own
// script: a Telugu query finds the Telugu article first and its English
// translation after.
const crossBoost = 0.2

// crossKeys are the sound keys a word is looked for by in the other
// script: a Latin word among Telugu words, a Telugu word among Latin ones.
func crossKeys(word string) []string {
	var out []string
	for _, tok := range telugu.NewTokenizer().Tokenize([]byte(word)) {
		w := telugu.Normalize(string(tok.Term))
		switch {
		case translit.IsTelugu(w):
			for _, k := range translit.TeluguKeys(w) {
				out = append(out, translit.FromLatin+k)
			}
		case translit.IsLatin(w):
			if k := translit.LatinKey(w); k != "" {
				out = append(out, translit.FromTelugu+k)
			}
		}
	}
	return out
}

// unknown reports whether none of the terms text analyzes to is in field:
// a word the index has never seen in that form, for which matching its root
// is the better guess than matching nothing.
func unknown(has func(field, term string) bool, field, analyzer, text string) bool {
	terms, err := indexer.Terms(analyzer, text)
	if err != nil {
		return false
	}
	for _, t := range terms {
		if has(field, t) {
			return false
		}
	}
	return len(terms) > 0
}
