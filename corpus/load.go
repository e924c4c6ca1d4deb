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

// Load reads the corpus files and directories at paths (a directory is read
// recursively) and validates every document. It returns either all the
// documents or an ErrorList naming every bad one.
func Load(paths ...string) ([]Document, error) {
	l := newLoader()
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			l.fail(p, 0, err.Error())
			continue
		}
		if !info.IsDir() {
			data, err := os.ReadFile(p)
			if err != nil {
				l.fail(p, 0, err.Error())
				continue
			}
			if !l.parse(p, data, true) {
				l.fail(p, 0, "not a corpus file: want .md, .json or .jsonl")
			}
			continue
		}
		err = filepath.WalkDir(p, func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				l.fail(name, 0, err.Error())
				return nil
			}
			if d.IsDir() {
				return nil
			}
			data, err := os.ReadFile(name)
			if err != nil {
				l.fail(name, 0, err.Error())
				return nil
			}
			l.parse(name, data, false)
			return nil
		})
		if err != nil {
			l.fail(p, 0, err.Error())
		}
	}
	return l.finish()
}

// LoadFS reads every corpus file in fsys, as Load does for a directory.
func LoadFS(fsys fs.FS) ([]Document, error) {
	l := newLoader()
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		l.parse(name, data, false)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return l.finish()
}

type position struct {
	file string
	line int
}

type loader struct {
	docs []Document
	pos  []position
	errs ErrorList
}

func newLoader() *loader { return &loader{} }

func (l *loader) fail(file string, line int, reason string) {
	l.errs = append(l.errs, &Error{File: file, Line: line, Reason: reason})
}

func (l *loader) add(file string, line int, d Document) {
	if reason := d.validate(); reason != "" {
		l.fail(file, line, reason)
		return
	}
	l.docs = append(l.docs, d)
	l.pos = append(l.pos, position{file, line})
}

// parse reads one file by its extension. It reports false for a file that is
// not a corpus file. A Markdown file without front matter found while walking
// a directory (a README beside the data) is not a corpus file either; named
// explicitly, it is an error.
func (l *loader) parse(name string, data []byte, explicit bool) bool {
	switch strings.ToLower(path.Ext(filepath.ToSlash(name))) {
	case ".jsonl":
		l.parseJSONL(name, data)
	case ".json":
		if line, ok := checkUTF8(data); !ok {
			l.fail(name, line, "invalid UTF-8")
			return true
		}
		var d Document
		if err := decodeJSON(data, &d); err != nil {
			l.fail(name, jsonErrorLine(data, err), "invalid JSON: "+err.Error())
			return true
		}
		l.add(name, 1, d)
	case ".md", ".markdown":
		if !explicit && !bytes.HasPrefix(data, []byte("---")) {
			return true
		}
		l.parseMarkdown(name, data)
	default:
		return false
	}
	return true
}

func (l *loader) parseJSONL(name string, data []byte) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Bytes()
		if len(bytes.TrimSpace(text)) == 0 {
			continue
		}
		if !utf8.Valid(text) {
			l.fail(name, line, "invalid UTF-8")
			continue
		}
		var d Document
		if err := decodeJSON(text, &d); err != nil {
			l.fail(name, line, "invalid JSON: "+err.Error())
			continue
		}
		l.add(name, line, d)
	}
	if err := sc.Err(); err != nil {
		l.fail(name, line+1, err.Error())
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

// finish checks what needs the whole corpus: unique ids and references that
// resolve.
func (l *loader) finish() ([]Document, error) {
	first := make(map[string]position, len(l.docs))
	for i, d := range l.docs {
		if p, dup := first[d.ID]; dup {
			l.fail(l.pos[i].file, l.pos[i].line,
				fmt.Sprintf("duplicate id %q (first at %s:%d)", d.ID, p.file, p.line))
			continue
		}
		first[d.ID] = l.pos[i]
	}
	for i, d := range l.docs {
		for _, r := range d.Related {
			if _, ok := first[r]; !ok {
				l.fail(l.pos[i].file, l.pos[i].line, fmt.Sprintf("related id %q is not in the corpus", r))
			}
		}
		if t := d.TranslationOf; t != "" {
			if _, ok := first[t]; !ok {
				l.fail(l.pos[i].file, l.pos[i].line, fmt.Sprintf("translation_of id %q is not in the corpus", t))
			}
		}
	}
	if len(l.errs) > 0 {
		sort.SliceStable(l.errs, func(i, j int) bool {
			a, b := l.errs[i], l.errs[j]
			if a.File != b.File {
				return a.File < b.File
			}
			return a.Line < b.Line
		})
		return nil, l.errs
	}
	return l.docs, nil
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
