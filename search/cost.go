package search

// heavyWords is how many words a query may have and not be heavy.
const heavyWords = 16

// Heavy reports whether r is of the kind of query that costs most: one with
// a prefix or fuzzy word, or with more than heavyWords words. It reads the
// query without planning it, which is cheap; a query that does not parse is
// not heavy, since it fails at once. A server gives heavy queries a part of
// its searches at once, so that a flood of them leaves room for the rest.
//
// The query read is kept in r: a search of r does not read it again.
func (r *Request) Heavy() bool {
	root, _, err := r.parse()
	if err != nil || root == nil {
		return false
	}
	ts := terms(root, nil)
	for _, t := range ts {
		if t.prefix || t.fuzzy > 0 {
			return true
		}
	}
	return len(ts) > heavyWords
}

// parsed is a request's query as it was read, and what it was read from.
type parsed struct {
	query          string
	plain, lenient bool
	root           node
	notice         *Notice
	err            error
}

// parse reads r's query (parseQuery), once: what it read is kept in r,
// for as long as r asks for the same query the same way.
func (r *Request) parse() (node, *Notice, error) {
	if p := r.parsed; p != nil && p.query == r.Query && p.plain == r.Plain && p.lenient == r.Lenient {
		return p.root, p.notice, p.err
	}
	root, notice, err := parseQuery(r.Query, r.Plain, r.Lenient)
	r.parsed = &parsed{query: r.Query, plain: r.Plain, lenient: r.Lenient, root: root, notice: notice, err: err}
	return root, notice, err
}
