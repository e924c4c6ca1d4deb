package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"pressearch/indexer"
)

func runGenerations(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("generations", stderr)
	data := fs.String("data", defaultDataDir(), "data directory holding the index generations")
	asJSON := fs.Bool("json", false, "print the generations and the history as one JSON object")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	store, err := indexer.FindStore(*data)
	if errors.Is(err, indexer.ErrNoGeneration) {
		return fmt.Errorf("no index in %s; build one with 'pressearch index --data %s'", *data, *data)
	}
	if err != nil {
		return err
	}
	l, err := store.List()
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(l)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "GENERATION\tDOCUMENTS\tBUILT\tSIZE\t")
	for _, k := range l.Generations {
		var notes []string
		if k.Current {
			notes = append(notes, "current")
		}
		if k.Rollback {
			notes = append(notes, "--rollback restores it")
		}
		if k.Served {
			notes = append(notes, "served")
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", k.Generation, k.Documents, when(k.Built), megabytes(k.Bytes), strings.Join(notes, ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(l.History) == 0 {
		return nil
	}
	fmt.Fprintln(stdout, "\nswitches, oldest first:")
	tw = tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	for _, h := range l.History {
		from := "the default corpus"
		if len(h.Corpus) > 0 {
			from = strings.Join(h.Corpus, ", ")
		}
		if h.Why != indexer.ReasonIndex {
			from = ""
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", when(h.Time), h.Generation, h.Why, indexer.Count(h.Documents, "document"), from)
	}
	return tw.Flush()
}

// when writes a time as a person reads it, in UTC.
func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

// megabytes writes a size in MB, one decimal.
func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
