package scoring

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"
)

// The hidden documents of a date range, read from the field's dictionary,
// are those Bleve's date range query matches: at every edge, with open
// ends, and over several segments and values a document.
func TestDatedAgreesWithBleve(t *testing.T) {
	m := bleve.NewIndexMapping()
	doc := bleve.NewDocumentMapping()
	doc.AddFieldMappingsAt("at", bleve.NewDateTimeFieldMapping())
	m.DefaultMapping = doc
	idx, err := bleve.New(filepath.Join(t.TempDir(), "i"), m)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	base := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return base.Add(time.Duration(h) * time.Hour) }
	// Two batches: two segments. A document may have two dates, or none.
	for seg := range 2 {
		b := idx.NewBatch()
		for i := range 20 {
			n := seg*20 + i
			fields := map[string]any{"title": "x"}
			switch {
			case n%7 == 0:
			case n%5 == 0:
				fields["at"] = []time.Time{at(n - 20), at(n + 100)}
			default:
				fields["at"] = at(n - 20)
			}
			if err := b.Index(fmt.Sprintf("d%02d", n), fields); err != nil {
				t.Fatal(err)
			}
		}
		if err := idx.Batch(b); err != nil {
			t.Fatal(err)
		}
	}
	adv, err := idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var zero time.Time
	for _, c := range []struct{ from, to time.Time }{
		{at(0).Add(time.Nanosecond), zero}, // an embargo's range
		{at(0), zero},
		{at(-1000), zero},
		{at(1000), zero},
		{zero, at(0)},
		{at(-5), at(5)},
		{at(3), at(3)},
		{at(3), at(4)},
		{zero, zero},
	} {
		name := fmt.Sprintf("[%v, %v)", c.from, c.to)
		incl, excl := true, false
		q := bleve.NewDateRangeInclusiveQuery(c.from, c.to, &incl, &excl)
		q.SetField("at")
		want, err := matching(q)(context.Background(), r, m)
		if err != nil {
			t.Fatal(name, err)
		}
		got, err := dated("at", c.from, c.to)(context.Background(), r, m)
		if err != nil {
			t.Fatal(name, err)
		}
		if g, w := ids(t, r, got), ids(t, r, want); !slices.Equal(g, w) {
			t.Errorf("%s: dated finds %v, Bleve %v", name, g, w)
		}
	}
	// A field no document has hides nothing.
	if got, err := dated("nowhere", at(0), zero)(context.Background(), r, m); err != nil || len(got) != 0 {
		t.Errorf("a field without documents: %v, %v", got, err)
	}
}

// ids returns the external ids of the internal document numbers in set,
// sorted.
func ids(t *testing.T, r index.IndexReader, set map[uint64]bool) []string {
	t.Helper()
	var out []string
	for n := range set {
		id, err := r.ExternalID(index.NewIndexInternalID(nil, n))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}
