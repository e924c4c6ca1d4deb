package te

import (
	"testing"
)

// Each rule, with the real words that justify it.
func TestStem(t *testing.T) {
	tests := []struct {
		rule  string
		forms []string // all must give the same stem
		want  string
	}{
		{"-ం nouns and their obliques", []string{"సహకారం", "సహకారాన్ని", "సహకారానికి", "సహకారంతో", "సహకారంలో", "సహకారము"}, "సహకార"},
		{"plural and plural oblique", []string{"దేశాలు", "దేశాల", "దేశాల్లో", "దేశాలతో", "దేశం", "దేశాలలో", "దేశాలను"}, "దేశ"},
		{"-ā names with case", []string{"రష్యా", "రష్యాకు", "రష్యాతో", "రష్యాలతో", "రష్యానే"}, "రష్య"},
		{"-ā names with accusative", []string{"కొరియా", "కొరియాతో", "కొరియాను"}, "కొరియ"},
		{"-a nouns", []string{"పరిశ్రమ", "పరిశ్రమల", "పరిశ్రమను", "పరిశ్రమకు", "పరిశ్రమలు"}, "పరిశ్రమ"},
		{"final ō and locative", []string{"టోక్యో", "టోక్యోలో"}, "టోక్య"},
		{"consonant-final names", []string{"ఉక్రెయిన్", "ఉక్రెయిన్కు", "ఉక్రెయిన్ను", "ఉక్రెయిన్తో"}, "ఉక్రెయిన్"},
		{"a name in -ల్ with -లో", []string{"బోరెల్", "బోరెల్లో", "బోరెల్తో"}, "బోరెల్"},
		{"-i nouns and their -ులు plural", []string{"మంత్రి", "మంత్రులు", "మంత్రిని", "మంత్రికి", "మంత్రులతో"}, "మంత్రి"},
		{"-u nouns", []string{"వస్తువు", "వస్తువులు", "వస్తువును", "వస్తువుతో"}, "వస్తువి"},
		{"-ుడు nouns", []string{"అధ్యక్షుడు", "అధ్యక్షుడి", "అధ్యక్షుని", "అధ్యక్షుడికి", "అధ్యక్షులు"}, "అధ్యక్షి"},
		{"postpositions", []string{"భద్రత", "భద్రతకు", "భద్రతపై", "భద్రత కోసం", "భద్రతా"}, "భద్రత"},
		{"long postpositions", []string{"ప్రభుత్వం", "ప్రభుత్వంనుంచి", "ప్రభుత్వంగురించి", "ప్రభుత్వంవరకు", "ప్రభుత్వంచేత"}, "ప్రభుత్వ"},
		{"-మైన adjectives", []string{"ప్రమాదకరమైన", "ప్రమాదకరం"}, "ప్రమాదకర"},
		{"-ంగా adverbs", []string{"భాగంగా", "భాగం"}, "భాగ"},
		{"-పు oblique", []string{"దేశపు", "దేశం"}, "దేశ"},
		{"-మ్ spelling of -ం", []string{"ప్లాట్ఫారమ్", "ప్లాట్ఫారం"}, "ప్లాట్ఫార"},
		{"emphatic ే and inclusive ూ on case", []string{"దేశానికే", "దేశాలకూ", "దేశానికి"}, "దేశ"},
		{"a name that ends like a case marker", []string{"నకాటాని", "నకాటానిని", "నకాటానితో"}, "నకాట"},
		{"-ించు verbs and their -ం nouns", []string{"ఉపయోగించింది", "ఉపయోగిస్తుంది", "ఉపయోగించబడుతోంది", "ఉపయోగం", "ఉపయోగించారు", "ఉపయోగించడం", "ఉపయోగించే", "ఉపయోగించి", "ఉపయోగించాలి"}, "ఉపయోగ"},
		{"the auxiliary -కొను", []string{"అందుకుంది", "అందుకున్న", "అందుకోవడం", "అందుకున్నారు"}, "అందుక"},
		{"short words stay", []string{"పని"}, "పని"},
		{"geminate ఇల్లు keeps its -లు", []string{"ఇల్లు"}, "ఇల్లి"},
		{"native -క్కు keeps its -కు", []string{"చిక్కు", "చిక్కులు"}, "చిక్కి"},
		{"not the -పు of తూర్పు", []string{"తూర్పు"}, "తూర్పి"},
		{"not the -చే of a verb geminate", []string{"వచ్చే"}, "వచ్చ"},
		{"a question word fused by u-sandhi", []string{"పేరేమిటి", "పేరేంటి", "పేరు", "పేరెక్కడ"}, "పేరి"},
		{"ఎంత fused by u-sandhi", []string{"వయస్సెంత", "వయస్సు", "వయస్సుతో"}, "వయస్సి"},
		{"ఎవరు fused to a plural", []string{"తల్లిదండ్రులెవరు", "తల్లిదండ్రులు"}, "తల్లిదండ్రి"},
		{"the yes-no particle on a finite verb", []string{"తిరుగుతుందా", "తిరుగుతుంది"}, "తిరుగి"},
		{"the particle on the future", []string{"వస్తారా", "వస్తారు"}, "వస్"},
		{"not the -ారా of a name", []string{"తారా"}, "తార"},
		{"the plural of a short -ళ్ళు noun", []string{"ఇళ్ళు", "ఇళ్లు", "ఇళ్లతో", "ఇళ్ళలో", "ఇళ్లులు", "ఇళ్ళకు"}, "ఇళ్ళి"},
		{"అవు fused to an -ం noun", []string{"ప్రారంభమైంది", "ప్రారంభమయింది", "ప్రారంభమవుతుంది", "ప్రారంభమై", "ప్రారంభమయ్యే", "ప్రారంభం", "ప్రారంభించారు"}, "ప్రారంభ"},
		{"అవు fused to an -u noun", []string{"ఏర్పాటైంది", "ఏర్పాటు", "ఏర్పాటుకు"}, "ఏర్పాటి"},
		{"the -īrṇa participle and its -ించు verb", []string{"విస్తీర్ణం", "విస్తీర్ణత", "విస్తీర్ణము", "విస్తరించి", "విస్తరించింది"}, "విస్తర"},
		{"-ీకృత and -ీకరణ and their -ించు verb", []string{"కేంద్రీకృత", "కేంద్రీకృతమై", "కేంద్రీకరణ", "కేంద్రీకరించింది"}, "కేంద్రీకర"},
		{"a cardinal and its digits", []string{"పదహారు", "పదారు", "16"}, "16"},
		{"an ordinal, spoken and written", []string{"పదహారవ", "పదహారో", "పదహారవది"}, "16వ"},
		{"ordinals in -ై", []string{"ఇరవైయవ", "ఇరవయ్యవ", "ఇరవయ్యో"}, "20వ"},
		{"a number word with case", []string{"పదికి", "పది"}, "10"},
	}
	for _, tt := range tests {
		for _, f := range tt.forms {
			// Words written apart by postposition are one token in the
			// table only where the test joins them; analyze each word.
			got := Stem(Normalize(stripSpace(f)))
			if got != tt.want {
				t.Errorf("%s: Stem(%q) = %q, want %q", tt.rule, f, got, tt.want)
			}
		}
	}
}

func stripSpace(s string) string {
	out := []rune{}
	for _, r := range s {
		if r != ' ' {
			out = append(out, r)
		}
	}
	return string(out)
}

// Distinct words must stay apart.
func TestStemKeepsWordsApart(t *testing.T) {
	pairs := [][2]string{
		{"మంత్రి", "మంత్రం"}, {"కోట", "కోటి"}, {"దారి", "దారం"}, {"కాలు", "కాలం"},
		{"అధికారి", "అధికారం"}, {"నేల", "నెల"}, {"మేడ", "మెడ"}, {"జపాన్", "జపం"},
		// the ordinal is not the number, the name is not the verb, the
		// eyes are not the threshing floor
		{"మూడవ", "మూడు"}, {"తారా", "తారు"}, {"కళ్ళు", "కళ్ళం"}, {"కళ్ళు", "కళ"},
		// a short -īrṇa word keeps its own stem
		{"జీర్ణం", "జర"},
	}
	for _, p := range pairs {
		if a, b := Stem(p[0]), Stem(p[1]); a == b {
			t.Errorf("%s and %s both stem to %s", p[0], p[1], a)
		}
	}
}

func TestStemmerLeavesLatinAlone(t *testing.T) {
	a, err := cacheAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"borrell", "2022", "icbm"} {
		toks := a.Analyze([]byte(w))
		if len(toks) != 1 || string(toks[0].Term) != w {
			t.Errorf("%q analyzed to %v", w, toks)
		}
	}
}
