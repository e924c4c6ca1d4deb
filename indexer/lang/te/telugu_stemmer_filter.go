package te

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// StemmerName is the registry name of the Telugu stemmer.
const StemmerName = "stemmer_te"

// StemmerFilter strips Telugu inflection so that the forms of a word meet:
// సహకారం, సహకారాన్ని, సహకారానికి, సహకారంతో and సహకారంలో all become సహకార;
// దేశం, దేశాలు, దేశాల, దేశాల్లో and దేశాలతో become దేశ; రష్యా, రష్యాకు and
// రష్యాలతో become రష్య.
//
// A Telugu word is STEM + [number or oblique] + [case, postposition or verb
// ending] + [clitic] + [a question word or particle fused to it], so the
// stemmer strips from the end in that order, each stage once but the case
// stage, which runs twice for names that end like a case marker
// (నకాటానిని). Then it writes the end of the stem one way: the -ā of an
// oblique or a name as -ం (దేశా- and దేశం meet, రష్యా and రష్యాలతో meet),
// -u as -i (మంత్రులు and మంత్రి meet), and a final e/ē/o/ō dropped (టోక్యో,
// టోక్యోలో). Final -ం, -i and -ī stay, so మంత్రి and మంత్రం, కోట and కోటి,
// దారి and దారం stay apart. Last, a Sanskrit participle or action noun
// takes the stem of its verb (విస్తీర్ణం and విస్తరించి meet), and number
// words become digits (పదహారవ and 16వ meet).
//
// The rules see unfolded long vowels: the normalizer leaves them alone so
// that -లో, -తో, -చే and -ే match. A stem keeps at least two letters, so
// short words stay as they are. Tokens not in Telugu script pass through.
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

// A rule replaces suffix with repl where the stem before it passes cond.
type rule struct {
	suffix, repl string
	cond         func(stem string) bool
}

// Conditions on what precedes a suffix.
var (
	always      = func(string) bool { return true }
	notGeminate = func(stem string) bool {
		return !strings.HasSuffix(stem, "ల్") && !strings.HasSuffix(stem, "ళ్")
	}
	afterU  = func(stem string) bool { return strings.HasSuffix(stem, "ు") }
	afterDD = func(stem string) bool { return strings.HasSuffix(stem, "డ్") }
	afterAA = func(stem string) bool { return strings.HasSuffix(stem, "ా") }
	// stemOfTwo: what precedes a replaced suffix is a stem by itself (a
	// verb's, not the తా of the name తారా).
	stemOfTwo = func(stem string) bool { return letters(stem) >= minLetters }
	notCC     = func(stem string) bool { return !strings.HasSuffix(stem, "చ్") }
	notKK     = func(stem string) bool { return !strings.HasSuffix(stem, "క్") }
	// afterConsonant: the stem ends in a consonant with its inherent a, as
	// the stem of an -ం noun does before -ము or -పు (దేశము, not తలుపు).
	afterConsonant = func(stem string) bool {
		r, _ := utf8.DecodeLastRuneInString(stem)
		return r >= 'క' && r <= 'హ'
	}
)

// Stages, outermost first. Within a stage the longest suffix that applies
// wins.
var (
	// Questions, outermost of all: a question word fused to the word
	// before it by sandhi, and the yes-no particle -ా on a finite verb.
	// The fused word drops a final -u before the question word's vowel
	// (ఉత్వ సంధి, obligatory: పేరు + ఏమిటి = పేరేమిటి, వయసు + ఎంత =
	// వయసెంత), so stripping it gives the -u back; a final -i, which ఇత్వ
	// సంధి may drop, ends the same way after finalVowel. The particle
	// replaces the final vowel of the verb (జరిగింది → జరిగిందా, ఉంటారు →
	// ఉంటారా); only the endings no name shares are undone (not -ారా of
	// సహారా and అంకారా, nor -ాడా of మరాఠ్వాడా).
	questions = newStage(rules(always, "ు", "ేమిటి", "ేంటి", "ెవరు", "ెక్కడ", "ెప్పుడు", "ెంత", "ెన్ని"),
		[]rule{
			{"ిందా", "ింది", stemOfTwo}, {"ుందా", "ుంది", stemOfTwo}, {"ున్నదా", "ున్నది", stemOfTwo},
			{"ున్నారా", "ున్నారు", stemOfTwo}, {"ున్నాడా", "ున్నాడు", stemOfTwo}, {"ున్నాయా", "ున్నాయి", stemOfTwo},
			{"తారా", "తారు", stemOfTwo}, {"తాడా", "తాడు", stemOfTwo}, {"తాయా", "తాయి", stemOfTwo},
		})

	// Clitics: emphatic -ే and inclusive -ూ after a vowel (రష్యానే, దేశాలనూ).
	clitics = newStage(rules(always, "", "నే", "నూ"))

	// Case markers and postpositions, with their emphatic forms (కే = కు +
	// ే); verb endings: past, present, progressive, the auxiliaries -కొను
	// (అందుకుంది, మార్చుకున్నారు, మార్చుకోవడం) and -పడు (the passive), the
	// obligative, and the gerund in -వడం (మార్చుకోవడం). Other gerunds
	// (చేయడం, చేయడానికి) inflect as -ం nouns and need no rule.
	cases = newStage(rules(always, "",
		"ను", "ని", "న్ని", "నికి", "కే", "కూ", "కీ", "నికే",
		"తో", "తోటి", "తోనే", "తోనూ", "లో", "లోని", "లోకి", "లోనే", "లోనూ",
		"పై", "పైన", "పైనే", "మీద", "చేత", "వల్ల", "వలన", "నుంచి", "నుండి", "నుంచీ",
		"కోసం", "కొరకు", "గురించి", "వరకు", "వరకూ", "దాకా", "గా", "కంటే", "కన్నా", "ద్వారా",
		"ారు", "ాడు", "ాయి", "ింది", "ిన",
		"తున్నారు", "తున్నాడు", "తున్నాయి", "తున్నది", "తున్న", "తోంది", "తుంది", "తారు", "తాడు", "తాయి",
		"ున్నారు", "ున్నాడు", "ున్నాయి", "ున్నది", "ున్న", "ుంది", "ుంటుంది", "ుంటారు", "ుంటాయి",
		"బడింది", "బడిన", "బడుతుంది", "బడుతోంది", "బడుతున్న", "బడుతున్నాయి", "బడుతున్నారు",
		"బడ్డాయి", "బడ్డారు", "బడ్డాడు", "బడ్డ", "బడతాయి", "బడే",
		"ాలి", "ాల్సిన", "ాల్సి", "వడం", "వడానికి", "వడంతో", "వడంలో"),
		[]rule{{"చే", "", notCC}}, // not the geminate of a verb (వచ్చే)
		// -ల్లో, the plural -ల with -లో, after the -ā of a plural stem
		// or of an -a noun (దేశాల్లో, కొత్తల్లో), not a name in -ల్ with -లో
		// (బోరెల్లో).
		rules(func(s string) bool { return afterAA(s) || afterConsonant(s) }, "", "ల్లో", "ల్లోని", "ల్లోనూ"),
		// -కు and -కి, but not the geminate of a native word (చిక్కు).
		rules(notKK, "", "కు", "కి"),
		// The classical dative of -ము nouns (దేశమునకు).
		rules(always, "ం", "మునకు"),
		// -మైన makes adjectives of -ం nouns (ప్రమాదకరమైన, ప్రమాదకరం).
		rules(always, "ం", "మైన", "మైనది", "మైనవి"),
		// The light verb అవు (become) fused to a noun: to an -ం noun, whose
		// -ం is written మ before the vowel (ప్రారంభమైంది, ప్రారంభమవుతుంది,
		// ప్రారంభమై, ప్రారంభం), and to an -u noun, which drops its -u
		// (ఏర్పాటైంది, ఏర్పాటు; an -a noun, which may drop its -a the same
		// way, is rarer and is left to meet nothing).
		rules(always, "ం", "మైంది", "మయింది", "మయ్యింది", "మవుతుంది", "మవుతోంది", "మవుతున్న",
			"మవుతున్నాయి", "మవుతున్నారు", "మవుతాయి", "మవుతారు", "మయ్యాయి", "మయ్యారు", "మయ్యాడు",
			"మయ్యే", "మై", "మయి", "మవడం", "మవ్వడం", "మవ్వాలి", "మవ్వాల్సిన"),
		rules(always, "ు", "ైంది"),
		// The present of -ించు verbs, made from -ం nouns: ఉపయోగిస్తుంది,
		// ఉపయోగించింది and ఉపయోగం meet.
		rules(always, "ం", "ిస్తున్నారు", "ిస్తున్నాయి", "ిస్తున్నాడు", "ిస్తున్న", "ిస్తోంది",
			"ిస్తుంది", "ిస్తారు", "ిస్తాడు", "ిస్తాయి", "ిస్తూ", "ించడం", "ించడానికి", "ించడంతో",
			// and its participles, conjunctive, infinitive and obligative
			// (ఉపయోగించే, ఉపయోగించి, ఉపయోగించాలి), which would otherwise
			// lose a -చే or -చి that is no case marker.
			"ించే", "ించి", "ించు", "ించాలి", "ించగా", "ించని"))

	// Number and the plural oblique: -లు, -ల (not the geminate of ఇల్లు),
	// -ళ్ళు, -ళ్ళ, and the double plural people write (ఇళ్ళులు). A stem
	// too short to lose -ళ్ళు or -ళ్ళ keeps -ళ్ళు: ఇళ్ళు, ఇళ్ళతో, ఇళ్ళలో
	// and ఇళ్ళులు meet (కళ్ళు and కళ stay apart, as do కళ్ళు and కళ్ళం).
	numbers = newStage(rules(notGeminate, "", "లు", "ల"), rules(always, "", "ళ్ళు", "ళ్ళ", "ళ్ళులు"),
		rules(always, "ళ్ళు", "ళ్ళ"))

	// Endings of the nominative and the oblique stem: -ము, -మ్ and -పు of
	// -ం nouns (దేశము, ప్లాట్ఫారమ్, దేశపు), -డు / -డి of -ుడు nouns and
	// రోడ్డు, and -ించ of verbs made from -ం nouns.
	endings = newStage(rules(afterConsonant, "ం", "ము", "మ్", "పు"),
		[]rule{{"డు", "", afterU}, {"డి", "", afterU}, {"డు", "", afterDD}},
		rules(always, "ం", "ించ"))
)

// A stage is a set of rules, looked up by the last rune of their suffix and
// tried longest first.
type stage map[rune][]rule

func newStage(lists ...[]rule) stage {
	st := stage{}
	for _, l := range lists {
		for _, r := range l {
			last, _ := utf8.DecodeLastRuneInString(r.suffix)
			st[last] = append(st[last], r)
		}
	}
	for _, rs := range st {
		sort.SliceStable(rs, func(i, j int) bool { return len(rs[i].suffix) > len(rs[j].suffix) })
	}
	return st
}

func rules(cond func(string) bool, repl string, suffixes ...string) []rule {
	out := make([]rule, len(suffixes))
	for i, s := range suffixes {
		out[i] = rule{s, repl, cond}
	}
	return out
}

// Forms returns a normalized word, the word with only its outermost ending
// stripped, and its stem: the forms a name may be recognized by in another
// script (నకాటానిని is Nakatani with an accusative).
func Forms(w string) []string {
	once := strip(strip(w, clitics), cases)
	return []string{w, once, Stem(w)}
}

// Stem returns the stem of one normalized Telugu word. A number word
// becomes its digits as soon as its endings are off (పదికి, వందలు).
func Stem(w string) string {
	w = strip(strip(w, questions), clitics)
	if n, ok := numerals[w]; ok {
		return n
	}
	// Twice: a name may end like a case marker and take one (నకాటాని,
	// నకాటానిని; సుజుకి, సుజుకికి).
	w = strip(strip(w, cases), cases)
	if n, ok := numerals[w]; ok {
		return n
	}
	w = strip(w, numbers)
	if n, ok := numerals[w]; ok {
		return n
	}
	w = strip(w, endings)
	return participle(finalVowel(w))
}

// participle writes the Sanskrit participles and action nouns that
// Telugu uses beside a root's -ించు verb as the verb's stem, so that what
// a question asks with a noun or adjective meets what its answer states
// with the verb:
//   - the past participle of a root in -ṛ, -īrṇa, and its abstract noun in
//     -త: విస్తీర్ణం, విస్తీర్ణత (area) and విస్తరించి (spread over),
//     అవతీర్ణ and అవతరించు;
//   - the participle -ీకృత and the action noun -ీకరణ of the verbs made
//     with -ī-kṛ: కేంద్రీకృత, కేంద్రీకరణ and కేంద్రీకరించింది, సరళీకృత
//     and సరళీకరించు.
func participle(w string) string {
	for _, p := range participles {
		if stem, ok := strings.CutSuffix(w, p[0]); ok && letters(stem) >= minLetters {
			return stem + p[1]
		}
	}
	return w
}

// participles are the endings participle rewrites, each with its
// replacement. The stem before them keeps two letters, so that జీర్ణం
// (digestion) stays itself.
var participles = [][2]string{{"ీర్ణ", "ర"}, {"ీర్ణత", "ర"}, {"ీకృత", "ీకర"}, {"ీకరణ", "ీకర"}}

// finalVowel writes the end of a stem one way: -ā and -ం dropped (దేశం,
// దేశా-, భద్రత, భద్రతా-, రష్యా), ు → ి, and ె ే ొ ో dropped.
func finalVowel(w string) string {
	if letters(w) < minLetters {
		return w
	}
	r, size := utf8.DecodeLastRuneInString(w)
	switch r {
	case 'ా', 'ం', 'ె', 'ే', 'ొ', 'ో':
		return w[:len(w)-size]
	case 'ు':
		return w[:len(w)-size] + "ి"
	}
	return w
}

// strip applies the rule of st with the longest suffix that leaves a long
// enough stem, counting what the rule puts back (ఇళ్ళ becomes ఇళ్ళు).
func strip(w string, st stage) string {
	last, _ := utf8.DecodeLastRuneInString(w)
	for _, r := range st[last] {
		if !strings.HasSuffix(w, r.suffix) {
			continue
		}
		stem := w[:len(w)-len(r.suffix)]
		if letters(stem)+letters(r.repl) >= minLetters && r.cond(stem) {
			if r.repl == "" {
				return stem
			}
			return stem + r.repl
		}
	}
	return w
}

// letters counts consonants and independent vowels: the units a reader
// counts, not the marks on them.
func letters(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r >= 0x0C05 && r <= 0x0C39: // Telugu vowels and consonants
			n++
		case r >= 0x0C3C && r <= 0x0C7F: // Telugu signs
		case unicode.IsLetter(r):
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
