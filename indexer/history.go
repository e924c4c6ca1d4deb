package indexer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// historyFile is the store's append-only record of switches.
const historyFile = "HISTORY"

// A Reason says why a generation became current.
type Reason string

// The reasons a generation becomes current.
const (
	// ReasonIndex: a build of a corpus.
	ReasonIndex Reason = "index"
	// ReasonRollback: a rollback to the generation live before.
	ReasonRollback Reason = "rollback"
	// ReasonUse: a kept generation named by the user.
	ReasonUse Reason = "use"
	// ReasonReindex: a rebuild of the live collection from its own
	// documents, with the writes made meanwhile.
	ReasonReindex Reason = "reindex"
	// ReasonFound: current when the history began (a data directory
	// made before there was one).
	ReasonFound Reason = "found"
)

// A Switch is one line of the history: a generation became current.
type Switch struct {
	Time       time.Time  `json:"time"`
	Generation Generation `json:"generation"`
	Documents  int        `json:"documents"`
	// Corpus names the files the generation was built from; empty for the
	// embedded default corpus.
	Corpus []string `json:"corpus,omitempty"`
	Why    Reason   `json:"why"`
	// Keep is how many generations the switch asked to keep; later
	// prunes, in any process, keep as many.
	Keep int `json:"keep,omitempty"`
}

// History returns every switch, oldest first. A data directory made before
// there was a history has none.
func (s *Store) History() ([]Switch, error) {
	raw, err := os.ReadFile(filepath.Join(s.dir, historyFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var hist []Switch
	for n, line := range bytes.SplitAfter(raw, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var sw Switch
		if err := json.Unmarshal(line, &sw); err != nil {
			if !bytes.HasSuffix(line, []byte("\n")) {
				// The last line of a run killed while appending it: the
				// switch it records is in CURRENT all the same.
				break
			}
			return nil, fmt.Errorf("%s line %d: %w", historyFile, n+1, err)
		}
		hist = append(hist, sw)
	}
	return hist, nil
}

// record appends sw to the history. A history begun in a directory that
// already had a current generation (before) first records that one, so
// that a rollback can return to it.
func (s *Store) record(sw Switch, before *Generation) error {
	path := filepath.Join(s.dir, historyFile)
	var lines []Switch
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) && before != nil && *before != sw.Generation {
		n, err := s.documents(*before)
		if err != nil {
			return fmt.Errorf("record %s, current before the history began: %w", *before, err)
		}
		lines = append(lines, Switch{Time: s.builtAt(*before), Generation: *before, Documents: n, Why: ReasonFound})
	}
	if sw.Time.IsZero() {
		sw.Time = time.Now().UTC().Truncate(time.Second)
	}
	lines = append(lines, sw)
	var buf bytes.Buffer
	for _, l := range lines {
		b, err := json.Marshal(l)
		if err != nil {
			return err
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("%s is current, but the history: %w", sw.Generation, err)
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return fmt.Errorf("%s is current, but the history: %w", sw.Generation, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("%s is current, but the history: %w", sw.Generation, err)
	}
	return f.Close()
}

// rollbackTarget returns the generation that was live just before cur
// became current, or 0 when there was none. Without a history (a data
// directory made before there was one) it is the newest generation below
// cur.
func (s *Store) rollbackTarget(cur Generation) (Generation, error) {
	hist, err := s.History()
	if err != nil {
		return 0, err
	}
	if len(hist) == 0 {
		gens, err := s.Generations()
		if err != nil {
			return 0, err
		}
		var prev Generation
		for _, g := range gens {
			if g < cur {
				prev = g
			}
		}
		return prev, nil
	}
	i := len(hist) - 1
	for i >= 0 && hist[i].Generation == cur {
		i--
	}
	if i < 0 {
		return 0, nil
	}
	return hist[i].Generation, nil
}
