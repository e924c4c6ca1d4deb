package scoring

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	index "github.com/blevesearch/bleve_index_api"

	"pressearch/search/plan"
)

// FacetColumns hold every document's value of each facet field in memory,
// by the index's internal document number. Counting facets from them costs
// an array read a match; Bleve's own facets decompress the index's doc
// values, chunk by chunk, in every search (most of the time a page took).
// They suit an index that does not change, as a served generation does not.
type FacetColumns struct {
	fields []string
	values [][]string // per field, its distinct values
	docs   [][]uint32 // per field and document number, 1 + the index of its value; 0 for none
}

// maxFacetDocs bounds the documents the columns cover (4 bytes a document
// and field).
const maxFacetDocs = 50_000_000

// LoadFacetColumns reads the columns of fields from idx: each field's terms
// and, for each term, the documents that have it.
func LoadFacetColumns(ctx context.Context, idx bleve.Index, fields []string) (*FacetColumns, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	c := &FacetColumns{fields: fields, values: make([][]string, len(fields)), docs: make([][]uint32, len(fields))}
	for fi, field := range fields {
		dict, err := r.FieldDict(field)
		if err != nil {
			return nil, err
		}
		var terms []string
		for {
			entry, err := dict.Next()
			if err != nil {
				dict.Close()
				return nil, err
			}
			if entry == nil {
				break
			}
			terms = append(terms, entry.Term)
		}
		dict.Close()
		for ti, term := range terms {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
			if err != nil {
				return nil, err
			}
			for {
				d, err := tfr.Next(nil)
				if err != nil {
					tfr.Close()
					return nil, err
				}
				if d == nil {
					break
				}
				n, ok := docNumber(d.ID)
				if !ok || n >= maxFacetDocs {
					tfr.Close()
					return nil, fmt.Errorf("document number %x: %w", []byte(d.ID), errOutOfReach)
				}
				col := c.docs[fi]
				if int(n) >= len(col) {
					col = append(col, make([]uint32, int(n)+1-len(col)+len(col)/2)...)
					c.docs[fi] = col
				}
				if col[n] == 0 { // one value a document: the first
					col[n] = uint32(ti) + 1
				}
			}
			tfr.Close()
		}
		c.values[fi] = terms
	}
	return c, nil
}

// errOutOfReach is an index whose documents the columns cannot number.
var errOutOfReach = errors.New("out of the facet columns' reach")

// covers reports whether the columns hold every one of fields.
func (c *FacetColumns) covers(fields []string) bool {
	for _, f := range fields {
		if !slices.Contains(c.fields, f) {
			return false
		}
	}
	return true
}

// docNumber reads an internal document id as the number it encodes (scorch
// numbers documents, 8 bytes big-endian).
func docNumber(id index.IndexInternalID) (uint64, bool) {
	if len(id) != 8 {
		return 0, false
	}
	return binary.BigEndian.Uint64(id), true
}

// Counter counts the facets of the matches of one search.
type Counter struct {
	c      *FacetColumns
	counts [][]int // per field, per value
}

// Counter returns a new count of facet values.
func (c *FacetColumns) Counter() *Counter {
	k := &Counter{c: c, counts: make([][]int, len(c.fields))}
	for i := range c.fields {
		k.counts[i] = make([]int, len(c.values[i]))
	}
	return k
}

// Add counts the document with internal id id.
func (k *Counter) Add(id index.IndexInternalID) {
	n, ok := docNumber(id)
	if !ok {
		return // loading checked the form of every number
	}
	for i, col := range k.c.docs {
		if n < uint64(len(col)) && col[n] > 0 {
			k.counts[i][col[n]-1]++
		}
	}
}

// Context returns the context under which a search counts its matches in
// k, then collects them as Bleve does.
func (k *Counter) Context(ctx context.Context) context.Context {
	var maker bsearch.MakeDocumentMatchHandler = func(sctx *bsearch.SearchContext) (bsearch.DocumentMatchHandler, bool, error) {
		next, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
		if err != nil {
			return nil, false, err
		}
		return func(d *bsearch.DocumentMatch) error {
			if d != nil {
				k.Add(d.IndexInternalID)
			}
			return next(d)
		}, loadID, nil
	}
	return context.WithValue(ctx, bsearch.MakeDocumentMatchHandlerKey, maker)
}

// Values returns field's values with their counts, most frequent first,
// at most size of them.
func (k *Counter) Values(field string, size int) []plan.FacetValue {
	out := []plan.FacetValue{}
	for i, f := range k.c.fields {
		if f != field {
			continue
		}
		for v, n := range k.counts[i] {
			if n > 0 {
				out = append(out, plan.FacetValue{Value: k.c.values[i][v], Count: n})
			}
		}
	}
	SortFacet(out)
	return out[:min(size, len(out))]
}

// SortFacet puts a facet's values in the order a reader sees them: the
// most frequent first, ties by value.
func SortFacet(values []plan.FacetValue) {
	sort.SliceStable(values, func(i, j int) bool {
		if values[i].Count != values[j].Count {
			return values[i].Count > values[j].Count
		}
		return values[i].Value < values[j].Value
	})
}
