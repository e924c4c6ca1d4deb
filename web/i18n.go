package web

import (
	"net/url"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// The languages the pages are written in, English first as the fallback.
var uiLangs = []language.Tag{language.English, language.Telugu, language.Japanese}

var uiMatcher = language.NewMatcher(uiLangs)

// uiNames are the names of the interface languages, each in itself.
var uiNames = []string{"English", "తెలుగు", "日本語"}

// texts holds each page text in English, Telugu and Japanese, keyed by the
// English.
var texts = map[string][3]string{
	"Search press releases and news": {"Search press releases and news", "పత్రికా ప్రకటనలు, వార్తలు వెతకండి", "プレスリリースとニュースを検索"},
	"Search":                         {"Search", "వెతకండి", "検索"},
	"Skip to results":                {"Skip to results", "ఫలితాలకు వెళ్ళండి", "結果へ移動"},
	"intro": {"Articles and official statements in Telugu, English, Japanese and more. Inflected Telugu forms find their base word.",
		"తెలుగు, ఇంగ్లీష్, జపనీస్ మరియు ఇతర భాషలలో వ్యాసాలు, అధికారిక ప్రకటనలు. తెలుగు పద రూపాలు వాటి మూల పదాన్ని కనుగొంటాయి.",
		"テルグ語、英語、日本語などの記事と公式声明。テルグ語の活用形から基本語も見つかります。"},
	"Try:":                           {"Try:", "ప్రయత్నించండి:", "例:"},
	"No results for “%s”":            {"No results for “%s”", "“%s” కోసం ఫలితాలు లేవు", "「%s」に一致する結果はありません"},
	"No results":                     {"No results", "ఫలితాలు లేవు", "結果はありません"},
	"Nothing matched.":               {"Nothing matched. Try fewer or other words.", "ఏదీ సరిపోలలేదు. తక్కువ లేదా వేరే పదాలతో ప్రయత్నించండి.", "一致するものがありません。語を減らすか、別の語をお試しください。"},
	"Nothing matched, filtered.":     {"Nothing matched. Remove a filter, or try fewer or other words.", "ఏదీ సరిపోలలేదు. ఒక వడపోతను తీసివేయండి, లేదా తక్కువ లేదా వేరే పదాలతో ప్రయత్నించండి.", "一致するものがありません。絞り込みを外すか、語を減らすか、別の語をお試しください。"},
	"Previous":                       {"← Previous", "← మునుపటి", "← 前へ"},
	"Next":                           {"Next →", "తరువాత →", "次へ →"},
	"Page %d of %d":                  {"Page %d of %d", "%[2]d పేజీలలో %[1]d వ పేజీ", "%d / %d ページ"},
	"Pages":                          {"Pages", "పేజీలు", "ページ"},
	"Filters":                        {"Filters", "వడపోతలు", "絞り込み"},
	"lang":                           {"Language", "భాష", "言語"},
	"kind":                           {"Kind", "రకం", "種類"},
	"source":                         {"Source", "మూలం", "発信元"},
	"year":                           {"Year", "సంవత్సరం", "年"},
	"article":                        {"article", "వ్యాసం", "記事"},
	"statement":                      {"statement", "ప్రకటన", "声明"},
	"press-release":                  {"press release", "పత్రికా ప్రకటన", "プレスリリース"},
	"Part of:":                       {"Part of:", "దీనిలో భాగం:", "元記事:"},
	"Also in:":                       {"Also in:", "ఇతర భాషలలో:", "他の言語:"},
	"Related statements (%d)":        {"Related statements (%d)", "సంబంధిత ప్రకటనలు (%d)", "関連する声明（%d）"},
	"Also in":                        {"Also in", "ఇతర భాషలలో", "他の言語"},
	"original":                       {"original", "అసలు", "原文"},
	"Not found":                      {"Not found", "దొరకలేదు", "見つかりません"},
	"That search could not be run":   {"That search could not be run", "ఈ శోధనను అమలు చేయలేకపోయాము", "この検索は実行できませんでした"},
	"Something went wrong":           {"Something went wrong", "ఏదో పొరపాటు జరిగింది", "問題が発生しました"},
	"Back to search":                 {"Back to search", "శోధనకు తిరిగి వెళ్ళండి", "検索に戻る"},
	"Interface language":             {"Interface language", "ఇంటర్‌ఫేస్ భాష", "表示言語"},
	"Sort:":                          {"Sort:", "క్రమం:", "並び順:"},
	"Relevance":                      {"Relevance", "సంబంధం", "関連度順"},
	"Newest":                         {"Newest first", "కొత్తవి ముందు", "新しい順"},
	"date":                           {"Date", "తేదీ", "日付"},
	"From":                           {"From", "నుండి", "開始日"},
	"To":                             {"To", "వరకు", "終了日"},
	"Apply":                          {"Apply", "వర్తింపజేయండి", "適用"},
	"Active filters":                 {"Active filters", "ఎంచుకున్న వడపోతలు", "適用中の絞り込み"},
	"Remove filter: %s":              {"Remove filter: %s", "వడపోత తీసివేయండి: %s", "絞り込みを解除: %s"},
	"remove":                         {"remove", "తీసివేయండి", "解除"},
	"Clear all":                      {"Clear all filters", "అన్ని వడపోతలు తీసివేయండి", "すべて解除"},
	"%s: %s":                         {"%s: %s", "%s: %s", "%s：%s"},
	"from %s":                        {"from %s", "%s నుండి", "%s 以降"},
	"to %s":                          {"to %s", "%s వరకు", "%s 以前"},
	"Page %d is past the end":        {"Page %d is past the end", "%d వ పేజీ ఫలితాల చివరను దాటింది", "%d ページ目はありません"},
	"Go to the last page (%d)":       {"Go to the last page (%d)", "చివరి పేజీకి (%d) వెళ్ళండి", "最後のページ（%d）へ"},
	"How to search":                  {"How to search", "ఎలా వెతకాలి", "検索の方法"},
	"On this page":                   {"On this page", "ఈ పేజీలో", "このページの内容"},
	"Help":                           {"Help", "సహాయం", "ヘルプ"},
	"Search help":                    {"Search help: how to write a query", "శోధన సహాయం: ప్రశ్న ఎలా రాయాలి", "検索のヘルプ：クエリの書き方"},
	"How to write a query":           {"How to write a query", "ప్రశ్న ఎలా రాయాలి", "クエリの書き方"},
	"Newest for “%s”":                {"Newest for “%s”", "“%s” కోసం తాజా ఫలితాలు", "「%s」の新着"},
	"Follow this search (Atom feed)": {"Follow this search (Atom feed)", "ఈ శోధనను అనుసరించండి (Atom ఫీడ్)", "この検索をフォロー（Atom フィード）"},
	"Export:":                        {"Export:", "ఎగుమతి:", "書き出し："},
	"Suggestions":                    {"Suggestions", "సూచనలు", "候補"},
	"one suggestion":                 {"1 suggestion", "1 సూచన", "候補 1 件"},
	"%s suggestions":                 {"%s suggestions", "%s సూచనలు", "候補 %s 件"},
	"Did you mean:":                  {"Did you mean:", "మీరు వెతికింది ఇదేనా:", "もしかして："},
	"footer": {"pressearch: full-text search for press releases and news, Telugu first.",
		"pressearch: పత్రికా ప్రకటనలు, వార్తల కోసం పూర్తి పాఠ్య శోధన, తెలుగుకు ప్రాధాన్యం.",
		"pressearch: プレスリリースとニュースの全文検索（テルグ語優先）"},
}

// plurals holds the texts that change with a number: one and other forms.
var plurals = map[string][3][2]string{
	"%d results for “%s”": {
		{"%[1]d result for “%[2]s”", "%[1]d results for “%[2]s”"},
		{"“%[2]s” కోసం %[1]d ఫలితం", "“%[2]s” కోసం %[1]d ఫలితాలు"},
		{"「%[2]s」の検索結果 %[1]d 件", "「%[2]s」の検索結果 %[1]d 件"},
	},
	"%d results": {
		{"%d result", "%d results"},
		{"%d ఫలితం", "%d ఫలితాలు"},
		{"%d 件", "%d 件"},
	},
	"There are %d pages.": {
		{"There is only %d page.", "There are %d pages."},
		{"%d పేజీ మాత్రమే ఉంది.", "మొత్తం %d పేజీలు ఉన్నాయి."},
		{"全 %d ページです。", "全 %d ページです。"},
	},
	"%d related statements": {
		{"%d related statement", "%d related statements"},
		{"%d సంబంధిత ప్రకటన", "%d సంబంధిత ప్రకటనలు"},
		{"関連する声明 %d 件", "関連する声明 %d 件"},
	},
}

// newCatalog builds the message catalog of the pages.
func newCatalog() (catalog.Catalog, error) {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for key, v := range texts {
		for i, tag := range uiLangs {
			if err := b.SetString(tag, key, v[i]); err != nil {
				return nil, err
			}
		}
	}
	for _, texts := range []map[string][2]string{errorTexts, noticeTexts} {
		for key, v := range texts {
			for i, msg := range []string{key, v[0], v[1]} {
				if err := b.SetString(uiLangs[i], key, msg); err != nil {
					return nil, err
				}
			}
		}
	}
	for key, v := range readingTexts {
		for i, tag := range uiLangs {
			if err := b.SetString(tag, key, v[i]); err != nil {
				return nil, err
			}
		}
	}
	for key, v := range plurals {
		for i, tag := range uiLangs {
			if err := b.Set(tag, key, plural.Selectf(1, "%d", "=1", v[i][0], "other", v[i][1])); err != nil {
				return nil, err
			}
		}
	}
	return b, nil
}

// uiLang chooses the interface language: hl= where it names one, else the
// best match for Accept-Language.
func uiLang(c *gin.Context) (language.Tag, int) {
	if hl := c.Query("hl"); hl != "" {
		if t, err := language.Parse(hl); err == nil {
			if _, i, conf := uiMatcher.Match(t); conf >= language.High {
				return uiLangs[i], i
			}
		}
	}
	tags, _, _ := language.ParseAcceptLanguage(c.GetHeader("Accept-Language"))
	_, i, _ := uiMatcher.Match(tags...)
	return uiLangs[i], i
}

// langLink is a link to the same page in another interface language.
type langLink struct {
	Tag, Name, URL string
	Current        bool
}

func langLinks(c *gin.Context, current int) []langLink {
	out := make([]langLink, len(uiLangs))
	for i, tag := range uiLangs {
		q := c.Request.URL.Query()
		q.Set("hl", tag.String())
		u := url.URL{Path: c.Request.URL.Path, RawQuery: q.Encode()}
		out[i] = langLink{Tag: tag.String(), Name: uiNames[i], URL: u.String(), Current: i == current}
	}
	return out
}

// printer returns the function pages translate with.
func (s *Server) printer(tag language.Tag) func(key string, args ...any) string {
	p := message.NewPrinter(tag, message.Catalog(s.catalog))
	return func(key string, args ...any) string { return p.Sprintf(key, args...) }
}
