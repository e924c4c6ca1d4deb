package search

// heavyWords is how many words a query may have and not be heavy.
const heavyWords = 16

// Heavy reports whether r is of the kind of query that costs most: one with
// a prefix or fuzzy word, or with more than heavyWords words. It reads the
// query without planning it, which is cheap; a query that does not parse is
// not heavy, since it fails at once. A server gives heavy queries a part of
// its searches at once, so that a flood of them leaves room for the rest.
func (r Request) Heavy() bool {
	root, _, err := parseQuery(r.Query, r.Plain, r.Lenient)
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
