// Package search answers queries over an open pressearch index: it parses
// the query language, runs the query with filters, paging, sorting and
// facets, and cuts highlighted snippets. Nothing in it knows about HTTP.
package search

import (
	"errors"
	"fmt"
)

// Error codes. The HTTP layer maps each to a status in one place.
const (
	CodeInvalid     = "invalid_query" // the caller's request is wrong
	CodeNotFound    = "not_found"     // no such document
	CodeUnavailable = "unavailable"   // no index is open yet, or the search timed out
	CodeInternal    = "internal"      // a bug or a broken index
)

// Error is an error with a code that says whose fault it is.
type Error struct {
	Code    string
	Message string
	Err     error
	// Format and Args, where set, are what Message was written from, so
	// that a page can say it in the reader's language (Format is the key
	// of the translation).
	Format string
	Args   []any
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Message, e.Err)
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns the code of err: the code of an *Error in its chain, or
// CodeInternal for anything else.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the message a caller may be shown for err; internal
// details stay out of it.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

func invalidf(format string, args ...any) error {
	return &Error{Code: CodeInvalid, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}
