package indexer

import (
	"fmt"
	"maps"
	"math/rand"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unsafe"

	"pressearch/corpus"
)

func TestCJKWords(t *testing.T) {
	tests := []struct {
		token string
		want  []string
	}{
		{"防衛分野におけるEU", []string{"防衛分野", "EU"}},
		{"安全保障・防衛パートナーシップを発表した", []string{"安全保障", "防衛", "パートナーシップ", "発表"}},
		{"ジョセップ", []string{"ジョセップ"}},
		// A run too long for one word is left out.
		{"国家安全保障戦略の下で新型防衛装備移転三原則", []string{"国家安全保障戦略", "下"}},
		{"する", nil},
	}
	for _, tt := range tests {
		if got := cjkWords(tt.token); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("cjkWords(%q) = %q, want %q", tt.token, got, tt.want)
		}
	}
}

// A word is offered as most documents write it, whatever the order they
// come in.
func TestSuggestionForms(t *testing.T) {
	c := newSuggestBuilder(time.Now())
	for _, body := range []string{
		"the eu said", "the eu said", "The EU said", "the EU said", "EU statement", "EU statement",
		"Security matters", "security matters", "on security", "Japan", "Japan", "japan",
	} {
		c.add(suggestDoc{words: suggestWords(AnalysisFor(""), nil, "", body)})
	}
	s := c.state().visible(time.Now())
	for key, want := range map[string]string{"eu": "EU", "security": "security", "japan": "Japan", "said": "said"} {
		got := s.Forms[key]
		if got == "" {
			got = key
		}
		if got != want {
			t.Errorf("%s is offered as %q, want %q", key, got, want)
		}
		if s.Words[key] == 0 {
			t.Errorf("%s is not counted", key)
		}
	}
	if _, ok := s.Forms["said"]; ok {
		t.Errorf("a word always written as its key has a form: memory for nothing")
	}
}

// mostFrequent keeps what a full sort by count (then word) keeps first.
func TestMostFrequentAsAFullSort(t *testing.T) {
	type wc struct {
		w string
		n int
	}
	rng := rand.New(rand.NewSource(3))
	for _, c := range []struct{ items, k, counts int }{
		{0, 5, 3}, {4, 5, 3}, {5, 5, 1}, {100, 10, 1}, {100, 10, 4}, {1000, 37, 50}, {3000, 2000, 7},
	} {
		var items []wc
		for i := 0; i < c.items; i++ {
			items = append(items, wc{fmt.Sprintf("w%05d", rng.Intn(1<<20)), 1 + rng.Intn(c.counts)})
		}
		sorted := slices.Clone(items)
		slices.SortFunc(sorted, func(a, b wc) int {
			if a.n != b.n {
				return b.n - a.n
			}
			return strings.Compare(a.w, b.w)
		})
		want := sorted[:min(len(sorted), c.k)]
		got := mostFrequent(slices.Clone(items), c.k, func(x wc) int { return x.n }, func(a, b wc) int { return strings.Compare(a.w, b.w) })
		slices.SortFunc(got, func(a, b wc) int {
			if a.n != b.n {
				return b.n - a.n
			}
			return strings.Compare(a.w, b.w)
		})
		if !slices.Equal(got, want) {
			t.Errorf("%d items, k %d, counts 1-%d: %d kept, not the first of a full sort", c.items, c.k, c.counts, len(got))
		}
	}
}

// plainSuggestWords is suggestWords written plainly, every word normalized
// where it is read, without the cache of keys.
func plainSuggestWords(a Analysis, title, body string) []suggestWord {
	var words []suggestWord
	votes := map[string]*vote{}
	for _, text := range []string{title, body} {
		for _, surface := range a.SuggestWords(text) {
			key, ok := suggestWordKey(surface)
			v, seen := votes[key]
			if !seen {
				if !ok {
					votes[key] = nil
					continue
				}
				v = &vote{}
				votes[key] = v
				words = append(words, suggestWord{Key: key})
			}
			if v != nil {
				v.add(surface)
			}
		}
	}
	for i := range words {
		if f := votes[words[i].Key].form; f != words[i].Key {
			words[i].Form = f
		}
	}
	return words
}

// The words a document gives completion are those read plainly, whatever
// the documents before it left in the cache of keys, and after the cache
// is full and starts again.
func TestSuggestWordsAsPlainly(t *testing.T) {
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	texts := [][2]string{
		{"The EU said", "the eu said The EU EU eu Eu: 2024 ১২ ౧౨ a I x"},
		{"హైదరాబాద్‌లో వర్షం", "హైదరాబాద్లో హైదరాబాద్‌లో వర్షం వర్షం. దుఃఖం దుఖం వాళ్లు వాళ్ళు"},
		{"防衛分野におけるEU", "安全保障・防衛パートナーシップを発表した 防衛 防衛"},
		{"", strings.Repeat("long", 10) + " இலங்கை இலங்கை ශ්‍රී ලංකා ශ්‍රී"},
		{"eu", "EU EU Japan japan JAPAN JAPAN"},
		{"", ""},
	}
	for _, d := range docs {
		texts = append(texts, [2]string{d.Title, d.Body})
	}
	a := AnalysisFor("")
	keys := newSuggestKeyCache()
	// within reports whether s is a part of text.
	within := func(s, text string) bool {
		if len(s) == 0 || len(text) == 0 {
			return false
		}
		p, start := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(text)))
		return p >= start && p < start+uintptr(len(text))
	}
	check := func(title, body string) {
		t.Helper()
		got, want := suggestWords(a, keys, title, body), plainSuggestWords(a, title, body)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("suggestWords(%.40q, %.40q) = %q, want %q", title, body, got, want)
		}
		// What a document keeps is copied: a part of its text would keep
		// the whole text in memory as long as the word is counted.
		for _, w := range got {
			for _, text := range []string{title, body} {
				if within(w.Key, text) || within(w.Form, text) {
					t.Fatalf("suggestWords(%.40q, %.40q): %q (%q) is a part of the text", title, body, w.Key, w.Form)
				}
			}
		}
	}
	// Twice: the second time every word's key is in the cache.
	for range 2 {
		for _, tt := range texts {
			check(tt[0], tt[1])
		}
	}
	// Past the cache's bound, then the same texts again.
	var b strings.Builder
	for i := range maxSuggestKeys + 10 {
		fmt.Fprintf(&b, "Word%d ", i)
	}
	check("", b.String())
	for _, tt := range texts {
		check(tt[0], tt[1])
	}
	if len(keys.m) > maxSuggestKeys {
		t.Errorf("the cache holds %d words, bound %d", len(keys.m), maxSuggestKeys)
	}
}

// TestSpareSuggestKeys: the caches of finished workers are handed to the
// next ones, words and all, and no more of them are kept than there are
// cores.
func TestSpareSuggestKeys(t *testing.T) {
	var taken []*suggestKeyCache
	for range runtime.GOMAXPROCS(0) + 2 {
		taken = append(taken, takeSuggestKeys())
	}
	taken[0].key("Parliament")
	for _, c := range taken {
		keepSuggestKeys(c)
	}
	spareSuggestKeys.Lock()
	kept := len(spareSuggestKeys.caches)
	spareSuggestKeys.Unlock()
	if kept > runtime.GOMAXPROCS(0) {
		t.Errorf("%d caches kept, more than the %d cores", kept, runtime.GOMAXPROCS(0))
	}
	found := false
	for range kept {
		if c := takeSuggestKeys(); len(c.m) > 0 {
			found = true
		}
	}
	if !found {
		t.Error("the cache that had read a word was not handed on")
	}
}

// What completion offers, worked out from what it offered last and the
// words changed since, is what it offers worked out from every word, after
// any changes: words coming in, rising, falling (below the last offered,
// or out), forms changing, with fewer words than it offers or more.
func TestVisibleFromLastEqualsFromEveryWord(t *testing.T) {
	defer func(k int) { maxSuggestWords = k }(maxSuggestWords)
	for _, k := range []int{1, 5, 12} {
		maxSuggestWords = k
		for seed := int64(1); seed <= 20; seed++ {
			rng := rand.New(rand.NewSource(seed))
			s := newSuggestState()
			now := time.Now()
			vocab := 4 + rng.Intn(30)
			word := func() suggestWord {
				w := suggestWord{Key: fmt.Sprintf("w%02d", rng.Intn(vocab))}
				if rng.Intn(4) == 0 {
					w.Form = strings.ToUpper(w.Key[:1]) + w.Key[1:]
				}
				return w
			}
			var docs [][]suggestWord
			used, told := 0, 0
			var prev *Suggestions
			for step := 0; step < 150; step++ {
				d := &suggestDelta{}
				for range 1 + rng.Intn(3) {
					if len(docs) > 0 && rng.Intn(3) == 0 {
						i := rng.Intn(len(docs))
						d.words(docs[i], -1)
						docs = slices.Delete(docs, i, i+1)
						continue
					}
					var doc []suggestWord
					seen := map[string]bool{}
					for range 1 + rng.Intn(4) {
						if w := word(); !seen[w.Key] {
							seen[w.Key] = true
							doc = append(doc, w)
						}
					}
					d.words(doc, 1)
					docs = append(docs, doc)
				}
				s.apply(d, uint64(step+1), now)
				if s.last != nil {
					if got := s.visibleFrom(s.last); got != nil {
						used++
						want := s.visibleAll(now)
						if !reflect.DeepEqual(got.Words, want.Words) || !reflect.DeepEqual(got.Forms, want.Forms) {
							t.Fatalf("k %d seed %d step %d: from the last\n%v %v\nfrom every word\n%v %v", k, seed, step, got.Words, got.Forms, want.Words, want.Forms)
						}
					}
				}
				cur := s.visible(now)
				if changed, ok := cur.ChangedSince(prev); ok {
					told++
					if !slices.IsSorted(changed) {
						t.Fatalf("k %d seed %d step %d: changed words not sorted: %q", k, seed, step, changed)
					}
					for _, w := range unchangedWords(prev, cur, changed) {
						if prev.Words[w] != cur.Words[w] || prev.Forms[w] != cur.Forms[w] {
							t.Fatalf("k %d seed %d step %d: %q not among the changed %q: count %d -> %d, form %q -> %q",
								k, seed, step, w, changed, prev.Words[w], cur.Words[w], prev.Forms[w], cur.Forms[w])
						}
					}
				}
				if _, ok := cur.ChangedSince(cur); ok {
					t.Fatalf("k %d seed %d step %d: worked out from itself", k, seed, step)
				}
				prev = cur
			}
			if used < 20 || told < 20 {
				t.Errorf("k %d seed %d: worked out from the last %d times of 150, the changed words told %d times", k, seed, used, told)
			}
		}
	}
}

// unchangedWords are the words of a or b not among changed.
func unchangedWords(a, b *Suggestions, changed []string) []string {
	var out []string
	for _, m := range []map[string]int{a.Words, b.Words} {
		for w := range m {
			if !slices.Contains(changed, w) {
				out = append(out, w)
			}
		}
	}
	return out
}

func TestSuggestionsEqual(t *testing.T) {
	base := func() *Suggestions {
		return &Suggestions{Titles: []string{"A", "B"}, Words: map[string]int{"a": 2, "b": 1}, Forms: map[string]string{"a": "A"}}
	}
	worked := base()
	worked.id, worked.from, worked.changed = 7, 6, []string{"a"}
	for _, tc := range []struct {
		name string
		a, b *Suggestions
		want bool
	}{
		{"both nil", nil, nil, true},
		{"one nil", base(), nil, false},
		{"the same", base(), base(), true},
		{"worked out differently", base(), worked, true},
		{"titles in another order", base(), &Suggestions{Titles: []string{"B", "A"}, Words: base().Words, Forms: base().Forms}, false},
		{"another count", base(), &Suggestions{Titles: base().Titles, Words: map[string]int{"a": 1, "b": 1}, Forms: base().Forms}, false},
		{"a word less", base(), &Suggestions{Titles: base().Titles, Words: map[string]int{"a": 2}, Forms: base().Forms}, false},
		{"another form", base(), &Suggestions{Titles: base().Titles, Words: base().Words, Forms: map[string]string{"a": "a"}}, false},
	} {
		if got := tc.a.Equal(tc.b); got != tc.want {
			t.Errorf("%s: Equal %v, want %v", tc.name, got, tc.want)
		}
		if got := tc.b.Equal(tc.a); got != tc.want {
			t.Errorf("%s, the other way: Equal %v, want %v", tc.name, got, tc.want)
		}
	}
}

// A write that leaves every word's count and forms and the titles offered
// as they were gives back what was offered before, itself; any change to
// a count, a form or a title offered gives new completions, worked out
// from the last, telling the words changed.
func TestVisibleUnchangedByANetZeroWrite(t *testing.T) {
	now := time.Now()
	doc := func(id, date, title string, words ...string) suggestDoc {
		d := suggestDoc{title: titleEntry{ID: id, Date: date, Title: title}}
		for _, w := range words {
			key, form, _ := strings.Cut(w, "/")
			d.words = append(d.words, suggestWord{Key: key, Form: form})
		}
		return d
	}
	a := doc("a", "2025-01-02", "Alpha", "budget", "rice", "lanka/Lanka")
	b := doc("b", "2025-01-01", "Beta", "budget", "fishery")
	tests := []struct {
		name    string
		out     suggestDoc // replaced by in
		in      suggestDoc
		same    bool
		changed []string
	}{
		{"written again as it was", a, a, true, nil},
		{"the same words in another order", a, doc("a", "2025-01-02", "Alpha", "lanka/Lanka", "rice", "budget"), true, nil},
		{"a word changed", a, doc("a", "2025-01-02", "Alpha", "budget", "paddy", "lanka/Lanka"), false, []string{"paddy", "rice"}},
		{"a form changed", a, doc("a", "2025-01-02", "Alpha", "budget", "rice", "lanka"), false, []string{"lanka"}},
		{"the title changed", a, doc("a", "2025-01-02", "Alpha, corrected", "budget", "rice", "lanka/Lanka"), false, nil},
		{"another document's words", b, doc("b", "2025-01-01", "Beta", "budget", "fishery", "rice"), false, []string{"rice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSuggestState()
			first := &suggestDelta{}
			first.add(a, now)
			first.add(b, now)
			s.apply(first, 1, now)
			s.visible(now)
			before := s.visible(now) // worked out from the last: what follows is too
			d := &suggestDelta{}
			d.remove(tt.out)
			d.add(tt.in, now)
			d.net()
			s.apply(d, 2, now)
			got := s.visible(now)
			if (got == before) != tt.same {
				t.Fatalf("the same completions: %v, want %v", got == before, tt.same)
			}
			want := s.visibleAll(now)
			if !got.Equal(want) {
				t.Fatalf("offered %+v, from every word %+v", got, want)
			}
			if tt.same {
				if len(d.DF) != 0 || len(d.Forms) != 0 {
					t.Fatalf("the write's counts after net: %v %v, want none", d.DF, d.Forms)
				}
				return
			}
			changed, ok := got.ChangedSince(before)
			if !ok || !slices.Equal(changed, tt.changed) {
				t.Fatalf("changed since: %q (%v), want %q", changed, ok, tt.changed)
			}
		})
	}
}

// The titles listed after any inserts and removals, with the list read
// again whole at times (refilled from the index), are those of a plain
// list where each removal reads the list for the id.
func TestTitlesRemovedByDate(t *testing.T) {
	defer func(m, g int) { maxSuggestTitles, titleMargin = m, g }(maxSuggestTitles, titleMargin)
	maxSuggestTitles, titleMargin = 8, 4
	for seed := int64(1); seed <= 30; seed++ {
		rng := rand.New(rand.NewSource(seed))
		s := newSuggestState()
		var want []titleEntry
		wantShort := false
		entry := func() titleEntry {
			return titleEntry{ID: fmt.Sprintf("d%02d", rng.Intn(40)), Date: fmt.Sprintf("2025-01-%02d", 1+rng.Intn(5))}
		}
		for step := 0; step < 300; step++ {
			switch op := rng.Intn(10); {
			case op < 5:
				e := entry()
				if slices.ContainsFunc(want, func(w titleEntry) bool { return w.ID == e.ID }) {
					continue // a document is listed once: written again, it leaves first
				}
				i := sort.Search(len(want), func(i int) bool { return !want[i].before(e) })
				if i < len(want) || !wantShort && len(want) < keptTitles() {
					want = slices.Insert(want, i, e)
					want = want[:min(len(want), keptTitles())]
				}
				s.insertTitle(e)
			case op < 9:
				id := entry().ID
				if i := slices.IndexFunc(want, func(w titleEntry) bool { return w.ID == id }); i >= 0 {
					if len(want) == keptTitles() {
						wantShort = true
					}
					want = slices.Delete(want, i, i+1)
				}
				s.removeTitle(id)
			default:
				// Read again whole, as refillTitles does.
				want = slices.Clone(want)
				s.Titles, s.Short = slices.Clone(want), false
				wantShort = false
			}
			if !slices.Equal(s.Titles, want) || s.Short != wantShort {
				t.Fatalf("seed %d step %d: titles %v (short %v), want %v (%v)", seed, step, s.Titles, s.Short, want, wantShort)
			}
		}
	}
}

// Titles inserted many at once (a bulk request's) are listed as inserted
// one after the other: into an empty list, one short of full, full, with
// dates and ids before, among and after the listed ones, with fewer than
// the list keeps and more, and into a list that is Short.
func TestTitlesInsertedAtOnceAsOneByOne(t *testing.T) {
	defer func(m, g int) { maxSuggestTitles, titleMargin = m, g }(maxSuggestTitles, titleMargin)
	maxSuggestTitles, titleMargin = 20, 5
	rng := rand.New(rand.NewSource(3))
	entry := func(n int) titleEntry {
		date := ""
		if rng.Intn(5) > 0 {
			date = fmt.Sprintf("2025-01-%02d", 1+rng.Intn(9))
		}
		return titleEntry{ID: fmt.Sprintf("d%04d", n), Date: date, Title: fmt.Sprint("title ", n)}
	}
	for _, tc := range []struct {
		name          string
		listed, added int
		short         bool
	}{
		{"empty, a few", 0, 10, false},
		{"empty, more than kept", 0, 60, false},
		{"one short of full", keptTitles() - 1, 12, false},
		{"full", keptTitles(), 30, false},
		{"half, many", keptTitles() / 2, 100, false},
		{"short", keptTitles() - 1, 30, true},
		{"too few to merge", keptTitles(), 3, false},
	} {
		for round := range 20 {
			n := 0
			one := newSuggestState()
			for range tc.listed {
				one.insertTitle(entry(n))
				n++
			}
			one.Short = tc.short
			var titles []titleEntry
			for range tc.added {
				titles = append(titles, entry(n))
				n++
			}
			all := newSuggestState()
			all.Titles, all.Short = slices.Clone(one.Titles), one.Short
			for _, t := range titles {
				one.insertTitle(t)
			}
			all.dates() // kept in step by the inserts
			all.insertTitles(slices.Clone(titles))
			if !reflect.DeepEqual(all.Titles, one.Titles) {
				t.Fatalf("%s, round %d: at once\n%v\none by one\n%v", tc.name, round, all.Titles, one.Titles)
			}
			want := map[string]string{}
			for _, e := range all.Titles {
				want[e.ID] = e.Date
			}
			if all.titlesAt != headerOf(all.Titles) || !maps.Equal(all.titleDates, want) {
				t.Fatalf("%s, round %d: the list's dates %v (of this list: %v), want %v", tc.name, round, all.titleDates,
					all.titlesAt == headerOf(all.Titles), want)
			}
		}
	}
}
