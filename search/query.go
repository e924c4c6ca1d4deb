package search

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"pressearch/corpus"
	"pressearch/indexer"
	"pressearch/search/plan"
)

// vocab is what planning knows of the index and the query: which analyses
// have documents (nil: all may).
type vocab struct {
	present map[string]bool
	// native are the analyses whose own script some word of the query is
	// written in: there a Latin word of the same query is no quotation.
	native map[string]bool
	// highlight asks for the clauses whose matches a snippet marks alone:
	// the bodies and their companions, no titles or leads.
	highlight bool
	langs     *indexer.Registry
	cross     *keyCache
	// list is analyses(), worked out once a plan.
	list []indexer.Analysis
	// memo keeps the terms of each text an analyzer was asked for once a
	// plan: a word's stop-word checks (a pair's each analysis) and its
	// compound checks ask again.
	memo *planMemo
}

// planMemo is what one plan keeps of the analyses it asked for.
type planMemo struct {
	terms map[[2]string][]string // by analyzer and text
	// analyzed counts the texts analyzed (a test reads it).
	analyzed int
}

// terms are the terms analyzer makes of text, analyzed once a plan.
func (v vocab) terms(analyzer, text string) ([]string, error) {
	if v.memo == nil {
		return v.langs.Terms(analyzer, text)
	}
	k := [2]string{analyzer, text}
	if ts, ok := v.memo.terms[k]; ok {
		return ts, nil
	}
	ts, err := v.langs.Terms(analyzer, text)
	if err != nil {
		return nil, err
	}
	v.memo.analyzed++
	v.memo.terms[k] = ts
	return ts, nil
}

// analyses are the analyses a query is matched against: those with
// documents.
func (v vocab) analyses() []indexer.Analysis {
	if v.list != nil {
		return v.list
	}
	if v.present == nil {
		return v.langs.Analyses()
	}
	out := []indexer.Analysis{} // not nil: worked out
	for _, a := range v.langs.All() {
		if v.present[a.Key] {
			out = append(out, a)
		}
	}
	return out
}

// vocab is what a plan over an index with documents in the present
// analyses (nil: all may have) knows of it, with a memo of its own.
func (e *Engine) vocab(present map[string]bool) vocab {
	v := vocab{present: present, native: map[string]bool{}, langs: e.langs, cross: e.cross,
		memo: &planMemo{terms: map[[2]string][]string{}}}
	v.list = v.analyses()
	return v
}

// maxQueryBytes bounds the query text.
const maxQueryBytes = 1024

// parseQuery reads query text into a tree (see parse.go for the
// language), or nil for an empty query. In plain mode the text is only
// words: for text that was not typed as a query, such as a question or a
// title. In lenient mode any text is a query: what the strict reading
// refuses is mended, and the notice says how (nil where nothing was).
func parseQuery(text string, plain, lenient bool) (node, *Notice, error) {
	if plain {
		if len(text) > maxQueryBytes {
			return nil, nil, invalidf("query is %d bytes long; at most %d are allowed", len(text), maxQueryBytes)
		}
		n, err := plainQuery(text)
		return n, nil, err
	}
	if !lenient {
		if len(text) > maxQueryBytes {
			return nil, nil, invalidf("query is %d bytes long; at most %d are allowed", len(text), maxQueryBytes)
		}
		n, err := parse(text)
		return n, nil, err
	}
	var cut []Change
	if len(text) > maxQueryBytes {
		text = truncate(text, maxQueryBytes)
		cut = append(cut, changef("the query was cut to its first %d bytes", maxQueryBytes))
	}
	n, changes := parseLenient(text)
	if changes = append(cut, changes...); len(changes) == 0 {
		return n, nil, nil
	}
	return n, &Notice{Query: syntax(n), Changes: changes}, nil
}

// plainQuery reads text as plain words.
func plainQuery(text string) (node, error) {
	var items []node
	for _, w := range strings.Fields(text) {
		items = append(items, &term{text: w})
		if len(items) > maxClauses {
			return nil, invalidf("too many words: at most %d are allowed", maxClauses)
		}
	}
	if len(items) == 0 {
		return nil, nil
	}
	return &seqNode{items}, nil
}

// plan turns a parsed query and the rest of a request into a plan. Plain
// words and "quoted phrases" are matched in the title and body of every
// language with documents, each with that language's analyzer; a document
// matching more of them ranks higher. The weights are weights.go's.
func (e *Engine) plan(root node, r *Request, present map[string]bool) (*plan.Plan, error) {
	p := &plan.Plan{Query: &plan.All{}, BM25: plan.BM25{K1: bm25K1, B: bm25B}, Sort: plan.SortRelevance,
		From: r.From, Size: r.Size, Explain: r.Explain, MaxExpansions: e.maxExpansion}
	if r.Sort == plan.SortDate {
		p.Sort = plan.SortDate
	}
	if root != nil {
		v := e.vocab(present)
		for _, t := range terms(root, nil) {
			for _, a := range v.analyses() {
				if a.Matches(t.text) && !a.Foreign(t.text) {
					v.native[a.Key] = true
				}
			}
		}
		// A language filter asks for its language's documents: a Latin
		// word in them is then no quotation to weigh down.
		if r.Lang != "" {
			v.native[e.langs.For(r.Lang).Key] = true
		}
		q, err := translate(root, v)
		if err != nil {
			return nil, err
		}
		p.Query = withExactBoost(q, root, v)
		pairs, err := proximity(root, v)
		if err != nil {
			return nil, err
		}
		if pairs != nil && !r.NoHits {
			p.Rescore = &plan.Rescore{Window: rescoreWindow, Query: withExactBoost(pairs, root, v)}
		}
		if !r.NoSnippets || r.Explain {
			// What the snippets look for (an explanation shows it).
			p.Highlight = highlight(root, v)
		}
	}
	filters, err := r.filters()
	if err != nil {
		return nil, err
	}
	p.Filters = filters
	p.Priors = []plan.Prior{{Filter: &plan.Keyword{Field: indexer.FieldKind, Value: corpus.KindStatement}, Factor: statementPrior}}
	if !r.NoSnippets {
		p.Facets, p.FacetSize, p.Fields = facetFields, facetSize, storedFields(e.langs)
	}
	p.Hidden = hidden(time.Now(), r.IncludeEmbargoed)
	return p, nil
}

// filters are the request's filters.
func (r *Request) filters() ([]plan.Node, error) {
	var out []plan.Node
	for _, f := range []struct{ field, value string }{
		{indexer.FieldLang, r.Lang}, {indexer.FieldSource, r.Source}, {indexer.FieldKind, r.Kind},
	} {
		if f.value != "" {
			out = append(out, &plan.Keyword{Field: f.field, Value: f.value})
		}
	}
	if r.FromDate == "" && r.ToDate == "" {
		return out, nil
	}
	d := &term{field: "date", text: r.FromDate + ".." + r.ToDate}
	switch {
	case r.FromDate == "":
		d.text = "<=" + r.ToDate
	case r.ToDate == "":
		d.text = ">=" + r.FromDate
	}
	if err := d.parseDate(); err != nil {
		if r.FromDate != "" && r.ToDate != "" {
			return nil, invalidf("from_date %s is after to_date %s", r.FromDate, r.ToDate)
		}
		return nil, err
	}
	return append(out, d.query(vocab{})), nil
}

// highlight is what a page's snippets mark: every word, phrase or prefix
// the query looks for in bodies (not those it excludes), in the body
// fields alone, without the structure that decides what matches.
func highlight(root node, v vocab) plan.Node {
	v.highlight = true
	sum := &plan.Sum{}
	seen := map[string]bool{}
	for _, t := range collect(root, nil, false, func(t *term) bool { return t.field == "" }) {
		if !seen[t.String()] {
			seen[t.String()] = true
			sum.Add(textQuery(t, true, v), 1)
		}
	}
	if len(sum.Clauses) == 0 {
		return &plan.None{}
	}
	return sum
}

// proximity is the sum of the phrases of each two neighbouring plain words
// of a juxtaposition, matched in the title and body of every analysis of
// both words' script, or nil where the query has no such words.
func proximity(root node, v vocab) (plan.Node, error) {
	var pairs []plan.Weighted
	var walk func(n node) error
	walk = func(n node) error {
		var items []node
		switch n := n.(type) {
		case *seqNode:
			var run []string // the current run of neighbouring plain words
			for _, it := range n.items {
				if err := walk(it); err != nil {
					return err
				}
				if t, ok := it.(*term); ok && t.plain() {
					run = append(run, t.text)
					continue
				}
				ps, err := pairQueries(run, v)
				if err != nil {
					return err
				}
				pairs = append(pairs, ps...)
				run = run[:0]
			}
			ps, err := pairQueries(run, v)
			pairs = append(pairs, ps...)
			return err
		case *andNode:
			items = n.items
		case *orNode:
			items = n.items
		case *reqNode:
			items = []node{n.item}
		}
		for _, it := range items {
			if err := walk(it); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(root); err != nil {
		return nil, err
	}
	if len(pairs) == 0 {
		return nil, nil
	}
	sum := &plan.Sum{}
	for _, p := range pairs {
		sum.Add(p.Node, pairBoost*p.Weight)
	}
	return merge(sum), nil
}

// plain reports whether t is a word matched as text: no field, phrase,
// prefix or fuzziness.
func (t *term) plain() bool {
	return t.field == "" && !t.phrase && !t.prefix && t.fuzzy == 0
}

// pairQueries are the pairs of each two neighbouring words of a run in the
// fields of each analysis that takes both. Words that leave no term (stop
// words) are passed over and stand as gaps in the pair: in "ministry of
// defence" the pair is ministry _ defence.
func pairQueries(run []string, v vocab) ([]plan.Weighted, error) {
	var qs []plan.Weighted
	if len(run) < 2 {
		return nil, nil
	}
	// A word or pair the run repeats is worked out once: a query may be
	// one word sixty times.
	type made struct{ at, n int } // the pair's clauses in qs
	pairs := map[string]made{}
	var weights []float64 // of each clause of qs, once
	for _, a := range v.analyses() {
		prev := -1
		for i, w := range run {
			if !a.Matches(w) {
				prev = -1
				continue
			}
			ts, err := v.terms(a.Analyzer, w)
			if err != nil {
				return nil, err
			}
			if len(ts) == 0 {
				continue // a stop word
			}
			if prev >= 0 {
				text := strings.Join(run[prev:i+1], " ")
				if m, ok := pairs[a.Key+"\x00"+text]; ok {
					for j := m.at; j < m.at+m.n; j++ {
						qs[j].Weight += weights[j]
					}
					prev = i
					continue
				}
				at := len(qs)
				// Two quoted words weigh as the words do: at the rarity
				// of their home languages, and as quotations.
				quoted := v.quoted(a, run[prev]) && v.quoted(a, w)
				for _, f := range []string{indexer.TitleField(a.Key), indexer.BodyField(a.Key)} {
					p := &plan.Pair{Field: f, Text: text}
					weight := 1.0
					if quoted {
						p.RarityFrom, weight = v.rarityFrom(a, w, f), foreignWeight
					}
					qs = append(qs, plan.Weighted{Weight: weight, Node: p})
					weights = append(weights, weight)
				}
				pairs[a.Key+"\x00"+text] = made{at: at, n: len(qs) - at}
			}
			prev = i
		}
	}
	return qs, nil
}

// withExactBoost wraps q so that documents with an unstemmed match of one of
// the query's words score exactBoost times higher.
func withExactBoost(q plan.Node, root node, v vocab) plan.Node {
	exact := &plan.Sum{}
	// A word the query repeats counts as often, for the cost of one.
	var texts []string
	times := map[string]float64{}
	for _, t := range words(root, nil) {
		if times[t.text] == 0 {
			texts = append(texts, t.text)
		}
		times[t.text]++
	}
	for _, text := range texts {
		for _, a := range v.analyses() {
			if a.Exact == "" || !a.Matches(text) {
				continue
			}
			exact.Add(&plan.Match{Field: indexer.ExactField(a.Key), Text: text, Analyzer: a.Exact}, times[text])
		}
	}
	if len(exact.Clauses) == 0 {
		return q
	}
	return &plan.Boost{Inner: q, Filter: merge(exact), Factor: exactBoost}
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

// translate turns a parsed query into the query of a plan.
func translate(n node, vocab vocab) (plan.Node, error) {
	switch n := n.(type) {
	case *term:
		return n.query(vocab), nil
	case *reqNode:
		return translate(n.item, vocab)
	case *notNode:
		q, err := translate(n.item, vocab)
		if err != nil {
			return nil, err
		}
		return &plan.Bool{Must: []plan.Node{&plan.All{}}, MustNot: []plan.Node{q}}, nil
	case *orNode:
		sum := &plan.Sum{}
		for _, g := range same(n.items) {
			q, err := translate(g.node, vocab)
			if err != nil {
				return nil, err
			}
			sum.Add(q, float64(g.n))
		}
		return sum, nil
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
func combine(items []node, all bool, vocab vocab) (plan.Node, error) {
	b := &plan.Bool{}
	should := &plan.Sum{}
	required := false
	if !all {
		// Two words that the language also writes as one compound find
		// it written so: మండల కేంద్రం finds మండలకేంద్రం. A pair the query
		// repeats is worked out once, as a clause of its summed weight.
		at := map[[2]string]int{} // a pair's clause in should; -1: none
		for i := 1; i < len(items); i++ {
			key := [2]string{items[i-1].String(), items[i].String()}
			if k, ok := at[key]; ok {
				if k >= 0 {
					should.Clauses[k].Weight++
				}
				continue
			}
			j, err := joined(items[i-1], items[i], vocab)
			if err != nil {
				return nil, err
			}
			at[key] = -1
			if j != nil {
				at[key] = len(should.Clauses)
				should.Add(j, 1)
			}
		}
	}
	for _, g := range same(items) {
		switch it := g.node.(type) {
		case *notNode:
			q, err := translate(it.item, vocab)
			if err != nil {
				return nil, err
			}
			b.MustNot = append(b.MustNot, q)
			continue
		case *reqNode:
			required = true
		case *term:
			if it.isFilter() {
				b.Must = append(b.Must, it.query(vocab))
				continue
			}
		}
		q, err := translate(g.node, vocab)
		if err != nil {
			return nil, err
		}
		switch {
		case !all && !isReq(g.node):
			should.Add(q, float64(g.n))
		case g.n > 1:
			b.Must = append(b.Must, &plan.Sum{Clauses: []plan.Weighted{{Weight: float64(g.n), Node: q}}})
		default:
			b.Must = append(b.Must, q)
		}
	}
	switch {
	case len(should.Clauses) > 0 && len(b.Must) == 0 && b.MustNot == nil:
		return should, nil // words only: their sum
	case len(should.Clauses) > 0:
		b.Should = []plan.Node{should}
		if !required {
			b.MinShould = 1
		}
	case len(b.Must) == 0:
		b.Must = []plan.Node{&plan.All{}}
	}
	return b, nil
}

func isReq(n node) bool { _, ok := n.(*reqNode); return ok }

// group is a query item and how often the query has it.
type group struct {
	node node
	n    int
}

// same groups identical items, in the order of their first: a word typed
// twice counts twice, as a clause of twice the weight, for the cost of one.
func same(items []node) []group {
	var out []group
	at := map[string]int{}
	for _, it := range items {
		key := it.String()
		if i, ok := at[key]; ok {
			out[i].n++
			continue
		}
		at[key] = len(out)
		out = append(out, group{node: it, n: 1})
	}
	return out
}

// merge folds the identical clauses of sum into one of their summed weight.
func merge(sum *plan.Sum) *plan.Sum {
	out := &plan.Sum{}
	at := map[string]int{}
	for _, c := range sum.Clauses {
		key := clauseKey(c.Node)
		if i, ok := at[key]; ok {
			out.Clauses[i].Weight += c.Weight
			continue
		}
		at[key] = len(out.Clauses)
		out.Clauses = append(out.Clauses, c)
	}
	return out
}

// clauseKey is a key of n equal for two nodes where their String is: for
// the pairs and words merge sees most, without formatting them.
func clauseKey(n plan.Node) string {
	switch n := n.(type) {
	case *plan.Pair:
		return "pair\x00" + n.Field + "\x00" + n.Text + "\x00" + n.Analyzer + "\x00" + strings.Join(n.RarityFrom, "\x00")
	case *plan.Match:
		return "match\x00" + n.Field + "\x00" + n.Text + "\x00" + n.Analyzer + "\x00" + strings.Join(n.RarityFrom, "\x00")
	}
	return n.String()
}

// joined is the match of two neighbouring plain words written as one, in
// the title, body and lead of each analysis that writes compounds so (as
// a word is matched), or nil where there is none: where the two words
// written together analyze to one term that neither is alone (ప్రభుత్వం
// చే is ప్రభుత్వంచే, no compound). An analyzer that cannot be had is an
// error, not a word without a compound.
func joined(x, y node, v vocab) (plan.Node, error) {
	a, ok := x.(*term)
	b, ok2 := y.(*term)
	if !ok || !ok2 || !a.plain() || !b.plain() {
		return nil, nil
	}
	text := a.text + b.text
	sum := &plan.Sum{}
	for _, an := range v.analyses() {
		if an.Splits == nil || !an.Matches(a.text) || !an.Matches(b.text) {
			continue
		}
		ts, err := v.terms(an.Analyzer, text)
		if err != nil {
			return nil, err
		}
		if len(ts) != 1 {
			continue
		}
		ta, err := v.terms(an.Analyzer, a.text)
		if err != nil {
			return nil, err
		}
		tb, err := v.terms(an.Analyzer, b.text)
		if err != nil {
			return nil, err
		}
		if slices.Contains(ta, ts[0]) || slices.Contains(tb, ts[0]) {
			continue
		}
		sum.Add(&plan.Match{Field: indexer.TitleField(an.Key), Text: text}, titleBoost)
		sum.Add(&plan.Match{Field: indexer.BodyField(an.Key), Text: text}, 1)
		sum.Add(&plan.Match{Field: indexer.LeadField(an.Key), Text: text}, leadWeight)
	}
	if len(sum.Clauses) == 0 {
		return nil, nil
	}
	return sum, nil
}

// isFilter reports whether t narrows the documents (lang:, source:, kind:,
// date:) rather than matching words.
func (t *term) isFilter() bool { return queryFields[t.field] != "" }

// query is the plan of one term.
func (t *term) query(vocab vocab) plan.Node {
	switch t.field {
	case "", "title":
		return textQuery(t, t.field == "", vocab)
	case "date":
		return &plan.DateRange{Field: queryFields["date"], From: t.from, To: t.to}
	}
	return &plan.Keyword{Field: queryFields[t.field], Value: t.text}
}

// quoted reports whether word, in the fields of analysis a, is a
// quotation: written in another script than a's (a Latin word in a Tamil
// release), where neither the query's other words nor its language filter
// ask for a's documents.
func (v vocab) quoted(a indexer.Analysis, word string) bool {
	return a.Foreign(word) && !v.native[a.Key]
}

// rarityFrom are the fields of the analyses where a word quoted in field
// (of analysis a) is at home, of field's kind (titles for a title): the
// fields its idf is taken over, since how rare a word is is a fact of the
// languages that write it (README, Ranking). None where the word is no
// quotation, or where no language of its script has documents.
func (v vocab) rarityFrom(a indexer.Analysis, word, field string) []string {
	if !v.quoted(a, word) {
		return nil
	}
	kind := indexer.BodyField
	switch field {
	case indexer.TitleField(a.Key):
		kind = indexer.TitleField
	case indexer.LeadField(a.Key):
		kind = indexer.LeadField
	}
	var out []string
	for _, h := range v.analyses() {
		if h.Key != a.Key && h.Matches(word) && !h.Foreign(word) {
			out = append(out, kind(h.Key))
		}
	}
	return out
}

// textQuery matches a word, phrase, prefix or fuzzy word in every
// language's title and, when body is set, body. A field's query is analyzed
// with the analyzer the index mapping gives that field, so queries and
// documents meet in one form.
func textQuery(t *term, body bool, vocab vocab) plan.Node {
	sum := &plan.Sum{}
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
		var splits [][2]string // of a compound, once for its fields
		if t.plain() && a.Splits != nil {
			splits = a.Splits(t.text)
		}
		for _, f := range fields {
			var q plan.Node
			switch {
			case t.phrase:
				q = &plan.Phrase{Field: f, Text: t.text}
			case t.prefix:
				// Prefixes match indexed terms as they are.
				prefix := t.text
				if a.NormalizePrefix != nil {
					prefix = a.NormalizePrefix(prefix)
				}
				q = &plan.Prefix{Field: f, Prefix: prefix, Max: MaxWordExpansion}
			case t.fuzzy > 0:
				q = &plan.Fuzzy{Field: f, Text: t.text, Fuzziness: t.fuzzy, Max: MaxWordExpansion}
			default:
				q = &plan.Match{Field: f, Text: t.text, RarityFrom: vocab.rarityFrom(a, t.text, f)}
			}
			w := 1.0
			if f == indexer.TitleField(a.Key) {
				w = titleBoost
			}
			if vocab.quoted(a, t.text) {
				w *= foreignWeight
			}
			sum.Add(q, w)
			// A compound the field has never seen written as one word
			// is looked for by its words: జన్మస్థలం finds జన్మ and
			// స్థలం (as a word the index has never seen falls back to
			// its root).
			if len(splits) > 0 {
				parts := &plan.Parts{Field: f}
				for _, sp := range splits {
					parts.Splits = append(parts.Splits, sp[:])
				}
				sum.Add(&plan.IfAbsent{Field: f, Text: t.text, Then: parts}, w*partsWeight)
			}
		}
		if body && t.plain() && !vocab.highlight {
			lead, w := indexer.LeadField(a.Key), leadWeight
			if vocab.quoted(a, t.text) {
				w *= foreignWeight
			}
			sum.Add(&plan.Match{Field: lead, Text: t.text, RarityFrom: vocab.rarityFrom(a, t.text, lead)}, w)
		}
		// A word the index has never seen in its stemmed form falls back
		// to its root: కేంద్రీకృత finds కేంద్రీకరించింది. Bleve finds a
		// field's analyzer by property path, and the prefix field shares
		// its property with the body: name it.
		if body && t.plain() && a.Prefix != "" {
			sum.Add(&plan.IfAbsent{Field: indexer.BodyField(a.Key), Text: t.text, Analyzer: a.Analyzer,
				Then: &plan.Match{Field: indexer.PrefixField(a.Key), Text: t.text, Analyzer: a.Prefix}}, prefixFallbackWeight)
		}
	}
	// A name in one script finds it written in the other.
	if body && t.plain() && vocab.present[indexer.NamesField] {
		for _, k := range vocab.cross.keys(t.text) {
			sum.Add(&plan.Term{Field: indexer.NamesField, Term: k}, crossBoost)
		}
	}
	if len(sum.Clauses) == 0 {
		return &plan.None{}
	}
	return sum
}

// keyCache keeps the sound keys of the words searched lately: romanizing
// a Telugu word is a good part of planning a query.
type keyCache struct {
	mu    sync.Mutex
	max   int
	m     map[string][]string
	langs *indexer.Registry
}

// maxCrossCache bounds an engine's keyCache.
const maxCrossCache = 4096

func newKeyCache(max int, langs *indexer.Registry) *keyCache {
	return &keyCache{max: max, m: map[string][]string{}, langs: langs}
}

// keys are the sound keys a word is looked for by in the other script
// (indexer.Registry.CrossKeys).
func (c *keyCache) keys(word string) []string {
	c.mu.Lock()
	out, ok := c.m[word]
	c.mu.Unlock()
	if ok {
		return out
	}
	out = c.langs.CrossKeys(word)
	c.mu.Lock()
	if len(c.m) >= c.max {
		clear(c.m) // a cheap bound; the words in use come back
	}
	c.m[word] = out
	c.mu.Unlock()
	return out
}
