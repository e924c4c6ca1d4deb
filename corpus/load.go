package corpus

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Error is one problem in a corpus file: where it is and why it is bad.
type Error struct {
	File   string
	Line   int
	Reason string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
}

// ErrorList is every problem found in a corpus. A corpus with any problem is
// not indexed at all.
type ErrorList []*Error

// maxListed bounds how many problems the error text spells out.
const maxListed = 20

func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i == maxListed {
			fmt.Fprintf(&b, "\n... and %d more", len(l)-maxListed)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// DefaultMaxDocBytes is the most text, title and body, a document may
// have unless told otherwise: 2 MiB, some hundred times a long press
// release.
const DefaultMaxDocBytes = 2 << 20

// maxRecordBytes is the most a file or a JSON line is read to find out how
// much text its document has; past it the record is too large whatever it
// holds, and is not read.
func maxRecordBytes(maxDoc int) int64 { return max(64<<20, 8*int64(maxDoc)) }

// Options say what a corpus may hold.
type Options struct {
	// MaxDocBytes bounds a document's text (title and body, in bytes of
	// UTF-8); 0 means DefaultMaxDocBytes. A larger document is a bad one.
	MaxDocBytes int
}

func (o Options) maxDoc() int {
	if o.MaxDocBytes <= 0 {
		return DefaultMaxDocBytes
	}
	return o.MaxDocBytes
}

// Load reads the corpus files and directories at paths (a directory is read
// recursively) and validates every document. It returns either all the
// documents or an ErrorList naming every bad one.
func Load(paths ...string) ([]Document, error) {
	var docs []Document
	l := newLoader(Options{})
	l.keep = func(d *Document) error { docs = append(docs, *d); return nil }
	l.walk(paths)
	if err := l.finish(); err != nil {
		return nil, err
	}
	return docs, nil
}

// LoadAdditions reads documents to add to a collection, as Load does,
// except that their references may name documents of the collection
// (CheckActions checks them). It returns each document's place, file:line,
// beside it.
func LoadAdditions(paths ...string) ([]Document, []string, error) {
	var docs []Document
	var where []string
	l := newLoader(Options{})
	l.external = true
	l.at = func(file string, line int) { where = append(where, fmt.Sprintf("%s:%d", file, line)) }
	l.keep = func(d *Document) error { docs = append(docs, *d); return nil }
	l.walk(paths)
	if err := l.finish(); err != nil {
		return nil, nil, err
	}
	return docs, where, nil
}

// LoadFS reads every corpus file in fsys, as Load does for a directory.
func LoadFS(fsys fs.FS) ([]Document, error) {
	var docs []Document
	l := newLoader(Options{})
	l.keep = func(d *Document) error { docs = append(docs, *d); return nil }
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		f, err := fsys.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		info, err := f.Stat()
		if err != nil {
			return err
		}
		l.parse(name, f, info.Size(), false)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := l.finish(); err != nil {
		return nil, err
	}
	return docs, nil
}

// A Set is the documents of corpus files, checked and counted but not held:
// Each reads them again, one at a time, so that a corpus far larger than
// memory can be indexed.
type Set struct {
	paths   []string
	opts    Options
	n       int
	skipped []Skip
}

// Skip is a file read for documents that gave none, and why.
type Skip struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
}

// EmptyError is a corpus with no documents, and the files it skipped.
type EmptyError struct{ Skipped []Skip }

func (e *EmptyError) Error() string {
	if len(e.Skipped) == 0 {
		return "the corpus has no documents"
	}
	var b strings.Builder
	b.WriteString("the corpus has no documents; the files read gave none:")
	for i, s := range e.Skipped {
		if i == maxListed {
			fmt.Fprintf(&b, "\n... and %d more", len(e.Skipped)-maxListed)
			break
		}
		fmt.Fprintf(&b, "\n%s: %s", s.File, s.Reason)
	}
	return b.String()
}

// Open reads the corpus files and directories at paths and checks every
// document as Load does, keeping only their ids. It returns an ErrorList
// naming every bad document, or an *EmptyError when there is no document.
func Open(opts Options, paths ...string) (*Set, error) {
	l := newLoader(opts)
	l.walk(paths)
	if err := l.finish(); err != nil {
		return nil, err
	}
	if l.n == 0 {
		return nil, &EmptyError{Skipped: l.skipped}
	}
	return &Set{paths: paths, opts: opts, n: l.n, skipped: l.skipped}, nil
}

// Len returns the number of documents.
func (s *Set) Len() int { return s.n }

// Skipped returns the files that gave no documents, and why.
func (s *Set) Skipped() []Skip { return s.skipped }

// Each reads the documents again, in order, and calls fn on each until fn
// fails. A file that changed since Open and now holds a bad document ends
// it with an error.
func (s *Set) Each(fn func(*Document) error) error {
	l := newLoader(s.opts)
	l.seen = nil // checked by Open
	l.keep = fn
	l.walk(s.paths)
	if l.stop != nil {
		return l.stop
	}
	if len(l.errs) > 0 {
		return fmt.Errorf("the corpus changed while it was read:\n%w", l.errs)
	}
	return nil
}

type position struct {
	file string
	line int
}

// ref is a document's reference to another id, checked once every id is
// known.
type ref struct {
	at        position
	id, field string
}

type loader struct {
	opts      Options
	maxRecord int64                 // see maxRecordBytes
	keep      func(*Document) error // each valid document; an error stops
	stop      error                 // what keep returned
	seen      map[string]position   // ids so far; nil: not checked
	refs      []ref
	n         int
	errs      ErrorList
	skipped   []Skip
	// external leaves references to be checked against a collection
	// (CheckActions); at is told where each valid document is.
	external bool
	at       func(file string, line int)
}

func newLoader(opts Options) *loader {
	return &loader{opts: opts, maxRecord: maxRecordBytes(opts.maxDoc()), seen: map[string]position{}}
}

func (l *loader) fail(file string, line int, reason string) {
	l.errs = append(l.errs, &Error{File: file, Line: line, Reason: reason})
}

func (l *loader) skip(file, reason string) {
	l.skipped = append(l.skipped, Skip{File: file, Reason: reason})
}

// tooLarge is the reason for a document or record over the size limit.
func (l *loader) tooLarge(n int64) string {
	return english.Sprintf("document too large (%d bytes; limit %d)", n, l.opts.maxDoc())
}

var english = message.NewPrinter(language.English)

func (l *loader) add(file string, line int, d Document) {
	if l.stop != nil {
		return
	}
	if n := len(d.Title) + len(d.Body); n > l.opts.maxDoc() {
		l.fail(file, line, l.tooLarge(int64(n)))
		return
	}
	if reason := d.validate(); reason != "" {
		l.fail(file, line, reason)
		return
	}
	at := position{file, line}
	if l.seen != nil {
		if p, dup := l.seen[d.ID]; dup {
			l.fail(file, line, fmt.Sprintf("duplicate id %q (first at %s:%d)", d.ID, p.file, p.line))
			return
		}
		l.seen[d.ID] = at
		for _, r := range d.Related {
			l.refs = append(l.refs, ref{at, r, "related"})
		}
		if d.TranslationOf != "" {
			l.refs = append(l.refs, ref{at, d.TranslationOf, "translation_of"})
		}
	}
	l.n++
	if l.at != nil {
		l.at(file, line)
	}
	if l.keep != nil {
		l.stop = l.keep(&d)
	}
}

// walk reads every path: a file, or a directory read recursively.
func (l *loader) walk(paths []string) {
	for _, p := range paths {
		if l.stop != nil {
			return
		}
		info, err := os.Stat(p)
		if err != nil {
			l.fail(p, 0, err.Error())
			continue
		}
		if !info.IsDir() {
			l.file(p, info.Size(), true)
			continue
		}
		files := 0
		err = filepath.WalkDir(p, func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				l.fail(name, 0, err.Error())
				return nil
			}
			if l.stop != nil {
				return fs.SkipAll
			}
			if d.IsDir() {
				return nil
			}
			files++
			info, err := d.Info()
			if err != nil {
				l.fail(name, 0, err.Error())
				return nil
			}
			l.file(name, info.Size(), false)
			return nil
		})
		if err != nil {
			l.fail(p, 0, err.Error())
		}
		if files == 0 {
			l.skip(p, "an empty directory")
		}
	}
}

// file reads one file of the corpus.
func (l *loader) file(name string, size int64, explicit bool) {
	f, err := os.Open(name)
	if err != nil {
		l.fail(name, 0, err.Error())
		return
	}
	defer f.Close()
	l.parse(name, f, size, explicit)
}

// parse reads one file by its extension. A file that is not a corpus file
// is an error when named explicitly, and skipped in a directory. So is a
// Markdown file without front matter (a README beside the data).
func (l *loader) parse(name string, r io.Reader, size int64, explicit bool) {
	before, errsBefore := l.n, len(l.errs)
	ext := strings.ToLower(path.Ext(filepath.ToSlash(name)))
	switch ext {
	case ".jsonl":
		l.parseJSONL(name, r)
	case ".json", ".md", ".markdown":
		if size > l.maxRecord {
			l.fail(name, 1, l.tooLarge(size))
			return
		}
		data, err := io.ReadAll(r)
		if err != nil {
			l.fail(name, 0, err.Error())
			return
		}
		data = bytes.TrimPrefix(data, bom)
		if ext == ".json" {
			l.parseJSON(name, data)
			break
		}
		if !explicit && !bytes.HasPrefix(data, []byte("---")) {
			l.skip(name, "skipped: Markdown without front matter")
			return
		}
		l.parseMarkdown(name, data)
	default:
		if explicit {
			l.fail(name, 0, "not a corpus file: want .md, .json or .jsonl")
		} else {
			l.skip(name, "skipped: not a corpus file (want .md, .json or .jsonl)")
		}
		return
	}
	if l.n == before && len(l.errs) == errsBefore && l.stop == nil {
		if size == 0 {
			l.skip(name, "no documents: the file is empty")
		} else {
			l.skip(name, "no documents: the file has only blank lines")
		}
	}
}

// bom is the UTF-8 byte-order mark some editors put at the start of a file.
var bom = []byte("\xef\xbb\xbf")

func (l *loader) parseJSON(name string, data []byte) {
	if line, ok := checkUTF8(data); !ok {
		l.fail(name, line, "invalid UTF-8")
		return
	}
	var d Document
	if err := decodeJSON(data, &d); err != nil {
		l.fail(name, jsonErrorLine(data, err), "invalid JSON: "+err.Error())
		return
	}
	l.add(name, 1, d)
}

// parseJSONL reads one document a line, holding one line at a time; a line
// too long to hold a document within the limit is not read, only counted.
func (l *loader) parseJSONL(name string, r io.Reader) {
	br := bufio.NewReaderSize(r, 64<<10)
	limit := l.maxRecord
	var text []byte
	for line := 1; l.stop == nil; line++ {
		text = text[:0]
		var length int64
		var err error
		for {
			var chunk []byte
			chunk, err = br.ReadSlice('\n')
			length += int64(len(chunk))
			if length <= limit {
				text = append(text, chunk...)
			}
			if err != bufio.ErrBufferFull {
				break
			}
		}
		if err != nil && err != io.EOF {
			l.fail(name, line, err.Error())
			return
		}
		if line == 1 {
			text = bytes.TrimPrefix(text, bom)
		}
		switch {
		case length > limit:
			if err == nil {
				length-- // the newline
			}
			l.fail(name, line, l.tooLarge(length))
		case len(bytes.TrimSpace(text)) == 0:
		case !utf8.Valid(text):
			l.fail(name, line, "invalid UTF-8")
		default:
			var d Document
			if derr := decodeJSON(text, &d); derr != nil {
				l.fail(name, line, "invalid JSON: "+derr.Error())
			} else {
				l.add(name, line, d)
			}
		}
		if err == io.EOF {
			return
		}
	}
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

func (l *loader) parseMarkdown(name string, data []byte) {
	if line, ok := checkUTF8(data); !ok {
		l.fail(name, line, "invalid UTF-8")
		return
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	if !strings.HasPrefix(text, "---\n") {
		l.fail(name, 1, "missing YAML front matter: the file must start with a line ---")
		return
	}
	rest := text[len("---\n"):]
	end := strings.Index(rest, "\n---\n")
	var front, body string
	switch {
	case end >= 0:
		front, body = rest[:end+1], rest[end+len("\n---\n"):]
	case strings.HasSuffix(rest, "\n---"):
		front = rest[:len(rest)-len("---")]
	default:
		l.fail(name, 1, "unterminated YAML front matter: no closing line ---")
		return
	}
	var d Document
	dec := yaml.NewDecoder(strings.NewReader(front))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil && !errors.Is(err, io.EOF) {
		line := 1
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			line = n + 1 // the front matter starts on the file's second line
			msg = strings.TrimSpace(strings.Replace(msg, m[0]+":", "", 1))
		}
		msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
		l.fail(name, line, "invalid front matter: "+strings.TrimSpace(msg))
		return
	}
	d.Body = strings.Trim(body, "\n")
	l.add(name, 1, d)
}

// finish checks what needs the whole corpus, references that resolve,
// and returns every problem found, in file and line order.
func (l *loader) finish() error {
	if l.seen != nil && !l.external {
		for _, r := range l.refs {
			if _, ok := l.seen[r.id]; !ok {
				l.fail(r.at.file, r.at.line, fmt.Sprintf("%s id %q is not in the corpus", r.field, r.id))
			}
		}
	}
	if len(l.errs) == 0 {
		return nil
	}
	sort.SliceStable(l.errs, func(i, j int) bool {
		a, b := l.errs[i], l.errs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return l.errs
}

func decodeJSON(data []byte, d *Document) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(d); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one value; use .jsonl for one document a line")
	}
	return nil
}

// jsonErrorLine finds the line of a JSON decoding error where the error
// carries an offset.
func jsonErrorLine(data []byte, err error) int {
	var off int64 = -1
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return 1
	}
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

// checkUTF8 reports whether data is valid UTF-8 and, if not, the line of
// the first bad byte.
func checkUTF8(data []byte) (int, bool) {
	if utf8.Valid(data) {
		return 0, true
	}
	line := 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return line, false
		}
		if r == '\n' {
			line++
		}
		i += size
	}
	return line, false
}
