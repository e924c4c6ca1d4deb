package indexer

import (
	"strings"
	"testing"

	"golang.org/x/text/language"
)

func TestDetectLanguage(t *testing.T) {
	tests := []struct {
		text, want string
	}{
		{"జపాన్ మరియు యూరోపియన్ యూనియన్", "te"},
		{"भारत और जापान", "hi"},
		{"இலங்கை ஜனாதிபதி", "ta"},
		{"ශ්‍රී ලංකා ජනාධිපති", "si"},
		{"ಕನ್ನಡ ಸುದ್ದಿ", "kn"},
		{"മലയാളം വാർത്ത", "ml"},
		{"বাংলা সংবাদ", "bn"},
		{"ગુજરાતી સમાચાર", "gu"},
		{"ਪੰਜਾਬੀ ਖ਼ਬਰਾਂ", "pa"},
		{"ଓଡ଼ିଆ ସମ୍ବାଦ", "or"},
		{"الأخبار العربية", "ar"},
		{"日本と欧州連合は安全保障で協力する", "ja"},
		{"中国外交部声明", "zh"},
		{"한국 정부 발표", "ko"},
		{"Новости России", "ru"},
		{"Ελληνικά νέα", "el"},
		{"Japan and the EU", "en"},
		// Mixed text: the script with the most letters wins.
		{"EU మరియు జపాన్ భద్రతా భాగస్వామ్యం", "te"},
		{"The minister said జపాన్", "en"},
		// Very short text.
		{"జ", "te"},
		{"2024 — 11", "und"},
		{"", "und"},
	}
	for _, tt := range tests {
		if got := DetectLanguage(tt.text).String(); got != tt.want {
			t.Errorf("DetectLanguage(%q) = %s, want %s", tt.text, got, tt.want)
		}
	}
}

func TestAnalysisFor(t *testing.T) {
	tests := []struct{ lang, key string }{
		{"te", "te"}, {"te-IN", "te"}, {"en", "en"}, {"en-GB", "en"},
		{"ja", "cjk"}, {"zh", "cjk"}, {"ko", "cjk"}, {"si", "indic"}, {"ta", "indic"}, {"kn", "indic"},
		{"ml", "indic"}, {"bn", "indic"}, {"hi", "hi"}, {"mr", "hi"}, {"ar", "ar"}, {"fa", "fa"}, {"ru", "ru"},
		{"fr", "fr"}, {"de-CH", "de"}, {"es", "es"}, {"sw", "std"}, {"el", "std"}, {"und", "std"}, {"!!", "std"},
	}
	r := DefaultRegistry()
	for round := range 2 { // the second time from what the first remembered
		for _, tt := range tests {
			if got := r.For(tt.lang).Key; got != tt.key {
				t.Errorf("round %d: For(%q) = %s, want %s", round, tt.lang, got, tt.key)
			}
		}
	}
	for _, tt := range tests {
		if got := AnalysisFor(tt.lang).Key; got != tt.key {
			t.Errorf("AnalysisFor(%q) = %s, want %s", tt.lang, got, tt.key)
		}
	}
}

// A language registered after For answered for it is found by its own
// analysis from then on; tags past the ones remembered are still answered.
func TestForAfterRegister(t *testing.T) {
	r := DefaultRegistry()
	for _, lang := range []string{"ka", "ka-GE", "te", "sw"} {
		if got := r.For(lang).Key; got != map[string]string{"ka": "std", "ka-GE": "std", "te": "te", "sw": "std"}[lang] {
			t.Fatalf("For(%q) = %s before registering ka", lang, got)
		}
	}
	if err := r.Register(Analysis{Key: "ka", Langs: []string{"ka"}, Analyzer: "standard"}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ lang, key string }{{"ka", "ka"}, {"ka-GE", "ka"}, {"te", "te"}, {"sw", "std"}} {
		if got := r.For(tt.lang).Key; got != tt.key {
			t.Errorf("For(%q) = %s after registering ka, want %s", tt.lang, got, tt.key)
		}
	}
	for i := range 2 * maxFound {
		lang := "x-" + strings.Repeat("a", 1+i%8) + string(rune('a'+i%26))
		if got := r.For(lang).Key; got != "std" {
			t.Fatalf("For(%q) = %s, want std", lang, got)
		}
	}
	if got := r.For("en-GB").Key; got != "en" {
		t.Errorf("For(en-GB) = %s once %d tags were asked for, want en", got, 2*maxFound)
	}
}

// One table per family of analysis: what a reader searching in the language
// needs the analyzer to make of its words.
func TestAnalysisPerLanguage(t *testing.T) {
	tests := []struct {
		lang, text string
		want       []string
	}{
		{"te", "రష్యాతో 2022లో", []string{"రష్య", "2022"}},
		{"en", "Ministers announced partnerships", []string{"minist", "announc", "partnership"}},
		{"hi", "भारत और जापान", []string{"भारत", "जापान"}},
		{"ja", "防衛協力", []string{"防衛", "衛協", "協力"}},
		{"ta", "இலங்கை ஜனாதிபதி", []string{"இலங்கை", "ஜனாதிப"}},
		{"si", "ශ්‍රී ලංකා", []string{"ශ්රී", "ලංකා"}},
		// The generic Indic chain never rewrites వ + ు as మ.
		{"kn", "వెంకటరావు", []string{"వెంకటరా"}},
		{"ru", "Новости России", []string{"новост", "росс"}},
		{"fr", "les ministres", []string{"ministr"}},
		{"sw", "Habari za Dunia", []string{"habari", "za", "dunia"}},
	}
	for _, tt := range tests {
		toks, err := Analyze(tt.lang, tt.text)
		if err != nil {
			t.Fatalf("%s: %v", tt.lang, err)
		}
		var got []string
		for _, tok := range toks {
			got = append(got, tok.Term)
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%s %q: %q, want %q", tt.lang, tt.text, got, tt.want)
		}
	}
}

func TestAnalysisMatches(t *testing.T) {
	tests := []struct {
		key, word string
		want      bool
	}{
		{"te", "జపాన్", true}, {"te", "Japan", true}, {"te", "2022", true}, {"te", "日本", false},
		{"en", "జపాన్", false}, {"en", "Japan", true}, {"cjk", "日本", true}, {"cjk", "జపాన్", false},
		{"indic", "இலங்கை", true}, {"ru", "Россия", true}, {"ru", "జపాన్", false}, {"std", "జపాన్", true},
	}
	for _, tt := range tests {
		var a Analysis
		for _, x := range defaults.analyses {
			if x.Key == tt.key {
				a = x
			}
		}
		if got := a.Matches(tt.word); got != tt.want {
			t.Errorf("%s matches %q: %v, want %v", tt.key, tt.word, got, tt.want)
		}
	}
}

// The sound keys join Telugu and Latin script: only those bodies feed them.
func TestNamesFedByTeluguAndLatinBodies(t *testing.T) {
	tests := []struct {
		lang string
		cfg  Config
		want bool
	}{
		{"te", Config{}, true},
		{"en", Config{}, true},
		{"fr", Config{}, true},
		{"el", Config{}, true}, // the standard analysis
		{"ta", Config{}, false},
		{"ja", Config{}, false},
		{"ru", Config{}, false},
		{"te", Config{NoCompanions: true}, false},
		{"en", Config{TeluguAnalyzer: "standard"}, false},
	}
	for _, tt := range tests {
		a := AnalysisFor(tt.lang)
		if got := tt.cfg.names(a); got != tt.want {
			t.Errorf("%s (analysis %s) under %+v: names = %v, want %v", tt.lang, a.Key, tt.cfg, got, tt.want)
		}
	}
}

// Languages are named in the interface language as CLDR names them; a code
// CLDR does not know stays the code.
func TestRegistryName(t *testing.T) {
	r := DefaultRegistry()
	for _, tt := range []struct{ ui, code, want string }{
		{"en", "te", "Telugu"}, {"te", "te", "తెలుగు"}, {"ja", "te", "テルグ語"},
		{"te", "en", "ఆంగ్లం"}, {"ja", "si", "シンハラ語"},
		{"en", "xx", "xx"}, {"ja", "xx", "xx"}, {"en", "not a code", "not a code"}, {"en", "und", "und"},
	} {
		if got := r.Name(language.Make(tt.ui), tt.code); got != tt.want {
			t.Errorf("Name(%s, %q) = %q, want %q", tt.ui, tt.code, got, tt.want)
		}
	}
}

// All, TitleFields and BodyFields follow Analyses, before and after a
// language is registered; appending to a list leaves the registry's.
func TestFieldListsFollowAnalyses(t *testing.T) {
	r := DefaultRegistry()
	check := func(when string) {
		t.Helper()
		as, titles, bodies := r.Analyses(), r.TitleFields(), r.BodyFields()
		if len(titles) != len(as) || len(bodies) != len(as) {
			t.Fatalf("%s: %d titles and %d bodies of %d analyses", when, len(titles), len(bodies), len(as))
		}
		n := 0
		for i, a := range r.All() {
			if a.Key != as[i].Key || titles[i] != TitleField(a.Key) || bodies[i] != BodyField(a.Key) {
				t.Errorf("%s: analysis %d is %s with %s and %s", when, i, a.Key, titles[i], bodies[i])
			}
			n++
		}
		if n != len(as) {
			t.Errorf("%s: All yields %d of %d analyses", when, n, len(as))
		}
	}
	check("default")
	_ = append(r.TitleFields(), "title_x")
	check("after an append")
	if err := r.Register(Analysis{Key: "ka", Langs: []string{"ka"}, Analyzer: "standard"}); err != nil {
		t.Fatal(err)
	}
	check("after registering ka")
	if i := r.Index("ka"); r.TitleFields()[i] != "title_ka" {
		t.Errorf("ka's title field is %s", r.TitleFields()[i])
	}
}
