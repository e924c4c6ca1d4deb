package search

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"pressearch/corpus"
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

var fieldNames = map[string]bool{"lang": true, "source": true, "kind": true, "title": true, "date": true}

// lexQuery splits a query into tokens.
func lexQuery(text string) ([]token, error) {
	rs := []rune(text)
	var out []token
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
			continue
		case r == '(':
			out = append(out, token{kind: tLParen, pos: i + 1})
			i++
			continue
		case r == ')':
			out = append(out, token{kind: tRParen, pos: i + 1})
			i++
			continue
		case (r == '+' || r == '-') && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) && rs[i+1] != ')':
			kind := tPlus
			if r == '-' {
				kind = tMinus
			}
			out = append(out, token{kind: kind, pos: i + 1})
			i++
			continue
		case r == '+' || r == '-':
			i++ // a lone + or - is punctuation
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
			if !fieldNames[name] {
				return nil, invalidf("unknown field %q at position %d: use lang, source, kind, title or date", name, i+1)
			}
			field = name
			i = j + 1
			if i >= len(rs) || unicode.IsSpace(rs[i]) || rs[i] == ')' {
				return nil, invalidf("%s: at position %d has no value", field, start+1)
			}
		}
		if rs[i] == '"' {
			end := i + 1
			for end < len(rs) && rs[end] != '"' {
				end++
			}
			if end == len(rs) {
				return nil, invalidf("unterminated phrase: the quote at position %d has no closing quote", i+1)
			}
			out = append(out, token{kind: tPhrase, text: string(rs[i+1 : end]), field: field, pos: start + 1})
			i = end + 1
			continue
		}
		end := i
		for end < len(rs) && !unicode.IsSpace(rs[end]) && rs[end] != '(' && rs[end] != ')' && rs[end] != '"' {
			end++
		}
		word := string(rs[i:end])
		i = end
		if field == "" {
			switch word {
			case "AND":
				out = append(out, token{kind: tAnd, pos: start + 1})
				continue
			case "OR":
				out = append(out, token{kind: tOr, pos: start + 1})
				continue
			case "NOT":
				out = append(out, token{kind: tNot, pos: start + 1})
				continue
			}
		}
		out = append(out, token{kind: tWord, text: word, field: field, pos: start + 1})
	}
	return append(out, token{kind: tEOF, pos: len(rs) + 1}), nil
}

// maxClauses bounds the words, phrases and filters of one query.
const maxClauses = 64

type parser struct {
	toks  []token
	i     int
	terms int
}

// parse parses query text into a tree.
func parse(text string) (node, error) {
	toks, err := lexQuery(text)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	if p.peek().kind == tEOF {
		return nil, nil
	}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, unexpected(t)
	}
	return n, nil
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

func (p *parser) or() (node, error) {
	first, err := p.seq()
	if err != nil {
		return nil, err
	}
	items := []node{first}
	for p.peek().kind == tOr {
		op := p.next()
		if !startsOperand(p.peek()) {
			return nil, invalidf("OR at position %d needs something after it", op.pos)
		}
		n, err := p.seq()
		if err != nil {
			return nil, err
		}
		items = append(items, n)
	}
	if len(items) == 1 {
		return first, nil
	}
	return &orNode{items}, nil
}

func (p *parser) seq() (node, error) {
	var items []node
	for startsOperand(p.peek()) {
		n, err := p.and()
		if err != nil {
			return nil, err
		}
		items = append(items, n)
	}
	if len(items) == 0 {
		t := p.peek()
		if t.kind == tAnd || t.kind == tOr {
			return nil, invalidf("%s at position %d needs something before it", describe(t), t.pos)
		}
		return nil, unexpected(t)
	}
	if len(items) == 1 {
		return items[0], nil
	}
	return &seqNode{items}, nil
}

func (p *parser) and() (node, error) {
	first, err := p.unary()
	if err != nil {
		return nil, err
	}
	items := []node{first}
	for p.peek().kind == tAnd {
		op := p.next()
		if !startsOperand(p.peek()) {
			return nil, invalidf("AND at position %d needs something after it", op.pos)
		}
		n, err := p.unary()
		if err != nil {
			return nil, err
		}
		items = append(items, n)
	}
	if len(items) == 1 {
		return first, nil
	}
	return &andNode{items}, nil
}

func (p *parser) unary() (node, error) {
	t := p.peek()
	switch t.kind {
	case tNot, tMinus, tPlus:
		p.next()
		if !startsOperand(p.peek()) {
			return nil, invalidf("%s at position %d needs something after it", map[int]string{tNot: "NOT", tMinus: "-", tPlus: "+"}[t.kind], t.pos)
		}
		n, err := p.unary()
		if err != nil {
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
			return nil, invalidf("empty parentheses at position %d", t.pos)
		}
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek().kind != tRParen {
			return nil, invalidf("the parenthesis at position %d is not closed", t.pos)
		}
		p.next()
		return n, nil
	case tWord, tPhrase:
		p.terms++
		if p.terms > maxClauses {
			return nil, invalidf("too many words: at most %d are allowed", maxClauses)
		}
		return newTerm(t)
	}
	return nil, unexpected(t)
}

// newTerm reads a word or phrase token into a term.
func newTerm(t token) (node, error) {
	n := &term{field: t.field, text: t.text, phrase: t.kind == tPhrase, pos: t.pos}
	if n.field == "date" {
		return n, n.parseDate()
	}
	if n.phrase {
		return n, nil
	}
	switch {
	case strings.HasSuffix(n.text, "*"):
		n.text = strings.TrimSuffix(n.text, "*")
		n.prefix = true
		if len([]rune(n.text)) < 2 {
			return nil, invalidf("a prefix needs two letters or more before * (position %d)", t.pos)
		}
	case strings.Contains(n.text, "~"):
		word, dist, _ := strings.Cut(n.text, "~")
		n.text, n.fuzzy = word, autoFuzziness(word)
		if dist != "" {
			d, err := strconv.Atoi(dist)
			if err != nil || d < 1 || d > 2 {
				return nil, invalidf("fuzziness at position %d must be ~, ~1 or ~2", t.pos)
			}
			n.fuzzy = min(d, n.fuzzy)
		}
		if word == "" {
			return nil, invalidf("~ at position %d needs a word before it", t.pos)
		}
	}
	if strings.Contains(n.text, "*") {
		return nil, invalidf("wildcards are only allowed at the end of a word (position %d)", t.pos)
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
