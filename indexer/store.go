package indexer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/blevesearch/bleve/v2"

	"pressearch/corpus"
)

// A Store is a data directory of index generations. Each build writes a
// complete new generation beside the live one and then makes it current by
// renaming a pointer file, so a reader sees either the old generation or the
// new one, never a partial build.
//
//	DIR/CURRENT          the name of the current generation
//	DIR/gen-000007/      a complete generation
//	DIR/gen-000008.partial/  a build in progress (or one that died)
//	DIR/LOCK             held while a build or rollback runs
type Store struct {
	dir string
}

const (
	currentFile   = "CURRENT"
	lockFile      = "LOCK"
	genPrefix     = "gen-"
	partialSuffix = ".partial"
)

var genName = regexp.MustCompile(`^gen-(\d{6,})$`)

// ErrNoGeneration is returned when the store has no current generation.
var ErrNoGeneration = errors.New("no index generation yet")

// OpenStore opens (creating it if needed) the data directory dir.
func OpenStore(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	return &Store{dir: dir}, nil
}

// Dir returns the data directory.
func (s *Store) Dir() string { return s.dir }

// Path returns the directory of a generation.
func (s *Store) Path(gen string) string { return filepath.Join(s.dir, gen) }

// Current returns the name of the current generation, or ErrNoGeneration.
func (s *Store) Current() (string, error) {
	b, err := os.ReadFile(filepath.Join(s.dir, currentFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", ErrNoGeneration
	}
	if err != nil {
		return "", err
	}
	gen := strings.TrimSpace(string(b))
	if !genName.MatchString(gen) {
		return "", fmt.Errorf("%s: bad generation name %q", currentFile, gen)
	}
	return gen, nil
}

// Generations returns the complete generations, oldest first.
func (s *Store) Generations() ([]string, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	var gens []string
	for _, e := range entries {
		if e.IsDir() && genName.MatchString(e.Name()) {
			gens = append(gens, e.Name())
		}
	}
	sort.Slice(gens, func(i, j int) bool { return genNumber(gens[i]) < genNumber(gens[j]) })
	return gens, nil
}

func genNumber(name string) int {
	name = strings.TrimSuffix(name, partialSuffix)
	n, _ := strconv.Atoi(strings.TrimPrefix(name, genPrefix))
	return n
}

// Open opens a generation read-only and checks that it answers.
func (s *Store) Open(gen string) (bleve.Index, error) {
	return OpenIndex(s.Path(gen))
}

// OpenIndex opens the index at path read-only and checks that it answers.
func OpenIndex(path string) (bleve.Index, error) {
	idx, err := bleve.OpenUsing(path, map[string]interface{}{"read_only": true})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", filepath.Base(path), err)
	}
	if _, err := idx.DocCount(); err != nil {
		idx.Close()
		return nil, fmt.Errorf("check %s: %w", filepath.Base(path), err)
	}
	return idx, nil
}

// Build indexes docs into a new generation and makes it current. A failed or
// cancelled build leaves the current generation as it was; the next build
// removes what a dead one left behind. Generations older than the previous
// one are removed.
func (s *Store) Build(ctx context.Context, docs []corpus.Document, progress Progress) (Summary, error) {
	unlock, err := s.lock()
	if err != nil {
		return Summary{}, err
	}
	defer unlock()
	// Number the build before clearing away dead ones, so that a number is
	// never used twice.
	next, err := s.nextName()
	if err != nil {
		return Summary{}, err
	}
	if err := s.removePartials(); err != nil {
		return Summary{}, err
	}
	partial := s.Path(next + partialSuffix)
	sum, err := BuildIndex(ctx, partial, docs, Config{}, progress)
	if err != nil {
		os.RemoveAll(partial)
		return Summary{}, err
	}
	if err := os.Rename(partial, s.Path(next)); err != nil {
		os.RemoveAll(partial)
		return Summary{}, fmt.Errorf("finish %s: %w", next, err)
	}
	idx, err := s.Open(next)
	if err != nil {
		os.RemoveAll(s.Path(next))
		return Summary{}, err
	}
	idx.Close()
	previous, _ := s.Current()
	if err := s.setCurrent(next); err != nil {
		return Summary{}, err
	}
	sum.Generation = next
	s.prune(next, previous)
	return sum, nil
}

// Rollback makes the newest generation older than the current one current
// again, and returns its name.
func (s *Store) Rollback() (string, error) {
	unlock, err := s.lock()
	if err != nil {
		return "", err
	}
	defer unlock()
	cur, err := s.Current()
	if err != nil {
		return "", err
	}
	gens, err := s.Generations()
	if err != nil {
		return "", err
	}
	prev := ""
	for _, g := range gens {
		if genNumber(g) < genNumber(cur) {
			prev = g
		}
	}
	if prev == "" {
		return "", fmt.Errorf("no generation before %s to roll back to", cur)
	}
	idx, err := s.Open(prev)
	if err != nil {
		return "", err
	}
	idx.Close()
	return prev, s.setCurrent(prev)
}

func (s *Store) nextName() (string, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return "", err
	}
	max := 0
	for _, e := range entries {
		if n := genNumber(e.Name()); strings.HasPrefix(e.Name(), genPrefix) && n > max {
			max = n
		}
	}
	return fmt.Sprintf("%s%06d", genPrefix, max+1), nil
}

// setCurrent points CURRENT at gen with a write to a temporary file, an
// fsync and a rename, so that the switch is atomic.
func (s *Store) setCurrent(gen string) error {
	tmp := filepath.Join(s.dir, currentFile+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(gen + "\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(s.dir, currentFile)); err != nil {
		return err
	}
	return syncDir(s.dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func (s *Store) removePartials() error {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), partialSuffix) || e.Name() == currentFile+".tmp" {
			if err := os.RemoveAll(filepath.Join(s.dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// prune removes every generation but the current and the previous one. It
// is best effort: a generation left behind is removed by a later build.
func (s *Store) prune(current, previous string) {
	gens, err := s.Generations()
	if err != nil {
		return
	}
	for _, g := range gens {
		if g != current && g != previous {
			os.RemoveAll(s.Path(g))
		}
	}
}

// lock takes the store's lock, so that two builds never run at once.
func (s *Store) lock() (func(), error) {
	f, err := os.OpenFile(filepath.Join(s.dir, lockFile), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("another build holds %s: %w", f.Name(), err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
