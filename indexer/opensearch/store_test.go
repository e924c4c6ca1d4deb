package opensearch_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"testing"
	"time"

	"pressearch/corpus"
	"pressearch/indexer"
	"pressearch/indexer/opensearch"
	"pressearch/indexer/opensearch/ostest"
)

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func doc(id, lang, title, body string) corpus.Document {
	return corpus.Document{ID: id, Lang: lang, Title: title, Body: body, Kind: corpus.KindPressRelease}
}

func TestGenerationsAndRollback(t *testing.T) {
	s := ostest.Store(t)
	ctx := ctxFor(t)
	if _, err := s.Current(ctx); !errors.Is(err, opensearch.ErrNoGeneration) {
		t.Fatalf("Current on a new collection: %v, want ErrNoGeneration", err)
	}
	count := func() int {
		t.Helper()
		var c struct {
			Count int `json:"count"`
		}
		if err := s.Raw(ctx, "GET", "/"+s.Alias()+"/_count", nil, &c); err != nil {
			t.Fatal(err)
		}
		return c.Count
	}
	one := []corpus.Document{doc("a", "en", "Alpha", "The first release.")}
	two := append(one, doc("b", "en", "Beta", "The second release."))
	sum, err := s.Build(ctx, indexer.Slice(one), nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Generation.String() != "gen-000001" || sum.Documents != 1 || sum.Languages["en"] != 1 {
		t.Errorf("first build: %+v", sum)
	}
	sugg, err := s.Suggestions(ctx, s.Index(sum.Generation))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sugg.Titles) != "[Alpha]" || sugg.Words["release"] != 1 {
		t.Errorf("suggestions of the first generation: %+v", sugg)
	}
	if sum, err = s.Build(ctx, indexer.Slice(two), nil); err != nil {
		t.Fatal(err)
	}
	if sum.Generation.String() != "gen-000002" {
		t.Errorf("second build made %s, want gen-000002", sum.Generation)
	}
	if n := count(); n != 2 {
		t.Errorf("the alias finds %d documents after the second build, want 2", n)
	}
	cur, meta, err := s.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cur != s.Alias()+"-gen-000002" || meta.Previous != s.Alias()+"-gen-000001" || meta.Documents != 2 ||
		meta.Analysis != opensearch.AnalysisVersion() || meta.Finished == "" {
		t.Errorf("Check = %s, %+v", cur, meta)
	}
	back, err := s.Rollback(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if back.String() != "gen-000001" || count() != 1 {
		t.Errorf("Rollback went to %s, finding %d documents; want gen-000001 and 1", back, count())
	}
	if _, err := s.Rollback(ctx); err == nil {
		t.Error("a second Rollback from the first generation succeeded")
	}
	if err := s.Use(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if count() != 2 {
		t.Error("Use gen-000002 did not bring the second generation back")
	}
	// Builds past Keep remove the oldest generations, never the current
	// one or the one before it.
	for range 3 {
		if _, err := s.Build(ctx, indexer.Slice(one), nil); err != nil {
			t.Fatal(err)
		}
	}
	gens, err := s.Generations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{s.Alias() + "-gen-000003", s.Alias() + "-gen-000004", s.Alias() + "-gen-000005"}
	if fmt.Sprint(gens) != fmt.Sprint(want) {
		t.Errorf("generations after five builds: %v, want %v", gens, want)
	}
}

func TestOtherAnalysisRefused(t *testing.T) {
	s := ostest.Store(t)
	ctx := ctxFor(t)
	if _, err := s.Build(ctx, indexer.Slice{doc("a", "en", "Alpha", "Text.")}, nil); err != nil {
		t.Fatal(err)
	}
	cur, _ := s.Current(ctx)
	old := map[string]any{"_meta": map[string]any{"pressearch": opensearch.Meta{Analysis: "sha256:0123456789abcdef",
		Generation: "gen-000001", Finished: "2020-01-01T00:00:00Z", Documents: 1}}}
	if err := s.Raw(ctx, "PUT", "/"+url.PathEscape(cur)+"/_mapping", old, nil); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.Check(ctx)
	var ve *opensearch.VersionError
	if !errors.As(err, &ve) || ve.Built != "sha256:0123456789abcdef" || ve.Ours != opensearch.AnalysisVersion() {
		t.Fatalf("Check of an index built by another analysis: %v", err)
	}
}

func TestCancelledBuildLeavesLiveGeneration(t *testing.T) {
	s := ostest.Store(t)
	ctx := ctxFor(t)
	if _, err := s.Build(ctx, indexer.Slice{doc("a", "en", "Alpha", "Text.")}, nil); err != nil {
		t.Fatal(err)
	}
	var docs []corpus.Document
	for i := range 3000 {
		docs = append(docs, doc(fmt.Sprintf("d%d", i), "en", "Title", "Some body text of a release."))
	}
	bctx, cancel := context.WithCancel(ctx)
	_, err := s.Build(bctx, indexer.Slice(docs), func(done, total int) {
		if done >= 1000 {
			cancel()
		}
	})
	if err == nil {
		t.Fatal("a build cancelled half way succeeded")
	}
	cur, err := s.Current(ctx)
	if err != nil || cur != s.Alias()+"-gen-000001" {
		t.Fatalf("after a cancelled build the alias names %q (%v), want the first generation", cur, err)
	}
	gens, _ := s.Generations(ctx)
	if len(gens) != 1 {
		t.Errorf("the cancelled build left its index: %v", gens)
	}
	var left []map[string]string
	if err := s.Raw(ctx, "GET", "/_cat/indices/"+s.Alias()+"-*?format=json&h=index", nil, &left); err != nil {
		t.Fatal(err)
	}
	if len(left) != 2 {
		t.Errorf("indices after a cancelled build: %v, want the first generation and its suggestions", left)
	}
}

// TestTokensAsOurs checks that OpenSearch indexes a field with the terms
// and relative positions our analyzer gives, stop-word gaps included.
func TestTokensAsOurs(t *testing.T) {
	s := ostest.Store(t)
	ctx := ctxFor(t)
	d := doc("te1", "te", "జపాన్ మరియు భారత్", "ఈ రోజు జపాన్ మరియు యూరోపియన్ యూనియన్ భద్రతా ఒప్పందం పై సంతకం చేశాయి. EUతో 2022లో.")
	if _, err := s.Build(ctx, indexer.Slice{d}, nil); err != nil {
		t.Fatal(err)
	}
	tok, err := indexer.Tokenize(&d)
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{"title_te", "body_te"} {
		var tv struct {
			TermVectors map[string]struct {
				Terms map[string]struct {
					Tokens []struct {
						Position int `json:"position"`
					} `json:"tokens"`
				} `json:"terms"`
			} `json:"term_vectors"`
		}
		// The tokens are not kept in _source: have OpenSearch analyze them
		// again as the field's mapping says.
		req := map[string]any{"doc": map[string]any{field: opensearch.Text(tok.Fields[field])},
			"fields": []string{field}, "positions": true, "offsets": false, "term_statistics": false}
		if err := s.Raw(ctx, "POST", "/"+s.Alias()+"/_termvectors", req, &tv); err != nil {
			t.Fatal(err)
		}
		got := map[int]string{}
		for term, info := range tv.TermVectors[field].Terms {
			for _, p := range info.Tokens {
				got[p.Position] = term
			}
		}
		ours := tok.Fields[field]
		if len(got) != len(ours) {
			t.Errorf("%s: OpenSearch has %d tokens, ours %d", field, len(got), len(ours))
		}
		for _, o := range ours {
			if term := got[o.Position-ours[0].Position]; term != o.Term {
				t.Errorf("%s: at position %d OpenSearch has %q, we have %q", field, o.Position, term, o.Term)
			}
		}
	}
	// A phrase across a stop word (మరియు), the gap written as ours.
	for _, tc := range []struct {
		phrase string
		want   int
	}{
		{"జపాన్ " + opensearch.Gap + " యూరోపియన్", 1},
		{"జపాన్ యూరోపియన్", 0},
	} {
		var c struct {
			Count int `json:"count"`
		}
		q := map[string]any{"query": map[string]any{"match_phrase": map[string]any{"body_te": tc.phrase}}}
		if err := s.Raw(ctx, "POST", "/"+s.Alias()+"/_count", q, &c); err != nil {
			t.Fatal(err)
		}
		if c.Count != tc.want {
			t.Errorf("phrase %q finds %d documents, want %d", tc.phrase, c.Count, tc.want)
		}
	}
}

// TestBM25AsWritten checks the similarity of the text fields: k1 = 1.0,
// b = 0.75, idf over the documents that have the field.
func TestBM25AsWritten(t *testing.T) {
	s := ostest.Store(t)
	ctx := ctxFor(t)
	docs := []corpus.Document{
		doc("e1", "en", "One", "river river boat"),
		doc("e2", "en", "Two", "river field town road sky"),
		doc("e3", "en", "Three", "town"),
		doc("t1", "te", "ఒకటి", "నది"), // no English body: not in body_en's statistics
	}
	if _, err := s.Build(ctx, indexer.Slice(docs), nil); err != nil {
		t.Fatal(err)
	}
	var ans struct {
		Hits struct {
			Hits []struct {
				ID    string  `json:"_id"`
				Score float64 `json:"_score"`
			} `json:"hits"`
		} `json:"hits"`
	}
	q := map[string]any{"query": map[string]any{"term": map[string]any{"body_en": "river"}}}
	if err := s.Raw(ctx, "POST", "/"+s.Alias()+"/_search?search_type=dfs_query_then_fetch", q, &ans); err != nil {
		t.Fatal(err)
	}
	// OpenSearch's "BM25" keeps the (k1 + 1) of the formula, as ours does.
	const k1, b = 1.0, 0.75
	n, docCount, avg := 2.0, 3.0, 9.0/3
	idf := math.Log(1 + (docCount-n+0.5)/(n+0.5))
	want := map[string]float64{
		"e1": idf * 2 * (k1 + 1) / (2 + k1*(1-b+b*3/avg)),
		"e2": idf * 1 * (k1 + 1) / (1 + k1*(1-b+b*5/avg)),
	}
	if len(ans.Hits.Hits) != 2 {
		t.Fatalf("%d hits, want 2", len(ans.Hits.Hits))
	}
	for _, h := range ans.Hits.Hits {
		if math.Abs(h.Score-want[h.ID]) > 1e-5 {
			t.Errorf("%s scores %.6f, want %.6f", h.ID, h.Score, want[h.ID])
		}
	}
}

// TestWriteToLiveGeneration applies the documents API's writes to the
// current generation: each action's outcome as on Bleve, atomic writes
// all or nothing, refused actions alone, an analysis new to the
// generation recorded in its _meta, the writes searchable after Refresh.
func TestWriteToLiveGeneration(t *testing.T) {
	s := ostest.Store(t)
	ctx := ctxFor(t)
	if _, err := s.Build(ctx, indexer.Slice{doc("a", "en", "Alpha", "The first release."), doc("k", "en", "Kept", "Kept.")}, nil); err != nil {
		t.Fatal(err)
	}
	te := doc("t", "te", "జపాన్ ప్రకటన", "జపాన్ మరియు యూరోపియన్ యూనియన్.")
	b := doc("b", "en", "Beta", "The second release.")
	b.Related = []string{"t"}
	bad := doc("x", "en", "", "No title.")
	dangling := doc("y", "en", "Dangling", "Points at nothing.")
	dangling.Related = []string{"nowhere"}
	results := func(out []indexer.Outcome) string {
		var rs []string
		for _, o := range out {
			rs = append(rs, fmt.Sprintf("%s:%d", o.ID, o.Result))
		}
		return fmt.Sprint(rs)
	}
	count := func(q map[string]any) int {
		t.Helper()
		var c struct {
			Count int `json:"count"`
		}
		var body any
		if q != nil {
			body = map[string]any{"query": q}
		}
		if err := s.Raw(ctx, "POST", "/"+s.Alias()+"/_count", body, &c); err != nil {
			t.Fatal(err)
		}
		return c.Count
	}

	// Atomic: one refused action applies nothing.
	out, err := s.Apply(ctx, []corpus.Action{{Line: 1, Doc: &te}, {Line: 2, Delete: "missing"}}, indexer.WriteOptions{Atomic: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := results(out); got != fmt.Sprintf("[t:%d missing:%d]", indexer.NotApplied, indexer.NotFound) {
		t.Errorf("atomic write with a missing delete: %s", got)
	}
	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(nil); n != 2 {
		t.Fatalf("%d documents after an atomic write that failed, want the 2 built", n)
	}

	// Not atomic: each action alone; a document may name one written
	// before it in the same request.
	actions := []corpus.Action{{Line: 1, Doc: &te}, {Line: 2, Doc: &b}, {Line: 3, Delete: "a"}, {Line: 4, Delete: "missing"},
		{Line: 5, Doc: &bad, Reason: "title is required"}, {Line: 6, Doc: &dangling}}
	out, err = s.Apply(ctx, actions, indexer.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("[t:%d b:%d a:%d missing:%d x:%d y:%d]", indexer.Created, indexer.Created, indexer.Deleted,
		indexer.NotFound, indexer.Invalid, indexer.Invalid)
	if got := results(out); got != want {
		t.Errorf("outcomes %s, want %s", got, want)
	}
	if out[5].Reason == "" || out[4].Line != 5 {
		t.Errorf("refused actions: %+v", out[4:])
	}
	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(map[string]any{"term": map[string]any{"body_te": "జపాన్"}}); n != 1 {
		t.Fatalf("the written Telugu document: found %d, want 1", n)
	}
	if n := count(nil); n != 3 {
		t.Fatalf("%d documents, want 3 (k, t, b)", n)
	}
	// A replace is told apart from a create, and the written documents
	// are marked as the API's.
	b.Title = "Beta, again"
	out, err = s.Apply(ctx, []corpus.Action{{Line: 1, Doc: &b}}, indexer.WriteOptions{})
	if err != nil || results(out) != fmt.Sprintf("[b:%d]", indexer.Replaced) {
		t.Fatalf("replace: %s %v", results(out), err)
	}
	s.Refresh(ctx)
	if n := count(map[string]any{"term": map[string]any{"api": true}}); n != 2 {
		t.Errorf("%d documents marked as written through the API, want 2", n)
	}
	_, m, err := s.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(m.Present) != "[en names te]" {
		t.Errorf("analyses recorded after the write: %v, want [en names te]", m.Present)
	}
	// A new build from files would drop the two written documents.
	if n, err := s.Dropped(ctx, indexer.Slice{doc("k", "en", "Kept", "Kept."), te}); err != nil || n != 1 {
		t.Errorf("a corpus with t but not b drops %d written documents (%v), want 1", n, err)
	}
}

// TestRebuildKeepsWrites rebuilds a collection from its own documents
// while a writer keeps adding and deleting documents through it: the new
// generation holds every write made before the rebuild returned, and the
// documents written through the API stay marked so.
func TestRebuildKeepsWrites(t *testing.T) {
	s := ostest.Store(t)
	ctx := ctxFor(t)
	var docs indexer.Slice
	for i := range 300 {
		docs = append(docs, doc(fmt.Sprintf("c%03d", i), "en", fmt.Sprintf("Release %d", i), "The harbour opened."))
	}
	first, err := s.Build(ctx, docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	coll := opensearch.NewCollection(s)
	api := doc("api-0", "en", "Written", "Written through the API.")
	if _, err := coll.Apply(ctx, []corpus.Action{{Line: 1, Doc: &api}}, indexer.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	done := make(chan int)
	go func() {
		n := 0
		defer func() { done <- n }()
		for {
			select {
			case <-stop:
				return
			default:
			}
			d := doc(fmt.Sprintf("w%04d", n), "en", fmt.Sprintf("Write %d", n), "Written during the rebuild.")
			actions := []corpus.Action{{Line: 1, Doc: &d}, {Line: 2, Delete: fmt.Sprintf("c%03d", n%300)}}
			out, err := coll.Apply(ctx, actions, indexer.WriteOptions{})
			if err != nil {
				t.Error(err)
				return
			}
			if !out[0].Result.OK() {
				t.Errorf("write %d: %+v", n, out)
				return
			}
			n++
		}
	}()
	sum, err := coll.Rebuild(ctx, nil)
	close(stop)
	writes := <-done
	if err != nil {
		t.Fatal(err)
	}
	if sum.Generation != first.Generation+1 {
		t.Errorf("rebuilt as %s, want %s", sum.Generation, first.Generation+1)
	}
	if writes == 0 {
		t.Fatal("no write was made during the rebuild")
	}
	if err := coll.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	cur, err := s.Current(ctx)
	if err != nil || cur != s.Index(sum.Generation) {
		t.Fatalf("current %s (%v), want the rebuilt %s", cur, err, s.Index(sum.Generation))
	}
	got, err := s.Documents(ctx, cur)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, d := range got {
		ids[d.ID] = true
	}
	deleted := min(writes, 300)
	if want := 300 - deleted + writes + 1; len(got) != want {
		t.Errorf("%d documents after %d writes during the rebuild, want %d", len(got), writes, want)
	}
	for i := range writes {
		if !ids[fmt.Sprintf("w%04d", i)] {
			t.Errorf("write %d lost", i)
		}
		if i < 300 && ids[fmt.Sprintf("c%03d", i)] {
			t.Errorf("c%03d, deleted during the rebuild, is back", i)
		}
	}
	// Completions of the rebuilt generation count the writes replayed
	// into it, as a fresh build of its documents does.
	after := map[string]corpus.Document{}
	for _, d := range got {
		after[d.ID] = d
	}
	want := fresh(after)
	if sugg := coll.Suggestions(cur); !sugg.Equal(want) {
		t.Errorf("the collection offers, of the rebuilt generation,\n%+v\nwant (a fresh build)\n%+v", sugg, want)
	}
	if sugg, err := s.Suggestions(ctx, cur); err != nil || !sugg.Equal(want) {
		t.Errorf("the rebuilt generation offers (%v)\n%+v\nwant (a fresh build)\n%+v", err, sugg, want)
	}
	if n, ok := coll.Documents(cur); !ok || int(n) != len(got) {
		t.Errorf("the collection counts %d documents of the rebuilt generation (%v), want %d", n, ok, len(got))
	}
	var c struct {
		Count int `json:"count"`
	}
	q := map[string]any{"query": map[string]any{"term": map[string]any{"api": true}}}
	if err := s.Raw(ctx, "POST", "/"+cur+"/_count", q, &c); err != nil || c.Count != writes+1 {
		t.Errorf("%d documents marked as the API's, want %d (%v)", c.Count, writes+1, err)
	}
	t.Logf("%d writes during the rebuild", writes)
}
