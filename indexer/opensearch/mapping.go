package opensearch

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"pressearch/corpus"
	"pressearch/indexer"
)

// Names in the index settings.
const (
	// tokensAnalyzer is the analyzer of every text field: our tokens,
	// split on whitespace, with the gap placeholders removed.
	tokensAnalyzer = "pressearch_tokens"
	gapFilter      = "pressearch_gap"
	similarity     = "pressearch_bm25"
)

// Gap is the placeholder written where analysis dropped a word (a stop
// word): the stop filter of the index removes it, and Lucene adds the
// removed token's position to the next one, so positions, and with them
// phrases and word pairs, are the ones our analyzers gave. It is a
// private-use character, which no analyzer of ours keeps in a token.
const Gap = "\ue000"

// maxTokenBytes bounds a token; Lucene refuses terms over 32,766 bytes and
// the whitespace tokenizer cuts at its max_token_length. A longer token is
// written as a gap, at index and query time alike.
const maxTokenBytes = 1024

// BM25 parameters of every text field, as the Bleve backend scores.
const (
	BM25K1 = 1.0
	BM25B  = 0.75
)

// positional reports whether a text field's positions matter: phrases and
// word pairs look at titles and bodies. Leads and companions are only ever
// matched term by term, and highlighting is done in Go, so they keep
// frequencies alone.
func positional(field string) bool {
	if strings.HasPrefix(field, "title_") {
		return true
	}
	return strings.HasPrefix(field, "body_") && !strings.HasSuffix(field, "_exact") && !strings.HasSuffix(field, "_prefix")
}

// keywordFields are the fields filters and facets use, kept as they are.
var keywordFields = []string{indexer.FieldLang, indexer.FieldSource, indexer.FieldKind, indexer.FieldYear,
	indexer.FieldRelated, indexer.FieldTranslationOf}

// Stored text fields: what the documents say, shown and cut into snippets
// in Go, never searched by OpenSearch.
const (
	fieldID    = "id"
	fieldTitle = "title"
	fieldBody  = "body"
)

// writeFields are the fields the documents API added to the mapping: a
// generation built before them gets them at its first write.
var writeFields = map[string]any{
	indexer.FieldPublishAt: map[string]any{"type": "date", "format": "strict_date_optional_time"},
	fieldAPI:               map[string]any{"type": "boolean"},
}

// fieldAPI marks documents written through the documents API.
const fieldAPI = "api"

// Meta is what a generation records about itself in its mapping's _meta.
type Meta struct {
	// Analysis identifies the analysis that made the index's tokens; a
	// server refuses an index whose Analysis differs from its own.
	Analysis   string `json:"analysis"`
	Generation string `json:"generation"`
	Previous   string `json:"previous,omitempty"`
	Documents  int    `json:"documents"`
	// Present are the keys of the analyses that have documents, and
	// indexer.NamesField where bodies fed it: a query looks in no other.
	Present  []string `json:"present,omitempty"`
	Finished string   `json:"finished,omitempty"` // RFC 3339
	Seconds  float64  `json:"seconds,omitempty"`
}

// Shape is how an index is split over the cluster.
type Shape struct {
	Shards   int
	Replicas int
}

// indexBody is the body of the request that creates a generation: its
// settings (analysis, similarity) and mapping. It starts with no replica
// and no refresh, which the build sets once the documents are in.
func indexBody(shape Shape, meta Meta) map[string]any {
	text := func(field string) map[string]any {
		m := map[string]any{"type": "text", "analyzer": tokensAnalyzer, "similarity": similarity}
		if !positional(field) {
			m["index_options"] = "freqs"
		}
		return m
	}
	props := map[string]any{
		fieldID:           map[string]any{"type": "keyword"},
		fieldTitle:        map[string]any{"type": "text", "index": false},
		fieldBody:         map[string]any{"type": "text", "index": false},
		indexer.FieldDate: map[string]any{"type": "date", "format": "strict_date"},
		indexer.FieldURL:  map[string]any{"type": "keyword", "index": false, "doc_values": false},
	}
	for f, m := range writeFields {
		props[f] = m
	}
	for _, f := range keywordFields {
		props[f] = map[string]any{"type": "keyword"}
	}
	var excluded []string
	for _, f := range indexer.TextFields() {
		props[f] = text(f)
		excluded = append(excluded, f)
	}
	return map[string]any{
		"settings": map[string]any{
			"index": map[string]any{
				"number_of_shards":   shape.Shards,
				"number_of_replicas": 0,
				"refresh_interval":   "-1",
				"similarity": map[string]any{
					similarity: map[string]any{"type": "BM25", "k1": BM25K1, "b": BM25B},
				},
				"analysis": map[string]any{
					"tokenizer": map[string]any{
						tokensAnalyzer: map[string]any{"type": "whitespace", "max_token_length": maxTokenBytes},
					},
					"filter": map[string]any{
						gapFilter: map[string]any{"type": "stop", "stopwords": []string{Gap}, "ignore_case": false},
					},
					"analyzer": map[string]any{
						tokensAnalyzer: map[string]any{"type": "custom", "tokenizer": tokensAnalyzer, "filter": []string{gapFilter}},
					},
				},
			},
		},
		"mappings": map[string]any{
			"dynamic": "strict",
			"_meta":   map[string]any{"pressearch": meta},
			// The token fields are indexed, not kept: the stored title and
			// body are what pages show.
			"_source":    map[string]any{"excludes": excluded},
			"properties": props,
		},
	}
}

// Term is how one token of ours is written for OpenSearch: as it is, with
// anything Java's whitespace tokenizer would split on (or our gap
// placeholder) replaced, and too long a token made a gap. Queries write
// their terms the same way, so both sides meet.
func Term(t string) string {
	if len(t) > maxTokenBytes {
		return Gap
	}
	if strings.IndexFunc(t, splits) < 0 {
		return t
	}
	return strings.Map(func(r rune) rune {
		if splits(r) {
			return unicode.ReplacementChar
		}
		return r
	}, t)
}

// splits reports whether r would split or hide a token: Go's and Java's
// whitespace, the separators Java adds (U+001C to U+001F), and Gap.
func splits(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f) || r == []rune(Gap)[0]
}

// Text writes a field's tokens as text for the whitespace analyzer: in
// position order, with a Gap for each position analysis left empty. Tokens
// at one position (sound keys of one word) follow each other; only term
// queries look at the fields that have them.
func Text(toks []indexer.Token) string {
	var b strings.Builder
	prev := 0
	for i, t := range toks {
		if i > 0 {
			b.WriteByte(' ')
			for gap := t.Position - prev - 1; gap > 0; gap-- {
				b.WriteString(Gap)
				b.WriteByte(' ')
			}
		}
		b.WriteString(Term(t.Term))
		prev = t.Position
	}
	return b.String()
}

// AnalysisVersion identifies the analysis this program does: a digest of
// the tokens every analysis makes of the default corpus. A change to any
// analyzer that changes what it makes of those texts changes it, and a
// server refuses an index made with another.
var AnalysisVersion = sync.OnceValue(func() string {
	h := sha256.New()
	docs, err := corpus.Default()
	if err != nil {
		panic(fmt.Sprintf("opensearch: the default corpus: %v", err))
	}
	for _, a := range indexer.Analyses() {
		fmt.Fprintf(h, "%s %s %s %s\n", a.Key, a.Analyzer, a.Prefix, a.Exact)
		for _, d := range docs {
			for _, name := range []string{a.Analyzer, a.Prefix, a.Exact} {
				if name == "" {
					continue
				}
				terms, err := indexer.Terms(name, d.Title+"\n"+d.Body)
				if err != nil {
					panic(fmt.Sprintf("opensearch: analyzer %s: %v", name, err))
				}
				fmt.Fprintln(h, strings.Join(terms, " "))
			}
		}
	}
	// The sound keys and the document's own fields, through Tokenize.
	for i := range docs {
		t, err := indexer.Tokenize(&docs[i])
		if err != nil {
			panic(fmt.Sprintf("opensearch: %v", err))
		}
		fmt.Fprintln(h, Text(t.Fields[indexer.NamesField]))
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:16]
})
