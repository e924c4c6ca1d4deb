package opensearch_test

import (
	"context"
	"path/filepath"
	"sort"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"pressearch/corpus"
	"pressearch/indexer"
	"pressearch/indexer/opensearch"
	"pressearch/indexer/opensearch/ostest"
)

// TestCompletionsFollowWrites writes a generation through a collection,
// as serve does, and checks after each write that what completion offers
// (as the collection keeps it, and as a server started afresh reads it
// from the generation) is what a fresh build of the resulting collection
// offers, on OpenSearch and on Bleve; and that the collection counts the
// documents the generation holds.
func TestCompletionsFollowWrites(t *testing.T) {
	s := ostest.Store(t)
	ctx := ctxFor(t)
	start := []corpus.Document{
		doc("a", "en", "Minister meets the Zanzibar delegation", "The minister met the Zanzibar delegation in Colombo."),
		doc("b", "en", "Trade talks in Colombo", "Trade talks with the delegation in Colombo went on."),
		doc("c", "te", "విదేశాంగ మంత్రి ప్రకటన", "విదేశాంగ మంత్రి జపాన్ పర్యటన గురించి ప్రకటన."),
	}
	start[0].Date, start[1].Date = "2025-03-01", "2025-02-01"
	if _, err := s.Build(ctx, indexer.Slice(start), nil); err != nil {
		t.Fatal(err)
	}
	coll := opensearch.NewCollection(s)
	c := map[string]corpus.Document{}
	for _, d := range start {
		c[d.ID] = d
	}
	put := func(d corpus.Document) corpus.Action { return corpus.Action{Doc: &d} }
	del := func(id string) corpus.Action { return corpus.Action{Delete: id} }
	dated := func(d corpus.Document, date string) corpus.Document { d.Date = date; return d }
	embargoed := doc("e", "en", "Embargoed Quokka statement", "Quokka Quokka delegation")
	embargoed.PublishAt = "2099-01-01T00:00:00Z"
	steps := []struct {
		name    string
		actions []corpus.Action
		atomic  bool
		other   bool // written by another process (add on another machine)
	}{
		{"create", []corpus.Action{put(dated(doc("d", "en", "Numbat survey", "A survey of the numbat in Colombo."), "2025-04-01"))}, false, false},
		{"replace", []corpus.Action{put(doc("a", "en", "Minister meets the Zanzibar delegation", "The minister met the Zanzibar delegation in Trincomalee."))}, false, false},
		{"delete", []corpus.Action{del("b")}, false, false},
		{"under embargo", []corpus.Action{put(embargoed)}, false, false},
		{"an id twice in a write: the second refused", []corpus.Action{put(doc("f", "en", "Bilby first", "bilby")), put(doc("f", "en", "Wombat second", "wombat"))}, false, false},
		{"created and deleted in a write", []corpus.Action{put(doc("g", "en", "Kiwi", "kiwi")), del("g")}, false, false},
		{"a refused delete alone fails", []corpus.Action{put(doc("h", "en", "Echidna", "echidna")), del("never-was")}, false, false},
		{"an atomic write that fails changes nothing", []corpus.Action{put(doc("i", "en", "Platypus", "platypus")), del("never-was")}, true, false},
		{"a Telugu document replaced", []corpus.Action{put(doc("c", "te", "విదేశాంగ మంత్రి", "రష్యా పర్యటన"))}, false, false},
		{"written by another process", []corpus.Action{put(doc("j", "en", "Dugong", "dugong")), del("d")}, false, true},
		{"and then by this one", []corpus.Action{put(doc("k", "en", "Bandicoot", "bandicoot"))}, false, false},
	}
	for _, st := range steps {
		for i := range st.actions {
			st.actions[i].Line = i + 1
		}
		by := coll
		if st.other {
			by = opensearch.NewCollection(s)
		}
		out, err := by.Apply(ctx, st.actions, indexer.WriteOptions{Atomic: st.atomic})
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if err := by.Flush(ctx); err != nil {
			t.Fatalf("%s: saving completions: %v", st.name, err)
		}
		for i, o := range out {
			switch o.Result {
			case indexer.Created, indexer.Replaced:
				c[o.ID] = *st.actions[i].Doc
			case indexer.Deleted:
				delete(c, o.ID)
			}
		}
		cur, err := s.Current(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := fresh(c)
		// (What another process wrote reaches this one's completions at
		// its next write.)
		if got := coll.Suggestions(cur); !st.other && !got.Equal(want) {
			t.Errorf("%s: the collection offers\n%+v\nwant (a fresh build)\n%+v", st.name, got, want)
		}
		if got, err := s.Suggestions(ctx, cur); err != nil || !got.Equal(want) {
			t.Errorf("%s: the generation offers (%v)\n%+v\nwant\n%+v", st.name, err, got, want)
		}
		if n, ok := by.Documents(cur); !ok || int(n) != len(c) {
			t.Errorf("%s: the collection counts %d documents (%v), want %d", st.name, n, ok, len(c))
		}
	}
	cur, _ := s.Current(ctx)
	got := coll.Suggestions(cur)
	for _, w := range []string{"trincomalee", "bilby", "echidna", "dugong", "bandicoot", "రష్యా"} {
		if _, ok := got.Words[w]; !ok {
			t.Errorf("a word written is not offered: %s (%v)", w, got.Words)
		}
	}
	for _, w := range []string{"quokka", "wombat", "kiwi", "platypus", "numbat", "జపాన్"} {
		if _, ok := got.Words[w]; ok {
			t.Errorf("a word no document offers is offered: %s", w)
		}
	}

	for _, title := range got.Titles {
		if title == "Kiwi" || title == "Embargoed Quokka statement" {
			t.Errorf("the title of a document deleted or under embargo is offered: %q", got.Titles)
		}
	}

	// A fresh build of the resulting collection, on each backend.
	docs := make([]corpus.Document, 0, len(c))
	for _, d := range c {
		docs = append(docs, d)
	}
	sort.Slice(docs, func(i, j int) bool { return docs[i].ID < docs[j].ID })
	if _, err := s.Build(ctx, indexer.Slice(docs), nil); err != nil {
		t.Fatal(err)
	}
	next, _ := s.Current(ctx)
	if built, err := s.Suggestions(ctx, next); err != nil || !built.Equal(got) {
		t.Errorf("a fresh OpenSearch build offers (%v)\n%+v\nthe written one\n%+v", err, built, got)
	}
	path := filepath.Join(t.TempDir(), "bleve")
	if _, err := indexer.BuildIndex(context.Background(), path, docs, indexer.Config{}, nil); err != nil {
		t.Fatal(err)
	}
	idx, err := bleve.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if built, err := indexer.LoadSuggestions(idx); err != nil || !built.Equal(got) {
		t.Errorf("a fresh Bleve build offers (%v)\n%+v\nthe written OpenSearch one\n%+v", err, built, got)
	}
}

// fresh is what completion offers of the collection c built afresh.
func fresh(c map[string]corpus.Document) *indexer.Suggestions {
	set := indexer.NewSuggestionSet()
	for _, d := range c {
		set.AddDocument(&d)
	}
	return set.Suggestions()
}
