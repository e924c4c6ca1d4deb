package web

// noticeTexts are the search package's messages about how the search box
// read a query (search.Change.Format), in Telugu and Japanese, and the
// notice's own words in all three interface languages.
var noticeTexts = map[string][2]string{
	"the * at position %d was left out: a word may only end with one": {
		"%d వ స్థానంలోని * ను వదిలేశాం: పదం చివర మాత్రమే ఒక * ఉండవచ్చు",
		"%d 文字目の * は除きました。* は語の末尾に一つだけ置けます"},
	"%q at position %d is not a field: read as a word": {
		"%[2]d వ స్థానంలోని %[1]q ఫీల్డ్ కాదు: దాన్ని పదంగా చదివాం",
		"%[2]d 文字目の %[1]q はフィールドではないため、語として読みました"},
	"%q at position %d has no value: read as a word": {
		"%[2]d వ స్థానంలోని %[1]q కు విలువ లేదు: దాన్ని పదంగా చదివాం",
		"%[2]d 文字目の %[1]q には値がないため、語として読みました"},
	"the quote at position %d was closed at the end": {
		"%d వ స్థానంలోని కొటేషన్‌ను చివరలో మూసివేశాం",
		"%d 文字目の引用符を末尾で閉じました"},
	"%s at position %d was left out": {
		"%[2]d వ స్థానంలోని %[1]s ను వదిలేశాం",
		"%[2]d 文字目の %[1]s は除きました"},
	"the empty parentheses at position %d were left out": {
		"%d వ స్థానంలోని ఖాళీ కుండలీకరణాలను వదిలేశాం",
		"%d 文字目の空の括弧は除きました"},
	"the parenthesis at position %d was closed at the end": {
		"%d వ స్థానంలోని కుండలీకరణాన్ని చివరలో మూసివేశాం",
		"%d 文字目の括弧を末尾で閉じました"},
	"only the first %d words were read": {
		"మొదటి %d పదాలను మాత్రమే చదివాం",
		"最初の %d 語だけを読みました"},
	"%q at position %d is not a date: left out": {
		"%[2]d వ స్థానంలోని %[1]q తేదీ కాదు: దాన్ని వదిలేశాం",
		"%[2]d 文字目の %[1]q は日付ではないため除きました"},
	"the * of %q at position %d was left out: a prefix needs two letters or more": {
		"%[2]d వ స్థానంలోని %[1]q లోని * ను వదిలేశాం: ఉపసర్గకు కనీసం రెండు అక్షరాలు కావాలి",
		"%[2]d 文字目の %[1]q の * は除きました。前方一致には2文字以上が必要です"},
	"%q at position %d was left out: ~ needs a word before it": {
		"%[2]d వ స్థానంలోని %[1]q ను వదిలేశాం: ~ ముందు ఒక పదం ఉండాలి",
		"%[2]d 文字目の %[1]q は除きました。~ の前には語が必要です"},
	"the fuzziness of %q at position %d was read as ~": {
		"%[2]d వ స్థానంలోని %[1]q లోని సమీపతను ~ గా చదివాం",
		"%[2]d 文字目の %[1]q のあいまい度は ~ として読みました"},
	"the query was read as plain words": {
		"ప్రశ్నను సాధారణ పదాలుగా చదివాం",
		"クエリを普通の語として読みました"},
	"the query was cut to its first %d bytes": {
		"ప్రశ్నను మొదటి %d బైట్లకు కుదించాం",
		"クエリを最初の %d バイトに切り詰めました"},
}

// readingTexts are the words of the notice itself: English, Telugu,
// Japanese.
var readingTexts = map[string][3]string{
	"Searched for:":  {"Searched for:", "దీని కోసం వెతికాం:", "検索した内容:"},
	"every document": {"every document", "అన్ని పత్రాలు", "すべての文書"},
}
