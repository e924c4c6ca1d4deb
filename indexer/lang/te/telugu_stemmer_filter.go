package te

import (
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// StemmerName is the registry name of the Telugu stemmer.
const StemmerName = "stemmer_te"

// StemmerFilter strips Telugu inflection so that the forms of a noun meet:
// సహకారం, సహకారాన్ని, సహకారానికి, సహకారంతో and సహకారంలో all become సహకార;
// దేశాలు, దేశాల, దేశాల్లో and దేశాలతో become దేశ.
//
// A Telugu noun is STEM + [number or oblique] + [case or postposition] +
// [clitic], so the stemmer strips from the end in that order, each stage at
// most once (the case stage twice, for names that end like a case marker),
// and then removes one final vowel sign. The rules see unfolded long vowels:
// the normalizer leaves them alone so that -లో, -తో, -చే and -ే match.
// A stem keeps at least two letters, so short words stay as they are.
// Tokens that are not in Telugu script pass through.
type StemmerFilter struct{}

// NewStemmerFilter returns a Telugu stemmer.
func NewStemmerFilter() *StemmerFilter { return &StemmerFilter{} }

// Filter implements analysis.TokenFilter.
func (f *StemmerFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, tok := range input {
		if tok.KeyWord || !isTelugu(tok.Term) {
			continue
		}
		tok.Term = []byte(Stem(string(tok.Term)))
	}
	return input
}

// minLetters is the fewest letters (consonants and independent vowels) a
// stem keeps.
const minLetters = 2

// A rule removes suffix where what is left passes cond.
type rule struct {
	suffix string
	cond   func(stem string) bool
}

// Conditions on what precedes a suffix.
var (
	always      = func(string) bool { return true }
	notGeminate = func(stem string) bool {
		return !strings.HasSuffix(stem, "ల్") && !strings.HasSuffix(stem, "ళ్")
	}
	notVirama = func(stem string) bool { return !strings.HasSuffix(stem, "్") }
	afterU    = func(stem string) bool { return strings.HasSuffix(stem, "ు") }
	afterI    = func(stem string) bool { return strings.HasSuffix(stem, "ి") }
	notCC     = func(stem string) bool { return !strings.HasSuffix(stem, "చ్") }
)

// Stages, outermost first. Within a stage the longest suffix that applies
// wins.
var (
	// Clitics: emphatic -ే and inclusive -ూ after a vowel (రష్యానే, దేశాలనూ).
	clitics = rules(always, "నే", "నూ")

	// Case markers and postpositions, with their emphatic forms (కే = కు +
	// ే), and -మైన, the adjective of an -ం noun (ప్రమాదకరమైన).
	cases = append(rules(always,
		"ను", "ని", "న్ని", "కు", "కి", "నికి", "నకు", "కే", "కూ", "కీ", "నికే",
		"తో", "తోటి", "తోనే", "తోనూ", "లో", "లోని", "లోకి", "లోనే", "లోనూ", "ల్లో", "ల్లోని", "ల్లోనూ",
		"పై", "పైన", "పైనే", "మీద", "చేత", "వల్ల", "వలన", "నుంచి", "నుండి", "నుంచీ",
		"కోసం", "కొరకు", "గురించి", "వరకు", "వరకూ", "దాకా", "గా", "లా", "కంటే", "కన్నా", "ద్వారా",
		"మైన", "మైనది", "మైనవి",
		// Verb endings: past, present, progressive, the auxiliaries -కొను
		// (అందుకుంది, మార్చుకున్నారు, మార్చుకోవడం) and -పడు (passive), the
		// gerund and infinitive, the obligative.
		"ారు", "ాడు", "ాయి", "ింది", "ిన",
		"తున్నారు", "తున్నాడు", "తున్నాయి", "తున్నది", "తున్న", "తోంది", "తుంది", "తారు", "తాడు", "తాయి",
		"ున్నారు", "ున్నాడు", "ున్నాయి", "ున్నది", "ున్న", "ుంది", "ుంటుంది", "ుంటారు", "ుంటాయి",
		"డం", "టం", "డానికి", "టానికి", "డాన్ని", "వడం", "వడానికి",
		"బడింది", "బడిన", "బడుతుంది", "బడుతోంది", "బడుతున్న", "బడుతున్నాయి", "బడుతున్నారు",
		"బడ్డాయి", "బడ్డారు", "బడ్డాడు", "బడ్డ", "బడతాయి", "బడే",
		"ాలి", "ాల్సిన", "ాల్సి"),
		rule{"చే", notCC}) // not the geminate of a verb (వచ్చే)

	// The present of -ించు verbs, -ిస్తుంది for -ించింది.
	presents = rules(afterI, "స్తున్నారు", "స్తున్నాయి", "స్తున్నాడు", "స్తున్న", "స్తోంది",
		"స్తుంది", "స్తారు", "స్తాడు", "స్తాయి", "స్తూ")

	caseStage = append(cases, presents...)

	// Number and the plural oblique: -లు, -ల (not the geminate of ఇల్లు),
	// -ళ్ళు, -ళ్ళ.
	numbers = append(rules(notGeminate, "లు", "ల"), rules(always, "ళ్ళు", "ళ్ళ")...)

	// Endings of the nominative and the oblique stem: -ం / -ము / -మ్ (దేశం,
	// దేశము, ప్లాట్ఫారమ్), -పు (దేశపు, not తూర్పు), -డు / -డి of -ుడు nouns.
	endings = append(append(rules(always, "ం"), rules(notVirama, "ము", "మ్", "పు")...),
		rule{"డు", afterU}, rule{"డి", afterU}, rule{"డు", func(s string) bool { return strings.HasSuffix(s, "డ్") }},
		// -ించు verbs made from -ం nouns: ఉపయోగించింది and ఉపయోగిస్తుంది
		// meet ఉపయోగం.
		rule{"ంచ", afterI})
)

func rules(cond func(string) bool, suffixes ...string) []rule {
	out := make([]rule, len(suffixes))
	for i, s := range suffixes {
		out[i] = rule{s, cond}
	}
	return out
}

// vowelSigns are the dependent vowel signs the last step may remove.
const vowelSigns = "ాిీుూెేొోౌ"

// Stem returns the stem of one normalized Telugu word.
func Stem(w string) string {
	w = strip(w, clitics)
	w = strip(strip(w, caseStage), caseStage)
	w = strip(w, numbers)
	w = strip(w, endings)
	if r, size := utf8.DecodeLastRuneInString(w); strings.ContainsRune(vowelSigns, r) && letters(w[:len(w)-size]) >= minLetters {
		w = w[:len(w)-size]
	}
	if k, _ := strconv.Atoi(os.Getenv("TRUNC")); k > 0 {
		n := 0
		for i, r := range w {
			if unicode.IsLetter(r) {
				n++
				if n > k {
					return w[:i]
				}
			}
		}
	}
	return w
}

// strip removes the longest suffix among rs that leaves a long enough stem.
func strip(w string, rs []rule) string {
	best := ""
	for _, r := range rs {
		if len(r.suffix) <= len(best) || !strings.HasSuffix(w, r.suffix) {
			continue
		}
		stem := w[:len(w)-len(r.suffix)]
		if letters(stem) >= minLetters && r.cond(stem) {
			best = r.suffix
		}
	}
	return w[:len(w)-len(best)]
}

// letters counts consonants and independent vowels: the units a reader
// counts, not the marks on them.
func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// isTelugu reports whether a term is written in Telugu script.
func isTelugu(term []byte) bool {
	r, _ := utf8.DecodeRune(term)
	return r >= 0x0C00 && r <= 0x0C7F
}

func stemmerConstructor(config map[string]interface{}, cache *registry.Cache) (analysis.TokenFilter, error) {
	return NewStemmerFilter(), nil
}

func init() {
	if err := registry.RegisterTokenFilter(StemmerName, stemmerConstructor); err != nil {
		panic(err)
	}
}
