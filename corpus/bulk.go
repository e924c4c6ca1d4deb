package corpus

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"unicode/utf8"
)

// An Action is one change to a live collection: a document to add or
// replace, or the id of one to delete. Line is where a bulk request has it
// (1 for a single document).
type Action struct {
	Line   int
	Doc    *Document // the document to add or replace; nil for a delete
	Delete string    // the id to delete
	// Reason says why the action is refused, in the words the loader uses
	// for a corpus file; "" for a good action.
	Reason string
}

// ID is the id of the document the action changes.
func (a *Action) ID() string {
	if a.Doc != nil {
		return a.Doc.ID
	}
	return a.Delete
}

// ParseDocument reads one document in the corpus JSON shape and validates
// it on its own, exactly as the loader validates a document of a .json
// file; references to other documents are checked by CheckActions. Where
// id is not "", the document is written under that id: the body may leave
// its id out, and one it gives must be the same. A bad document comes back
// with its line and the reason.
func ParseDocument(data []byte, id string) (*Document, *Error) {
	if line, ok := checkUTF8(data); !ok {
		return nil, &Error{Line: line, Reason: "invalid UTF-8"}
	}
	var d Document
	if err := decodeJSON(bytes.TrimPrefix(data, bom), &d); err != nil {
		return nil, &Error{Line: jsonErrorLine(data, err), Reason: "invalid JSON: " + err.Error()}
	}
	if id != "" {
		if d.ID != "" && d.ID != id {
			return nil, &Error{Line: 1, Reason: fmt.Sprintf("id %q in the document is not %q, the id it is written under", d.ID, id)}
		}
		d.ID = id
	}
	if reason := validateAlone(&d); reason != "" {
		return nil, &Error{Line: 1, Reason: reason}
	}
	return &d, nil
}

// validateAlone checks one document as the loader does, with the default
// size limit.
func validateAlone(d *Document) string {
	if n := len(d.Title) + len(d.Body); n > DefaultMaxDocBytes {
		return english.Sprintf("document too large (%d bytes; limit %d)", n, DefaultMaxDocBytes)
	}
	return d.validate()
}

// maxLineBytes bounds one line of a bulk request.
const maxLineBytes = 64 << 20

// eachLine calls f with each line of data that is not blank, numbered from
// 1. A line longer than maxLineBytes ends the reading with an error.
func eachLine(data []byte, f func(line int, text []byte)) *Error {
	sc := bufio.NewScanner(bytes.NewReader(bytes.TrimPrefix(data, bom)))
	sc.Buffer(make([]byte, 0, 64*1024), maxLineBytes)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Bytes()
		if len(bytes.TrimSpace(text)) == 0 {
			continue
		}
		f(line, text)
	}
	if err := sc.Err(); err != nil {
		return &Error{Line: line + 1, Reason: err.Error()}
	}
	return nil
}

// decodeLine reads one document in the JSON shape, unvalidated, or says
// why it cannot.
func decodeLine(text []byte) (Document, string) {
	var d Document
	if !utf8.Valid(text) {
		return d, "invalid UTF-8"
	}
	if err := decodeJSON(text, &d); err != nil {
		return d, "invalid JSON: " + err.Error()
	}
	return d, ""
}

// ParseBulk reads a bulk request: NDJSON, each line either a document in
// the corpus JSON shape or {"delete": "ID"}. Every line is validated on its
// own as the loader validates a line of a .jsonl file; a bad line gets its
// reason and the others stand. Blank lines are skipped. References and
// duplicates across lines are checked by CheckActions. The lines of a
// large request are read on every core.
func ParseBulk(data []byte) []Action {
	type line struct {
		n    int
		text []byte
	}
	var lines []line
	err := eachLine(data, func(n int, text []byte) {
		lines = append(lines, line{n, bytes.Clone(text)}) // the scanner's buffer is reused
	})
	out := make([]Action, len(lines))
	parse := func(from, to int) {
		for i := from; i < to; i++ {
			out[i] = parseAction(lines[i].n, lines[i].text)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(lines)/parallelLines)
	if workers < 2 {
		parse(0, len(lines))
	} else {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() { parse(w*len(lines)/workers, (w+1)*len(lines)/workers) })
		}
		wg.Wait()
	}
	if err != nil {
		out = append(out, Action{Line: err.Line, Reason: err.Reason})
	}
	return out
}

// parallelLines is the fewest lines a core reads of a bulk request.
const parallelLines = 64

// parseAction reads the action of one line of a bulk request.
func parseAction(line int, text []byte) Action {
	a := Action{Line: line}
	if id, isDelete, reason := parseDelete(text); isDelete {
		a.Delete, a.Reason = id, reason
		return a
	}
	d, reason := decodeLine(text)
	if reason == "" {
		reason = validateAlone(&d)
	}
	if reason == "" {
		a.Doc = &d
	}
	a.Reason = reason
	return a
}

// parseDelete reads a delete action, {"delete": "ID"} and nothing else. It
// reports whether the line is one (its first key is "delete").
func parseDelete(text []byte) (id string, isDelete bool, reason string) {
	dec := json.NewDecoder(bytes.NewReader(text))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return "", false, ""
	}
	if tok, err := dec.Token(); err != nil || tok != "delete" {
		return "", false, ""
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(text, &fields); err != nil {
		return "", true, "invalid JSON: " + err.Error()
	}
	if len(fields) != 1 {
		return "", true, `invalid delete: want {"delete": "ID"} and no other field`
	}
	if err := json.Unmarshal(fields["delete"], &id); err != nil {
		return "", true, `invalid delete: want {"delete": "ID"} with the id a string`
	}
	if !ValidID(id) {
		return id, true, fmt.Sprintf("invalid id %q: want 1 to 128 of [A-Za-z0-9._-]", id)
	}
	return id, true, ""
}

// CheckActions checks what needs the whole collection, as the loader does
// for a corpus: an id written twice in one request is refused the second
// time, and the related and translation_of ids of every document written
// must name a document that exists once the good actions are applied in
// order. exists says whether the live collection has an id now. Refused
// actions get their Reason; a document whose reference is to a refused one
// is refused in turn.
func CheckActions(actions []Action, exists func(id string) bool) {
	first := map[string]int{}
	for i := range actions {
		a := &actions[i]
		if a.Reason != "" || a.Doc == nil {
			continue
		}
		if line, dup := first[a.Doc.ID]; dup {
			a.Reason = fmt.Sprintf("duplicate id %q (first at line %d)", a.Doc.ID, line)
			continue
		}
		first[a.Doc.ID] = a.Line
	}
	for changed := true; changed; {
		changed = false
		// What exists once the good actions are applied in order.
		after := map[string]bool{}
		for i := range actions {
			a := &actions[i]
			if a.Reason == "" {
				after[a.ID()] = a.Doc != nil
			}
		}
		known := func(id string) bool {
			if v, ok := after[id]; ok {
				return v
			}
			return exists(id)
		}
		for i := range actions {
			a := &actions[i]
			if a.Reason != "" || a.Doc == nil {
				continue
			}
			if reasons := a.Doc.checkReferences(known); len(reasons) > 0 {
				a.Reason = reasons[0]
				changed = true
			}
		}
	}
}

// checkReferences returns why each reference of d that does not resolve
// is bad.
func (d *Document) checkReferences(known func(string) bool) []string {
	var out []string
	for _, r := range d.Related {
		if !known(r) {
			out = append(out, fmt.Sprintf("related id %q is not in the corpus", r))
		}
	}
	if t := d.TranslationOf; t != "" && !known(t) {
		out = append(out, fmt.Sprintf("translation_of id %q is not in the corpus", t))
	}
	return out
}
