package indexer

import (
	"errors"
	"io/fs"
	"path/filepath"
	"time"
)

// Kept describes one generation a store keeps.
type Kept struct {
	Generation Generation `json:"generation"`
	Documents  int        `json:"documents"`
	Built      time.Time  `json:"built"`
	Bytes      int64      `json:"bytes"`
	Current    bool       `json:"current"`
	// Rollback marks the generation Rollback would make current.
	Rollback bool `json:"rollback"`
	// Served says a process holds a lease on it now.
	Served bool `json:"served"`
}

// Listing is what a store holds: its kept generations, newest first, and
// the history of switches, oldest first.
type Listing struct {
	Current     Generation `json:"current"`
	Rollback    Generation `json:"rollback,omitempty"`
	Generations []Kept     `json:"generations"`
	History     []Switch   `json:"history"`
}

// List describes the store's generations and history.
func (s *Store) List() (Listing, error) {
	var l Listing
	var err error
	if l.Current, err = s.Current(); err != nil {
		return l, err
	}
	if l.Rollback, err = s.rollbackTarget(l.Current); err != nil {
		return l, err
	}
	if l.History, err = s.History(); err != nil {
		return l, err
	}
	gens, err := s.Generations()
	if err != nil {
		return l, err
	}
	l.Generations = []Kept{}
	for i := len(gens) - 1; i >= 0; i-- {
		g := gens[i]
		served, err := s.inUse(g)
		if err != nil {
			return l, err
		}
		k := Kept{Generation: g, Current: g == l.Current, Rollback: g == l.Rollback, Served: served}
		known := false
		for _, h := range l.History {
			if h.Generation != g {
				continue
			}
			if !known {
				k.Built = h.Time // its first switch: when it was made
			}
			k.Documents, known = h.Documents, true
		}
		if !known {
			// Made before there was a history: ask the index, under a
			// lease, since no lock keeps a prune away.
			idx, lease, err := s.Serve(g)
			if err != nil {
				return l, err
			}
			n, err := idx.DocCount()
			if err = errors.Join(err, idx.Close(), lease.Release()); err != nil {
				return l, err
			}
			k.Documents, k.Built = int(n), s.builtAt(g)
		}
		if k.Bytes, err = dirSize(s.Path(g)); err != nil {
			return l, err
		}
		l.Generations = append(l.Generations, k)
	}
	return l, nil
}

// dirSize adds up the sizes of the files under dir.
func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		n += info.Size()
		return nil
	})
	return n, err
}
