package scoring

import (
	"context"
	"errors"

	index "github.com/blevesearch/bleve_index_api"
)

// liveDicts is a reader of an index that is written, whose dictionaries
// list only the terms some document still has. A segment keeps the terms
// of the documents deleted from it until it is merged away; without this,
// a prefix or fuzzy word would expand to them (and Bleve's disjunction
// would count them as clauses that do not match), and a word no document
// has any more would not count as absent — searches would differ from a
// fresh build's.
type liveDicts struct {
	index.IndexReader
}

// live returns the number of documents that have term in field.
func (r liveDicts) live(field, term string) uint64 {
	tfr, err := r.IndexReader.TermFieldReader(context.Background(), []byte(term), field, false, false, false)
	if err != nil {
		return 0
	}
	defer tfr.Close()
	return tfr.Count()
}

// liveDict lists the entries of d whose terms some document has, with
// the number of those documents.
type liveDict struct {
	index.FieldDict
	r     liveDicts
	field string
}

func (d *liveDict) Next() (*index.DictEntry, error) {
	for {
		e, err := d.FieldDict.Next()
		if err != nil || e == nil {
			return e, err
		}
		if n := d.r.live(d.field, e.Term); n > 0 {
			e.Count = n
			return e, nil
		}
	}
}

func (r liveDicts) wrap(d index.FieldDict, err error, field string) (index.FieldDict, error) {
	if err != nil {
		return nil, err
	}
	return &liveDict{FieldDict: d, r: r, field: field}, nil
}

func (r liveDicts) FieldDict(field string) (index.FieldDict, error) {
	d, err := r.IndexReader.FieldDict(field)
	return r.wrap(d, err, field)
}

func (r liveDicts) FieldDictRange(field string, start, end []byte) (index.FieldDict, error) {
	d, err := r.IndexReader.FieldDictRange(field, start, end)
	return r.wrap(d, err, field)
}

func (r liveDicts) FieldDictPrefix(field string, prefix []byte) (index.FieldDict, error) {
	d, err := r.IndexReader.FieldDictPrefix(field, prefix)
	return r.wrap(d, err, field)
}

var errNoFuzzy = errors.New("the index cannot look up fuzzy terms")

func (r liveDicts) FieldDictFuzzy(field, term string, fuzziness int, prefix string) (index.FieldDict, error) {
	f, ok := r.IndexReader.(index.IndexReaderFuzzy)
	if !ok {
		return nil, errNoFuzzy
	}
	d, err := f.FieldDictFuzzy(field, term, fuzziness, prefix)
	return r.wrap(d, err, field)
}

func (r liveDicts) FieldDictFuzzyAutomaton(field, term string, fuzziness int, prefix string) (index.FieldDict, index.FuzzyAutomaton, error) {
	f, ok := r.IndexReader.(index.IndexReaderFuzzy)
	if !ok {
		return nil, nil, errNoFuzzy
	}
	d, a, err := f.FieldDictFuzzyAutomaton(field, term, fuzziness, prefix)
	w, err := r.wrap(d, err, field)
	return w, a, err
}

// liveContains says whether some document has a term.
type liveContains struct {
	index.FieldDictContains
	r     liveDicts
	field string
}

func (c *liveContains) Contains(key []byte) (bool, error) {
	found, err := c.FieldDictContains.Contains(key)
	if err != nil || !found {
		return found, err
	}
	return c.r.live(c.field, string(key)) > 0, nil
}

func (r liveDicts) FieldDictContains(field string) (index.FieldDictContains, error) {
	f, ok := r.IndexReader.(index.IndexReaderContains)
	if !ok {
		return nil, errors.New("the index cannot look terms up")
	}
	c, err := f.FieldDictContains(field)
	if err != nil {
		return nil, err
	}
	return &liveContains{FieldDictContains: c, r: r, field: field}, nil
}

// FieldCardinality passes on the index's own, where it has one.
func (r liveDicts) FieldCardinality(field string) (int, error) {
	if b, ok := r.IndexReader.(index.BM25Reader); ok {
		return b.FieldCardinality(field)
	}
	return 0, errors.New("no field cardinality")
}
