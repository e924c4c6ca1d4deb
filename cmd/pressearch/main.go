// Command pressearch indexes and serves full-text search over press releases
// and news in many languages, Telugu first.
//
//	pressearch serve       [--addr 127.0.0.1:8080] [--data DIR] [--corpus PATH]... [--max-searches N] [--api-keys FILE] [--read-keys FILE]
//	pressearch index       [--data DIR] [--corpus PATH]... [--json] [--allow-shrink] [--keep N] [--max-doc-bytes N] [--replace]
//	pressearch index       [--data DIR] [--json] (--rollback | --use gen-NNNNNN) [--keep N]
//	pressearch reindex     [--data DIR] [--to bleve|opensearch] [--json]
//	pressearch add         [--data DIR | --url URL] FILE...
//	pressearch delete      [--data DIR | --url URL] ID...
//	pressearch generations [--data DIR] [--json]
//	pressearch search      [--data DIR] [--json] [--explain] [--lang L] [--size N] QUERY
//	pressearch analyze     [--lang te] [--json] TEXT
//	pressearch eval        [--data DIR] --queries FILE --qrels FILE [--run FILE] [--k 100]
//	pressearch healthcheck [--url URL]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/gin-gonic/gin"
)

func main() {
	// Gin keeps its mode in a variable of its package, for the whole
	// process: the program sets it, once, here.
	gin.SetMode(gin.ReleaseMode)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

const usageText = `usage: pressearch <command> [flags] [args]

commands:
  serve        serve search over HTTP (builds the index from the default corpus if there is none)
  index        build a new index generation and make it current (--rollback, --use GEN: switch to a kept one)
  reindex      build a new generation from the current one's documents, writes going on (--to opensearch|bleve: in the other backend)
  add          add or replace documents in the live index (through serve when it runs)
  delete       delete documents from the live index (through serve when it runs)
  generations  list the kept index generations and the history of switches
  search       search the current index from the command line
  analyze      show the tokens the index stores for a text
  eval         measure retrieval quality with queries and TREC qrels
  healthcheck  exit 0 when a running server's /healthz answers (for container health checks)

serve, index, reindex, add, delete, search and eval take --backend bleve|opensearch (default bleve)
and, for OpenSearch, --opensearch-url URL.

Run 'pressearch <command> -h' for a command's flags.
`

// usageError is a mistake in how the command was called.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// command is one of the program's commands.
type command func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// commands are the program's commands by name.
func commands() map[string]command {
	return map[string]command{
		"serve":   runServe,
		"index":   runIndex,
		"reindex": runReindex,
		"search":  runSearch,
		"analyze": runAnalyze,
		"eval":    runEval,
		"add":     runAdd,
		"delete":  runDelete,
		// healthcheck is for container health checks: it asks /healthz.
		"healthcheck": runHealthcheck,
		"generations": runGenerations,
	}
}

// run runs one command and returns its exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return dispatch(ctx, commands(), args, stdout, stderr)
}

// dispatch runs the command args name, of commands, and returns its exit
// status: 0, 1 for a failure (a panic among them), 2 for wrong usage.
func dispatch(ctx context.Context, commands map[string]command, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return exitUsage
	}
	cmd, ok := commands[args[0]]
	if !ok {
		if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			fmt.Fprint(stdout, usageText)
			return exitOK
		}
		fmt.Fprintf(stderr, "pressearch: unknown command %q\n\n%s", args[0], usageText)
		return exitUsage
	}
	err := runRecovered(ctx, cmd, args[1:], stdout, stderr)
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "pressearch %s: %v\n", args[0], err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "pressearch %s: %v\n", args[0], err)
		return exitFailure
	}
}

// runRecovered runs a command, turning a panic into its error: whatever
// the input, a command ends with a message and a status, not a stack trace.
func runRecovered(ctx context.Context, cmd command, args []string, stdout, stderr io.Writer) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("internal error: %s", strings.Join(strings.Fields(fmt.Sprint(v)), " "))
		}
	}()
	return cmd(ctx, args, stdout, stderr)
}

// newFlags returns a flag set for a command that reports to stderr.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("pressearch "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses flags wherever they stand among the arguments and
// returns the positional ones; everything after "--" is positional.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		n := len(args)
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{err.Error()}
		}
		rest := fs.Args()
		if used := n - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// paths is a repeatable flag.
type paths []string

func (p *paths) String() string     { return strings.Join(*p, ",") }
func (p *paths) Set(v string) error { *p = append(*p, v); return nil }

// defaultDataDir is the per-user data directory: $PRESSEARCH_DATA, else
// $XDG_DATA_HOME/pressearch, else ~/.local/share/pressearch.
func defaultDataDir() string {
	if d := os.Getenv("PRESSEARCH_DATA"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "pressearch")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "pressearch")
	}
	return "pressearch-data"
}

// isTerminal reports whether w is a terminal, for progress display.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
