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
	"time"

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
	// Grace is how long a generation that is neither current nor previous
	// is kept after it stopped being current, so that a server still
	// answering from it can finish.
	Grace time.Duration
}

// DefaultGrace is the Grace of a new Store.
const DefaultGrace = 30 * time.Second

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
	return &Store{dir: dir, Grace: DefaultGrace}, nil
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

// Open checks a generation against its manifest, opens it read-only and
// checks that it answers. A generation with a file missing or cut short is
// refused with an error that names the file.
func (s *Store) Open(gen string) (bleve.Index, error) {
	if err := verifyManifest(s.Path(gen)); err != nil {
		return nil, fmt.Errorf("%s is damaged: %w", gen, err)
	}
	return OpenIndex(s.Path(gen))
}

// manifestFile lists every file of a generation with its size.
const manifestFile = "MANIFEST"

// writeManifest records the files of the finished index at dir.
func writeManifest(dir string) error {
	var b strings.Builder
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%d\t%s\n", info.Size(), filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, manifestFile))
	if err != nil {
		return err
	}
	if _, err := f.WriteString(b.String()); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// verifyManifest checks that every file the manifest lists is there with
// its size.
func verifyManifest(dir string) error {
	raw, err := os.ReadFile(filepath.Join(dir, manifestFile))
	if err != nil {
		return fmt.Errorf("no manifest: %w", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		size, name, ok := strings.Cut(line, "\t")
		want, err := strconv.ParseInt(size, 10, 64)
		if !ok || err != nil {
			return fmt.Errorf("bad manifest line %q", line)
		}
		info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return fmt.Errorf("file %s is missing", name)
		}
		if info.Size() != want {
			return fmt.Errorf("file %s is %d bytes, the manifest says %d", name, info.Size(), want)
		}
	}
	return nil
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
	if err == nil {
		err = writeManifest(partial)
	}
	if err == nil {
		err = syncDir(partial)
	}
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
	if err := s.setCurrent(next); err != nil {
		return Summary{}, err
	}
	sum.Generation = next
	s.Prune()
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
// fsync and a rename, so that the switch is atomic. The generation it
// replaces is stamped with the time, which starts its grace period.
func (s *Store) setCurrent(gen string) error {
	if old, err := s.Current(); err == nil && old != gen {
		now := time.Now()
		os.Chtimes(s.Path(old), now, now)
	}
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

// Prune removes the generations that are neither current nor the newest
// one before it, once their grace period is over. It is best effort: what
// it leaves is removed by a later Prune (each build runs one, and serve
// runs one when it swaps).
func (s *Store) Prune() {
	cur, err := s.Current()
	if err != nil {
		return
	}
	gens, err := s.Generations()
	if err != nil {
		return
	}
	previous := ""
	for _, g := range gens {
		if genNumber(g) < genNumber(cur) {
			previous = g
		}
	}
	for _, g := range gens {
		if g == cur || g == previous {
			continue
		}
		if info, err := os.Stat(s.Path(g)); err == nil && time.Since(info.ModTime()) >= s.Grace {
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
