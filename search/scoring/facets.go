package scoring

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"pressearch/search/plan"
)

// FacetColumns hold every document's value of each facet field in memory,
// by the internal document number of one snapshot of the index, and each
// document's id. Counting facets from them costs an array read a match;
// Bleve's own facets decompress the index's doc values, chunk by chunk, in
// every search (most of the time a page took).
//
// They are kept a segment at a time: an index that is written makes new
// segments and merges old ones, and the columns of the segments that stay
// are read once.
type FacetColumns struct {
	fields  []string
	values  [][]string // per field, its values (an index that is written may have more than its documents use)
	offsets []uint64   // per segment, its first document number
	segs    []*segColumns
}

// segColumns are the columns of one segment, by its own document numbers.
type segColumns struct {
	docs [][]uint32 // per field and document, 1 + the index of its value in the field's values; 0 for none
	ids  []string   // per document, its id; nil where not asked for
	size int        // bytes, roughly
}

// maxFacetDocs bounds the documents the columns cover (4 bytes a document
// and field).
const maxFacetDocs = 50_000_000

// errOutOfReach is an index whose documents the columns cannot number.
var errOutOfReach = errors.New("out of the facet columns' reach")

// columnCache reads segments' columns and keeps those of the segments a
// snapshot still has. Values are numbered once for every segment, so that
// a count over several segments adds up by value.
type columnCache struct {
	fields []string
	ids    bool
	values [][]string
	number []map[string]uint32
	segs   map[segment.Segment]*segColumns
}

func newColumnCache(fields []string, ids bool) *columnCache {
	c := &columnCache{fields: fields, ids: ids, values: make([][]string, len(fields)),
		number: make([]map[string]uint32, len(fields)), segs: map[segment.Segment]*segColumns{}}
	for i := range fields {
		c.number[i] = map[string]uint32{}
	}
	return c
}

// columns returns the columns of reader r, reading those of its segments
// not read before and forgetting those of segments it no longer has. The
// caller holds whatever lock guards c.
func (c *columnCache) columns(ctx context.Context, r index.IndexReader) (*FacetColumns, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("a %T has no segments: %w", r, errOutOfReach)
	}
	out := &FacetColumns{fields: c.fields}
	seen := map[segment.Segment]bool{}
	var next uint64
	for _, ss := range snap.Segments() {
		seg := ss.Segment()
		sc, ok := c.segs[seg]
		if !ok {
			var err error
			if sc, err = c.read(ctx, seg); err != nil {
				return nil, err
			}
			c.segs[seg] = sc
		}
		seen[seg] = true
		out.offsets = append(out.offsets, next)
		out.segs = append(out.segs, sc)
		next += seg.Count()
		if next >= maxFacetDocs {
			return nil, fmt.Errorf("%d documents: %w", next, errOutOfReach)
		}
	}
	for seg := range c.segs {
		if !seen[seg] {
			delete(c.segs, seg)
		}
	}
	out.values = make([][]string, len(c.values))
	copy(out.values, c.values) // the values so far; later ones are appended beyond
	return out, nil
}

// read reads one segment's columns: each field's terms and, for each term,
// the documents that have it; and the id of each document.
func (c *columnCache) read(ctx context.Context, seg segment.Segment) (*segColumns, error) {
	n := seg.Count()
	sc := &segColumns{docs: make([][]uint32, len(c.fields))}
	for fi, field := range c.fields {
		col := make([]uint32, n)
		sc.docs[fi] = col
		sc.size += 4 * int(n)
		err := eachPosting(ctx, seg, field, func(term string, doc uint64) {
			if doc >= n || col[doc] != 0 { // one value a document: the first
				return
			}
			v, ok := c.number[fi][term]
			if !ok {
				v = uint32(len(c.values[fi]))
				c.number[fi][term] = v
				c.values[fi] = append(c.values[fi], term)
			}
			col[doc] = v + 1
		})
		if err != nil {
			return nil, err
		}
	}
	if c.ids {
		sc.ids = make([]string, n)
		err := eachPosting(ctx, seg, "_id", func(term string, doc uint64) {
			if doc < n {
				sc.ids[doc] = term
				sc.size += 16 + len(term)
			}
		})
		if err != nil {
			return nil, err
		}
	}
	return sc, nil
}

// eachPosting calls f with every term of field in seg and each document
// that has it, deleted ones too.
func eachPosting(ctx context.Context, seg segment.Segment, field string, f func(term string, doc uint64)) error {
	dict, err := seg.Dictionary(field)
	if err != nil {
		return err
	}
	it := dict.AutomatonIterator(nil, nil, nil)
	var pl segment.PostingsList
	var pi segment.PostingsIterator
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		e, err := it.Next()
		if err != nil {
			return err
		}
		if e == nil {
			return nil
		}
		term := e.Term
		if pl, err = dict.PostingsList([]byte(term), nil, pl); err != nil {
			return err
		}
		pi = pl.Iterator(false, false, false, pi)
		for {
			p, err := pi.Next()
			if err != nil {
				return err
			}
			if p == nil {
				break
			}
			f(term, p.Number())
		}
	}
}

// LoadFacetColumns reads the columns of fields from idx.
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
	return newColumnCache(fields, false).columns(ctx, r)
}

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

// locate returns the segment of document number n and its number there.
func (c *FacetColumns) locate(n uint64) (*segColumns, uint64) {
	i := 0
	if len(c.offsets) > 1 {
		i = sort.Search(len(c.offsets), func(i int) bool { return c.offsets[i] > n }) - 1
	}
	if i < 0 || i >= len(c.segs) {
		return nil, 0
	}
	return c.segs[i], n - c.offsets[i]
}

// id returns the id of the document with internal id iid, where the
// columns hold ids.
func (c *FacetColumns) id(iid index.IndexInternalID) (string, bool) {
	n, ok := docNumber(iid)
	if !ok {
		return "", false
	}
	sc, local := c.locate(n)
	if sc == nil || local >= uint64(len(sc.ids)) {
		return "", false
	}
	return sc.ids[local], true
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
		return
	}
	sc, local := k.c.locate(n)
	if sc == nil {
		return
	}
	for i, col := range sc.docs {
		if local < uint64(len(col)) && col[local] > 0 && int(col[local]) <= len(k.counts[i]) {
			k.counts[i][col[local]-1]++
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
