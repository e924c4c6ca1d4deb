package search

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Notice says how a lenient search read its query where the reading
// differs from the text: the query it searched for, written in the query
// language, and each change made to the text.
type Notice struct {
	Query   string   `json:"query"`
	Changes []Change `json:"changes"`
}

// Change is one mend of a lenient reading. Format and Args are what
// Message was written from, so that a page can say it in the reader's
// language (Format is the key of the translation).
type Change struct {
	Message string
	Format  string
	Args    []any
}

// MarshalJSON writes a change as its message.
func (c Change) MarshalJSON() ([]byte, error) { return json.Marshal(c.Message) }

func changef(format string, args ...any) Change {
	return Change{Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// truncate cuts text to at most n bytes, between characters.
func truncate(text string, n int) string {
	for n > 0 && !utf8.RuneStart(text[n]) {
		n--
	}
	return text[:n]
}

// Precedences of the nodes, loosest first, as the parser binds them.
const (
	precOr = iota
	precSeq
	precAnd
	precUnary
	precTerm
)

func precedence(n node) int {
	switch n.(type) {
	case *orNode:
		return precOr
	case *seqNode:
		return precSeq
	case *andNode:
		return precAnd
	case *notNode, *reqNode:
		return precUnary
	}
	return precTerm
}

// syntax writes a parsed query back in the query language, in a form the
// strict reading parses into the same tree.
func syntax(n node) string {
	switch n := n.(type) {
	case nil:
		return ""
	case *term:
		s := n.text
		switch {
		case n.phrase:
			s = `"` + s + `"`
		case n.prefix:
			s += "*"
		case n.fuzzy > 0:
			s += fmt.Sprintf("~%d", n.fuzzy)
		}
		if n.field != "" {
			s = n.field + ":" + s
		}
		return s
	case *notNode:
		return "-" + inner(n.item, precUnary)
	case *reqNode:
		return "+" + inner(n.item, precUnary)
	case *orNode:
		return items(n.items, " OR ", precOr)
	case *seqNode:
		return items(n.items, " ", precSeq)
	case *andNode:
		return items(n.items, " AND ", precAnd)
	}
	panic(fmt.Sprintf("search: unknown query node %T", n))
}

// items writes the items of a node of precedence prec joined by sep.
func items(ns []node, sep string, prec int) string {
	parts := make([]string, len(ns))
	for i, it := range ns {
		// An item of the same kind is in parentheses: unbracketed, it
		// would merge with its parent.
		parts[i] = inner(it, prec+1)
	}
	return strings.Join(parts, sep)
}

// inner writes n where a node of precedence at least prec stands,
// bracketed where it binds more loosely.
func inner(n node, prec int) string {
	if precedence(n) < prec {
		return "(" + syntax(n) + ")"
	}
	return syntax(n)
}
