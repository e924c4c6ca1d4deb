package search

import (
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"pressearch/indexer"
)

// titleBoost weighs a match in a title above one in a body.
const titleBoost = 1.5

// vocabulary tells whether a field of the index has a term.
type vocabulary func(field, term string) bool

// maxQueryBytes bounds the query text.
const maxQueryBytes = 1024

// parseQuery turns query text into a Bleve query. Plain words and "quoted
// phrases" are matched in the title and body of every language, each with
// that language's analyzer, and a document matching more of them ranks
// higher; +word requires a word, -word excludes it; lang:, source:, kind:
// and title: restrict to a field.
func parseQuery(text string, plain bool, vocab vocabulary) (query.Query, error) {
	if len(text) > maxQueryBytes {
		return nil, invalidf("query is %d bytes long; at most %d are allowed", len(text), maxQueryBytes)
	}
	var clauses []clause
	if plain {
		for _, w := range strings.Fields(text) {
			clauses = append(clauses, clause{text: w})
		}
	} else {
		var err error
		if clauses, err = lex(text); err != nil {
			return nil, err
		}
	}
	b := bleve.NewBooleanQuery()
	hasShould, hasMust := false, false
	for _, c := range clauses {
		q, err := c.query(vocab)
		if err != nil {
			return nil, err
		}
		switch c.op {
		case '+':
			b.AddMust(q)
			hasMust = true
		case '-':
			b.AddMustNot(q)
		default:
			if c.field != "" && c.field != "title" {
				b.AddMust(q) // a filter narrows, it does not rank
				hasMust = true
			} else {
				b.AddShould(q)
				hasShould = true
			}
		}
	}
	if hasShould {
		b.SetMinShould(1) // words still have to match where a filter is given
	} else if !hasMust {
		b.AddMust(bleve.NewMatchAllQuery())
	}
	return b, nil
}

type clause struct {
	op     byte // '+', '-' or 0
	field  string
	text   string
	phrase bool
	pos    int
}

var filterFields = map[string]string{
	"lang":   indexer.FieldLang,
	"source": indexer.FieldSource,
	"kind":   indexer.FieldKind,
	"title":  "title",
}

// lex splits query text into clauses.
func lex(text string) ([]clause, error) {
	var out []clause
	rs := []rune(text)
	for i := 0; i < len(rs); {
		if unicode.IsSpace(rs[i]) {
			i++
			continue
		}
		c := clause{pos: i}
		if rs[i] == '+' || rs[i] == '-' {
			c.op = byte(rs[i])
			i++
		}
		// field:
		j := i
		for j < len(rs) && (unicode.IsLetter(rs[j]) && rs[j] < 0x80) {
			j++
		}
		if j < len(rs) && rs[j] == ':' && j > i {
			name := strings.ToLower(string(rs[i:j]))
			if _, ok := filterFields[name]; !ok {
				return nil, invalidf("unknown field %q at position %d: use lang, source, kind or title", name, i+1)
			}
			c.field = name
			i = j + 1
		}
		if i < len(rs) && rs[i] == '"' {
			end := i + 1
			for end < len(rs) && rs[end] != '"' {
				end++
			}
			if end == len(rs) {
				return nil, invalidf("unterminated phrase: the quote at position %d has no closing quote", i+1)
			}
			c.text, c.phrase = string(rs[i+1:end]), true
			i = end + 1
		} else {
			end := i
			for end < len(rs) && !unicode.IsSpace(rs[end]) {
				end++
			}
			c.text = string(rs[i:end])
			i = end
		}
		if strings.TrimSpace(c.text) == "" {
			if c.field != "" {
				return nil, invalidf("field %s: at position %d has no value", c.field, c.pos+1)
			}
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

func (c clause) query(vocab vocabulary) (query.Query, error) {
	switch c.field {
	case "":
		return textQuery(c.text, c.phrase, true, vocab), nil
	case "title":
		return textQuery(c.text, c.phrase, false, vocab), nil
	}
	t := bleve.NewTermQuery(c.text)
	t.SetField(filterFields[c.field])
	return t, nil
}

// textQuery matches text in every language's title and, when body is set,
// body. Each field's query is analyzed with the analyzer the index mapping
// gives that field, so queries and documents always meet in one form.
func textQuery(text string, phrase, body bool, vocab vocabulary) query.Query {
	var qs []query.Query
	for _, a := range indexer.Analyses() {
		fields := []string{indexer.TitleField(a.Key)}
		if body {
			fields = append(fields, indexer.BodyField(a.Key))
		}
		for _, f := range fields {
			var q query.Query
			if phrase {
				m := bleve.NewMatchPhraseQuery(text)
				m.SetField(f)
				if f == indexer.TitleField(a.Key) {
					m.SetBoost(titleBoost)
				}
				q = m
			} else {
				m := bleve.NewMatchQuery(text)
				m.SetField(f)
				if f == indexer.TitleField(a.Key) {
					m.SetBoost(titleBoost)
				}
				q = m
			}
			qs = append(qs, q)
		}
		// A word the index has never seen in its stemmed form falls back
		// to its root: కేంద్రీకృత finds కేంద్రీకరించింది.
		if body && !phrase && a.Prefix != "" && vocab != nil && unknown(vocab, indexer.BodyField(a.Key), a.Analyzer, text) {
			m := bleve.NewMatchQuery(text)
			m.SetField(indexer.PrefixField(a.Key))
			// Bleve finds a field's analyzer by property path, and the
			// prefix field shares its property with the body: name it.
			m.Analyzer = a.Prefix
			qs = append(qs, m)
		}
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// unknown reports whether none of the terms text analyzes to is in field:
// a word the index has never seen in that form, for which matching its root
// is the better guess than matching nothing.
func unknown(vocab vocabulary, field, analyzer, text string) bool {
	terms, err := indexer.Terms(analyzer, text)
	if err != nil {
		return false
	}
	for _, t := range terms {
		if vocab(field, t) {
			return false
		}
	}
	return len(terms) > 0
}
