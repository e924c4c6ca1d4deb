package scoring

import (
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"
)

// The stored fields read by a match's internal number are those Bleve's
// Document gives for its id: over several segments, with documents
// replaced (deleted from an earlier segment) and deleted, with text,
// dates and lists, and where the reader is the written index's.
func TestStoredByNumberAgreesWithDocument(t *testing.T) {
	m := bleve.NewIndexMapping()
	doc := bleve.NewDocumentMapping()
	doc.AddFieldMappingsAt("at", bleve.NewDateTimeFieldMapping())
	m.DefaultMapping = doc
	// The persister waits: the batches stay segments of their own, with
	// the documents later ones replaced or deleted in them.
	idx, err := bleve.NewUsing(filepath.Join(t.TempDir(), "i"), m, bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore,
		map[string]any{"unsafe_batch": true, "scorchPersisterOptions": map[string]any{"PersisterNapTimeMSec": 60_000}})
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	base := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)
	// Four batches, four segments: each replaces some documents of the
	// ones before and deletes others.
	for seg := range 4 {
		b := idx.NewBatch()
		for i := range 15 {
			n := seg*10 + i
			fields := map[string]any{"title": fmt.Sprintf("title %d of batch %d", n, seg), "body": []string{"one", fmt.Sprint(n)}}
			if n%3 == 0 {
				fields["at"] = base.Add(time.Duration(n) * time.Hour)
			}
			if err := b.Index(fmt.Sprintf("d%02d", n), fields); err != nil {
				t.Fatal(err)
			}
		}
		if seg > 0 {
			b.Delete(fmt.Sprintf("d%02d", seg*10-7))
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
	ids, err := r.DocIDReaderAll()
	if err != nil {
		t.Fatal(err)
	}
	defer ids.Close()
	var nums []index.IndexInternalID
	for {
		num, err := ids.Next()
		if err != nil {
			t.Fatal(err)
		}
		if num == nil {
			break
		}
		nums = append(nums, append(index.IndexInternalID(nil), num...))
	}
	if len(nums) < 40 {
		t.Fatalf("%d documents, want the index's 49 less the deleted", len(nums))
	}
	type field struct{ name, value string }
	for _, tc := range []struct {
		name string
		r    index.IndexReader
	}{
		{"snapshot", r},
		{"written", liveDicts{r}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStoredReader(tc.r)
			if len(s.segs) != 4 {
				t.Fatalf("read as %d segments, want the four batches'", len(s.segs))
			}
			for _, num := range nums {
				id, err := r.ExternalID(num)
				if err != nil {
					t.Fatal(err)
				}
				d, err := r.Document(id)
				if err != nil {
					t.Fatal(err)
				}
				var want, got []field
				visitStored(d, func(n, v string) { want = append(want, field{n, v}) })
				found, err := s.visit(num, id, func(n, v string) { got = append(got, field{n, v}) })
				if err != nil || !found {
					t.Fatalf("%s: found %v, %v", id, found, err)
				}
				if len(want) == 0 || !reflect.DeepEqual(got, want) {
					t.Errorf("%s: %v, want %v", id, got, want)
				}
			}
		})
	}
	// A reader that is not a snapshot is read by id.
	s := newStoredReader(noSnapshot{r})
	var got []field
	found, err := s.visit(nil, "d00", func(n, v string) { got = append(got, field{n, v}) })
	want := []field{{"body", "one"}, {"body", "0"}, {"at", base.Format(time.RFC3339)}, {"title", "title 0 of batch 0"}}
	if err != nil || !found || !sameFields(got, want) {
		t.Errorf("read by id: found %v, %v, %v; want %v", found, got, err, want)
	}
}

func sameFields[T comparable](a, b []T) bool {
	seen := map[T]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		seen[x]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return len(a) == len(b)
}

// noSnapshot hides the snapshot behind a reader.
type noSnapshot struct{ index.IndexReader }
