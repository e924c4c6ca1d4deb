package scoring

import (
	"context"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// presence says of a term whether some segment of one snapshot has it in
// a field, from the segments' dictionaries, each read once a field and
// shared by the searches on the snapshot. Most of the terms a query asks
// for are in no document of the field (a word's title, body and lead in
// every language of its script; a compound the index has never seen):
// Bleve's term reader for one of those costs what one that finds
// documents costs (a dictionary, a postings list and an iterator for
// every segment), only to find nothing.
type presence struct {
	segs  []segment.Segment
	mu    sync.RWMutex
	dicts map[string][]segment.TermDictionary
}

// newPresence returns the presence of r's terms, or nil where r has no
// segments to read.
func newPresence(r index.IndexReader) *presence {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil
	}
	p := &presence{dicts: map[string][]segment.TermDictionary{}}
	for _, ss := range snap.Segments() {
		p.segs = append(p.segs, ss.Segment())
	}
	return p
}

// absent reports whether no segment has term in field; false where it
// cannot tell. A term a segment has only in deleted documents is not
// absent: its reader says there is nothing.
func (p *presence) absent(field string, term []byte) bool {
	has, known := p.has(field, term)
	return known && !has
}

// has reports whether some segment's dictionary of field has term (as the
// snapshot's FieldDictContains says), and known false where it cannot
// tell.
func (p *presence) has(field string, term []byte) (has, known bool) {
	if p == nil {
		return false, false
	}
	p.mu.RLock()
	ds, ok := p.dicts[field]
	p.mu.RUnlock()
	if !ok {
		ds = make([]segment.TermDictionary, 0, len(p.segs))
		for _, s := range p.segs {
			d, err := s.Dictionary(field)
			if err != nil {
				return false, false
			}
			ds = append(ds, d)
		}
		p.mu.Lock()
		p.dicts[field] = ds
		p.mu.Unlock()
	}
	for _, d := range ds {
		has, err := d.Contains(term)
		if err != nil {
			return false, false
		}
		if has {
			return true, true
		}
	}
	return false, true
}

type presenceKey struct{}

// withPresence returns ctx carrying p, for the searchers of one search on
// p's snapshot.
func withPresence(ctx context.Context, p *presence) context.Context {
	if p == nil {
		return ctx
	}
	return context.WithValue(ctx, presenceKey{}, p)
}

// knownNowhere reports whether the search's snapshot has term in no
// document of field, without a term reader.
func knownNowhere(ctx context.Context, field string, term []byte) bool {
	p, _ := ctx.Value(presenceKey{}).(*presence)
	return p.absent(field, term)
}
