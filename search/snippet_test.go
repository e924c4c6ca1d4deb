package search

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"pressearch/corpus"
)

func TestSnippetsEscapeEverythingButMark(t *testing.T) {
	tests := []struct {
		name, text string
		spans      []span
		want       string
	}{
		{"script in text", `<script>alert(1)</script> news`, []span{{26, 30}},
			`&lt;script&gt;alert(1)&lt;/script&gt; <mark>news</mark>`},
		{"quotes and ampersand", `"A & B" 'c'`, []span{{1, 2}},
			`&#34;<mark>A</mark> &amp; B&#34; &#39;c&#39;`},
		{"a closing mark in the text", `x</mark>y`, []span{{0, 1}},
			`<mark>x</mark>&lt;/mark&gt;y`},
		{"match that is markup", `<b>`, []span{{0, 3}}, `<mark>&lt;b&gt;</mark>`},
		{"no spans", `a < b`, nil, `a &lt; b`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := snippets(tt.text, tt.spans, snippetWidth, maxSnippets)
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSnippetsCutBetweenWords(t *testing.T) {
	word := "భాగస్వామ్యాన్ని" // conjuncts and vowel signs throughout
	text := strings.Repeat(word+" ", 40) + "జపాన్ " + strings.Repeat(word+" ", 40) + "జపాన్ " + strings.Repeat(word+" ", 40)
	first := strings.Index(text, "జపాన్")
	second := strings.LastIndex(text, "జపాన్")
	got := snippets(text, []span{{first, first + len("జపాన్")}, {second, second + len("జపాన్")}}, snippetWidth, maxSnippets)
	if len(got) != 2 {
		t.Fatalf("got %d fragments, want one for each distant match: %q", len(got), got)
	}
	for _, frag := range got {
		if !utf8.ValidString(frag) || strings.ContainsRune(frag, utf8.RuneError) {
			t.Errorf("fragment is not clean UTF-8: %q", frag)
		}
		if !strings.Contains(frag, "<mark>జపాన్</mark>") {
			t.Errorf("fragment lacks the match: %q", frag)
		}
		plain := strings.NewReplacer("<mark>", "", "</mark>", "", "… ", "", " …", "").Replace(frag)
		for _, w := range strings.Fields(plain) {
			if w != word && w != "జపాన్" {
				t.Errorf("fragment cut a word: %q", w)
			}
		}
	}
}

func TestSnippetsOfDocumentAndQueryWithMarkup(t *testing.T) {
	e := newTestEngine(t, []corpus.Document{{ID: "xss", Lang: "en", Kind: "article",
		Title: `<script>alert("t")</script>`,
		Body:  `Tom & Jerry said "<script>alert(1)</script>" and </mark> appeared`}})
	for _, q := range []string{"jerry", "script", `"</mark>"`, "<script>", "Tom&"} {
		res, err := e.Search(context.Background(), Request{Query: q})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for _, h := range res.Hits {
			for _, s := range h.Snippets {
				rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(s)
				if strings.ContainsAny(rest, `<>"`) {
					t.Errorf("query %q: snippet %q has live markup", q, s)
				}
			}
		}
	}
}

func FuzzSnippets(f *testing.F) {
	f.Add("EU మరియు జపాన్ <b>&</b>", 3, 9)
	f.Add("ఉక్రెయిన్‌కు మద్దతు", 0, 5)
	f.Fuzz(func(t *testing.T, text string, start, end int) {
		if !utf8.ValidString(text) {
			return
		}
		for _, frag := range snippets(text, []span{{start, end}}, 40, 3) {
			if !utf8.ValidString(frag) {
				t.Fatalf("invalid UTF-8 in %q", frag)
			}
			if strings.Count(frag, "<mark>") != strings.Count(frag, "</mark>") {
				t.Fatalf("unbalanced marks in %q", frag)
			}
			rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(frag)
			if strings.ContainsAny(rest, `<>"'`) {
				t.Fatalf("unescaped markup in %q", frag)
			}
		}
	})
}
