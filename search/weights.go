package search

// Every weight, prior and constant of the ranking, each with the reason it
// has its value. The README's ranking section measures what each is worth.
const (
	// bm25K1 is BM25's term-frequency saturation, the usual value: a word
	// said twice counts more than once, ten times not ten times more.
	bm25K1 = 1.0
	// bm25B is BM25's length normalization, the usual value: a word in a
	// short text says more about it than the same word in a long one.
	bm25B = 0.75

	// titleBoost weighs a match in a title above one in a body: a headline
	// says what the text is about, and a title that names a word says as
	// much as a body can (k1+1 is the most BM25 gives a word in one field,
	// the score of a word said without end). Measured on te-tydi-dev with
	// article titles (MRR@100): 1.5 0.9661, 2.0 0.9717, 2.5 0.9732; neutral
	// titles, te-qa-dev and lk-pmd move by at most 0.0005. Title and body
	// combined by BM25F instead (one saturation; title weights 2 to 20)
	// scored at most 0.9651 with article titles and no better elsewhere
	// (README): a title and a body that both name the entity asked about
	// are two pieces of evidence, which one saturation caps as one.
	titleBoost = bm25K1 + 1

	// leadWeight weighs a match in the lead of a body (its first
	// indexer.LeadWords words), on top of the match in the body itself:
	// news and press releases say first what they are about.
	leadWeight = 0.3

	// foreignWeight weighs a match of a word in a language of another
	// script (a Latin word quoted in a Tamil release) below a match in its
	// own script's languages: an English query ranks English documents first.
	foreignWeight = 0.3

	// crossBoost weighs a match across scripts (a name's sound key) below
	// one in the query's own script: a Telugu query finds the Telugu
	// article first and its English translation after.
	crossBoost = 0.2

	// prefixFallbackWeight weighs the match of a word the index has never
	// seen on its root (the first letters of its stem), as much as the
	// word itself would: it stands in for a match that is missing.
	prefixFallbackWeight = 1.0

	// partsWeight weighs the match of each word of a compound the query
	// writes as one (జన్మస్థలం: జన్మ, స్థలం), against the match of the
	// compound itself: the two words share its meaning between them.
	partsWeight = 0.5

	// pairBoost weighs a document in which two neighbouring query words
	// stand side by side (stop words between them allowed) above one that
	// has them apart: a reader's query is mostly made of phrases, and the
	// text about it uses the same ones.
	pairBoost = 0.3

	// rescoreWindow is how many of the best hits the neighbouring words
	// rescore: reading positions for every document with two common words
	// would cost more than the rest of the search, and below the window
	// the order is the words' alone.
	rescoreWindow = 100

	// exactBoost scales the score of a document with a query word in the
	// very form typed, above one that has only other forms of it. It
	// decides ties; on te-qa-dev it costs 0.0006 of MRR@100 (README), so
	// it is kept small.
	exactBoost = 1.05

	// statementPrior scales the score of statements. A statement is a part
	// of the story an article tells; when both match, the article leads and
	// the statement is a click away from it.
	statementPrior = 0.5
)
