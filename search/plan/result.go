package plan

// Result is what an engine answers to a plan.
type Result struct {
	// Total is how many documents match.
	Total uint64
	// Hits are the page's, in order.
	Hits []Hit
	// Facets are the counts of each facet field's values, by field.
	Facets map[string][]FacetValue
}

// Hit is one matching document of the page.
type Hit struct {
	ID    string
	Score float64
	// Fields are the stored values of the plan's Fields, a date as RFC 3339.
	Fields map[string][]string
	// Locations are where the plan's Highlight matches, by field.
	Locations map[string][]Span
	// Explanation is the score broken down, where the plan asks for it.
	Explanation *Explanation
}

// First returns the first stored value of field, or "".
func (h *Hit) First(field string) string { return first(h.Fields, field) }

// Span is a byte range of a stored text.
type Span struct{ Start, End int }

// FacetValue is one value of a facet and how many matching documents have it.
type FacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Explanation is a score and how it is made, as Elasticsearch's explain
// gives it: a value, what it is, and the values it is made of.
type Explanation struct {
	Value       float64        `json:"value"`
	Description string         `json:"description"`
	Details     []*Explanation `json:"details,omitempty"`
}

// Lookup asks for the documents with any of IDs, or with any of Values in
// a keyword field, each with its stored Fields, in id order, at most Limit.
type Lookup struct {
	IDs    []string
	Values []FieldValue
	Fields []string
	Limit  int
	// Hidden, where set, are documents the lookup never finds (those
	// under embargo).
	Hidden Node
}

// FieldValue is a value of a keyword field.
type FieldValue struct{ Field, Value string }

// Document is a document a Lookup found.
type Document struct {
	ID     string
	Fields map[string][]string
}

// First returns the first stored value of field, or "".
func (d *Document) First(field string) string { return first(d.Fields, field) }

func first(fields map[string][]string, field string) string {
	if v := fields[field]; len(v) > 0 {
		return v[0]
	}
	return ""
}
