package te

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/registry"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func cacheAnalyzer() (analysis.Analyzer, error) {
	return registry.NewCache().AnalyzerNamed(AnalyzerName)
}

// seed returns the seed article, skipping where ../shared is absent except
// under CI.
func seed(t testing.TB) []byte {
	t.Helper()
	dir := os.Getenv("PRESSEARCH_SHARED")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "..", "shared")
	}
	b, err := os.ReadFile(filepath.Join(dir, "seed", "000_6dd9f12cafea0c39.txt"))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("seed article missing under CI: %v", err)
		}
		t.Skipf("seed article missing: %v", err)
	}
	return b
}

// TestGoldenSeed compares the analyzer's output over the whole seed article
// with testdata/seed.golden (go test -update rewrites it).
func TestGoldenSeed(t *testing.T) {
	a, err := cacheAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	text := seed(t)
	var buf bytes.Buffer
	for _, tok := range a.Analyze(text) {
		buf.WriteString(strings.Join([]string{string(tok.Term), itoa(tok.Position), itoa(tok.Start), itoa(tok.End)}, "\t"))
		buf.WriteByte('\n')
	}
	golden := filepath.Join("testdata", "seed.golden")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		got, wantLines := strings.Split(buf.String(), "\n"), strings.Split(string(want), "\n")
		for i := range got {
			if i >= len(wantLines) || got[i] != wantLines[i] {
				t.Fatalf("seed analysis differs from %s at line %d:\ngot  %q\nwant %q", golden, i+1, got[i], wantLines[min(i, len(wantLines)-1)])
			}
		}
		t.Fatalf("seed analysis differs from %s", golden)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// The families of TELUGU.md, as the seed writes them, must meet.
func TestSeedFamiliesMeet(t *testing.T) {
	a, err := cacheAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	families := [][]string{
		{"రష్యా", "రష్యాకు", "రష్యాతో", "రష్యాలతో"},
		{"కొరియా", "కొరియాతో", "కొరియాను"},
		{"సహకారం", "సహకారాన్ని"},
		{"భాగస్వామ్యం", "భాగస్వామ్యాన్ని"},
		{"పరిశ్రమల", "పరిశ్రమను", "పరిశ్రమకు"},
		{"టోక్యో", "టోక్యోలో"},
		{"ఉక్రెయిన్కు", "ఉక్రెయిన్\u200cకు", "ఉక్రెయిన్"},
		{"2022లో", "2022"},
		{"EUతో", "EU", "eu"},
	}
	for _, f := range families {
		var first string
		for i, w := range f {
			toks := a.Analyze([]byte(w))
			if len(toks) == 0 {
				t.Errorf("%q gives no token", w)
				continue
			}
			if i == 0 {
				first = string(toks[0].Term)
			} else if string(toks[0].Term) != first {
				t.Errorf("%q → %q, but %q → %q", w, toks[0].Term, f[0], first)
			}
		}
	}
}

// A question as people write it and the sentence that answers it must
// meet on the words that matter, and the words that only ask must leave no
// term.
func TestQuestionsMeetAnswers(t *testing.T) {
	a, err := cacheAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	terms := func(s string) []string {
		var out []string
		for _, tok := range a.Analyze([]byte(s)) {
			out = append(out, string(tok.Term))
		}
		return out
	}
	tests := []struct {
		rule, question, answer string
		want                   []string // the question's terms, all in the answer
	}{
		{"question words are not content", "రాజు ఎవరు? ఏంటి? ఎప్పుడు? ఎక్కడ? ఎన్ని? ఎంత? ఏ? ఏది?", "రాజు", []string{"రాజి"}},
		{"the asked auxiliary is no content", "గ్రామంలో బడి ఉందా?", "గ్రామంలో బడి ఉంది", []string{"గ్రామ", "బడి"}},
		{"the ordinal question", "ఆయన ఎన్నోవ ముఖ్యమంత్రి?", "16వ ముఖ్యమంత్రి", []string{"ముఖ్యమంత్రి"}},
		{"an ordinal in words and in digits", "పదహారవ ముఖ్యమంత్రి", "16వ ముఖ్యమంత్రి", []string{"16వ", "ముఖ్యమంత్రి"}},
		{"a postposition of time", "2011 నాటికి జనాభా ఎంత?", "2011 జనగణన ప్రకారం జనాభా", []string{"2011", "జనాభ"}},
		{"a question word fused by sandhi", "తల్లి పేరేమిటి?", "తల్లి పేరు", []string{"తల్లి", "పేరి"}},
		{"the noun asked, the verb stated", "గ్రామ విస్తీర్ణం ఎంత?", "గ్రామం 62 హెక్టార్లలో విస్తరించి ఉంది", []string{"గ్రామ", "విస్తర"}},
		{"the participle asked, the verb stated", "కేంద్రీకృత ప్రయత్నాలు", "బలగాలను కేంద్రీకరించింది, ప్రయత్నం", []string{"కేంద్రీకర", "ప్రయత్న"}},
		{"the past asked, the participle stated", "ఎక్కడ జన్మించాడు?", "హైదరాబాదులో జన్మించిన", []string{"జన్మ"}},
		{"the double plural people write", "ఎన్ని ఇళ్లులు ఉన్నాయి?", "62 ఇళ్లతో", []string{"ఇళ్ళి"}},
		{"a noun with the light verb", "ఎప్పుడు ప్రారంభమైంది?", "ప్రారంభించారు", []string{"ప్రారంభ"}},
	}
	for _, tt := range tests {
		q, ans := terms(tt.question), terms(tt.answer)
		if !slices.Equal(q, tt.want) {
			t.Errorf("%s: %q analyzes to %q, want %q", tt.rule, tt.question, q, tt.want)
		}
		for _, w := range q {
			if !slices.Contains(ans, w) {
				t.Errorf("%s: %q (from %q) is not among %q's terms %q", tt.rule, w, tt.question, tt.answer, ans)
			}
		}
	}
}

func FuzzAnalyzer(f *testing.F) {
	for _, s := range []string{"2022లో EUతో ఉక్రెయిన్\u200cకు", "జ఼ర \u0c5dక", "దేశాల్లో", "\xff\xfe", "ె\u200c"} {
		f.Add(s)
	}
	a, err := cacheAnalyzer()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, tok := range a.Analyze([]byte(s)) {
			if tok.Start < 0 || tok.Start > tok.End || tok.End > len(s) {
				t.Fatalf("%q: token %q has offsets %d-%d", s, tok.Term, tok.Start, tok.End)
			}
			if utf8.ValidString(s) && !utf8.Valid(tok.Term) {
				t.Fatalf("%q: token %q is not UTF-8", s, tok.Term)
			}
			if len(tok.Term) == 0 {
				t.Fatalf("%q: empty token", s)
			}
		}
	})
}

// BenchmarkAnalyzer compares the Telugu analyzer with Bleve's standard
// analyzer on the same text: go test -bench Analyzer ./indexer/lang/te.
func BenchmarkAnalyzer(b *testing.B) {
	text := seed(b)
	for _, name := range []string{AnalyzerName, standard.Name} {
		b.Run(name, func(b *testing.B) {
			a, err := registry.NewCache().AnalyzerNamed(name)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				a.Analyze(text)
			}
		})
	}
}
