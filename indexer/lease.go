package indexer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// leaseFile, in each generation, is what serving processes lock: each
// holds a shared lock on it for as long as it reads the generation, and a
// prune removes the generation only with an exclusive lock, which it
// never waits for. The kernel drops a dead process's locks, so a crash
// leaves no stale lease and no time has to be guessed.
const leaseFile = "LEASE"

// A Lease keeps a generation from being removed while a process reads it.
type Lease struct {
	gen Generation
	f   *os.File
}

// Generation returns the generation the lease holds.
func (l *Lease) Generation() Generation {
	if l == nil {
		return 0
	}
	return l.gen
}

// Release gives the lease up; the generation may then be pruned.
func (l *Lease) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the file drops its lock
	l.f = nil
	return err
}

// lease takes a shared lock on gen's lease file. It waits only while a
// prune holds the exclusive lock, which is as long as removing the files
// takes, and then finds the generation gone.
func (s *Store) lease(gen Generation) (*Lease, error) {
	path := filepath.Join(s.Path(gen), leaseFile)
	// A generation made before there were leases has no lease file yet;
	// a lock needs no more than a file open for reading.
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDONLY, 0o644)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s is not kept in %s", gen, s.dir)
	}
	if errors.Is(err, os.ErrPermission) || errors.Is(err, syscall.EROFS) {
		// A data directory this process may not write to, made before
		// there were leases: read it without one (a prune by a process
		// that may write there would not see this reader).
		if _, serr := os.Stat(s.Path(gen)); serr == nil {
			return &Lease{gen: gen}, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("lease %s: %w", gen, err)
	}
	if err := flock(f, syscall.LOCK_SH); err != nil {
		f.Close()
		return nil, fmt.Errorf("lease %s: %w", gen, err)
	}
	// A prune may have removed the generation between the open and the
	// lock: then the file locked is no longer the one at path.
	if !samePath(f, path) {
		f.Close()
		return nil, fmt.Errorf("%s was removed", gen)
	}
	return &Lease{gen: gen, f: f}, nil
}

// inUse reports whether any process holds a lease on gen. A generation
// with no lease file (made before there were leases) is served by none
// that holds one; a lease file that cannot be read or locked is an error.
func (s *Store) inUse(gen Generation) (bool, error) {
	f, err := os.Open(filepath.Join(s.Path(gen), leaseFile))
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("lease of %s: %w", gen, err)
	}
	defer f.Close()
	err = flock(f, syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("lease of %s: %w", gen, err)
	}
	return false, nil
}

// retire removes gen unless a process holds a lease on it; it reports
// whether it removed it. The caller holds the store's lock.
func (s *Store) retire(gen Generation) (bool, error) {
	dir := s.Path(gen)
	path := filepath.Join(dir, leaseFile)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return false, err
	}
	defer f.Close()
	if err := flock(f, syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return false, nil // served: a later prune removes it
		}
		return false, err
	}
	// Everything but the lease file first, so that a process that opens
	// the lease now blocks on this lock and then finds it unlinked.
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, err
	}
	for _, e := range entries {
		if e.Name() == leaseFile {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return false, err
		}
	}
	if err := os.Remove(path); err != nil {
		return false, err
	}
	return true, os.Remove(dir)
}

// flock locks f, retrying when a signal interrupts the wait.
func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

// samePath reports whether the open file f is still the file at path.
func samePath(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(path)
	return err == nil && os.SameFile(a, b)
}
