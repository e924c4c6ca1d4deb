package scoring

import (
	"context"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
)

// analysisMemo keeps the tokens of each text one search analyzes, by
// analyzer: a word is matched in the title, body and lead of its language,
// all with one analyzer, and its pairs in the title and body again.
type analysisMemo struct {
	mu     sync.Mutex
	tokens map[memoKey]analysis.TokenStream
	// rarity keeps the idf of each text over each set of fields (see
	// Match.RarityFrom), which every field the text is matched in asks
	// for again.
	rarity map[memoKey]float64
	// counts keeps how many documents each term read in a field has
	// (memoKey{field, term}): a pair of the rescoring whose term a word's
	// own clause found in no document of its field is none, and needs no
	// term reader to say so.
	counts map[memoKey]uint64
}

type memoKey struct{ analyzer, text string }

type memoCtxKey struct{}

// WithAnalysisMemo returns ctx carrying a new memo for one search.
func WithAnalysisMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, memoCtxKey{}, &analysisMemo{tokens: map[memoKey]analysis.TokenStream{},
		rarity: map[memoKey]float64{}, counts: map[memoKey]uint64{}})
}

// noteCount records that term is in n documents of field, in the
// context's memo where the search has one.
func noteCount(ctx context.Context, field, term string, n uint64) {
	memo, _ := ctx.Value(memoCtxKey{}).(*analysisMemo)
	if memo == nil {
		return
	}
	memo.mu.Lock()
	memo.counts[memoKey{field, term}] = n
	memo.mu.Unlock()
}

// knownAbsent reports whether the search has found term in no document of
// field already.
func knownAbsent(ctx context.Context, field, term string) bool {
	memo, _ := ctx.Value(memoCtxKey{}).(*analysisMemo)
	if memo == nil {
		return false
	}
	memo.mu.Lock()
	n, ok := memo.counts[memoKey{field, term}]
	memo.mu.Unlock()
	return ok && n == 0
}

// analyze returns what analyzer a (registered as name) makes of text, from
// the context's memo when the search has one. The tokens are shared: read
// them, do not change them.
func analyze(ctx context.Context, name string, a analysis.Analyzer, text string) analysis.TokenStream {
	memo, _ := ctx.Value(memoCtxKey{}).(*analysisMemo)
	if memo == nil {
		return a.Analyze([]byte(text))
	}
	k := memoKey{name, text}
	memo.mu.Lock()
	toks, ok := memo.tokens[k]
	memo.mu.Unlock()
	if !ok {
		toks = a.Analyze([]byte(text))
		memo.mu.Lock()
		memo.tokens[k] = toks
		memo.mu.Unlock()
	}
	return toks
}
