package scoring

import (
	"sort"
	"time"

	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
)

// storedReader reads the stored fields of documents a search found, by
// their internal numbers. Bleve's Document(id) first looks the id up in
// the _id dictionary of every segment; an index that is written has a
// segment for every few writes since the last merge, and those look-ups
// were a tenth of a search under writes. The number a match carries says
// which segment holds the document already.
type storedReader struct {
	r       index.IndexReader
	segs    []*scorch.SegmentSnapshot // nil: not a scorch snapshot, read by id
	offsets []uint64                  // per segment, its first document number
}

func newStoredReader(r index.IndexReader) *storedReader {
	if l, ok := r.(liveDicts); ok {
		r = l.IndexReader
	}
	s := &storedReader{r: r}
	if snap, ok := r.(*scorch.IndexSnapshot); ok {
		s.segs = snap.Segments()
		s.offsets = make([]uint64, len(s.segs))
		var next uint64
		for i, ss := range s.segs {
			s.offsets[i] = next
			next += ss.Segment().Count()
		}
	}
	return s
}

// visit calls f with each stored field of the document numbered num, whose
// id is id, as text (a date as RFC 3339, or as it was written), in the
// order Bleve's Document gives them; found is false where there is none.
func (s *storedReader) visit(num index.IndexInternalID, id string, f func(field, value string)) (found bool, err error) {
	if s.segs == nil {
		doc, err := s.r.Document(id)
		if err != nil || doc == nil {
			return false, err
		}
		visitStored(doc, f)
		return true, nil
	}
	n := num.Value()
	i := sort.Search(len(s.offsets), func(i int) bool { return s.offsets[i] > n }) - 1
	if i < 0 || n-s.offsets[i] >= s.segs[i].Segment().Count() {
		return false, nil
	}
	err = s.segs[i].VisitDocument(n-s.offsets[i], func(name string, typ byte, val []byte, pos []uint64) bool {
		switch {
		case name == "_id":
		case typ == 't':
			f(name, string(val))
		case typ == 'd':
			if t, layout, err := document.NewDateTimeFieldFromBytes(name, nil, val).DateTime(); err == nil {
				if layout == "" {
					layout = time.RFC3339
				}
				f(name, t.Format(layout))
			}
		}
		return true
	})
	return err == nil, err
}
