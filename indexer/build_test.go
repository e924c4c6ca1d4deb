package indexer

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"

	"pressearch/corpus"
	"pressearch/indexer/translit"
)

// A build larger than one segment of the builder comes out as one segment
// holding every document, each findable, in the order given.
func TestBuildMergesIntoOneSegment(t *testing.T) {
	n := 2*batchSize + 300
	docs := make([]corpus.Document, n)
	for i := range docs {
		docs[i] = corpus.Document{ID: fmt.Sprintf("d%05d", i), Lang: "en", Kind: corpus.KindPressRelease,
			Title: "release", Body: fmt.Sprintf("common words and the marker w%d", i)}
	}
	path := filepath.Join(t.TempDir(), "idx")
	var calls, last int
	sum, err := BuildIndex(context.Background(), path, docs, Config{}, func(done, total int) {
		if done < last || total != n {
			t.Errorf("progress went %d -> %d of %d", last, done, total)
		}
		calls++
		last = done
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Documents != n || last != n || calls < n/progressEvery {
		t.Errorf("summary says %d documents, progress ended at %d after %d calls; want %d", sum.Documents, last, calls, n)
	}
	segs, _ := filepath.Glob(filepath.Join(path, "store", "*.zap"))
	if len(segs) != 1 {
		t.Errorf("index has %d segments, want 1: %v", len(segs), segs)
	}
	idx, err := OpenIndex(path)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if c, _ := idx.DocCount(); c != uint64(n) {
		t.Errorf("DocCount = %d, want %d", c, n)
	}
	// Documents are numbered in the order given, across segments: ties
	// in ranking keep that order.
	adv, err := idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, i := range []int{0, batchSize - 1, batchSize, 2 * batchSize, n - 1} {
		if id, err := r.ExternalID(index.NewIndexInternalID(nil, uint64(i))); err != nil || id != docs[i].ID {
			t.Errorf("document number %d is %q (%v), want %s", i, id, err, docs[i].ID)
		}
	}
	for _, i := range []int{0, batchSize, n - 1} {
		q := bleve.NewTermQuery(fmt.Sprintf("w%d", i))
		q.SetField(BodyField("en"))
		res, err := idx.Search(bleve.NewSearchRequest(q))
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 || res.Hits[0].ID != docs[i].ID {
			t.Errorf("w%d finds %d documents, want %s alone", i, res.Total, docs[i].ID)
		}
	}
}

// The token counts BM25 works with are those of the analysis that indexed
// each field: stems, sound keys and the lead alike.
func TestFieldStatsCountIndexedTokens(t *testing.T) {
	te := "రష్యాతో జపాన్ భాగస్వామ్యం. బోరెల్ టోక్యోలో మాట్లాడారు, ‌జపాన్‌తో ఒప్పందం గురించి."
	docs := []corpus.Document{
		{ID: "te1", Lang: "te", Title: "ఈయూ జపాన్", Body: te},
		{ID: "te2", Lang: "te", Title: "రక్షణ", Body: "రక్షణ భాగస్వామ్యం ఒప్పందం"},
		{ID: "en1", Lang: "en", Title: "Security pact", Body: strings.Repeat("Borrell met the ministers in Tokyo. ", 20)},
	}
	path := filepath.Join(t.TempDir(), "idx")
	if _, err := BuildIndex(context.Background(), path, docs, Config{}, nil); err != nil {
		t.Fatal(err)
	}
	idx, err := OpenIndex(path)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	raw, err := idx.GetInternal(statsKey)
	if err != nil {
		t.Fatal(err)
	}
	var got fieldStats
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	count := func(analyzer string, texts ...string) uint64 {
		an, err := defaults.analyzers.AnalyzerNamed(analyzer)
		if err != nil {
			t.Fatal(err)
		}
		var n uint64
		for _, text := range texts {
			n += uint64(len(an.Analyze([]byte(text))))
		}
		return n
	}
	teA, enA := AnalysisFor("te"), AnalysisFor("en")
	want := map[string]uint64{
		BodyField("te"):   count(teA.Analyzer, docs[0].Body, docs[1].Body),
		TitleField("te"):  count(teA.Analyzer, docs[0].Title, docs[1].Title),
		LeadField("te"):   count(teA.Analyzer, Lead(docs[0].Body), Lead(docs[1].Body)),
		ExactField("te"):  count(teA.Exact, docs[0].Body, docs[1].Body),
		PrefixField("te"): count(teA.Prefix, docs[0].Body, docs[1].Body),
		BodyField("en"):   count(enA.Analyzer, docs[2].Body),
		LeadField("en"):   count(enA.Analyzer, Lead(docs[2].Body)),
		NamesField:        count(translit.AnalyzerName, docs[0].Body, docs[1].Body, docs[2].Body),
	}
	for field, n := range want {
		if n == 0 {
			t.Fatalf("%s: the test text has no tokens", field)
		}
		if got.Tokens[field] != n {
			t.Errorf("%s: %d tokens recorded, the analyzer makes %d", field, got.Tokens[field], n)
		}
	}
	if got.With[BodyField("te")] != 2 || got.With[BodyField("en")] != 1 || got.With[NamesField] != 3 || got.Docs != 3 {
		t.Errorf("documents with each field: %v of %d", got.With, got.Docs)
	}
}

// A token longer than MaxTokenBytes is dropped at analysis, in every text
// field; one of exactly MaxTokenBytes is kept.
func TestLongTokensDropped(t *testing.T) {
	long, limit := strings.Repeat("a", MaxTokenBytes+1), strings.Repeat("b", MaxTokenBytes)
	s := newStore(t)
	sum, err := s.Build(context.Background(), []corpus.Document{{ID: "d", Lang: "en", Kind: corpus.KindArticle,
		Title: "title " + long, Body: "body " + long + " " + limit}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := s.Open(sum.Generation)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	for _, field := range []string{TitleField("en"), BodyField("en"), LeadField("en"), NamesField} {
		dict, err := idx.FieldDict(field)
		if err != nil {
			t.Fatal(err)
		}
		var terms []string
		for {
			e, err := dict.Next()
			if err != nil {
				t.Fatal(err)
			}
			if e == nil {
				break
			}
			if len(e.Term) > MaxTokenBytes {
				t.Errorf("%s keeps a term of %d bytes", field, len(e.Term))
			}
			terms = append(terms, e.Term)
		}
		dict.Close()
		if field == BodyField("en") && !slices.Contains(terms, limit) {
			t.Errorf("%s lost the term of exactly %d bytes: %d terms", field, MaxTokenBytes, len(terms))
		}
	}
	toks, err := Analyze("en", "x "+long)
	if err != nil || len(toks) != 1 || toks[0].Term != "x" {
		t.Errorf("Analyze keeps %+v, %v; want only x", toks, err)
	}
}

// A build holds no more documents at once than its budget allows, and
// finishes when the documents are larger than the budget: the reading
// waits for the segments written to give their share back.
func TestBuildStaysWithinBudget(t *testing.T) {
	var docs []corpus.Document
	var total int64
	for i := 0; i < 12; i++ {
		size := 40 << 10
		if i == 7 {
			size = 300 << 10 // past the whole budget
		}
		body := strings.Repeat(fmt.Sprintf("word%d ", i), size/6)
		docs = append(docs, corpus.Document{ID: fmt.Sprintf("d%02d", i), Lang: "en", Kind: corpus.KindArticle, Title: "t", Body: body})
		total += int64(len(body))
	}
	b := textBudget(256 << 10)
	path := filepath.Join(t.TempDir(), "idx")
	sum, err := buildIndex(context.Background(), path, Slice(docs), Config{}, nil, b, buildOptions{})
	if err != nil || sum.Documents != len(docs) {
		t.Fatalf("build: %+v, %v", sum, err)
	}
	if b.peak > b.capacity || b.peak >= total/2 {
		t.Errorf("held %d bytes of text at most, budget %d, corpus %d", b.peak, b.capacity, total)
	}
	if b.free != b.capacity {
		t.Errorf("%d of %d bytes given back", b.free, b.capacity)
	}
	idx, err := bleve.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	for i := range docs {
		q := bleve.NewTermQuery(fmt.Sprintf("word%d", i))
		q.SetField(BodyField("en"))
		res, err := idx.Search(bleve.NewSearchRequest(q))
		if err != nil || res.Total != 1 {
			t.Errorf("word%d: %v, %v", i, res, err)
		}
	}
}

// panicking documents panic while read, after the first of them.
type panicking struct{ Slice }

func (p panicking) Each(fn func(*corpus.Document) error) error {
	if err := fn(&p.Slice[0]); err != nil {
		return err
	}
	var m map[string]int
	m["x"]++ // a nil map: a runtime panic
	return nil
}

// A panic while the documents are read is the build's error: the program
// goes on, and the live generation stays.
func TestPanicWhileReadingIsTheBuildsError(t *testing.T) {
	s := newStore(t)
	live := build(t, s, 2, BuildOptions{})
	_, err := s.BuildFrom(context.Background(), panicking{Slice(testDocs(3, "beta"))}, BuildOptions{AllowShrink: true})
	if err == nil || !strings.Contains(err.Error(), "reading the documents: assignment to entry in nil map") {
		t.Errorf("build of panicking documents: %v", err)
	}
	if current(t, s) != live {
		t.Error("a failed build moved CURRENT")
	}
	if gens, _ := s.Generations(); len(gens) != 1 {
		t.Errorf("a failed build left generations %v", gens)
	}
}

// TestAnalyzedFieldSizeEstimate: the size an analyzed field tells Bleve
// is within a factor of two of what Bleve's own reckoning gives, over the
// documents of the default corpus.
func TestAnalyzedFieldSizeEstimate(t *testing.T) {
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	m, text := NewMapping(), textFields(defaults)
	var estimate, exact int
	for i := range docs {
		p := prepare(m, defaults, text, &docs[i], false)
		if p.err != nil {
			t.Fatal(p.err)
		}
		for _, f := range p.doc.Fields {
			a, ok := f.(analyzedField)
			if !ok {
				continue
			}
			estimate += a.Size()
			exact += a.Field.Size()
		}
	}
	if exact == 0 || estimate < exact/2 || estimate > 2*exact {
		t.Errorf("estimated %d bytes, Bleve reckons %d", estimate, exact)
	}
	t.Logf("estimated %d bytes, Bleve reckons %d", estimate, exact)
}
