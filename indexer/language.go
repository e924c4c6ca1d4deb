// Package indexer turns corpus documents into a Bleve index: it detects each
// document's language, normalizes stored text, chooses the analysis for each
// language, defines the index mapping and builds index generations under a
// data directory.
package indexer

import (
	"fmt"
	"iter"
	"slices"
	"sync"
	"sync/atomic"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

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
	"github.com/blevesearch/bleve/v2/registry"

	// The Telugu analyzer registers itself with Bleve when imported; every
	// program that opens an index needs it, because Bleve checks the mapping
	// on open, and every program that opens one goes through this package.
	"pressearch/indexer/lang/indic"
	telugu "pressearch/indexer/lang/te"
	"pressearch/indexer/translit"
)

// Analysis is how text in a group of languages is indexed and searched:
// the suffix of its fields (title_<Key>, body_<Key>), the Bleve analyzers
// of those fields, the scripts its words are written in, and what search
// and completion need to know of its words. A Registry holds the analyses;
// nothing outside this package names a language.
type Analysis struct {
	Key      string
	Analyzer string
	// Langs are the BCP 47 base languages whose documents are indexed
	// this way, the first the analysis's own where it names one ("te";
	// "ja", "zh", "ko" for "cjk"); a language no analysis lists goes to
	// the registry's fallback.
	Langs []string
	// Scripts are the scripts, besides Latin and digits, its words are
	// written in; a word in another script cannot match its fields. None:
	// a Latin-script language.
	Scripts []*unicode.RangeTable
	// Any marks the fallback analysis, which takes words in any script.
	Any bool
	// Prefix, where set, is the analyzer of a second body field that keeps
	// only the start of each stem: a low-weight net for words of one root
	// whose derivation the stemmer does not undo.
	Prefix string
	// Exact, where set, is the analyzer of a body field that keeps words
	// unstemmed, so that a document using the very form the query uses can
	// rank a little above one that uses another form of the word.
	Exact string
	// NormalizePrefix turns a typed prefix (jap*) into the form of the
	// indexed terms it should start; nil leaves it as typed.
	NormalizePrefix func(string) string
	// CrossKeys, where set, are the sound keys (NamesField) by which a word
	// of the analysis's script is looked for in the other script, or nil
	// for a word of another script. The bodies of an analysis with
	// CrossKeys feed NamesField.
	CrossKeys func(word string) []string
	// SuggestWords, where set, are the words of a text completion may
	// offer, as the text writes them; they are matched in the form
	// Registry.Fold gives.
	SuggestWords func(text string) []string
	// Names name Langs that CLDR has no name for, in English.
	Names map[string]string
	// Splits, where set, are the ways a word of the language can be read
	// as two words written as one (a compound); a query matches a compound
	// written apart or together either way (see search).
	Splits func(word string) [][2]string
	// Near, where set, gives for a letter of the analysis's script the
	// one a reader takes for a variant of it (in Telugu the same vowel
	// short or long, the same consonant with or without aspiration), or
	// 0; Slight, where set, says which signs make such a difference by
	// being there or not (Telugu's long a). A spelling suggestion counts
	// either as half an edit.
	Near   func(r rune) rune
	Slight func(r rune) bool
}

// Registry is the analyses an index has fields for and a search matches
// against, and what is known of each language's words. DefaultRegistry is
// the one pressearch serves with; a registry is a value, so a program (or
// a test) can register a language of its own without touching another's.
type Registry struct {
	analyses []Analysis // the fallback last
	// Fold is the form in which completions are matched: what the
	// analyses' SuggestWords give and a typed prefix is brought to.
	Fold func(string) string
	// analyzers caches the analyzers the registry builds by name (Bleve's
	// cache is safe for concurrent use).
	analyzers *registry.Cache
	// tok is what Tokenize maps with, built when first asked for.
	tokMu sync.Mutex
	tok   *tokenizing
	// found keeps which analysis For found for a language tag (its index
	// in analyses), for up to maxFound tags: a search asks For of every
	// hit's language, and parsing the tag each time was a tenth of what
	// presenting a page allocated. Register forgets it.
	found  sync.Map // string -> int
	nFound atomic.Int32
	// titles and bodies are the title and body field of each analysis,
	// in its order: every hit and reference reads them.
	titles, bodies []string
}

// maxFound bounds the tags a registry remembers For's answer for: the
// languages of documents are few, but a tag can come from a request.
const maxFound = 256

// DefaultRegistry returns a new registry of the analyses pressearch knows.
func DefaultRegistry() *Registry {
	indicScripts := []*unicode.RangeTable{unicode.Tamil, unicode.Sinhala, unicode.Kannada, unicode.Malayalam,
		unicode.Bengali, unicode.Gujarati, unicode.Gurmukhi, unicode.Oriya}
	r := &Registry{Fold: telugu.Normalize, analyzers: registry.NewCache()}
	for _, a := range []Analysis{
		{Key: "te", Langs: []string{"te"}, Scripts: []*unicode.RangeTable{unicode.Telugu},
			Analyzer: telugu.AnalyzerName, Prefix: telugu.PrefixAnalyzerName, Exact: telugu.ExactAnalyzerName,
			CrossKeys: teluguKeys,
			Splits:    func(w string) [][2]string { return telugu.CompoundSplits(telugu.Normalize(w)) },
			Near:      telugu.Partner, Slight: telugu.LongA},
		{Key: "en", Langs: []string{"en"}, Analyzer: en.AnalyzerName, CrossKeys: latinKeys},
		{Key: "cjk", Langs: []string{"ja", "zh", "ko"},
			Scripts:  []*unicode.RangeTable{unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul},
			Analyzer: cjk.AnalyzerName},
		{Key: "indic", Langs: []string{"ta", "si", "kn", "ml", "bn", "gu", "pa", "or"}, Scripts: indicScripts,
			Analyzer: indic.AnalyzerName},
		{Key: "hi", Langs: []string{"hi", "mr", "ne"}, Scripts: []*unicode.RangeTable{unicode.Devanagari}, Analyzer: hi.AnalyzerName},
		{Key: "ar", Langs: []string{"ar"}, Scripts: []*unicode.RangeTable{unicode.Arabic}, Analyzer: ar.AnalyzerName},
		{Key: "fa", Langs: []string{"fa"}, Scripts: []*unicode.RangeTable{unicode.Arabic}, Analyzer: fa.AnalyzerName},
		{Key: "ru", Langs: []string{"ru"}, Scripts: []*unicode.RangeTable{unicode.Cyrillic}, Analyzer: ru.AnalyzerName},
		{Key: "fr", Langs: []string{"fr"}, Analyzer: fr.AnalyzerName, CrossKeys: latinKeys},
		{Key: "de", Langs: []string{"de"}, Analyzer: de.AnalyzerName, CrossKeys: latinKeys},
		{Key: "es", Langs: []string{"es"}, Analyzer: es.AnalyzerName, CrossKeys: latinKeys},
		{Key: "it", Langs: []string{"it"}, Analyzer: it.AnalyzerName, CrossKeys: latinKeys},
		{Key: "pt", Langs: []string{"pt"}, Analyzer: pt.AnalyzerName, CrossKeys: latinKeys},
		{Key: "nl", Langs: []string{"nl"}, Analyzer: nl.AnalyzerName, CrossKeys: latinKeys},
		{Key: "std", Any: true, Analyzer: standard.Name, CrossKeys: latinKeys},
	} {
		// Completion offers any script's words, split and normalized as
		// the Telugu tokenizer and normalizer do for every script.
		a.SuggestWords = suggestTokens
		a.NormalizePrefix = telugu.Normalize // normalized and lower-cased, as indexed terms are
		r.analyses = append(r.analyses, a)
	}
	r.name()
	return r
}

// name works out the field names of the analyses.
func (r *Registry) name() {
	r.titles, r.bodies = make([]string, len(r.analyses)), make([]string, len(r.analyses))
	for i, a := range r.analyses {
		r.titles[i], r.bodies[i] = TitleField(a.Key), BodyField(a.Key)
	}
}

// defaults is the registry the package-level functions read; nothing
// changes it.
var defaults = DefaultRegistry()

// Register adds an analysis, matched before the fallback. Its key and
// languages must be new, and its analyzers registered with Bleve.
func (r *Registry) Register(a Analysis) error {
	if a.Key == "" || a.Analyzer == "" || a.Any {
		return fmt.Errorf("analysis %q: a key and an analyzer are needed, and there is one fallback", a.Key)
	}
	for _, name := range []string{a.Analyzer, a.Prefix, a.Exact} {
		if name == "" {
			continue
		}
		if _, err := r.analyzers.AnalyzerNamed(name); err != nil {
			return fmt.Errorf("analysis %q: %w", a.Key, err)
		}
	}
	for _, b := range r.analyses {
		if b.Key == a.Key {
			return fmt.Errorf("analysis %q is registered already", a.Key)
		}
		for _, l := range a.Langs {
			if slices.Contains(b.Langs, l) {
				return fmt.Errorf("analysis %q: %s is analyzed by %q already", a.Key, l, b.Key)
			}
		}
	}
	if a.SuggestWords == nil {
		a.SuggestWords = suggestTokens
	}
	n := len(r.analyses) - 1
	r.analyses = append(r.analyses[:n:n], a, r.analyses[n])
	r.tokMu.Lock()
	r.tok = nil // made again with a's fields
	r.tokMu.Unlock()
	r.found.Clear()
	r.nFound.Store(0)
	r.name()
	return nil
}

// Spelling returns what the analyses know of near spellings (see
// Analysis.Near): the near letter of r in any script, or 0, and whether r
// is a sign whose presence alone is a near difference.
func (r *Registry) Spelling() (near func(rune) rune, slight func(rune) bool) {
	var nears []func(rune) rune
	var slights []func(rune) bool
	for _, a := range r.analyses {
		if a.Near != nil {
			nears = append(nears, a.Near)
		}
		if a.Slight != nil {
			slights = append(slights, a.Slight)
		}
	}
	near = func(c rune) rune {
		for _, f := range nears {
			if n := f(c); n != 0 {
				return n
			}
		}
		return 0
	}
	slight = func(c rune) bool {
		for _, f := range slights {
			if f(c) {
				return true
			}
		}
		return false
	}
	return near, slight
}

// Analyses returns every analysis the index has fields for, the fallback
// last.
func (r *Registry) Analyses() []Analysis { return slices.Clone(r.analyses) }

// All yields each analysis and its index, in the order of Analyses,
// without copying the list.
func (r *Registry) All() iter.Seq2[int, Analysis] {
	return func(yield func(int, Analysis) bool) {
		for i, a := range r.analyses {
			if !yield(i, a) {
				return
			}
		}
	}
}

// TitleFields are the title fields of the analyses (TitleField of each
// key), in the order of Analyses; BodyFields their body fields. The
// lists are the registry's: a caller appends to them, never changes them.
func (r *Registry) TitleFields() []string { return slices.Clip(r.titles) }

// BodyFields are the body fields of the analyses, as TitleFields.
func (r *Registry) BodyFields() []string { return slices.Clip(r.bodies) }

// For returns the analysis of a BCP 47 language tag: the one that lists
// its base language, or the fallback.
func (r *Registry) For(lang string) Analysis { return r.analyses[r.Index(lang)] }

// Index is the index of For(lang) in the order of Analyses.
func (r *Registry) Index(lang string) int {
	if i, ok := r.found.Load(lang); ok {
		return i.(int)
	}
	i := r.find(lang)
	if r.nFound.Add(1) <= maxFound {
		r.found.Store(lang, i)
	}
	return i
}

// find is For's answer as an index into analyses.
func (r *Registry) find(lang string) int {
	fallback := len(r.analyses) - 1
	tag, err := language.Parse(lang)
	if err != nil {
		return fallback
	}
	base, conf := tag.Base()
	if conf < language.High {
		return fallback // "und" and the like: no guessing
	}
	for i, a := range r.analyses {
		if slices.Contains(a.Langs, base.String()) {
			return i
		}
	}
	return fallback
}

// Languages returns the codes of the languages with an analysis of their
// own, sorted.
func (r *Registry) Languages() []string {
	var out []string
	for _, a := range r.analyses {
		out = append(out, a.Langs...)
	}
	slices.Sort(out)
	return out
}

// Default is the language a text is taken to be in when nothing says:
// the first analysis's own.
func (r *Registry) Default() string { return r.analyses[0].Langs[0] }

// Name is the name of the language code in the interface language ui, as
// CLDR writes it, or as the registry's analysis names it; the code itself
// when neither can.
func (r *Registry) Name(ui language.Tag, code string) string {
	if tag, err := language.Parse(code); err == nil && tag != language.Und {
		namer := display.Tags(ui)
		// CLDR calls a code it does not know "Unknown language": a reader
		// who filtered by the code should see the code.
		if n := namer.Name(tag); n != "" && n != namer.Name(language.Und) {
			return n
		}
	}
	for _, a := range r.analyses {
		if n, ok := a.Names[code]; ok {
			return n
		}
	}
	return code
}

// CrossKeys are the sound keys a word is looked for by in the other
// script: each of its tokens by the analysis whose script it is in.
func (r *Registry) CrossKeys(word string) []string {
	var out []string
	for _, tok := range telugu.NewTokenizer().Tokenize([]byte(word)) {
		w := telugu.Normalize(string(tok.Term))
		for _, a := range r.analyses {
			if a.CrossKeys == nil {
				continue
			}
			if keys := a.CrossKeys(w); len(keys) > 0 {
				out = append(out, keys...)
				break
			}
		}
	}
	return out
}

// teluguKeys are the keys of a Telugu word among Latin ones.
func teluguKeys(w string) []string {
	if !translit.IsTelugu(w) {
		return nil
	}
	var out []string
	for _, k := range translit.TeluguKeys(w) {
		out = append(out, translit.FromLatin+k)
	}
	return out
}

// latinKeys are the keys of a Latin word among Telugu ones.
func latinKeys(w string) []string {
	if !translit.IsLatin(w) {
		return nil
	}
	if k := translit.LatinKey(w); k != "" {
		return []string{translit.FromTelugu + k}
	}
	return nil
}

// Foreign reports whether word is written in a script other than a's own:
// Latin letters or digits in the fields of a language of another script,
// where they are quotations.
func (a Analysis) Foreign(word string) bool {
	if len(a.Scripts) == 0 {
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
	if a.Any {
		return true
	}
	for _, r := range word {
		if !unicode.IsLetter(r) || unicode.Is(unicode.Latin, r) {
			continue
		}
		if len(a.Scripts) == 0 {
			return false // a Latin-script language, and a letter of another script
		}
		ok := false
		for _, t := range a.Scripts {
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

// Analyses returns every analysis of the default registry.
func Analyses() []Analysis { return defaults.Analyses() }

// AnalysisFor returns the analysis of the default registry for a BCP 47
// language tag: the language's own analyzer where Bleve or pressearch has
// one, the generic Indic chain for the Indic scripts Bleve lacks, and the
// standard analyzer for the rest.
func AnalysisFor(lang string) Analysis { return defaults.For(lang) }

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
