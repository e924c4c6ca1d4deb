package opensearch

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"pressearch/corpus"
	"pressearch/indexer"
	osindex "pressearch/indexer/opensearch"
	"pressearch/indexer/opensearch/ostest"
	"pressearch/search/plan"
	"pressearch/search/scoring"
)

func TestWithin(t *testing.T) {
	tests := []struct {
		a, b string
		k    int
		want bool
	}{
		{"japan", "japan", 0, true},
		{"japan", "japon", 1, true},
		{"japan", "jpan", 1, true},
		{"japan", "jap", 1, false},
		{"japan", "jap", 2, true},
		{"జపాన్", "జపాను", 1, true},
		{"ab", "ba", 1, false}, // a transposition is two edits
		{"", "ab", 2, true},
	}
	for _, tc := range tests {
		if got := within(tc.a, tc.b, tc.k); got != tc.want {
			t.Errorf("within(%q, %q, %d) = %v, want %v", tc.a, tc.b, tc.k, got, tc.want)
		}
	}
}

func TestLocations(t *testing.T) {
	src := &osindex.Source{ID: "x", Lang: "te", Kind: "article", Title: "శీర్షిక",
		Body: "జపాన్ మరియు యూరోపియన్ యూనియన్ భద్రతా ఒప్పందం. జపాన్తో చర్చలు."}
	span := func(sub string, nth int) plan.Span {
		i := -1
		for range nth + 1 {
			j := indexOf(src.Body[i+1:], sub)
			if j < 0 {
				t.Fatalf("%q not in the body", sub)
			}
			i += 1 + j
		}
		return plan.Span{Start: i, End: i + len(sub)}
	}
	tests := []struct {
		name string
		hl   plan.Node
		want map[string][]plan.Span
	}{
		{"a word and its inflection", &plan.Match{Field: "body_te", Text: "జపాన్"},
			map[string][]plan.Span{"body_te": {span("జపాన్", 0), span("జపాన్తో", 0)}}},
		{"a phrase across a stop word", &plan.Phrase{Field: "body_te", Text: "జపాన్ మరియు యూరోపియన్"},
			map[string][]plan.Span{"body_te": {span("జపాన్", 0), span("యూరోపియన్", 0)}}},
		{"a phrase that is not there", &plan.Phrase{Field: "body_te", Text: "యూనియన్ జపాన్"}, nil},
		{"a field of another language", &plan.Match{Field: "body_en", Text: "జపాన్"}, nil},
		{"a sum, each once", &plan.Sum{Clauses: []plan.Weighted{
			{Weight: 1, Node: &plan.Match{Field: "body_te", Text: "ఒప్పందం"}},
			{Weight: 1, Node: &plan.Match{Field: "body_te", Text: "ఒప్పందం"}}}},
			map[string][]plan.Span{"body_te": {span("ఒప్పందం", 0)}}},
		{"a fallback taken", &plan.IfAbsent{Field: "body_te", Text: "చర్చ", Then: &plan.Prefix{Field: "body_te", Prefix: "చర్చ"}},
			map[string][]plan.Span{"body_te": {span("చర్చలు", 0)}}},
		{"the parts of a compound, the first split whose words are there", &plan.Parts{Field: "body_te",
			Splits: [][]string{{"భద్రతా", "సంధి"}, {"భద్రతా", "ఒప్పందం"}}},
			map[string][]plan.Span{"body_te": {span("భద్రతా", 0), span("ఒప్పందం", 0)}}},
	}
	absent := map[absentKey]bool{{"body_te", "", "చర్చ"}: true, {"body_te", "", "సంధి"}: true}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Locations(indexer.DefaultRegistry(), src, tc.hl, absent)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("Locations = %v, want %v", got, tc.want)
			}
		})
	}
}

// The parts of a compound are matched as the words of the first split
// whose every word is in the field, and nothing where no split's are.
func TestPartsQuery(t *testing.T) {
	b := &builder{analysis: analysis{indexer.DefaultRegistry()}, absent: map[absentKey]bool{{"body_te", "", "సంధి"}: true}}
	parts := func(splits ...[]string) plan.Node { return &plan.Parts{Field: "body_te", Splits: splits} }
	words := func(ws ...string) plan.Node {
		sum := &plan.Sum{}
		for _, w := range ws {
			sum.Add(&plan.Match{Field: "body_te", Text: w}, 1)
		}
		return sum
	}
	for _, tc := range []struct {
		name      string
		got, want plan.Node
	}{
		{"the second split", parts([]string{"భద్రతా", "సంధి"}, []string{"భద్రతా", "ఒప్పందం"}), words("భద్రతా", "ఒప్పందం")},
		{"no split", parts([]string{"భద్రతా", "సంధి"}), &plan.None{}},
	} {
		got, err := b.build(tc.got)
		if err != nil {
			t.Fatal(err)
		}
		want, err := b.build(tc.want)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: %v, want %v", tc.name, got, want)
		}
	}
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// executor builds docs into a collection of the test's own, split into
// shards, and returns the executor of its generation.
func executor(t *testing.T, docs []corpus.Document, shards int) *Index {
	t.Helper()
	s := ostest.Store(t)
	s.Shape = osindex.Shape{Shards: shards, Replicas: 0}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := s.Build(ctx, indexer.Slice(docs), nil); err != nil {
		t.Fatal(err)
	}
	cur, err := s.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	x, err := New(ctx, s, cur, indexer.DefaultRegistry())
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func en(id, title, body, kind, date string) corpus.Document {
	return corpus.Document{ID: id, Lang: "en", Title: title, Body: body, Kind: kind, Date: date, Source: "Ministry"}
}

func TestExecute(t *testing.T) {
	docs := []corpus.Document{
		en("a", "Harbour opens", "The new harbour of the city opens today.", corpus.KindArticle, "2024-11-01"),
		en("b", "Statement on the harbour", "The minister spoke about the harbour.", corpus.KindStatement, "2024-11-02"),
		en("c", "River news", "The river and the harbour were cleaned. City harbour staff helped.", corpus.KindPressRelease, "2024-10-05"),
		en("d", "Nothing here", "Weather report for the week.", corpus.KindPressRelease, ""),
	}
	x := executor(t, docs, 1)
	ctx := context.Background()
	word := func(w string) plan.Node { return &plan.Match{Field: "body_en", Text: w} }
	bm25 := plan.BM25{K1: 1, B: 0.75}
	run := func(p *plan.Plan) *plan.Result {
		t.Helper()
		if p.Size == 0 {
			p.Size = 10
		}
		p.BM25 = bm25
		res, err := x.Execute(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	ids := func(r *plan.Result) string {
		var out []string
		for _, h := range r.Hits {
			out = append(out, h.ID)
		}
		return fmt.Sprint(out)
	}

	res := run(&plan.Plan{Query: word("harbour"), Facets: []string{"kind", "year"}, FacetSize: 10,
		Fields: []string{"lang", "date", "kind", "title_en", "body_en"}, Highlight: word("harbour")})
	if res.Total != 3 {
		t.Errorf("harbour: total %d, want 3", res.Total)
	}
	if fmt.Sprint(res.Facets["year"]) != "[{2024 3}]" || len(res.Facets["kind"]) != 3 {
		t.Errorf("facets: %v", res.Facets)
	}
	for _, h := range res.Hits {
		if h.Fields["date"] == nil || h.Fields["title_en"] == nil || len(h.Locations["body_en"]) == 0 {
			t.Errorf("hit %s: fields %v, locations %v", h.ID, h.Fields, h.Locations)
		}
	}
	if c := res.Hits[0]; c.ID != "c" || len(c.Locations["body_en"]) != 2 {
		t.Errorf("first hit %s with locations %v; want c, harbour twice", c.ID, c.Locations)
	}

	// The statement prior halves b's score.
	plain := run(&plan.Plan{Query: word("harbour")})
	prior := run(&plan.Plan{Query: word("harbour"),
		Priors: []plan.Prior{{Filter: &plan.Keyword{Field: "kind", Value: "statement"}, Factor: 0.5}}})
	score := func(r *plan.Result, id string) float64 {
		for _, h := range r.Hits {
			if h.ID == id {
				return h.Score
			}
		}
		return math.NaN()
	}
	if got, want := score(prior, "b"), score(plain, "b")/2; math.Abs(got-want) > 1e-5 {
		t.Errorf("statement prior: b scores %g, want %g", got, want)
	}
	if score(prior, "a") != score(plain, "a") {
		t.Errorf("the prior changed an article's score")
	}

	// Filters narrow without scoring.
	filtered := run(&plan.Plan{Query: word("harbour"), Filters: []plan.Node{
		&plan.DateRange{Field: "date", From: time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC)}}})
	if ids(filtered) != "[a b]" && ids(filtered) != "[b a]" || score(filtered, "a") != score(plain, "a") {
		t.Errorf("date filter: %s, a scores %g (unfiltered %g)", ids(filtered), score(filtered, "a"), score(plain, "a"))
	}

	// By date: newest first, the undated last.
	byDate := run(&plan.Plan{Query: &plan.All{}, Sort: plan.SortDate})
	if ids(byDate) != "[b a c d]" {
		t.Errorf("by date: %s", ids(byDate))
	}

	// A phrase, and a pair rescoring the best hits.
	if r := run(&plan.Plan{Query: &plan.Phrase{Field: "body_en", Text: "city harbour"}}); ids(r) != "[c]" {
		t.Errorf("phrase: %s", ids(r))
	}
	pair := &plan.Pair{Field: "body_en", Text: "harbour staff"}
	rescored := run(&plan.Plan{Query: word("harbour"), Rescore: &plan.Rescore{Window: 100, Query: pair}})
	staff := run(&plan.Plan{Query: &plan.Sum{Clauses: []plan.Weighted{{Weight: 1, Node: word("harbour")}, {Weight: 1, Node: word("staff")}}},
		Filters: []plan.Node{&plan.Keyword{Field: "kind", Value: "press-release"}}})
	if got, want := score(rescored, "c"), score(plain, "c")+score(staff, "c"); math.Abs(got-want) > 1e-4 {
		t.Errorf("pair rescoring: c scores %g, want the word's %g plus the pair's two terms' = %g", got, score(plain, "c"), want)
	}
	if score(rescored, "a") != score(plain, "a") {
		t.Errorf("pair rescoring changed a, which has no pair")
	}

	// Paging and totals.
	page := run(&plan.Plan{Query: word("harbour"), From: 1, Size: 1})
	if page.Total != 3 || len(page.Hits) != 1 || page.Hits[0].ID != plain.Hits[1].ID {
		t.Errorf("page 2 of size 1: %s of %d, want %s", ids(page), page.Total, plain.Hits[1].ID)
	}

	// Lookups, in id order.
	found, err := x.Lookup(ctx, plan.Lookup{IDs: []string{"d", "a"}, Values: []plan.FieldValue{{Field: "kind", Value: "statement"}},
		Fields: []string{"lang", "title_en"}, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range found {
		got = append(got, d.ID+":"+d.First("title_en"))
	}
	if fmt.Sprint(got) != "[a:Harbour opens b:Statement on the harbour d:Nothing here]" {
		t.Errorf("lookup: %v", got)
	}
}

// TestShardsDoNotChangeScores runs the same plans on one shard and on
// three: with dfs_query_then_fetch the statistics are the whole index's,
// so every score is the same.
func TestShardsDoNotChangeScores(t *testing.T) {
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		docs = append(docs, en(fmt.Sprintf("x%02d", i), fmt.Sprintf("Release %d on Japan", i),
			fmt.Sprintf("Partnership %d between the EU and Japan on security and defence; statement %d.", i, i%7),
			corpus.KindPressRelease, ""))
	}
	one, three := executor(t, docs, 1), executor(t, docs, 3)
	queries := []plan.Node{
		&plan.Sum{Clauses: []plan.Weighted{{Weight: 1.5, Node: &plan.Match{Field: "title_en", Text: "japan"}},
			{Weight: 1, Node: &plan.Match{Field: "body_en", Text: "japan security"}}}},
		&plan.Match{Field: "body_te", Text: "జపాన్ భద్రతా"},
		&plan.Phrase{Field: "body_en", Text: "security and defence"},
	}
	for i, q := range queries {
		p := &plan.Plan{Query: q, Size: 100, BM25: plan.BM25{K1: 1, B: 0.75}}
		a, err := one.Execute(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		b, err := three.Execute(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		if a.Total == 0 || a.Total != b.Total {
			t.Errorf("query %d: %d matches on one shard, %d on three", i, a.Total, b.Total)
			continue
		}
		scores := func(r *plan.Result) map[string]float64 {
			m := map[string]float64{}
			for _, h := range r.Hits {
				m[h.ID] = h.Score
			}
			return m
		}
		sa, sb := scores(a), scores(b)
		var keys []string
		for k := range sa {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if math.Abs(sa[k]-sb[k]) > 1e-5*math.Max(1, sa[k]) {
				t.Errorf("query %d: %s scores %g on one shard, %g on three", i, k, sa[k], sb[k])
			}
		}
	}
}

// bleveExecutor builds docs into a Bleve generation and returns the Bleve
// backend's executor over it, to compare plans' answers with.
func bleveExecutor(t *testing.T, docs []corpus.Document) *scoring.Index {
	t.Helper()
	store, err := indexer.OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sum, err := store.Build(context.Background(), docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	idx, lease, err := store.Serve(sum.Generation)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close(); lease.Release() })
	stats, err := indexer.ReadStats(idx, nil)
	if err != nil {
		t.Fatal(err)
	}
	x, err := scoring.New(context.Background(), idx, scoring.Options{Stats: &scoring.Stats{Global: stats.Global, PerField: stats.PerField}})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestPlansScoreAsOnBleve runs plans of words on both backends over short
// texts (whose lengths Lucene keeps exactly): the same hits, the same
// scores. Among them, words whose idf comes from other fields
// (RarityFrom), alone and in pairs.
func TestPlansScoreAsOnBleve(t *testing.T) {
	var docs []corpus.Document
	for i := range 12 {
		docs = append(docs, en(fmt.Sprintf("e%02d", i), "Statement", fmt.Sprintf("The president spoke on day %d about the harbour.", i), corpus.KindPressRelease, ""))
	}
	docs = append(docs,
		corpus.Document{ID: "ta1", Lang: "ta", Title: "அறிக்கை", Body: "ஜனாதிபதி president harbour துறைமுகம் திறப்பு", Kind: corpus.KindPressRelease},
		corpus.Document{ID: "ta2", Lang: "ta", Title: "செய்தி", Body: "அமைச்சர் president உரை", Kind: corpus.KindPressRelease},
		corpus.Document{ID: "ta3", Lang: "ta", Title: "செய்தி", Body: "அமைச்சர் கூட்டம்", Kind: corpus.KindPressRelease})
	onOS, onBleve := executor(t, docs, 1), bleveExecutor(t, docs)
	from := []string{"body_en"}
	plans := map[string]plan.Node{
		"a word":             &plan.Match{Field: "body_en", Text: "president"},
		"a weighted sum":     &plan.Sum{Clauses: []plan.Weighted{{Weight: 1.5, Node: &plan.Match{Field: "title_en", Text: "statement"}}, {Weight: 1, Node: &plan.Match{Field: "body_en", Text: "harbour"}}}},
		"a quoted word":      &plan.Match{Field: "body_indic", Text: "president", RarityFrom: from},
		"quoted words":       &plan.Match{Field: "body_indic", Text: "president harbour", RarityFrom: from},
		"a pair":             &plan.Pair{Field: "body_en", Text: "president spoke"},
		"a quoted pair":      &plan.Pair{Field: "body_indic", Text: "president harbour", RarityFrom: from},
		"a quoted word, own": &plan.Match{Field: "body_indic", Text: "president"},
	}
	for name, q := range plans {
		t.Run(name, func(t *testing.T) {
			p := &plan.Plan{Query: q, Size: 20, BM25: plan.BM25{K1: 1, B: 0.75}}
			got, err := onOS.Execute(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			want, err := onBleve.Execute(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != want.Total || got.Total == 0 {
				t.Fatalf("%d hits, on Bleve %d", got.Total, want.Total)
			}
			scores := map[string]float64{}
			for _, h := range want.Hits {
				scores[h.ID] = h.Score
			}
			for _, h := range got.Hits {
				if w, ok := scores[h.ID]; !ok || math.Abs(h.Score-w) > 1e-4*math.Max(1, w) {
					t.Errorf("%s scores %.6f, on Bleve %.6f", h.ID, h.Score, w)
				}
			}
		})
	}
}

// TestRankingAsOnBleve runs the parts of the ranking that are not BM25
// itself on both backends over short texts: the statement prior, the
// exact-form boost (a Boost node), and the rescoring of the best hits by
// neighbouring words within a window, which must rescore the first Window
// hits and no other. The same hits, the same scores.
func TestRankingAsOnBleve(t *testing.T) {
	var docs []corpus.Document
	for i := range 14 {
		kind := corpus.KindPressRelease
		if i%2 == 0 {
			kind = corpus.KindStatement
		}
		words := "president spoke"
		if i%3 != 0 {
			words = "president quickly spoke"
		}
		body := fmt.Sprintf("The %s about the harbour%s.", words, strings.Repeat(" today", i))
		docs = append(docs, en(fmt.Sprintf("p%02d", i), "Release", body, kind, ""))
	}
	onOS, onBleve := executor(t, docs, 1), bleveExecutor(t, docs)
	words := &plan.Match{Field: "body_en", Text: "president harbour"}
	pair := &plan.Pair{Field: "body_en", Text: "president spoke"}
	plans := map[string]*plan.Plan{
		"statement prior": {Query: words,
			Priors: []plan.Prior{{Filter: &plan.Keyword{Field: "kind", Value: corpus.KindStatement}, Factor: 0.5}}},
		"exact-form boost": {Query: &plan.Boost{Inner: words, Filter: &plan.Match{Field: "body_en", Text: "quickly"}, Factor: 1.05}},
		"rescore window 4": {Query: words, Rescore: &plan.Rescore{Window: 4, Query: pair}},
		"rescore window 100": {Query: words, Rescore: &plan.Rescore{Window: 100, Query: pair},
			Priors: []plan.Prior{{Filter: &plan.Keyword{Field: "kind", Value: corpus.KindStatement}, Factor: 0.5}}},
	}
	scores := map[string]map[string]float64{}
	for name, p := range plans {
		t.Run(name, func(t *testing.T) {
			p.Size, p.BM25 = 20, plan.BM25{K1: 1, B: 0.75}
			got, err := onOS.Execute(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			want, err := onBleve.Execute(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != want.Total || got.Total != 14 {
				t.Fatalf("%d hits, on Bleve %d, want 14", got.Total, want.Total)
			}
			m := map[string]float64{}
			for i, h := range want.Hits {
				m[h.ID] = h.Score
				if got.Hits[i].ID != h.ID {
					t.Errorf("hit %d is %s, on Bleve %s", i, got.Hits[i].ID, h.ID)
				}
			}
			for _, h := range got.Hits {
				if w := m[h.ID]; math.Abs(h.Score-w) > 1e-4*math.Max(1, w) {
					t.Errorf("%s scores %.6f, on Bleve %.6f", h.ID, h.Score, w)
				}
			}
			scores[name] = m
		})
	}
	// The window matters: with 4, fewer documents gain the pair's score.
	plain, err := onBleve.Execute(context.Background(), &plan.Plan{Query: words, Size: 20, BM25: plan.BM25{K1: 1, B: 0.75}})
	if err != nil {
		t.Fatal(err)
	}
	gained := 0
	for _, h := range plain.Hits {
		if scores["rescore window 4"][h.ID] > h.Score+1e-9 {
			gained++
		}
	}
	if gained == 0 || gained > 4 {
		t.Errorf("window 4: %d documents rescored, want 1 to 4", gained)
	}
}
