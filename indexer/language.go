// Package indexer turns corpus documents into a Bleve index: it detects each
// document's language, normalizes stored text, chooses the analysis for each
// language, defines the index mapping and builds index generations under a
// data directory.
package indexer

import (
	"unicode"

	"golang.org/x/text/language"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/analysis/lang/ar"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/lang/fa"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/hi"
	"github.com/blevesearch/bleve/v2/analysis/lang/it"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/analysis/lang/pt"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"

	// The Telugu analyzer registers itself with Bleve when imported; every
	// program that opens an index needs it, because Bleve checks the mapping
	// on open, and every program that opens one goes through this package.
	"pressearch/indexer/lang/indic"
	telugu "pressearch/indexer/lang/te"
)

// Analysis is how text in a group of languages is indexed: the suffix of its
// fields (title_<Key>, body_<Key>) and the Bleve analyzer they use.
type Analysis struct {
	Key      string
	Analyzer string
	// Prefix, where set, is the analyzer of a second body field that keeps
	// only the start of each stem: a low-weight net for words of one root
	// whose derivation the stemmer does not undo.
	Prefix string
	// Exact, where set, is the analyzer of a body field that keeps words
	// unstemmed, so that a document using the very form the query uses can
	// rank a little above one that uses another form of the word.
	Exact string
	// Splits, where set, are the ways a word of the language can be read
	// as two words written as one (a compound); a query matches a compound
	// written apart or together either way (see search).
	Splits func(word string) [][2]string
}

// The analyses the index knows, one pair of text fields each. A query is
// matched against every one that has documents, each with its own analyzer.
var analyses = []Analysis{
	{Key: "te", Analyzer: telugu.AnalyzerName, Prefix: telugu.PrefixAnalyzerName, Exact: telugu.ExactAnalyzerName,
		Splits: func(w string) [][2]string { return telugu.CompoundSplits(telugu.Normalize(w)) }},
	{Key: "en", Analyzer: en.AnalyzerName},
	{Key: "cjk", Analyzer: cjk.AnalyzerName},
	{Key: "indic", Analyzer: indic.AnalyzerName},
	{Key: "hi", Analyzer: hi.AnalyzerName},
	{Key: "ar", Analyzer: ar.AnalyzerName},
	{Key: "fa", Analyzer: fa.AnalyzerName},
	{Key: "ru", Analyzer: ru.AnalyzerName},
	{Key: "fr", Analyzer: fr.AnalyzerName},
	{Key: "de", Analyzer: de.AnalyzerName},
	{Key: "es", Analyzer: es.AnalyzerName},
	{Key: "it", Analyzer: it.AnalyzerName},
	{Key: "pt", Analyzer: pt.AnalyzerName},
	{Key: "nl", Analyzer: nl.AnalyzerName},
	{Key: "std", Analyzer: standard.Name},
}

// scriptsOf are the scripts, besides Latin and digits, whose words each
// analysis indexes; a word in another script cannot match its fields. The
// standard analysis takes any script.
var scriptsOf = map[string][]*unicode.RangeTable{
	"te":    {unicode.Telugu},
	"cjk":   {unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul},
	"indic": {unicode.Tamil, unicode.Sinhala, unicode.Kannada, unicode.Malayalam, unicode.Bengali, unicode.Gujarati, unicode.Gurmukhi, unicode.Oriya},
	"hi":    {unicode.Devanagari},
	"ar":    {unicode.Arabic},
	"fa":    {unicode.Arabic},
	"ru":    {unicode.Cyrillic},
}

// Foreign reports whether word is written in a script other than a's own:
// Latin letters or digits in the fields of a language of another script,
// where they are quotations.
func (a Analysis) Foreign(word string) bool {
	if _, limited := scriptsOf[a.Key]; !limited {
		return false
	}
	for _, r := range word {
		if unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) {
			return false
		}
	}
	return true
}

// Matches reports whether a word could match the fields of analysis a: a
// word with letters of a script a does not index cannot. Latin letters and
// digits go everywhere, since every language quotes them.
func (a Analysis) Matches(word string) bool {
	tables, limited := scriptsOf[a.Key]
	if a.Key == "std" {
		return true
	}
	for _, r := range word {
		if !unicode.IsLetter(r) || unicode.Is(unicode.Latin, r) {
			continue
		}
		if !limited {
			return false // a Latin-script language, and a letter of another script
		}
		ok := false
		for _, t := range tables {
			if unicode.Is(t, r) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// byBase maps a language to its analysis key where it is not the
// language's own code.
var byBase = map[string]string{
	"ja": "cjk", "zh": "cjk", "ko": "cjk",
	"ta": "indic", "si": "indic", "kn": "indic", "ml": "indic", "bn": "indic",
	"gu": "indic", "pa": "indic", "or": "indic", "mr": "hi", "ne": "hi",
}

// Analyses returns every analysis the index has fields for.
func Analyses() []Analysis { return append([]Analysis(nil), analyses...) }

// AnalysisFor returns the analysis for a BCP 47 language tag: the language's
// own analyzer where Bleve or pressearch has one, the generic Indic chain for
// the Indic scripts Bleve lacks, and the standard analyzer for the rest.
func AnalysisFor(lang string) Analysis {
	std := analyses[len(analyses)-1]
	tag, err := language.Parse(lang)
	if err != nil {
		return std
	}
	base, conf := tag.Base()
	if conf < language.High {
		return std // "und" and the like: no guessing
	}
	key := base.String()
	if k, ok := byBase[key]; ok {
		key = k
	}
	for _, a := range analyses {
		if a.Key == key {
			return a
		}
	}
	return std
}

// TitleField is the name of the title field for an analysis key.
func TitleField(key string) string { return "title_" + key }

// BodyField is the name of the body field for an analysis key.
func BodyField(key string) string { return "body_" + key }

// PrefixField is the name of the prefix companion of a body field.
func PrefixField(key string) string { return "body_" + key + "_prefix" }

// LeadField is the name of the field that holds the lead of a body: its
// first LeadWords words.
func LeadField(key string) string { return "lead_" + key }

// NamesField holds the sound keys of every body, for names across scripts.
const NamesField = "names"

// ExactField is the name of the unstemmed companion of a body field.
func ExactField(key string) string { return "body_" + key + "_exact" }

// scripts maps a script to the language most documents in it are written in.
var scripts = []struct {
	table *unicode.RangeTable
	tag   language.Tag
}{
	{unicode.Telugu, language.Telugu},
	{unicode.Devanagari, language.Hindi},
	{unicode.Tamil, language.Tamil},
	{unicode.Sinhala, language.Sinhala},
	{unicode.Kannada, language.Kannada},
	{unicode.Malayalam, language.Malayalam},
	{unicode.Bengali, language.Bengali},
	{unicode.Gujarati, language.Gujarati},
	{unicode.Gurmukhi, language.Punjabi},
	{unicode.Oriya, language.Make("or")},
	{unicode.Arabic, language.Arabic},
	{unicode.Hiragana, language.Japanese},
	{unicode.Katakana, language.Japanese},
	{unicode.Hangul, language.Korean},
	{unicode.Han, language.Chinese},
	{unicode.Cyrillic, language.Russian},
	{unicode.Greek, language.Greek},
	{unicode.Latin, language.English},
}

// DetectLanguage guesses a document's language from the scripts of its
// letters: the script with the most letters wins, except that any kana makes
// Han text Japanese. It returns "und" when the text has no letters.
func DetectLanguage(text string) language.Tag {
	counts := make([]int, len(scripts))
	for _, r := range text {
		if !unicode.IsLetter(r) {
			continue
		}
		for i, s := range scripts {
			if unicode.Is(s.table, r) {
				counts[i]++
				break
			}
		}
	}
	best := -1
	for i, n := range counts {
		if n > 0 && (best < 0 || n > counts[best]) {
			best = i
		}
	}
	if best < 0 {
		return language.Und
	}
	tag := scripts[best].tag
	if tag == language.Chinese || tag == language.Korean {
		for i, s := range scripts {
			if (s.table == unicode.Hiragana || s.table == unicode.Katakana) && counts[i] > 0 {
				return language.Japanese
			}
		}
	}
	return tag
}
