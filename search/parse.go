package search

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"pressearch/corpus"
	"pressearch/indexer"
)

// The query language, weakest binding first:
//
//	query   := seq ( "OR" seq )*
//	seq     := and and*                  juxtaposed: any may match, more rank higher
//	and     := unary ( "AND" unary )*
//	unary   := ( "NOT" | "-" | "+" ) unary | primary
//	primary := "(" query ")" | field ":" value | "phrase" | word | word* | word~ | word~2
//
// Fields: lang, source, kind and date filter; title matches words in titles.
// date takes YYYY-MM-DD, a comparison (>=, >, <=, <) before one, or a range
// YYYY-MM-DD..YYYY-MM-DD. AND, OR and NOT are operators only in capitals.

// node is a parsed query.
type node interface{ String() string }

// term is a word, phrase, prefix or fuzzy word, or a field filter.
type term struct {
	field  string // "", "title", "lang", "source", "kind", "date"
	text   string
	phrase bool
	prefix bool
	fuzzy  int
	pos    int // 1-based position of the term in the query, in characters
	// For date: the range, inclusive from, exclusive to; zero where open.
	from, to time.Time
}

type (
	orNode  struct{ items []node }
	seqNode struct{ items []node }
	andNode struct{ items []node }
	notNode struct{ item node }
	reqNode struct{ item node }
)

func (t *term) String() string {
	s := t.text
	switch {
	case t.phrase:
		s = strconv.Quote(s)
	case t.prefix:
		s += "*"
	case t.fuzzy > 0:
		s += "~" + strconv.Itoa(t.fuzzy)
	}
	if t.field != "" {
		s = t.field + ":" + s
	}
	return s
}
func (n *orNode) String() string  { return list("or", n.items) }
func (n *seqNode) String() string { return list("seq", n.items) }
func (n *andNode) String() string { return list("and", n.items) }
func (n *notNode) String() string { return "(not " + n.item.String() + ")" }
func (n *reqNode) String() string { return "(req " + n.item.String() + ")" }

func list(op string, items []node) string {
	parts := []string{op}
	for _, it := range items {
		parts = append(parts, it.String())
	}
	return "(" + strings.Join(parts, " ") + ")"
}

// token kinds of the lexer.
const (
	tWord = iota
	tPhrase
	tLParen
	tRParen
	tAnd
	tOr
	tNot
	tPlus
	tMinus
	tEOF
)

type token struct {
	kind  int
	text  string
	field string // for words and phrases written field:value
	pos   int    // 1-based, in characters
}

// queryFields are the fields a query may name (field:value) with, for each
// filter, the index field it narrows ("" for title, which matches words):
// the one table of the parser, the planner and the filters.
var queryFields = map[string]string{
	"lang":   indexer.FieldLang,
	"source": indexer.FieldSource,
	"kind":   indexer.FieldKind,
	"date":   indexer.FieldDate,
	"title":  "",
}

// lex splits a query into the parser's tokens. A lenient parser mends what
// the strict one refuses: an unknown field or a field without a value is
// read as a word, a quote left open is closed at the end, and a * that
// does not end a word is left out.
func (p *parser) lex(text string) error {
	rs := []rune(text)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
			continue
		case r == '(':
			p.toks = append(p.toks, token{kind: tLParen, pos: i + 1})
			i++
			continue
		case r == ')':
			p.toks = append(p.toks, token{kind: tRParen, pos: i + 1})
			i++
			continue
		case (r == '+' || r == '-') && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) && rs[i+1] != ')':
			kind := tPlus
			if r == '-' {
				kind = tMinus
			}
			p.toks = append(p.toks, token{kind: kind, pos: i + 1})
			i++
			continue
		case r == '+' || r == '-':
			i++ // a lone + or - is punctuation
			continue
		case r == '*' && p.lenient:
			p.notef("the * at position %d was left out: a word may only end with one", i+1)
			i++
			continue
		}
		start := i
		// field:
		field := ""
		j := i
		for j < len(rs) && rs[j] < unicode.MaxASCII && unicode.IsLetter(rs[j]) {
			j++
		}
		if j > i && j < len(rs) && rs[j] == ':' {
			name := strings.ToLower(string(rs[i:j]))
			if _, ok := queryFields[name]; !ok {
				if !p.lenient {
					return invalidf("unknown field %q at position %d: use lang, source, kind, title or date", name, i+1)
				}
				p.notef("%q at position %d is not a field: read as a word", string(rs[i:j+1]), i+1)
				p.toks = append(p.toks, token{kind: tWord, text: asWord(string(rs[i:j])), pos: i + 1})
				i = j + 1
				continue
			}
			field = name
			i = j + 1
			for p.lenient && i < len(rs) && rs[i] == '*' {
				p.notef("the * at position %d was left out: a word may only end with one", i+1)
				i++
			}
			if i >= len(rs) || endsWord(rs[i]) && rs[i] != '"' {
				if !p.lenient {
					return invalidf("%s: at position %d has no value", field, start+1)
				}
				p.notef("%q at position %d has no value: read as a word", string(rs[start:j+1]), start+1)
				p.toks = append(p.toks, token{kind: tWord, text: asWord(string(rs[start:j])), pos: start + 1})
				continue
			}
		}
		if rs[i] == '"' {
			end := i + 1
			for end < len(rs) && rs[end] != '"' {
				end++
			}
			if end == len(rs) {
				if !p.lenient {
					return invalidf("unterminated phrase: the quote at position %d has no closing quote", i+1)
				}
				p.notef("the quote at position %d was closed at the end", i+1)
			}
			p.toks = append(p.toks, token{kind: tPhrase, text: string(rs[i+1 : end]), field: field, pos: start + 1})
			i = end + 1
			continue
		}
		end := i
		for end < len(rs) && !unicode.IsSpace(rs[end]) && rs[end] != '(' && rs[end] != ')' && rs[end] != '"' {
			if p.lenient && rs[end] == '*' && end+1 < len(rs) && !endsWord(rs[end+1]) {
				break // a * inside a word ends it, and is left out at the next token's start
			}
			end++
		}
		word := string(rs[i:end])
		i = end
		if field == "" {
			switch word {
			case "AND":
				p.toks = append(p.toks, token{kind: tAnd, pos: start + 1})
				continue
			case "OR":
				p.toks = append(p.toks, token{kind: tOr, pos: start + 1})
				continue
			case "NOT":
				p.toks = append(p.toks, token{kind: tNot, pos: start + 1})
				continue
			}
		}
		p.toks = append(p.toks, token{kind: tWord, text: word, field: field, pos: start + 1})
	}
	p.toks = append(p.toks, token{kind: tEOF, pos: len(rs) + 1})
	return nil
}

// endsWord reports whether r ends a word token.
func endsWord(r rune) bool {
	return unicode.IsSpace(r) || r == '(' || r == ')' || r == '"'
}

// asWord is text read as a word where the query had it as something
// else: the operator words in lower case, as words.
func asWord(text string) string {
	switch text {
	case "AND", "OR", "NOT":
		return strings.ToLower(text)
	}
	return text
}

// maxClauses bounds the words, phrases and filters of one query.
const maxClauses = 64

type parser struct {
	toks  []token
	i     int
	terms int
	// lenient reads any text as a query: where the strict reading fails it
	// mends the query and says how in notes.
	lenient bool
	notes   []Change
}

// notef records, in a lenient reading, how the query was mended.
func (p *parser) notef(format string, args ...any) {
	p.notes = append(p.notes, changef(format, args...))
}

// parse parses query text into a tree, or nil for an empty query.
func parse(text string) (node, error) {
	return (&parser{}).parse(text)
}

// parseLenient reads any text as a query, never failing: what the strict
// reading refuses it mends, and the changes say how.
func parseLenient(text string) (node, []Change) {
	p := &parser{lenient: true}
	n, err := p.parse(text)
	if err != nil {
		// Every refusal of the strict reading is mended above; this is
		// a bug, and the words alone are still a query.
		p.notef("the query was read as plain words")
		words := strings.Fields(text)
		n, _ := plainQuery(strings.Join(words[:min(len(words), maxClauses)], " "))
		return n, p.notes
	}
	return n, p.notes
}

func (p *parser) parse(text string) (node, error) {
	if err := p.lex(text); err != nil {
		return nil, err
	}
	var items []node
	for p.peek().kind != tEOF {
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		if n != nil {
			items = append(items, n)
		}
		if t := p.peek(); t.kind != tEOF {
			if !p.lenient {
				return nil, unexpected(t)
			}
			p.notef("%s at position %d was left out", describe(t), t.pos)
			p.next()
		}
	}
	switch len(items) {
	case 0:
		return nil, nil
	case 1:
		return items[0], nil
	}
	return &seqNode{items}, nil
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }

func describe(t token) string {
	switch t.kind {
	case tRParen:
		return "\")\""
	case tLParen:
		return "\"(\""
	case tAnd:
		return "AND"
	case tOr:
		return "OR"
	case tNot:
		return "NOT"
	case tPlus:
		return "+"
	case tMinus:
		return "-"
	case tEOF:
		return "end of query"
	}
	return strconv.Quote(t.text)
}

// unexpected is the error for a token that cannot stand where it does.
func unexpected(t token) error {
	if t.kind == tEOF {
		return invalidf("the query ends too early, at position %d", t.pos)
	}
	return invalidf("unexpected %s at position %d", describe(t), t.pos)
}

// startsOperand reports whether t can begin an operand.
func startsOperand(t token) bool {
	switch t.kind {
	case tWord, tPhrase, tLParen, tNot, tPlus, tMinus:
		return true
	}
	return false
}

// oneOrMany returns the node of items: nil for none, the item for one, else
// what make makes of them.
func oneOrMany(items []node, make func([]node) node) node {
	switch len(items) {
	case 0:
		return nil
	case 1:
		return items[0]
	}
	return make(items)
}

func (p *parser) or() (node, error) {
	first, err := p.seq()
	if err != nil {
		return nil, err
	}
	var items []node
	if first != nil {
		items = append(items, first)
	}
	for p.peek().kind == tOr {
		op := p.next()
		if !startsOperand(p.peek()) {
			if !p.lenient {
				return nil, invalidf("OR at position %d needs something after it", op.pos)
			}
			p.notef("%s at position %d was left out", describe(op), op.pos)
			continue
		}
		n, err := p.seq()
		if err != nil {
			return nil, err
		}
		if n != nil {
			items = append(items, n)
		}
	}
	return oneOrMany(items, func(items []node) node { return &orNode{items} }), nil
}

func (p *parser) seq() (node, error) {
	var items []node
	for {
		t := p.peek()
		if !startsOperand(t) {
			if p.lenient && len(items) == 0 && (t.kind == tAnd || t.kind == tOr) {
				p.notef("%s at position %d was left out", describe(t), t.pos)
				p.next()
				continue
			}
			break
		}
		n, err := p.and()
		if err != nil {
			return nil, err
		}
		if n != nil {
			items = append(items, n)
		}
	}
	if len(items) == 0 && !p.lenient {
		t := p.peek()
		if t.kind == tAnd || t.kind == tOr {
			return nil, invalidf("%s at position %d needs something before it", describe(t), t.pos)
		}
		return nil, unexpected(t)
	}
	return oneOrMany(items, func(items []node) node { return &seqNode{items} }), nil
}

func (p *parser) and() (node, error) {
	first, err := p.unary()
	if err != nil {
		return nil, err
	}
	var items []node
	if first != nil {
		items = append(items, first)
	}
	for p.peek().kind == tAnd {
		op := p.next()
		if !startsOperand(p.peek()) {
			if !p.lenient {
				return nil, invalidf("AND at position %d needs something after it", op.pos)
			}
			p.notef("%s at position %d was left out", describe(op), op.pos)
			continue
		}
		n, err := p.unary()
		if err != nil {
			return nil, err
		}
		if n != nil {
			items = append(items, n)
		}
	}
	return oneOrMany(items, func(items []node) node { return &andNode{items} }), nil
}

func (p *parser) unary() (node, error) {
	t := p.peek()
	switch t.kind {
	case tNot, tMinus, tPlus:
		p.next()
		if !startsOperand(p.peek()) {
			if !p.lenient {
				return nil, invalidf("%s at position %d needs something after it", describe(t), t.pos)
			}
			p.notef("%s at position %d was left out", describe(t), t.pos)
			return nil, nil
		}
		n, err := p.unary()
		if err != nil || n == nil {
			return nil, err
		}
		if t.kind == tPlus {
			return &reqNode{n}, nil
		}
		return &notNode{n}, nil
	}
	return p.primary()
}

func (p *parser) primary() (node, error) {
	t := p.next()
	switch t.kind {
	case tLParen:
		if p.peek().kind == tRParen {
			if !p.lenient {
				return nil, invalidf("empty parentheses at position %d", t.pos)
			}
			p.notef("the empty parentheses at position %d were left out", t.pos)
			p.next()
			return nil, nil
		}
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek().kind != tRParen {
			if !p.lenient {
				return nil, invalidf("the parenthesis at position %d is not closed", t.pos)
			}
			p.notef("the parenthesis at position %d was closed at the end", t.pos)
			return n, nil
		}
		p.next()
		return n, nil
	case tWord, tPhrase:
		p.terms++
		if p.terms > maxClauses {
			if !p.lenient {
				return nil, invalidf("too many words: at most %d are allowed", maxClauses)
			}
			if p.terms == maxClauses+1 {
				p.notef("only the first %d words were read", maxClauses)
			}
			return nil, nil
		}
		return p.newTerm(t)
	}
	return nil, unexpected(t)
}

// newTerm reads a word or phrase token into a term; a lenient parser
// mends the word where the strict one refuses it, or leaves it out
// (nil).
func (p *parser) newTerm(t token) (node, error) {
	n := &term{field: t.field, text: t.text, phrase: t.kind == tPhrase, pos: t.pos}
	if n.field == "date" {
		err := n.parseDate()
		if err != nil && p.lenient {
			p.notef("%q at position %d is not a date: left out", "date:"+t.text, t.pos)
			return nil, nil
		}
		return n, err
	}
	if n.phrase {
		return n, nil
	}
	if text, ok := strings.CutSuffix(n.text, "*"); ok {
		switch {
		case utf8.RuneCountInString(text) >= 2:
			n.text, n.prefix = text, true
		case !p.lenient:
			return nil, invalidf("a prefix needs two letters or more before * (position %d)", t.pos)
		default:
			p.notef("the * of %q at position %d was left out: a prefix needs two letters or more", t.text, t.pos)
			n.text = text
		}
	}
	if !n.prefix && strings.Contains(n.text, "~") {
		word, dist, _ := strings.Cut(n.text, "~")
		n.text, n.fuzzy = word, autoFuzziness(word)
		if word == "" {
			if !p.lenient {
				return nil, invalidf("~ at position %d needs a word before it", t.pos)
			}
			p.notef("%q at position %d was left out: ~ needs a word before it", t.text, t.pos)
			return nil, nil
		}
		if dist != "" {
			d, err := strconv.Atoi(dist)
			if err != nil || d < 1 || d > 2 {
				if !p.lenient {
					return nil, invalidf("fuzziness at position %d must be ~, ~1 or ~2", t.pos)
				}
				p.notef("the fuzziness of %q at position %d was read as ~", t.text, t.pos)
				d = 2
			}
			n.fuzzy = min(d, n.fuzzy)
		}
	}
	if strings.Contains(n.text, "*") {
		return nil, invalidf("wildcards are only allowed at the end of a word (position %d)", t.pos)
	}
	if n.field == "" && !n.prefix && n.fuzzy == 0 {
		n.text = asWord(n.text) // OR~ is the word or
	}
	return n, nil
}

// autoFuzziness is the most edits a fuzzy word allows, by its length in
// letters, as Elasticsearch's AUTO: none for one or two letters, one for
// three to five, two above. Within two edits of a short word lies most of
// the dictionary, which is slow to search and finds nothing alike.
func autoFuzziness(word string) int {
	switch n := utf8.RuneCountInString(word); {
	case n <= 2:
		return 0
	case n <= 5:
		return 1
	}
	return 2
}

// parseDate reads date:VALUE into a range.
func (t *term) parseDate() error {
	v := t.text
	day := func(s string) (time.Time, error) {
		d, err := time.Parse(corpus.DateLayout, s)
		if err != nil {
			return d, invalidf("bad date %q at position %d: want YYYY-MM-DD", s, t.pos)
		}
		return d, nil
	}
	var err error
	switch {
	case strings.Contains(v, ".."):
		a, b, _ := strings.Cut(v, "..")
		if t.from, err = day(a); err != nil {
			return err
		}
		if t.to, err = day(b); err != nil {
			return err
		}
		t.to = t.to.AddDate(0, 0, 1)
		if !t.from.Before(t.to) {
			return invalidf("the date range at position %d ends before it starts", t.pos)
		}
	case strings.HasPrefix(v, ">="):
		t.from, err = day(v[2:])
	case strings.HasPrefix(v, ">"):
		t.from, err = day(v[1:])
		t.from = t.from.AddDate(0, 0, 1)
	case strings.HasPrefix(v, "<="):
		t.to, err = day(v[2:])
		t.to = t.to.AddDate(0, 0, 1)
	case strings.HasPrefix(v, "<"):
		t.to, err = day(v[1:])
	default:
		t.from, err = day(v)
		t.to = t.from.AddDate(0, 0, 1)
	}
	if err != nil {
		return err
	}
	return nil
}
