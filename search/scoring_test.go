package search

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"pressearch/corpus"
	"pressearch/indexer"
)

func doc(id, lang, body string) corpus.Document {
	return corpus.Document{ID: id, Lang: lang, Title: "Release", Body: body, Kind: corpus.KindArticle}
}

// filler is n distinct neutral words, to set a body's length.
func filler(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(" alpha")
		b.WriteByte(byte('a' + i%26))
		b.WriteByte(byte('a' + i/26%26))
	}
	return b.String()
}

func scores(t *testing.T, e *Engine, q string) map[string]float64 {
	t.Helper()
	res, err := e.Search(context.Background(), Request{Query: q, Size: 50, NoSnippets: true})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, h := range res.Hits {
		out[h.ID] = h.Score
	}
	return out
}

// A body's score for a word is BM25 as written: raw term frequency, the
// field's own document count and average length, so that the ratio of two
// documents' scores is the ratio the formula gives.
func TestBM25UsesRawFrequencyAndFieldStatistics(t *testing.T) {
	// Two English bodies of equal length, the word once and four times,
	// and Telugu documents that must not count in the English idf.
	e := newTestEngine(t, []corpus.Document{
		doc("once", "en", "harbour"+filler(9)),
		doc("four", "en", "harbour harbour harbour harbour"+filler(6)),
		doc("none", "en", filler(10)),
		doc("te1", "te", "తెలుగు వార్తలు"),
		doc("te2", "te", "తెలుగు వార్తలు"),
		doc("te3", "te", "తెలుగు వార్తలు"),
	})
	s := scores(t, e, "harbour")
	if s["once"] == 0 || s["four"] == 0 {
		t.Fatalf("scores %v: want both English bodies", s)
	}
	// Same length, so the length factor is the same; with raw tf the ratio
	// is tf·(k1+1)/(tf+k1·L) for 4 over that for 1. Bleve's √tf would give
	// a smaller ratio.
	body := func(tf float64) float64 { return tf * (bm25K1 + 1) / (tf + bm25K1) }
	// The lead holds the same words (the bodies are shorter than a lead)
	// and the title none, so the ratio of the sums is the body's.
	want := body(4) / body(1)
	if got := s["four"] / s["once"]; math.Abs(got-want) > 0.01 {
		t.Errorf("score ratio four/once = %.4f, want %.4f (BM25 with raw tf)", got, want)
	}
	// idf over the three English bodies only, two of which have the word.
	idf := math.Log(1 + (3-2+0.5)/(2+0.5))
	// The body's term score at average length and tf 1, plus the lead's.
	wantOnce := idf*body(1) + leadWeight*idf*body(1)
	if got := s["once"]; math.Abs(got-wantOnce) > 0.01*wantOnce {
		t.Errorf("score of once = %.4f, want %.4f (idf over English bodies only)", got, wantOnce)
	}
}

// Words that stand together in the query and in a document rank that
// document above one that has the same words apart.
func TestNeighbouringWordsRankHigher(t *testing.T) {
	e := newTestEngine(t, []corpus.Document{
		doc("apart", "en", filler(60)+" the ministry said the defence budget grew"),
		doc("together", "en", filler(60)+" the defence ministry said the budget grew"),
	})
	if s := scores(t, e, "defence ministry"); !(s["together"] > s["apart"]) {
		t.Errorf("defence ministry: scores %v, want together above apart", s)
	}
	// A stop word between them in the query still pairs them.
	e2 := newTestEngine(t, []corpus.Document{
		doc("apart", "en", filler(60)+" the defence budget and the ministry"),
		doc("together", "en", filler(60)+" the ministry of defence and the budget"),
	})
	if s := scores(t, e2, "ministry of defence"); !(s["together"] > s["apart"]) {
		t.Errorf("ministry of defence: scores %v, want together above apart", s)
	}
}

// A word in the first words of a body (its lead) counts for more than the
// same word further down.
func TestLeadWordsRankHigher(t *testing.T) {
	e := newTestEngine(t, []corpus.Document{
		doc("late", "en", filler(80)+" cyclone"),
		doc("early", "en", "cyclone"+filler(80)),
	})
	res, err := e.Search(context.Background(), Request{Query: "cyclone", NoSnippets: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res.Hits); len(got) != 2 || got[0] != "early" {
		t.Errorf("hits %v: want early first", got)
	}
}

func TestLead(t *testing.T) {
	long := strings.Repeat("word ", indexer.LeadWords+10)
	tests := []struct{ name, body, want string }{
		{"short body whole", "a short body", "a short body"},
		{"cut after LeadWords words", long, strings.Repeat("word ", indexer.LeadWords)},
		{"empty", "", ""},
		{"Telugu words", "జపాన్ యూరోపియన్", "జపాన్ యూరోపియన్"},
		// Japanese has no spaces: two characters count as a word.
		{"Japanese cut by characters", strings.Repeat("防衛", indexer.LeadWords+10), strings.Repeat("防衛", indexer.LeadWords)},
		{"Japanese odd run", "日本" + strings.Repeat("の防衛", indexer.LeadWords), "日本" + strings.Repeat("の防衛", indexer.LeadWords)[:3*2*(indexer.LeadWords-1)]},
		{"Latin word then Japanese", "EUの声明 " + strings.Repeat("word ", indexer.LeadWords), "EUの声明 " + strings.Repeat("word ", indexer.LeadWords-3)},
	}
	for _, tt := range tests {
		if got := indexer.Lead(tt.body); got != tt.want {
			t.Errorf("%s: Lead = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// An English query ranks English documents above ones in another script
// that quote its words; a Latin word in a Telugu query is no quotation.
func TestQuotedWordsRankBelowOwnLanguage(t *testing.T) {
	e := newTestEngine(t, []corpus.Document{
		doc("en", "en", "The IMF board met the finance minister"+filler(20)),
		doc("ta", "ta", "IMF IMF நிதி அமைச்சர் சந்திப்பு"),
		doc("te", "te", "IMF ప్రతినిధులు ఆర్థిక మంత్రిని కలిశారు"),
	})
	res, err := e.Search(context.Background(), Request{Query: "IMF", NoSnippets: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res.Hits); len(got) != 3 || got[0] != "en" {
		t.Errorf("IMF: hits %v, want the English release first", got)
	}
	// In a Telugu query, IMF weighs in Telugu documents as a Telugu word
	// would, not as a quotation: what it adds to the Telugu word's score is
	// well above what it scores alone (1/foreignWeight times, give or take
	// the exact-form factor).
	e2 := newTestEngine(t, []corpus.Document{
		doc("imf", "te", "IMF ప్రతినిధులు ఆర్థిక మంత్రిని కలిశారు"),
		doc("other", "te", "తెలుగు వార్తలు మంత్రిని కలిశారు"),
	})
	// The words in the other order than the document's: no pair matches.
	mixed := scores(t, e2, "ప్రతినిధులు IMF")["imf"] - scores(t, e2, "ప్రతినిధులు")["imf"]
	alone := scores(t, e2, "IMF")["imf"]
	if !(alone > 0 && mixed > 2*alone) {
		t.Errorf("IMF adds %.4f to a Telugu query and scores %.4f alone: want it to add over twice as much", mixed, alone)
	}
}

// A Latin word quoted in releases of another script is as rare there as
// it is in the languages that write it: "president", in every English
// release, does not lift a Tamil release that quotes it once above the
// English ones (issue 17: its Tamil idf alone is a factor of hundreds over
// its English one, more than the quotation weight makes up). A language
// filter asking for Tamil makes it a Tamil word again.
func TestQuotedWordIsAsRareAsAtHome(t *testing.T) {
	var docs []corpus.Document
	for i := range 6 {
		docs = append(docs, doc(fmt.Sprintf("en%d", i), "en", "The President met the minister"+filler(30+i)))
	}
	docs = append(docs, doc("ta-quote", "ta", "ஜனாதிபதி (President) அமைச்சரை சந்தித்தார்"))
	for i := range 5 {
		docs = append(docs, doc(fmt.Sprintf("ta%d", i), "ta", "நிதி அமைச்சர் சந்திப்பு"))
	}
	e := newTestEngine(t, docs)
	res, err := e.Search(context.Background(), Request{Query: "president", Size: 20, NoSnippets: true})
	if err != nil {
		t.Fatal(err)
	}
	got := ids(res.Hits)
	if len(got) != 7 || got[len(got)-1] != "ta-quote" {
		t.Errorf("president: hits %v, want the six English releases before the Tamil one that quotes it", got)
	}
	for _, tt := range []struct {
		lang  string
		rarer bool
	}{{"", true}, {"ta", false}} {
		res, err := e.Search(context.Background(), Request{Query: "president", Lang: tt.lang, Explain: true, NoSnippets: true})
		if err != nil {
			t.Fatal(err)
		}
		plan := strings.Join(res.Plan, "\n")
		if got := strings.Contains(plan, "body_indic:\"president\" as rare as in body_en"); got != tt.rarer {
			t.Errorf("president lang:%q: plan %s: takes the rarity from English %v, want %v", tt.lang, plan, got, tt.rarer)
		}
	}
}

// A document matching two of the query's words scores the sum of its two
// word scores: no factor for the words it lacks.
func TestScoresAddUp(t *testing.T) {
	e := newTestEngine(t, []corpus.Document{
		doc("both", "en", "monsoon flood"+filler(20)),
		doc("monsoon", "en", "monsoon"+filler(21)),
		doc("flood", "en", "flood"+filler(21)),
	})
	s := scores(t, e, "monsoon flood")
	a, b := scores(t, e, "monsoon")["both"], scores(t, e, "flood")["both"]
	// The pair "monsoon flood" adds its own score on top.
	if s["both"] < a+b-1e-9 {
		t.Errorf("score of both %.4f < monsoon %.4f + flood %.4f", s["both"], a, b)
	}
	if math.Abs(s["monsoon"]-scores(t, e, "monsoon")["monsoon"]) > 1e-9 {
		t.Errorf("a document matching one of two words scores %.4f, alone %.4f: want the same", s["monsoon"], scores(t, e, "monsoon")["monsoon"])
	}
}

// Pairs of neighbouring words rescore the first rescoreWindow hits: pages
// through them and past them give every document once, in one order, and
// within the window the documents with the words side by side come first.
func TestRescoredPagingIsStable(t *testing.T) {
	var docs []corpus.Document
	together := map[string]bool{}
	for i := 0; i < rescoreWindow+30; i++ {
		id := fmt.Sprintf("d%03d", i)
		body := "budget grew and the defence ministry spoke"
		if i%4 == 0 {
			body = "ministry budget grew and the defence spoke"
		} else {
			together[id] = true
		}
		docs = append(docs, doc(id, "en", body))
	}
	e := newTestEngine(t, docs)
	page := func(size int) []string {
		var seen []string
		for from := 0; from < len(docs); from += size {
			res, err := e.Search(context.Background(), Request{Query: "defence ministry", From: from, Size: size})
			if err != nil {
				t.Fatal(err)
			}
			seen = append(seen, ids(res.Hits)...)
		}
		return seen
	}
	byTen := page(10)
	unique := map[string]bool{}
	for _, id := range byTen {
		unique[id] = true
	}
	if len(byTen) != len(docs) || len(unique) != len(docs) {
		t.Fatalf("paged through %d hits, %d distinct; want %d", len(byTen), len(unique), len(docs))
	}
	if got, want := strings.Join(page(25), ","), strings.Join(byTen, ","); got != want {
		t.Errorf("pages of 25 and of 10 differ:\n%s\n%s", got, want)
	}
	// All documents score alike but for the pair, so in the window the
	// ones with "defence ministry" lead.
	seenApart := false
	for _, id := range byTen[:rescoreWindow] {
		if !together[id] {
			seenApart = true
		} else if seenApart {
			t.Fatalf("%s has the words together but ranks after one that has them apart: %v", id, byTen[:rescoreWindow])
		}
	}
}

// A compound written as one word and as two finds itself either way:
// the words of a compound the index has never seen written as one, and
// the compound two neighbouring words make; a compound the index knows is
// not taken apart.
func TestCompoundsEitherWay(t *testing.T) {
	e := newTestEngine(t, []corpus.Document{
		doc("apart", "te", "ఆయన జన్మ స్థలం హైదరాబాద్"),
		doc("solid", "te", "ఇది మండలకేంద్రం నుండి దూరంలో ఉంది"),
		doc("half", "te", "ఈ మండల రైతులు వరి పండిస్తారు"),
		doc("compound", "te", "దేశంలో అతిపెద్ద నగరం"),
		doc("parts", "te", "నగరం అతి పెద్ద రైతులు"),
		doc("sandhi", "te", "ఆమె తల్లి పేరు సీత, తండ్రి పేరు రాము"),
	})
	tests := []struct {
		query, want string
		not         []string
	}{
		{"జన్మస్థలం", "apart", nil},
		{"మండల కేంద్రం", "solid", nil},
		{"అతిపెద్ద", "compound", []string{"parts"}},
		{"తల్లిదండ్రులు", "sandhi", nil},
	}
	for _, tt := range tests {
		res, err := e.Search(context.Background(), Request{Query: tt.query, NoSnippets: true})
		if err != nil {
			t.Fatal(err)
		}
		got := ids(res.Hits)
		if len(got) == 0 || got[0] != tt.want {
			t.Errorf("%s: hits %v, want %s first", tt.query, got, tt.want)
		}
		for _, n := range tt.not {
			if slices.Contains(got, n) {
				t.Errorf("%s: hits %v, want no %s", tt.query, got, n)
			}
		}
	}
}
