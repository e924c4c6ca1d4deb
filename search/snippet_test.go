package search

import (
	"context"
	"html"
	"strings"
	"testing"
	"unicode"
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

// In Chinese and Japanese, which have no spaces, a fragment begins and ends
// at a clause or word boundary: never inside a run of kanji or katakana,
// and never before the kana ending of a word (the page once showed
// "… る中で").
func TestSnippetsCutBetweenCJKWords(t *testing.T) {
	docs, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	var ja string
	for _, d := range docs {
		if d.Lang == "ja" {
			ja = d.Body
		}
	}
	zh := strings.Repeat("欧盟和日本周五宣布建立安全与防务伙伴关系，以加强在中国、朝鲜和俄罗斯紧张局势加剧之际的军事联系。"+
		"欧盟外交政策负责人博雷尔在东京对记者表示，我们生活在一个非常危险的世界。", 4)
	for _, tt := range []struct{ lang, text, match string }{
		{"ja", ja, "パートナーシップ"}, {"ja", ja, "中国"}, {"ja", ja, "東京"}, {"ja", ja, "防衛"}, {"ja", ja, "協議"},
		{"zh", zh, "东京"}, {"zh", zh, "伙伴"}, {"zh", zh, "危险"},
	} {
		for at := 0; ; {
			k := strings.Index(tt.text[at:], tt.match)
			if k < 0 {
				break
			}
			at += k
			for _, frag := range snippets(tt.text, []span{{at, at + len(tt.match)}}, snippetWidth, maxSnippets) {
				plain := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(frag)
				body := strings.TrimSuffix(strings.TrimPrefix(plain, "… "), " …")
				start := strings.Index(tt.text, body)
				if start < 0 {
					t.Fatalf("%s: fragment %q is not in the text", tt.lang, body)
				}
				end := start + len(body)
				if start > 0 {
					prev, _ := utf8.DecodeLastRuneInString(tt.text[:start])
					next, _ := utf8.DecodeRuneInString(tt.text[start:])
					if !(unicode.IsSpace(prev) || cjkStop(prev) && !cjkClose(prev) || cjkOpen(next) || cjkBoundary(prev, next)) {
						t.Errorf("%s: a fragment begins inside a word: …%s|%s", tt.lang, lastRunes(tt.text[:start], 4), firstRunes(body, 6))
					}
				}
				if end < len(tt.text) {
					prev, _ := utf8.DecodeLastRuneInString(tt.text[:end])
					next, _ := utf8.DecodeRuneInString(tt.text[end:])
					if !(unicode.IsSpace(next) || cjkStop(prev) || cjkBoundary(prev, next)) {
						t.Errorf("%s: a fragment ends inside a word: %s|%s…", tt.lang, lastRunes(body, 6), firstRunes(tt.text[end:], 4))
					}
				}
			}
			at += len(tt.match)
		}
	}
	// The page's old example: a start before the kana ending of 高まる.
	text := strings.Repeat("日本は防衛力を強化している。", 6) + "中国、北朝鮮、ロシアとの緊張が高まる中で軍事関係の強化を目指す。"
	at := strings.Index(text, "軍事")
	for _, frag := range snippets(text, []span{{at, at + len("軍事")}}, 60, 1) {
		if strings.HasPrefix(frag, "… る") {
			t.Errorf("fragment %q begins with a kana ending", frag)
		}
	}
}

func firstRunes(s string, n int) string {
	r := []rune(s)
	return string(r[:min(n, len(r))])
}

func lastRunes(s string, n int) string {
	r := []rune(s)
	return string(r[max(0, len(r)-n):])
}

// A snippet escapes its text as html.EscapeString does, with the marks
// and ellipses around it.
func TestFrameEscapesAsHTMLPackage(t *testing.T) {
	esc := html.EscapeString
	for _, tt := range []struct {
		text       string
		start, end int
		spans      []span
		want       string
	}{
		{"", 0, 0, nil, ""},
		{"plain words", 0, 11, nil, "plain words"},
		{`"quoted" & 'single' <b>bold</b>`, 0, -1, nil, esc(`"quoted" & 'single' <b>bold</b>`)},
		{"&amp; already escaped", 0, -1, []span{{0, 5}}, "<mark>" + esc("&amp;") + "</mark>" + esc(" already escaped")},
		{`a <x> & "y" 'z' tail`, 2, 15, []span{{2, 5}, {8, 11}},
			"… <mark>" + esc("<x>") + "</mark>" + esc(" & ") + "<mark>" + esc(`"y"`) + "</mark>" + esc(" 'z'") + " …"},
		{"తెలుగు <వార్త> & \"కోట్\"   ", 0, -1, nil, esc("తెలుగు <వార్త> & \"కోట్\"")},
		{`<<&&>>''""`, 0, 10, []span{{4, 6}}, esc("<<&&") + "<mark>" + esc(">>") + "</mark>" + esc(`''""`)},
	} {
		if tt.end < 0 {
			tt.end = len(tt.text)
		}
		if got := frame(tt.text, tt.start, tt.end, tt.spans); got != tt.want {
			t.Errorf("frame(%q, %d, %d, %v) = %q, want %q", tt.text, tt.start, tt.end, tt.spans, got, tt.want)
		}
	}
}
