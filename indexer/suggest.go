package indexer

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"

	"pressearch/corpus"
	telugu "pressearch/indexer/lang/te"
)

// legacySuggestKey is where generations built before suggestions moved to
// their own file kept them.
var legacySuggestKey = []byte("pressearch:suggest")

// suggestFile is the file of a generation that holds what completion draws
// on (a suggestState), beside the index.
const suggestFile = "suggest.json"

// Suggestions are what completion offers at one moment: the titles of the
// newest documents, newest first, and the most frequent words of the
// collection with the number of documents each is in. Words are in their
// matching form (Telugu normalization, lower case), so a prefix typed with
// or without ZWNJ finds them; Forms gives, for a word whose documents
// write it otherwise, the way most of them write it (EU for eu), which is
// what completion offers. A document under embargo adds nothing.
type Suggestions struct {
	Titles []string          `json:"titles"`
	Words  map[string]int    `json:"words"`
	Forms  map[string]string `json:"forms,omitempty"`

	// id tells these apart (zero: not worked out by a suggestState);
	// where they were worked out from earlier ones (from, their id),
	// changed holds, sorted, every word whose count or form may differ
	// from theirs (see ChangedSince).
	id, from uint64
	changed  []string
}

// Equal reports whether s and o offer the same completions: the same
// titles in the same order, and the same words with the same counts and
// forms (how each was worked out is not compared).
func (s *Suggestions) Equal(o *Suggestions) bool {
	if s == nil || o == nil {
		return s == o
	}
	return slices.Equal(s.Titles, o.Titles) && maps.Equal(s.Words, o.Words) && maps.Equal(s.Forms, o.Forms)
}

// suggestionIDs numbers the Suggestions a suggestState works out.
var suggestionIDs atomic.Uint64

// ChangedSince returns, where s was worked out from o, the words whose
// counts or forms in s may differ from those in o, sorted (among them
// those in one and not the other); every other word of either has the
// same count and form in both. ok is false where s was not worked out
// from o: then which words changed is not known. The words are s's own,
// not to be changed.
func (s *Suggestions) ChangedSince(o *Suggestions) (words []string, ok bool) {
	if s == nil || o == nil || o.id == 0 || s.from != o.id {
		return nil, false
	}
	return s.changed, true
}

// Suggestion bounds.
const maxWordRunes = 30

// maxSuggestWords is how many words completion offers (a variable for the
// tests).
var maxSuggestWords = 20000

// Titles: completion offers the first maxSuggestTitles; the state keeps
// titleMargin more, so that listed documents can leave (deleted, or
// replaced with a later date) many times before the list is shorter than
// what is offered and has to be read again from the index. Variables for
// the tests.
var (
	maxSuggestTitles = 20000
	titleMargin      = 2000
)

// keptTitles is how many titles the state keeps.
func keptTitles() int { return maxSuggestTitles + titleMargin }

// vote finds the form most often written, in one pass and one string of
// memory a word (Boyer and Moore's majority vote): where one form is in
// more than half the votes, it wins.
type vote struct {
	form string
	lead int
}

func (v *vote) add(form string) {
	switch {
	case form == v.form:
		v.lead++
	case v.lead == 0:
		v.form, v.lead = form, 1
	default:
		v.lead--
	}
}

// suggestWord is a word of a document that completion may offer: its
// matching form and the form the document writes it in.
type suggestWord struct {
	Key  string `json:"k"`
	Form string `json:"f,omitempty"` // "" where it is Key
}

var stops = func() map[string]bool {
	m := map[string]bool{}
	for _, list := range [][]byte{telugu.StopWords, en.EnglishStopWords} {
		for _, l := range strings.Split(string(list), "\n") {
			if w, _, _ := strings.Cut(l, "|"); strings.TrimSpace(w) != "" && !strings.HasPrefix(w, "#") {
				m[strings.TrimSpace(w)] = true
			}
		}
	}
	return m
}()

// suggestWords returns the distinct words of one document in analysis a
// (split by its SuggestWords) that completion may offer, each in its matching form and in the form the document writes
// it in most. Runs of Chinese or Japanese script, which carry no spaces,
// are cut where the script changes: a run of kanji or of katakana is a word,
// kana inflections and particles between them are not, so completion
// offers 防衛分野, never a clause such as 防衛分野におけるEU.
// keys, where not nil, remembers the words' matching forms.
func suggestWords(a Analysis, keys *suggestKeyCache, title, body string) []suggestWord {
	if a.SuggestWords == nil {
		return nil
	}
	var words []suggestWord
	var votes []vote
	at := map[string]int{} // a word's index in words and votes
	// The words SuggestWords gives may be parts of the text (so are the
	// keys of words normalization leaves as they are): what the document
	// keeps of them is copied, so that it does not hold the whole text.
	for _, text := range []string{title, body} {
		for _, surface := range a.SuggestWords(text) {
			key, ok, same := keys.key(surface)
			if !ok {
				continue
			}
			i, seen := at[key]
			if !seen {
				i = len(words)
				at[key] = i
				if same {
					key = strings.Clone(key)
				}
				words = append(words, suggestWord{Key: key})
				votes = append(votes, vote{})
			}
			votes[i].add(surface)
		}
	}
	for i := range words {
		if f := votes[i].form; f != words[i].Key {
			words[i].Form = strings.Clone(f)
		}
	}
	return words
}

// suggestKey is the matching form of a word as a document writes it, and
// whether completion may offer it.
type suggestKey struct {
	key string
	ok  bool
}

// suggestKeyCache remembers the matching forms of the words written
// (suggestWordKey) for the documents one goroutine prepares one after the
// other: most words of a document were written by the documents before it,
// and normalizing a word of a script other than Telugu's reads it rune by
// rune. The words' keys are then also one string each, not one a document.
type suggestKeyCache struct{ m map[string]suggestKey }

// maxSuggestKeys bounds a cache: it starts again once that full (a few MB).
const maxSuggestKeys = 1 << 16

func newSuggestKeyCache() *suggestKeyCache { return &suggestKeyCache{m: map[string]suggestKey{}} }

// The caches of the workers that have finished, up to one a core, for the
// next ones: a bulk request's workers prepare a few hundred documents
// each, and began with an empty cache every request (4% of a bulk
// upsert's CPU went to the words' keys).
var spareSuggestKeys struct {
	sync.Mutex
	caches []*suggestKeyCache
}

// takeSuggestKeys returns a spare cache, or a new one.
func takeSuggestKeys() *suggestKeyCache {
	spareSuggestKeys.Lock()
	defer spareSuggestKeys.Unlock()
	if n := len(spareSuggestKeys.caches); n > 0 {
		c := spareSuggestKeys.caches[n-1]
		spareSuggestKeys.caches = spareSuggestKeys.caches[:n-1]
		return c
	}
	return newSuggestKeyCache()
}

// keepSuggestKeys keeps c for the next worker, if there is room.
func keepSuggestKeys(c *suggestKeyCache) {
	spareSuggestKeys.Lock()
	defer spareSuggestKeys.Unlock()
	if len(spareSuggestKeys.caches) < runtime.GOMAXPROCS(0) {
		spareSuggestKeys.caches = append(spareSuggestKeys.caches, c)
	}
}

// key returns suggestWordKey(surface), from the cache where it is there
// (a nil cache remembers nothing), and whether the key is surface itself:
// a word NormalizeTerm leaves as it is (telugu.Plain) is its own key and
// is not kept.
func (c *suggestKeyCache) key(surface string) (key string, ok, same bool) {
	if telugu.Plain(surface) {
		return surface, offered(surface), true
	}
	if c == nil {
		key, ok = suggestWordKey(surface)
		return key, ok, false
	}
	if k, ok := c.m[surface]; ok {
		return k.key, k.ok, false
	}
	if len(c.m) >= maxSuggestKeys {
		clear(c.m)
	}
	key, ok = suggestWordKey(surface)
	c.m[strings.Clone(surface)] = suggestKey{key, ok}
	return key, ok, false
}

// suggestWordKey returns the matching form of a word as a document writes
// it, and whether completion may offer it: not a stop word, nor a number,
// nor shorter than two letters or longer than maxWordRunes.
func suggestWordKey(surface string) (string, bool) {
	key := string(telugu.NormalizeTerm([]byte(surface)))
	return key, offered(key)
}

// offered reports whether completion may offer a word in its matching
// form.
func offered(key string) bool {
	n := utf8.RuneCountInString(key)
	return n >= 2 && n <= maxWordRunes && !stops[key] && !isNumber(key)
}

// suggestTokens are the words of text completion may offer, as the text
// writes them: split by the Telugu tokenizer, which keeps words of every
// script whole, and runs of Chinese or Japanese script cut by cjkWords.
//
// The words are parts of text, not copies.
func suggestTokens(text string) []string {
	out := make([]string, 0, strings.Count(text, " ")+1)
	telugu.Words([]byte(text), func(start, end int, _ bool) {
		term := text[start:end]
		if !hasCJK(term) {
			out = append(out, term)
			return
		}
		out = append(out, cjkWords(term)...)
	})
	return out
}

// maxCJKWordRunes bounds a run of kanji taken for one word: longer runs are
// several words, or in Chinese a clause.
const maxCJKWordRunes = 8

func hasCJK(s string) bool {
	for _, r := range s {
		// No letter of the three scripts comes before U+2E80.
		if r >= 0x2E80 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
			return true
		}
	}
	return false
}

// cjkWords cuts a token of Chinese or Japanese script into its runs of one
// script: kanji (up to maxCJKWordRunes), katakana (with the long-vowel
// mark) and Latin letters or digits, leaving out hiragana.
func cjkWords(s string) []string {
	class := func(r rune) int {
		switch {
		case unicode.Is(unicode.Han, r):
			return 1
		case unicode.Is(unicode.Katakana, r) || r == 'ー':
			return 2
		case unicode.Is(unicode.Hiragana, r):
			return 0
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return 3
		}
		return 0
	}
	var out []string
	start, cur := 0, 0
	flush := func(end int) {
		if cur != 0 && end > start {
			w := s[start:end]
			if cur != 1 || utf8.RuneCountInString(w) <= maxCJKWordRunes {
				out = append(out, w)
			}
		}
	}
	for i, r := range s {
		if c := class(r); c != cur || c == 0 {
			flush(i)
			start, cur = i, c
		}
	}
	flush(len(s))
	return out
}

func isNumber(w string) bool {
	for _, r := range w {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// titleEntry is a document's title with what orders it: the newest date
// first (no date last), then the id.
type titleEntry struct {
	ID    string `json:"id"`
	Date  string `json:"date,omitempty"`
	Title string `json:"title"`
}

// before reports whether a comes before b among suggested titles.
func (a titleEntry) before(b titleEntry) bool {
	if a.Date != b.Date {
		return a.Date > b.Date
	}
	return a.ID < b.ID
}

// compareTitles orders titles as before does, for slices.SortFunc.
func compareTitles(a, b titleEntry) int {
	switch {
	case a.before(b):
		return -1
	case b.before(a):
		return 1
	}
	return 0
}

// embargoEntry is a document that was under embargo when it was written:
// what it adds to completion once its moment has come.
type embargoEntry struct {
	titleEntry
	Until time.Time     `json:"until"`
	Words []suggestWord `json:"words"`
}

// formCounts counts, for each word, the documents that write it otherwise
// than its matching form, by form: with the word's document count, what
// says how most documents write it.
type formCounts map[string]map[string]int

// add changes the count of word's form by n.
func (f formCounts) add(w suggestWord, n int) {
	if w.Form == "" {
		return
	}
	m := f[w.Key]
	if m == nil {
		m = map[string]int{}
		f[w.Key] = m
	}
	if m[w.Form] += n; m[w.Form] <= 0 {
		delete(m, w.Form)
		if len(m) == 0 {
			delete(f, w.Key)
		}
	}
}

// suggestState is everything completion draws on, kept so that what it
// offers after any sequence of writes is what a fresh build of the
// resulting collection offers:
//
//   - DF counts, for every word, the documents it is in, embargoed or not,
//     and Forms how those that write it otherwise write it;
//   - Titles holds the keptTitles first titles (see titleEntry.before)
//     of the documents that were visible when they were written; Short
//     says a listed document has left a full list, so the next one after
//     it is not known until the list is read again from the index (which
//     only matters once it is shorter than maxSuggestTitles);
//   - Embargo holds the documents written under embargo, until their
//     moment has come and they join Titles.
type suggestState struct {
	Seq     uint64                   `json:"seq"` // the last write it includes
	DF      map[string]int           `json:"df"`
	Forms   formCounts               `json:"forms,omitempty"`
	Titles  []titleEntry             `json:"titles"`
	Short   bool                     `json:"short,omitempty"`
	Embargo map[string]*embargoEntry `json:"embargo,omitempty"`

	// What visible worked out last (nil: nothing to start from) and the
	// words whose counts or forms changed since: the next is worked out
	// from them rather than from every word.
	last  *Suggestions
	dirty map[string]bool
	// shown is what visible returned last, worked out in any way.
	shown *Suggestions
	// titleDates is the date of each listed title by id, for removeTitle
	// to find it where its date and id sort it rather than by reading the
	// list (22,000 titles, for each document a write replaces); it is of
	// the list titlesAt was taken of, else made again.
	titleDates map[string]string
	titlesAt   titlesHeader
}

// titlesHeader tells a list of titles from another: its first element and
// length.
type titlesHeader struct {
	first *titleEntry
	n     int
}

func headerOf(titles []titleEntry) titlesHeader {
	if len(titles) == 0 {
		return titlesHeader{}
	}
	return titlesHeader{&titles[0], len(titles)}
}

// dates returns s.titleDates, made again where the list is not the one it
// was made of (replaced whole: read again from the index, or decoded).
func (s *suggestState) dates() map[string]string {
	if s.titleDates == nil || s.titlesAt != headerOf(s.Titles) {
		s.titleDates = make(map[string]string, len(s.Titles))
		for _, t := range s.Titles {
			s.titleDates[t.ID] = t.Date
		}
		s.titlesAt = headerOf(s.Titles)
	}
	return s.titleDates
}

func newSuggestState() *suggestState {
	return &suggestState{DF: map[string]int{}, Forms: formCounts{}, Embargo: map[string]*embargoEntry{}}
}

// suggestDoc is what one document gives to completion.
type suggestDoc struct {
	title     titleEntry
	words     []suggestWord
	publishAt time.Time // zero: no embargo
}

// newSuggestDoc is what d, in analysis a, gives to completion, its title
// and body as the index stores them.
func newSuggestDoc(a Analysis, d *corpus.Document, title, body string) suggestDoc {
	return suggestDocKeyed(a, nil, d, title, body)
}

// suggestDocKeyed is newSuggestDoc with keys, where not nil, remembering the
// words' matching forms.
func suggestDocKeyed(a Analysis, keys *suggestKeyCache, d *corpus.Document, title, body string) suggestDoc {
	s := suggestDoc{title: titleEntry{ID: d.ID, Date: d.Date, Title: title}, words: suggestWords(a, keys, title, body)}
	if d.PublishAt != "" {
		s.publishAt, _ = time.Parse(time.RFC3339, d.PublishAt)
	}
	return s
}

// suggestDelta is what one write changes in a suggestState: applied in
// order, the words' counts, the documents that leave, then those that come.
type suggestDelta struct {
	DF    wordCounts      `json:"df,omitempty"`
	Forms formDeltas      `json:"forms,omitempty"`
	Out   []string        `json:"out,omitempty"` // ids that leave Titles and Embargo
	In    []*embargoEntry `json:"in,omitempty"`  // documents that come; Until zero for no embargo
}

func (d *suggestDelta) words(words []suggestWord, n int) {
	if d.DF == nil {
		d.DF, d.Forms = wordCounts{}, formDeltas{}
	}
	for _, w := range words {
		d.DF[w.Key] += n
		if w.Form != "" {
			m := d.Forms[w.Key]
			if m == nil {
				m = map[string]int{}
				d.Forms[w.Key] = m
			}
			m[w.Form] += n
		}
	}
}

// net drops the words whose count, and the forms whose count, d leaves as
// they were: a document replaced by itself, or by one with a few words
// changed, changes few of them, and the log need not hold the others.
func (d *suggestDelta) net() {
	for w, n := range d.DF {
		if n == 0 {
			delete(d.DF, w)
		}
	}
	for w, forms := range d.Forms {
		for f, n := range forms {
			if n == 0 {
				delete(forms, f)
			}
		}
		if len(forms) == 0 {
			delete(d.Forms, w)
		}
	}
}

// remove records that the document old leaves the collection.
func (d *suggestDelta) remove(old suggestDoc) {
	d.words(old.words, -1)
	// A document that came earlier in the same write leaves with it: Out
	// is applied before In.
	d.In = slices.DeleteFunc(d.In, func(e *embargoEntry) bool { return e.ID == old.title.ID })
	d.Out = append(d.Out, old.title.ID)
}

// add records that the document s comes into the collection, under
// embargo if it is at now.
func (d *suggestDelta) add(s suggestDoc, now time.Time) {
	d.words(s.words, 1)
	d.come(s, now)
}

// merge adds o's counts of words and forms to d's.
func (d *suggestDelta) merge(o *suggestDelta) {
	if d.DF == nil {
		d.DF, d.Forms = wordCounts{}, formDeltas{}
	}
	for w, n := range o.DF {
		d.DF[w] += n
	}
	for w, forms := range o.Forms {
		m := d.Forms[w]
		if m == nil {
			d.Forms[w] = forms
			continue
		}
		for f, n := range forms {
			m[f] += n
		}
	}
}

// come records that the document s comes into the collection, under
// embargo if it is at now, its words counted already.
func (d *suggestDelta) come(s suggestDoc, now time.Time) {
	e := &embargoEntry{titleEntry: s.title}
	if now.Before(s.publishAt) {
		e.Until, e.Words = s.publishAt, s.words
	}
	d.In = append(d.In, e)
}

// apply changes the state by d, at now: documents whose embargo has ended
// join the titles first, so that the state stays small.
func (s *suggestState) apply(d *suggestDelta, seq uint64, now time.Time) {
	s.release(now)
	if s.last != nil {
		// A word's count may stay and its forms change (a document
		// replaced by one that writes it otherwise). A word whose count
		// and forms' counts the write leaves as they were (a document
		// written again as it was: its words leave and come back) is not
		// changed.
		for w, n := range d.DF {
			if n != 0 {
				s.dirty[w] = true
			}
		}
		for w, forms := range d.Forms {
			for _, n := range forms {
				if n != 0 {
					s.dirty[w] = true
					break
				}
			}
		}
	}
	for w, n := range d.DF {
		if n == 0 {
			continue
		}
		if c := s.DF[w] + n; c > 0 {
			s.DF[w] = c
		} else {
			delete(s.DF, w)
		}
	}
	for key, forms := range d.Forms {
		for form, n := range forms {
			if n != 0 {
				s.Forms.add(suggestWord{Key: key, Form: form}, n)
			}
		}
	}
	for _, id := range d.Out {
		delete(s.Embargo, id)
		s.removeTitle(id)
	}
	var titles []titleEntry
	for _, e := range d.In {
		if e.Until.IsZero() {
			titles = append(titles, e.titleEntry)
		} else {
			s.Embargo[e.ID] = e
		}
	}
	s.insertTitles(titles)
	s.Seq = seq
}

// insertTitles lists each of titles where it belongs, as insertTitle one
// after the other does. Where the list holds every visible document or
// is full, that keeps the first keptTitles of the list and titles
// together: worked out in one merge of the two in order, rather than a
// copy of the list's tail for each title (a bulk request of 1,000
// documents into a list of 22,000).
func (s *suggestState) insertTitles(titles []titleEntry) {
	if len(titles) < 8 || s.Short {
		for _, t := range titles {
			s.insertTitle(t)
		}
		return
	}
	slices.SortFunc(titles, compareTitles)
	merged := make([]titleEntry, 0, min(len(s.Titles)+len(titles), keptTitles()))
	i, j := 0, 0
	for len(merged) < cap(merged) {
		// Of equal ones (as insertTitle places them), the new before the
		// listed one.
		if j < len(titles) && (i == len(s.Titles) || !s.Titles[i].before(titles[j])) {
			merged = append(merged, titles[j])
			j++
		} else {
			merged = append(merged, s.Titles[i])
			i++
		}
	}
	if s.titleDates != nil && s.titlesAt == headerOf(s.Titles) {
		// The dates of the list: of the new list once those listed and
		// those left out are in and out.
		for _, t := range titles[:j] {
			s.titleDates[t.ID] = t.Date
		}
		for _, gone := range s.Titles[i:] {
			delete(s.titleDates, gone.ID)
		}
		s.titlesAt = headerOf(merged)
	}
	s.Titles = merged
}

// release moves the documents whose embargo is over at now into Titles.
func (s *suggestState) release(now time.Time) {
	for id, e := range s.Embargo {
		if !now.Before(e.Until) {
			s.insertTitle(e.titleEntry)
			delete(s.Embargo, id)
		}
	}
}

func (s *suggestState) titleIndex(t titleEntry) int {
	return sort.Search(len(s.Titles), func(i int) bool { return !s.Titles[i].before(t) })
}

func (s *suggestState) removeTitle(id string) {
	dates := s.dates()
	date, ok := dates[id]
	if !ok {
		return
	}
	i := s.titleIndex(titleEntry{ID: id, Date: date})
	if i == len(s.Titles) || s.Titles[i].ID != id {
		// Not where its date puts it: look for it.
		if i = slices.IndexFunc(s.Titles, func(t titleEntry) bool { return t.ID == id }); i < 0 {
			delete(dates, id)
			return
		}
	}
	if len(s.Titles) == keptTitles() {
		s.Short = true
	}
	s.Titles = append(s.Titles[:i], s.Titles[i+1:]...)
	delete(dates, id)
	s.titlesAt = headerOf(s.Titles)
}

// insertTitle lists t where it belongs, if it belongs among the first
// keptTitles: after the last listed one it belongs only while the list
// holds every visible document.
func (s *suggestState) insertTitle(t titleEntry) {
	i := s.titleIndex(t)
	if i == len(s.Titles) && (s.Short || len(s.Titles) >= keptTitles()) {
		return
	}
	if s.titlesAt != headerOf(s.Titles) {
		s.titleDates = nil // of another list: made again when next asked for
	}
	dates := s.titleDates
	s.Titles = append(s.Titles, titleEntry{})
	copy(s.Titles[i+1:], s.Titles[i:])
	s.Titles[i] = t
	if dates != nil {
		dates[t.ID] = t.Date
	}
	if len(s.Titles) > keptTitles() {
		if dates != nil {
			for _, gone := range s.Titles[keptTitles():] {
				delete(dates, gone.ID)
			}
		}
		s.Titles = s.Titles[:keptTitles()]
	}
	s.titlesAt = headerOf(s.Titles)
}

// needsTitles reports whether the titles offered are not all known: the
// list is short of what completion offers, and documents after it were
// left out.
func (s *suggestState) needsTitles() bool {
	return s.Short && len(s.Titles) < maxSuggestTitles
}

// visible returns what completion offers at now: the most frequent words of
// the documents not under embargo, each as most of them write it, and the
// first titles of those documents. Where nothing is under embargo, the
// words are worked out from those visible offered last and the words
// changed since (see visibleFrom), else from every word.
//
// What it returns tells the words changed since what it returned before
// (see Suggestions.ChangedSince): those visibleFrom looked at, else those
// whose counts or forms differ. Where nothing it offers changed since
// (no word's count or forms, the same titles), it is what it returned
// before, itself.
func (s *suggestState) visible(now time.Time) *Suggestions {
	var out *Suggestions
	if len(s.Embargo) > 0 {
		s.last, s.dirty = nil, nil
		out = s.visibleAll(now)
	} else {
		if s.last != nil && len(s.dirty) == 0 && s.sameTitles(s.last) {
			// Nothing offered changed since: the same, not worked out
			// again (nor, after it, the searches' completions).
			return s.last
		}
		if s.last != nil {
			out = s.visibleFrom(s.last)
		}
		if out == nil {
			out = s.visibleAll(now)
		}
		s.last, s.dirty = out, map[string]bool{}
	}
	if prev := s.shown; out.from == 0 && prev != nil {
		out.from, out.changed = prev.id, changedWords(prev, out)
	}
	out.id = suggestionIDs.Add(1)
	s.shown = out
	return out
}

// sameTitles reports whether the titles s offers are last's.
func (s *suggestState) sameTitles(last *Suggestions) bool {
	titles := s.Titles[:min(len(s.Titles), maxSuggestTitles)]
	if len(titles) != len(last.Titles) {
		return false
	}
	for i, t := range titles {
		if t.Title != last.Titles[i] {
			return false
		}
	}
	return true
}

// changedWords returns, sorted, the words whose counts or forms differ
// between a and b (in one and not the other among them).
func changedWords(a, b *Suggestions) []string {
	var out []string
	for w, n := range b.Words {
		if m, ok := a.Words[w]; !ok || m != n || a.Forms[w] != b.Forms[w] {
			out = append(out, w)
		}
	}
	for w := range a.Words {
		if _, ok := b.Words[w]; !ok {
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return out
}

// visibleFrom works out what visible offers from last, what it offered
// when the words of s.dirty had other counts or forms, and nothing was
// under embargo then or now; nil where it cannot (a word offered fell
// below those that were not). Every word not offered in last ranks below
// its last word (by count, then word) and, unless changed, still does:
// the words offered now are the first maxSuggestWords of last's and the
// changed words that rank above that last word.
func (s *suggestState) visibleFrom(last *Suggestions) *Suggestions {
	type wordCount struct {
		w string
		n int
	}
	above := func(a, b wordCount) bool { return a.n > b.n || a.n == b.n && a.w < b.w }
	full := len(last.Words) >= maxSuggestWords // else last offered every word
	var cut wordCount                          // last's last word
	if full {
		first := true
		for w, n := range last.Words {
			if c := (wordCount{w, n}); first || above(cut, c) {
				cut, first = c, false
			}
		}
	}
	words := maps.Clone(last.Words)
	forms := maps.Clone(last.Forms)
	// The words that may differ from last's: the changed ones, and those
	// that leave past maxSuggestWords.
	changed := make([]string, 0, len(s.dirty))
	for w := range s.dirty {
		changed = append(changed, w)
		n := s.DF[w]
		_, in := words[w]
		c := wordCount{w, n}
		switch {
		case n <= 0 && !full:
			delete(words, w)
			delete(forms, w)
			continue
		case n <= 0 && in:
			return nil
		case n <= 0:
			continue
		case full && in && above(cut, c):
			return nil // fell below the last word: one not offered may rank above it
		case full && !in && !above(c, cut):
			continue // still below the last word offered
		}
		words[w] = n
		if f := mostWritten(w, n, s.Forms[w], nil); f != w {
			forms[w] = f
		} else {
			delete(forms, w)
		}
	}
	// The words past maxSuggestWords leave: the last of them, one at a
	// time where they are few (a write's), else all those ranked after.
	drop := func(w string) {
		delete(words, w)
		delete(forms, w)
		if !s.dirty[w] {
			changed = append(changed, w)
		}
	}
	if excess := len(words) - maxSuggestWords; excess > 0 && excess <= 8 {
		for range excess {
			first := true
			var low wordCount
			for w, n := range words {
				if c := (wordCount{w, n}); first || above(low, c) {
					low, first = c, false
				}
			}
			drop(low.w)
		}
	} else if excess > 0 {
		items := make([]wordCount, 0, len(words))
		for w, n := range words {
			items = append(items, wordCount{w, n})
		}
		slices.SortFunc(items, func(a, b wordCount) int {
			if a.n != b.n {
				return b.n - a.n
			}
			return strings.Compare(a.w, b.w)
		})
		for _, c := range items[maxSuggestWords:] {
			drop(c.w)
		}
	}
	slices.Sort(changed)
	out := &Suggestions{Titles: make([]string, 0, min(len(s.Titles), maxSuggestTitles)), Words: words, Forms: forms,
		from: last.id, changed: changed}
	for _, t := range s.Titles[:min(len(s.Titles), maxSuggestTitles)] {
		out.Titles = append(out.Titles, t.Title)
	}
	return out
}

// visibleAll is visible worked out from every word.
func (s *suggestState) visibleAll(now time.Time) *Suggestions {
	hidden := map[string]int{}
	hiddenForms := formCounts{}
	titles := append([]titleEntry(nil), s.Titles...)
	for _, e := range s.Embargo {
		if now.Before(e.Until) {
			for _, w := range e.Words {
				hidden[w.Key]++
				hiddenForms.add(w, 1)
			}
			continue
		}
		if i := sort.Search(len(titles), func(i int) bool { return !titles[i].before(e.titleEntry) }); i < len(titles) || !s.Short {
			titles = append(titles, titleEntry{})
			copy(titles[i+1:], titles[i:])
			titles[i] = e.titleEntry
		}
	}
	out := &Suggestions{Titles: make([]string, 0, min(len(titles), maxSuggestTitles)), Forms: map[string]string{}}
	for _, t := range titles[:min(len(titles), maxSuggestTitles)] {
		out.Titles = append(out.Titles, t.Title)
	}
	type wordCount struct {
		w string
		n int
	}
	words := make([]wordCount, 0, len(s.DF))
	for w, n := range s.DF {
		if n -= hidden[w]; n > 0 {
			words = append(words, wordCount{w, n})
		}
	}
	words = mostFrequent(words, maxSuggestWords, func(wc wordCount) int { return wc.n }, func(a, b wordCount) int { return strings.Compare(a.w, b.w) })
	out.Words = make(map[string]int, len(words))
	for _, wc := range words {
		out.Words[wc.w] = wc.n
		if f := mostWritten(wc.w, wc.n, s.Forms[wc.w], hiddenForms[wc.w]); f != wc.w {
			out.Forms[wc.w] = f
		}
	}
	return out
}

// mostFrequent returns the k items of items with the highest count, of
// those with equal counts the first by cmp, in no particular order; it
// reorders items. It counts the items by count rather than sorting them
// all: a collection has many more words than completion keeps.
func mostFrequent[T any](items []T, k int, count func(T) int, cmp func(a, b T) int) []T {
	if len(items) <= k {
		return items
	}
	// How many items have each count: small counts (most of them) in a
	// slice, the others in a map.
	const small = 4096
	var bySmall [small]int
	byLarge := map[int]int{}
	for _, it := range items {
		if c := count(it); c >= 0 && c < small {
			bySmall[c]++
		} else {
			byLarge[c]++
		}
	}
	counts := make([]int, 0, len(byLarge))
	for c := range byLarge {
		counts = append(counts, c)
	}
	slices.Sort(counts)
	for c := small - 1; c >= 0; c-- {
		if bySmall[c] > 0 {
			counts = append(counts, c)
		}
	}
	slices.SortFunc(counts, func(a, b int) int { return b - a })
	of := func(c int) int {
		if c >= 0 && c < small {
			return bySmall[c]
		}
		return byLarge[c]
	}
	// cut is the count of the k-th item: those above it all stay, and
	// of those at it the first by cmp up to k.
	above, cut := 0, 0
	for _, c := range counts {
		if above+of(c) >= k {
			cut = c
			break
		}
		above += of(c)
	}
	out := make([]T, 0, k)
	var ties []T
	for _, it := range items {
		switch c := count(it); {
		case c > cut:
			out = append(out, it)
		case c == cut:
			ties = append(ties, it)
		}
	}
	slices.SortFunc(ties, cmp)
	return append(out, ties[:k-above]...)
}

// mostWritten is how most of the n documents with word key write it: key
// itself, or one of forms (less those of hidden); of forms equally
// frequent, key, else the first in byte order.
func mostWritten(key string, n int, forms, hidden map[string]int) string {
	best, bestN := key, n
	for _, c := range forms {
		bestN -= c
	}
	for _, c := range hidden {
		bestN += c
	}
	for f, c := range forms {
		c -= hidden[f]
		if c > bestN || c == bestN && best != key && f < best {
			best, bestN = f, c
		}
	}
	return best
}

// nextRelease returns the first moment after now at which an embargo ends,
// or the zero time.
func (s *suggestState) nextRelease(now time.Time) time.Time {
	var next time.Time
	for _, e := range s.Embargo {
		if now.Before(e.Until) && (next.IsZero() || e.Until.Before(next)) {
			next = e.Until
		}
	}
	return next
}

// suggestBuilder makes the state of a whole collection at a moment, as a
// build does, one document at a time.
type suggestBuilder struct {
	s      *suggestState
	now    time.Time
	titles []titleEntry
}

func newSuggestBuilder(now time.Time) *suggestBuilder {
	return &suggestBuilder{s: newSuggestState(), now: now}
}

func (b *suggestBuilder) add(doc suggestDoc) {
	for _, w := range doc.words {
		b.s.DF[w.Key]++
		b.s.Forms.add(w, 1)
	}
	if b.now.Before(doc.publishAt) {
		b.s.Embargo[doc.title.ID] = &embargoEntry{titleEntry: doc.title, Until: doc.publishAt, Words: doc.words}
		return
	}
	b.titles = append(b.titles, doc.title)
	if len(b.titles) >= 2*keptTitles() {
		b.trim()
	}
}

// trim keeps the first keptTitles titles; of equal ones (documents
// without id or date, as SuggestionSet counts them) the first added.
func (b *suggestBuilder) trim() {
	sort.SliceStable(b.titles, func(i, j int) bool { return b.titles[i].before(b.titles[j]) })
	b.titles = b.titles[:min(len(b.titles), keptTitles())]
}

func (b *suggestBuilder) state() *suggestState {
	b.trim()
	b.s.Titles = b.titles
	return b.s
}

// writeSuggestState writes s as the suggestion file of the index at dir,
// replacing the one there with a rename, so that a reader sees one or the
// other whole.
func writeSuggestState(dir string, s *suggestState) error {
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, suggestFile+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.Write(raw); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, suggestFile))
}

// readSuggestState reads the suggestion file of the index at dir.
func readSuggestState(dir string) (*suggestState, error) {
	raw, err := os.ReadFile(filepath.Join(dir, suggestFile))
	if err != nil {
		return nil, err
	}
	s := newSuggestState()
	if err := json.Unmarshal(raw, s); err != nil {
		return nil, fmt.Errorf("%s: %w", suggestFile, err)
	}
	s.complete()
	return s, nil
}

// complete gives s the maps its encoding left out. A list written when
// the state kept maxSuggestTitles titles, full, may have had documents
// after it that it left out.
func (s *suggestState) complete() {
	if len(s.Titles) == maxSuggestTitles {
		s.Short = true
	}
	if s.DF == nil {
		s.DF = map[string]int{}
	}
	if s.Forms == nil {
		s.Forms = formCounts{}
	}
	if s.Embargo == nil {
		s.Embargo = map[string]*embargoEntry{}
	}
}

// LoadSuggestions reads what the generation of idx suggests now; an index
// without suggestions suggests nothing.
func LoadSuggestions(idx bleve.Index) (*Suggestions, error) {
	s, err := readSuggestState(idx.Name())
	if err == nil {
		return s.visible(time.Now()), nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return &Suggestions{}, err
	}
	raw, err := idx.GetInternal(legacySuggestKey)
	if err != nil || raw == nil {
		return &Suggestions{}, err
	}
	var old Suggestions
	err = json.Unmarshal(raw, &old)
	return &old, err
}
