package scoring

import (
	"math"

	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// termSum is a sumSearcher whose clauses are all terms, the shape of
// nearly every query: each word in each field. It reads the terms' posting
// lists itself and makes one match a document, where the general sum asks
// each clause for a match of its own (a match taken from the pool, compared
// by its id's bytes, put back) for every posting. It scores exactly as the
// general sum of the same clauses does.
type termSum struct {
	unnormed
	terms   []*termSearcher
	weights []float64
	docs    []index.TermFieldDoc
	at      []uint64 // the document each term is on; termDone when done
	// used marks the terms whose document was the last returned: they
	// move on when asked, by Next or straight to where Advance goes.
	used []bool
	on   []int // scratch: the terms on the lowest document
}

const termDone = math.MaxUint64

func newTermSum(terms []*termSearcher, weights []float64) *termSum {
	s := &termSum{terms: terms, weights: weights, docs: make([]index.TermFieldDoc, len(terms)),
		at: make([]uint64, len(terms)), used: make([]bool, len(terms))}
	for i := range s.used {
		s.used[i] = true // not started
	}
	return s
}

// move sets term i on its next document (Next) or, when target is set, on
// the first at or after target.
func (s *termSum) move(i int, target index.IndexInternalID) error {
	var tm *index.TermFieldDoc
	var err error
	if target == nil {
		tm, err = s.terms[i].reader.Next(s.docs[i].Reset())
	} else {
		tm, err = s.terms[i].reader.Advance(target, s.docs[i].Reset())
	}
	if err != nil {
		return err
	}
	s.used[i] = false
	if tm == nil {
		s.at[i] = termDone
	} else {
		s.at[i] = tm.ID.Value()
	}
	return nil
}

func (s *termSum) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	for i := range s.terms {
		if s.used[i] {
			if err := s.move(i, nil); err != nil {
				return nil, err
			}
		}
	}
	return s.emit(ctx), nil
}

func (s *termSum) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	target := id.Value()
	for i := range s.terms {
		if s.used[i] || s.at[i] < target {
			if err := s.move(i, id); err != nil {
				return nil, err
			}
		}
	}
	return s.emit(ctx), nil
}

// emit returns the lowest document any term is on, scored by the weighted
// sum of the terms on it.
func (s *termSum) emit(ctx *bsearch.SearchContext) *bsearch.DocumentMatch {
	low := uint64(termDone)
	on := s.on[:0] // the terms on low
	for i, d := range s.at {
		if d < low {
			low, on = d, on[:0]
		}
		if d == low {
			on = append(on, i)
		}
	}
	s.on = on
	if low == termDone {
		return nil
	}
	score := 0.0
	for _, i := range on {
		score += s.weights[i] * s.terms[i].bm25(&s.docs[i])
		s.used[i] = true
	}
	dm := ctx.DocumentMatchPool.Get()
	dm.IndexInternalID = index.NewIndexInternalID(dm.IndexInternalID, low)
	dm.Score = score
	return dm
}

func (s *termSum) Close() error { return closeAll(s.terms) }

func (s *termSum) Count() uint64              { return countAll(s.terms) }
func (s *termSum) Size() int                  { return 64 + 48*len(s.terms) + sizeAll(s.terms) }
func (s *termSum) DocumentMatchPoolSize() int { return 1 }
