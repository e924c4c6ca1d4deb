package search

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"pressearch/indexer"
	telugu "pressearch/indexer/lang/te"
	"pressearch/indexer/translit"
	"pressearch/search/scoring"
)

// vocab is what query building knows of the index: which analyses have
// documents (nil: all may), and whether a field has a term (nil: unknown).
type vocab struct {
	present map[string]bool
	has     func(field, term string) bool
	// native are the analyses whose own script some word of the query is
	// written in: there a Latin word of the same query is no quotation.
	native map[string]bool
	// highlight asks for the clauses whose matches a snippet marks alone:
	// the bodies and their companions, no titles or leads.
	highlight bool
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

// parsed is a query made ready for searching: main decides what matches and
// how it ranks; pairs, where the query has neighbouring words, only adds to
// the score of documents main matches (see proximity), and is computed
// for the best of them alone (rescore, in rank.go).
type parsed struct {
	main, pairs query.Query
	root        node
	vocab       vocab
}

// highlight is the query whose matches in a page's documents their
// snippets mark: every word, phrase or prefix the query looks for in
// bodies (not those it excludes), in the body fields alone, without the
// structure that decides what matches.
func (p *parsed) highlight() query.Query {
	v := p.vocab
	v.highlight = true
	sum := &scoring.Sum{}
	for _, t := range collect(p.root, nil, false, func(t *term) bool { return t.field == "" }) {
		sum.Add(textQuery(t, true, v), 1)
	}
	if sum.Len() == 0 {
		return bleve.NewMatchNoneQuery()
	}
	return sum
}

// parseQuery turns query text into a Bleve query (see parse.go for the
// language). Plain words and "quoted phrases" are matched in the title and
// body of every language, each with that language's analyzer; a document
// matching more of them ranks higher. In plain mode the text is only words:
// for text that was not typed as a query, such as a question or a title.
func parseQuery(text string, plain bool, v vocab) (*parsed, error) {
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
		return &parsed{main: bleve.NewMatchAllQuery()}, nil
	}
	v.native = map[string]bool{}
	for _, t := range terms(root, nil) {
		for _, a := range v.analyses() {
			if a.Matches(t.text) && !a.Foreign(t.text) {
				v.native[a.Key] = true
			}
		}
	}
	p := &parsed{main: withExactBoost(translate(root, v), root, v), root: root, vocab: v}
	if pairs := proximity(root, v); pairs != nil {
		p.pairs = withExactBoost(pairs, root, v)
	}
	return p, nil
}

// proximity is the sum of the phrases of each two neighbouring plain words
// of a juxtaposition, matched in the title and body of every analysis of
// both words' script, or nil where the query has no such words.
func proximity(root node, v vocab) query.Query {
	var pairs []query.Query
	var walk func(n node)
	walk = func(n node) {
		switch n := n.(type) {
		case *seqNode:
			var run []string // the current run of neighbouring plain words
			for _, it := range n.items {
				walk(it)
				if t, ok := it.(*term); ok && t.plain() {
					run = append(run, t.text)
					continue
				}
				pairs = append(pairs, pairQueries(run, v)...)
				run = run[:0]
			}
			pairs = append(pairs, pairQueries(run, v)...)
		case *andNode:
			for _, it := range n.items {
				walk(it)
			}
		case *orNode:
			for _, it := range n.items {
				walk(it)
			}
		case *reqNode:
			walk(n.item)
		}
	}
	walk(root)
	if len(pairs) == 0 {
		return nil
	}
	sum := &scoring.Sum{}
	for _, p := range pairs {
		sum.Add(p, pairBoost)
	}
	return sum
}

// plain reports whether t is a word matched as text: no field, phrase,
// prefix or fuzziness.
func (t *term) plain() bool {
	return t.field == "" && !t.phrase && !t.prefix && t.fuzzy == 0
}

// pairQueries are the phrase queries of each two neighbouring words of a
// run in the fields of each analysis that takes both. Words that leave no
// term (stop words) are passed over and stand as gaps in the phrase: in
// "ministry of defence" the pair is ministry _ defence.
func pairQueries(run []string, v vocab) []query.Query {
	var qs []query.Query
	if len(run) < 2 {
		return nil
	}
	for _, a := range v.analyses() {
		prev := -1
		for i, w := range run {
			if !a.Matches(w) {
				prev = -1
				continue
			}
			if ts, _ := indexer.Terms(a.Analyzer, w); len(ts) == 0 {
				continue
			}
			if prev >= 0 {
				text := strings.Join(run[prev:i+1], " ")
				for _, f := range []string{indexer.TitleField(a.Key), indexer.BodyField(a.Key)} {
					qs = append(qs, &scoring.Pair{Field: f, Text: text})
				}
			}
			prev = i
		}
	}
	return qs
}

// withExactBoost wraps q so that documents with an unstemmed match of one of
// the query's words score exactBoost times higher.
func withExactBoost(q query.Query, root node, v vocab) query.Query {
	exact := &scoring.Sum{}
	for _, t := range words(root, nil) {
		for _, a := range v.analyses() {
			if a.Exact == "" || !a.Matches(t.text) {
				continue
			}
			exact.Add(&scoring.Match{Field: indexer.ExactField(a.Key), Text: t.text, Analyzer: a.Exact}, 1)
		}
	}
	if exact.Len() == 0 {
		return q
	}
	return &scoring.Boost{Inner: q, Filter: exact, Factor: exactBoost}
}

// terms lists every text term of a query (words, phrases, prefixes), the
// negated ones too.
func terms(n node, out []*term) []*term {
	return collect(n, out, true, func(t *term) bool { return t.field == "" || t.field == "title" })
}

// words lists the plain words of a query that are not negated.
func words(n node, out []*term) []*term {
	return collect(n, out, false, (*term).plain)
}

// collect appends the terms of n that keep accepts, looking under
// negations only where negated is set.
func collect(n node, out []*term, negated bool, keep func(*term) bool) []*term {
	var items []node
	switch n := n.(type) {
	case *term:
		if keep(n) {
			out = append(out, n)
		}
	case *reqNode:
		items = []node{n.item}
	case *notNode:
		if negated {
			items = []node{n.item}
		}
	case *orNode:
		items = n.items
	case *seqNode:
		items = n.items
	case *andNode:
		items = n.items
	}
	for _, it := range items {
		out = collect(it, out, negated, keep)
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
		sum := &scoring.Sum{}
		for _, it := range n.items {
			sum.Add(translate(it, vocab), 1)
		}
		return sum
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
	should := &scoring.Sum{}
	must, required := 0, false
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
			should.Add(translate(it, vocab), 1)
		}
	}
	switch {
	case should.Len() > 0 && must == 0 && b.MustNot == nil:
		return should // words only: their sum
	case should.Len() > 0:
		b.AddShould(should)
		if !required {
			b.SetMinShould(1)
		}
	case must == 0:
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
	sum := &scoring.Sum{}
	for _, a := range vocab.analyses() {
		if !a.Matches(t.text) {
			continue // a Telugu word has nothing to find in English fields
		}
		fields := []string{indexer.TitleField(a.Key)}
		if body {
			fields = append(fields, indexer.BodyField(a.Key))
		}
		if vocab.highlight {
			fields = fields[1:]
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
			case t.fuzzy > 0:
				m := bleve.NewMatchQuery(t.text)
				m.SetField(f)
				m.SetFuzziness(t.fuzzy)
				q = m
			default:
				q = &scoring.Match{Field: f, Text: t.text}
			}
			w := 1.0
			if f == indexer.TitleField(a.Key) {
				w = titleBoost
			}
			if a.Foreign(t.text) && !vocab.native[a.Key] {
				w *= foreignWeight
			}
			sum.Add(scoring.InField(q, f), w)
		}
		if body && t.plain() && !vocab.highlight {
			sum.Add(&scoring.Match{Field: indexer.LeadField(a.Key), Text: t.text}, leadWeight)
		}
		// A word the index has never seen in its stemmed form falls back
		// to its root: కేంద్రీకృత finds కేంద్రీకరించింది.
		if body && !t.phrase && !t.prefix && t.fuzzy == 0 && a.Prefix != "" && vocab.has != nil &&
			unknown(vocab.has, indexer.BodyField(a.Key), a.Analyzer, t.text) {
			// Bleve finds a field's analyzer by property path, and the
			// prefix field shares its property with the body: name it.
			m := &scoring.Match{Field: indexer.PrefixField(a.Key), Text: t.text, Analyzer: a.Prefix}
			sum.Add(m, prefixFallbackWeight)
		}
	}
	// A name in one script finds it written in the other.
	if body && !t.phrase && !t.prefix && t.fuzzy == 0 && vocab.present[indexer.NamesField] {
		for _, k := range crossKeys(t.text) {
			sum.Add(&scoring.Term{Field: indexer.NamesField, Term: k}, crossBoost)
		}
	}
	if sum.Len() == 0 {
		return bleve.NewMatchNoneQuery()
	}
	return sum
}

// crossKeys are the sound keys a word is looked for by in the other
// script: a Latin word among Telugu words, a Telugu word among Latin ones.
func crossKeys(word string) []string {
	crossCache.mu.Lock()
	out, ok := crossCache.keys[word]
	crossCache.mu.Unlock()
	if ok {
		return out
	}
	out = makeCrossKeys(word)
	crossCache.mu.Lock()
	if len(crossCache.keys) >= maxCrossCache {
		clear(crossCache.keys) // a cheap bound; the words in use come back
	}
	crossCache.keys[word] = out
	crossCache.mu.Unlock()
	return out
}

// crossCache keeps the sound keys of the words searched lately:
// romanizing a Telugu word is a good part of building a query.
var crossCache = struct {
	mu   sync.Mutex
	keys map[string][]string
}{keys: map[string][]string{}}

// maxCrossCache bounds crossCache.
const maxCrossCache = 4096

func makeCrossKeys(word string) []string {
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
