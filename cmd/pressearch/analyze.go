package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"pressearch/indexer"
)

func runAnalyze(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("analyze", stderr)
	lang := fs.String("lang", "te", "language whose analysis to show")
	asJSON := fs.Bool("json", false, "print the tokens as JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("TEXT is required")
	}
	toks, err := indexer.Analyze(*lang, strings.Join(pos, " "))
	if errors.Is(err, indexer.ErrUnknownLanguage) {
		return usagef("--lang: %v", err)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, map[string]any{"lang": *lang, "tokens": toks})
	}
	for _, t := range toks {
		fmt.Fprintf(stdout, "%s\t%d\t%d\t%d\n", t.Term, t.Position, t.Start, t.End)
	}
	return nil
}
