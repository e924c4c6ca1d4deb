package te

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// StopName is the registry name of the Telugu stop-word list.
const StopName = "stop_te"

// StopWords are Telugu words too common to tell documents apart, written
// by us for this analyzer and reviewed against the seed article and the
// te-qa-dev questions: conjunctions and particles, pronouns and
// demonstratives, postpositions written as separate words (and the case
// markers a tokenizer splits from digits or Latin, as in 2022లో), auxiliary
// verbs, the verbs of reporting, and question words. Every entry is in the
// normalized form (NFC, no joiners, long vowels kept), because the filter
// runs after normalization and before stemming; a test proves each one
// can match.
var StopWords = []byte(`# conjunctions and particles
మరియు
కూడా
లేదా
కానీ
కాని
అయితే
అయినా
అయినప్పటికీ
అని
అనే
అంటే
మరి
కాబట్టి
అందువల్ల
కనుక
ఇంకా
ఇక
ఎందుకంటే
# demonstratives and pronouns
ఈ
ఆ
ఇది
అది
ఇవి
అవి
ఇదే
అదే
దీని
దాని
వీటి
వాటి
దీనికి
దానికి
ఇక్కడ
అక్కడ
ఇలా
అలా
ఇంత
అంత
నేను
నా
నాకు
మేము
మా
మాకు
మనం
మన
మీరు
మీ
మీకు
అతను
అతని
ఆయన
ఆయనకు
ఆమె
ఆమెకు
వారు
వారి
వారికి
వాళ్ళు
తను
తాను
తన
తమ
తమకు
# quantifiers, and the English article as Telugu writes it (ది క్వీన్)
ది
ఒక
అన్ని
చాలా
కొన్ని
ప్రతి
మాత్రమే
# postpositions written apart, and case markers split off digits or Latin
లో
తో
కు
కి
ను
ని
పై
గా
లోని
యొక్క
గురించి
కోసం
ద్వారా
నుంచి
నుండి
వరకు
తర్వాత
తరువాత
వంటి
సహా
మీద
లాంటి
పాటు
కొరకు
నాటికి
ప్రకారం
# what a tokenizer splits off digits: the locative of dates (13న), the
# plural oblique of decades (1960ల), the noun of an ordinal (16వది)
వది
న
ల
# auxiliaries and verbs of reporting: ఉండు (be) in its tenses, its
# negative లేదు, and అవు (become) written apart from its noun (కారణం
# అయ్యింది)
ఉంది
ఉన్నాయి
ఉన్న
ఉన్నారు
ఉన్నది
ఉంటుంది
ఉంటాయి
ఉంటారు
ఉండే
ఉండేది
ఉండేవి
ఉండేవారు
ఉండి
అయిన
అయింది
అయ్యింది
అయ్యాయి
అయ్యారు
అయ్యాడు
అయ్యే
అవుతుంది
అవుతాయి
కాదు
లేదు
లేరు
లేవు
లేడు
లేని
అన్నారు
చెప్పారు
తెలిపారు
# light verbs: చేయు and జరుగు make verbs of nouns and loanwords
# (రిలీజ్ చేశారు, ప్రసారం చేసింది); the noun carries the meaning
చేశారు
చేసింది
చేసిన
చేస్తుంది
చేస్తారు
చేయడం
జరిగింది
# question words, their cases and their indefinite forms (ఎవరో,
# ఎక్కడో), the ordinal question (ఎన్నోవ), and the auxiliaries with the
# question particle -ా (ఉందా, ఉన్నాయా)
ఏంటి
ఏంటో
ఏమిటో
ఏమని
ఏయే
ఏవేవి
ఎవరో
ఎవరికి
ఎవరిని
ఎవరితో
ఎక్కడి
ఎక్కడికి
ఎక్కడో
ఎప్పటి
ఎప్పటికి
ఎప్పుడో
ఎందుకో
ఎన్నవ
ఎన్నోవ
ఎన్నో
ఎంతో
ఎలాంటి
ఎటువంటి
ఏవిధంగా
ఉందా
ఉన్నాయా
ఉన్నారా
ఉన్నాడా
ఉంటుందా
దేని
దేనిని
దేనికి
ఎంతమంది
రకమైన
విధమైన
ఏమిటి
ఏమి
ఏం
ఏది
ఏవి
ఏ
ఎవరు
ఎవరి
ఎప్పుడు
ఎక్కడ
ఎలా
ఎందుకు
ఎన్ని
ఎంత
ఇప్పుడు
అప్పుడు
`)

func tokenMapConstructor(config map[string]interface{}, cache *registry.Cache) (analysis.TokenMap, error) {
	rv := analysis.NewTokenMap()
	err := rv.LoadBytes(StopWords)
	return rv, err
}

func init() {
	if err := registry.RegisterTokenMap(StopName, tokenMapConstructor); err != nil {
		panic(err)
	}
}
