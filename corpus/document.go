// Package corpus defines the documents pressearch indexes, loads and validates
// corpus files (.md with YAML front matter, .json, .jsonl), and embeds the
// default corpus.
package corpus

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// Kinds of document a corpus may hold.
const (
	KindArticle      = "article"
	KindStatement    = "statement"
	KindPressRelease = "press-release"
)

// Document is one article, statement or press release.
type Document struct {
	ID            string   `json:"id" yaml:"id"`
	Lang          string   `json:"lang,omitempty" yaml:"lang"`
	Title         string   `json:"title" yaml:"title"`
	Body          string   `json:"body" yaml:"-"`
	Date          string   `json:"date,omitempty" yaml:"date"`
	Source        string   `json:"source,omitempty" yaml:"source"`
	URL           string   `json:"url,omitempty" yaml:"url"`
	Kind          string   `json:"kind,omitempty" yaml:"kind"`
	Related       []string `json:"related,omitempty" yaml:"related"`
	TranslationOf string   `json:"translation_of,omitempty" yaml:"translation_of"`
	// PublishAt, when set, is the moment before which the document is under
	// embargo: indexed, but shown to no reader. RFC 3339 with a zone; the
	// loader writes it in UTC.
	PublishAt string `json:"publish_at,omitempty" yaml:"publish_at"`
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)

// DateLayout is the layout of the date field.
const DateLayout = "2006-01-02"

// ValidID reports whether id is a valid document id.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// Embargoed reports whether the document is under embargo at now.
func (d *Document) Embargoed(now time.Time) bool {
	if d.PublishAt == "" {
		return false
	}
	t, err := time.Parse(time.RFC3339, d.PublishAt)
	return err == nil && now.Before(t)
}

// validate checks one document on its own and fills in defaults. It returns
// the reason the document is bad, or "".
func (d *Document) validate() string {
	switch {
	case d.ID == "":
		return "missing field: id"
	case !idPattern.MatchString(d.ID):
		return fmt.Sprintf("invalid id %q: want 1 to 128 of [A-Za-z0-9._-]", d.ID)
	case strings.TrimSpace(d.Title) == "":
		return "missing field: title"
	case strings.TrimSpace(d.Body) == "":
		return "missing field: body"
	}
	if d.Date != "" {
		if _, err := time.Parse(DateLayout, d.Date); err != nil {
			return fmt.Sprintf("bad date %q: want YYYY-MM-DD", d.Date)
		}
	}
	if d.PublishAt != "" {
		t, err := time.Parse(time.RFC3339, d.PublishAt)
		if err != nil {
			return fmt.Sprintf("bad publish_at %q: want an RFC 3339 time with a zone, such as 2024-11-01T09:30:00+05:30", d.PublishAt)
		}
		d.PublishAt = t.UTC().Format(time.RFC3339Nano)
	}
	if d.Lang != "" {
		tag, err := language.Parse(d.Lang)
		if err != nil {
			return fmt.Sprintf("bad lang %q: not a BCP 47 tag", d.Lang)
		}
		d.Lang = tag.String()
	}
	switch d.Kind {
	case "":
		d.Kind = KindPressRelease
	case KindArticle, KindStatement, KindPressRelease:
	default:
		return fmt.Sprintf("bad kind %q: want article, statement or press-release", d.Kind)
	}
	for _, r := range d.Related {
		if !idPattern.MatchString(r) {
			return fmt.Sprintf("invalid related id %q", r)
		}
	}
	if d.TranslationOf != "" && !idPattern.MatchString(d.TranslationOf) {
		return fmt.Sprintf("invalid translation_of id %q", d.TranslationOf)
	}
	return ""
}
