package web

// errorTexts are the search package's messages about a query, keyed by
// the English format they are written from (search.Error.Format), in
// Telugu and Japanese. Arguments keep their order through explicit
// indexes where the sentence order changes.
var errorTexts = map[string][2]string{
	"unknown field %q at position %d: use lang, source, kind, title or date": {
		"%[2]d వ స్థానంలో తెలియని ఫీల్డ్ %[1]q: lang, source, kind, title లేదా date వాడండి",
		"%[2]d 文字目の %[1]q は不明なフィールドです。lang、source、kind、title、date のいずれかを使ってください"},
	"%s: at position %d has no value": {
		"%[2]d వ స్థానంలోని %[1]s: కు విలువ లేదు",
		"%[2]d 文字目の %[1]s: に値がありません"},
	"unterminated phrase: the quote at position %d has no closing quote": {
		"పదబంధం ముగియలేదు: %d వ స్థానంలోని కొటేషన్ గుర్తుకు ముగింపు కొటేషన్ లేదు",
		"フレーズが閉じられていません。%d 文字目の引用符に対応する閉じ引用符がありません"},
	"too many words: at most %d are allowed": {
		"పదాలు చాలా ఎక్కువ: గరిష్ఠంగా %d పదాలకే అనుమతి ఉంది",
		"語が多すぎます。使える語は %d 語までです"},
	"the query ends too early, at position %d": {
		"ప్రశ్న %d వ స్థానంలో అసంపూర్తిగా ముగిసింది",
		"クエリが %d 文字目で途中で終わっています"},
	"unexpected %s at position %d": {
		"%[2]d వ స్థానంలో %[1]s ఇక్కడ ఉండకూడదు",
		"%[2]d 文字目の %[1]s はここには置けません"},
	"%s at position %d needs something before it": {
		"%[2]d వ స్థానంలోని %[1]s ముందు ఏదైనా పదం ఉండాలి",
		"%[2]d 文字目の %[1]s の前に語が必要です"},
	"%s at position %d needs something after it": {
		"%[2]d వ స్థానంలోని %[1]s తర్వాత ఏదైనా పదం ఉండాలి",
		"%[2]d 文字目の %[1]s の後に語が必要です"},
	"OR at position %d needs something after it": {
		"%d వ స్థానంలోని OR తర్వాత ఏదైనా పదం ఉండాలి",
		"%d 文字目の OR の後に語が必要です"},
	"AND at position %d needs something after it": {
		"%d వ స్థానంలోని AND తర్వాత ఏదైనా పదం ఉండాలి",
		"%d 文字目の AND の後に語が必要です"},
	"empty parentheses at position %d": {
		"%d వ స్థానంలో కుండలీకరణాల మధ్య ఏమీ లేదు",
		"%d 文字目の括弧の中が空です"},
	"the parenthesis at position %d is not closed": {
		"%d వ స్థానంలోని కుండలీకరణం మూసివేయబడలేదు",
		"%d 文字目の括弧が閉じられていません"},
	"a prefix needs two letters or more before * (position %d)": {
		"* ముందు కనీసం రెండు అక్షరాలు ఉండాలి (%d వ స్థానం)",
		"前方一致には * の前に2文字以上が必要です（%d 文字目）"},
	"fuzziness at position %d must be ~, ~1 or ~2": {
		"%d వ స్థానంలోని సమీప శోధన ~, ~1 లేదా ~2 అయి ఉండాలి",
		"%d 文字目のあいまい検索は ~、~1、~2 のいずれかにしてください"},
	"~ at position %d needs a word before it": {
		"%d వ స్థానంలోని ~ ముందు ఒక పదం ఉండాలి",
		"%d 文字目の ~ の前に語が必要です"},
	"wildcards are only allowed at the end of a word (position %d)": {
		"* గుర్తు పదం చివరలో మాత్రమే ఉండవచ్చు (%d వ స్థానం)",
		"ワイルドカード * は語の末尾にしか使えません（%d 文字目）"},
	"bad date %q at position %d: want YYYY-MM-DD": {
		"%[2]d వ స్థానంలోని తేదీ %[1]q సరైనది కాదు: YYYY-MM-DD రూపంలో ఇవ్వండి",
		"%[2]d 文字目の日付 %[1]q が正しくありません。YYYY-MM-DD の形式で指定してください"},
	"the date range at position %d ends before it starts": {
		"%d వ స్థానంలోని తేదీల పరిధి మొదలవక ముందే ముగుస్తోంది",
		"%d 文字目の日付の範囲は、終わりが始まりより前です"},
	"query is %d bytes long; at most %d are allowed": {
		"ప్రశ్న %d బైట్ల పొడవు ఉంది; గరిష్ఠంగా %d బైట్లకే అనుమతి ఉంది",
		"クエリが %d バイトあります。%d バイトまでにしてください"},
	"bad date %q: want YYYY-MM-DD": {
		"తేదీ %q సరైనది కాదు: YYYY-MM-DD రూపంలో ఇవ్వండి",
		"日付 %q が正しくありません。YYYY-MM-DD の形式で指定してください"},
	"from_date %s is after to_date %s": {
		"ప్రారంభ తేదీ %s ముగింపు తేదీ %s తర్వాత ఉంది",
		"開始日 %s が終了日 %s より後です"},
	"sort must be relevance or date, not %q": {
		"క్రమం relevance లేదా date అయి ఉండాలి, %q కాదు",
		"並び順は relevance か date にしてください（%q は使えません）"},
}
