package indexer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
// new one, never a partial build. Every switch is recorded in an
// append-only history, which says what a rollback restores.
//
//	DIR/CURRENT              the name of the current generation
//	DIR/HISTORY              one JSON line a switch (see Switch)
//	DIR/gen-000007/          a complete generation
//	DIR/gen-000007/LEASE     locked (shared) by each process serving it
//	DIR/gen-000008.partial/  a build in progress (or one that died)
//	DIR/LOCK                 held while a build, switch or prune runs
type Store struct {
	dir string
	nap time.Duration // see PaceWrites
}

const (
	currentFile   = "CURRENT"
	lockFile      = "LOCK"
	partialSuffix = ".partial"
)

// DefaultKeep is how many generations a store keeps when not told.
const DefaultKeep = 3

// ErrNoGeneration is returned when the store has no current generation.
var ErrNoGeneration = errors.New("no index generation yet")

// ErrBusy is returned when another process is building or switching
// generations in the same data directory.
var ErrBusy = errors.New("another index run is at work in this data directory")

// OpenStore opens (creating it if needed) the data directory dir.
func OpenStore(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	return &Store{dir: dir}, nil
}

// FindStore opens the data directory dir for reading, creating nothing. It
// returns an error wrapping ErrNoGeneration when dir holds no index.
func FindStore(dir string) (*Store, error) {
	s := &Store{dir: dir}
	if _, err := s.Current(); err != nil {
		return nil, err
	}
	return s, nil
}

// Dir returns the data directory.
func (s *Store) Dir() string { return s.dir }

// Path returns the directory of a generation.
func (s *Store) Path(gen Generation) string { return filepath.Join(s.dir, gen.String()) }

// Current returns the current generation, or an error wrapping
// ErrNoGeneration.
func (s *Store) Current() (Generation, error) {
	b, err := os.ReadFile(filepath.Join(s.dir, currentFile))
	if errors.Is(err, os.ErrNotExist) {
		return 0, ErrNoGeneration
	}
	if err != nil {
		return 0, err
	}
	gen, err := ParseGeneration(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", currentFile, err)
	}
	return gen, nil
}

// Generations returns the complete generations, oldest first.
func (s *Store) Generations() ([]Generation, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	var gens []Generation
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), genPrefix) {
			continue
		}
		if g, err := ParseGeneration(e.Name()); err == nil && g.String() == e.Name() {
			gens = append(gens, g)
		}
	}
	sort.Slice(gens, func(i, j int) bool { return gens[i] < gens[j] })
	return gens, nil
}

// Open checks a generation against its manifest, opens it read-only and
// checks that it answers. A generation with a file missing or cut short is
// refused with an error that names the file. A process that serves the
// index holds a Lease on it too (see Serve).
//
// A generation that has been open for writing is Bleve's to change, and its
// manifest no longer lists its files; where its write-ahead log holds writes
// the index has not persisted (the writer died), they are applied first,
// unless another process is writing it.
func (s *Store) Open(gen Generation) (bleve.Index, error) {
	dir := s.Path(gen)
	if !isLive(dir) {
		if err := verifyManifest(dir); err != nil {
			return nil, fmt.Errorf("%s is damaged: %w", gen, err)
		}
		return OpenIndex(dir)
	}
	idx, err := OpenIndex(dir)
	if err != nil {
		return nil, err
	}
	behind, err := logAhead(dir, idx)
	if err != nil || !behind {
		if err != nil {
			idx.Close()
		}
		return idx, err
	}
	idx.Close()
	if err := s.recover(gen); err != nil {
		return nil, err
	}
	return OpenIndex(dir)
}

// Serve takes a lease on a generation and opens it: while the lease is
// held no Prune, in this process or another, removes the generation. The
// caller closes the index, then releases the lease.
func (s *Store) Serve(gen Generation) (bleve.Index, *Lease, error) {
	lease, err := s.lease(gen)
	if err != nil {
		return nil, nil, err
	}
	idx, err := s.Open(gen)
	if err != nil {
		lease.Release()
		return nil, nil, err
	}
	return idx, lease, nil
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
		if path == filepath.Join(dir, leaseFile) {
			return nil
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
	return writeSynced(filepath.Join(dir, manifestFile), []byte(b.String()))
}

// writeSynced writes a new file and syncs it.
func writeSynced(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
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
// It waits a little for a process writing the index, then fails with
// ErrHeldForWrites.
func OpenIndex(path string) (bleve.Index, error) {
	idx, err := bleve.OpenUsing(path, map[string]interface{}{"read_only": true, "bolt_timeout": boltTimeout})
	if err != nil && strings.Contains(err.Error(), "timeout") {
		return nil, fmt.Errorf("open %s: %w", filepath.Base(path), ErrHeldForWrites)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", filepath.Base(path), err)
	}
	if _, err := idx.DocCount(); err != nil {
		idx.Close()
		return nil, fmt.Errorf("check %s: %w", filepath.Base(path), err)
	}
	return idx, nil
}

// BuildOptions say how Store.BuildFrom builds and switches.
type BuildOptions struct {
	// Corpus names what was indexed, for the history.
	Corpus []string
	// AllowShrink lets a build with fewer than half the live generation's
	// documents become current.
	AllowShrink bool
	// Keep is how many generations to keep; 0 means DefaultKeep.
	Keep int
	// Progress, if set, is told how the build goes.
	Progress Progress
	// Budget bounds the memory the build holds; 0 means DefaultBudget.
	Budget int64
	// Why is recorded in the history; "" means ReasonIndex.
	Why Reason
	// Config says how documents are analyzed; the zero Config is what
	// serves (another is for comparisons and tests).
	Config Config

	build buildOptions // a rebuild's own (Store.Rebuild)
}

// ErrEmpty refuses a build with no documents.
var ErrEmpty = errors.New("no documents to index")

// ShrinkError refuses a build that would replace the live generation
// with one of fewer than half its documents.
type ShrinkError struct {
	Documents int        // in the new corpus
	Live      int        // in the live generation
	Current   Generation // the live generation
}

func (e *ShrinkError) Error() string {
	return fmt.Sprintf("the new corpus has %s, fewer than half the %s of the live %s; nothing was indexed",
		Count(e.Documents, "document"), Count(e.Live, "document"), e.Current)
}

// Build indexes docs into a new generation and makes it current, with the
// default options; see BuildFrom.
func (s *Store) Build(ctx context.Context, docs []corpus.Document, progress Progress) (Summary, error) {
	return s.BuildFrom(ctx, Slice(docs), BuildOptions{Progress: progress})
}

// BuildFrom indexes docs into a new generation and makes it current. It
// refuses a corpus with no documents, and one with fewer than half the
// documents of the live generation unless opts.AllowShrink, before
// building anything. A failed or cancelled build leaves the current
// generation as it was; the next build removes what a dead one left
// behind. Generations past opts.Keep are then removed (see Prune).
func (s *Store) BuildFrom(ctx context.Context, docs Documents, opts BuildOptions) (Summary, error) {
	unlock, err := s.lock()
	if err != nil {
		return Summary{}, err
	}
	defer unlock()
	if err := s.check(docs, opts); err != nil {
		return Summary{}, err
	}
	sum, err := s.prepare(ctx, docs, opts)
	if err != nil {
		return Summary{}, err
	}
	sw := Switch{Generation: sum.Generation, Documents: sum.Documents, Corpus: opts.Corpus, Why: opts.Why, Keep: opts.Keep}
	if sw.Why == "" {
		sw.Why = ReasonIndex
	}
	if switched, err := s.switchTo(sw); !switched {
		return Summary{}, err
	} else if err != nil {
		return sum, err
	}
	sum.Removed, err = s.prune(keepOf(opts.Keep))
	return sum, err
}

// check refuses, as BuildFrom does, a corpus with no documents, and one
// with fewer than half the documents of the live generation unless
// opts.AllowShrink.
func (s *Store) check(docs Documents, opts BuildOptions) error {
	if docs.Len() == 0 {
		return ErrEmpty
	}
	if !opts.AllowShrink {
		if cur, err := s.Current(); err == nil {
			// A live generation that cannot even be counted (damaged, or
			// gone) has nothing a new build could lose.
			live, _ := s.documents(cur)
			if 2*docs.Len() < live {
				return &ShrinkError{Documents: docs.Len(), Live: live, Current: cur}
			}
		}
	}
	return nil
}

// Prepare indexes docs into a new, complete generation beside the current
// one without making it current (Commit does, once what it would drop is
// counted), after the checks of BuildFrom. A failed or cancelled build
// leaves nothing behind.
func (s *Store) Prepare(ctx context.Context, docs Documents, opts BuildOptions) (Summary, error) {
	unlock, err := s.lock()
	if err != nil {
		return Summary{}, err
	}
	defer unlock()
	if err := s.check(docs, opts); err != nil {
		return Summary{}, err
	}
	return s.prepare(ctx, docs, opts)
}

// prepare builds a new generation under the lock.
func (s *Store) prepare(ctx context.Context, docs Documents, opts BuildOptions) (Summary, error) {
	// Number the build before clearing away dead ones, so that a number is
	// never used twice.
	next, err := s.next()
	if err != nil {
		return Summary{}, err
	}
	if err := s.removePartials(); err != nil {
		return Summary{}, err
	}
	partial := s.Path(next) + partialSuffix
	sum, err := buildIndex(ctx, partial, docs, opts.Config, opts.Progress, newBudget(opts.Budget), opts.build)
	if err == nil {
		err = writeSynced(filepath.Join(partial, leaseFile), nil)
	}
	if err == nil {
		err = writeManifest(partial)
	}
	if err == nil {
		err = syncDir(partial)
	}
	if err != nil {
		return Summary{}, errors.Join(err, os.RemoveAll(partial))
	}
	if err := os.Rename(partial, s.Path(next)); err != nil {
		return Summary{}, errors.Join(fmt.Errorf("finish %s: %w", next, err), os.RemoveAll(partial))
	}
	idx, err := s.Open(next)
	if err != nil {
		return Summary{}, errors.Join(err, os.RemoveAll(s.Path(next)))
	}
	if err := idx.Close(); err != nil {
		return Summary{}, err
	}
	sum.Generation = next
	return sum, nil
}

// Commit makes sw.Generation, a prepared generation, current, records the
// switch and removes what Prune removes.
func (s *Store) Commit(sw Switch) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	if switched, err := s.switchTo(sw); !switched || err != nil {
		return err
	}
	_, err = s.prune(keepOf(sw.Keep))
	return err
}

// Discard removes gen, a prepared generation that will not be current.
func (s *Store) Discard(gen Generation) error {
	if cur, err := s.Current(); err == nil && cur == gen {
		return fmt.Errorf("%s is current", gen)
	}
	return os.RemoveAll(s.Path(gen))
}

func keepOf(keep int) int {
	if keep <= 0 {
		return DefaultKeep
	}
	return keep
}

// documents returns how many documents a generation holds: as the history
// recorded it, or, for a generation made before there was a history, as
// the index counts them.
func (s *Store) documents(gen Generation) (int, error) {
	hist, err := s.History()
	if err != nil {
		return 0, err
	}
	for i := len(hist) - 1; i >= 0; i-- {
		if hist[i].Generation == gen {
			return hist[i].Documents, nil
		}
	}
	idx, err := s.Open(gen)
	if err != nil {
		return 0, err
	}
	n, err := idx.DocCount()
	return int(n), errors.Join(err, idx.Close())
}

// Rollback makes the generation that was live just before the current one
// current again, and returns the switch. Generations past keep are then
// removed; 0 means DefaultKeep.
func (s *Store) Rollback(keep int) (Switch, error) {
	unlock, err := s.lock()
	if err != nil {
		return Switch{}, err
	}
	defer unlock()
	cur, err := s.Current()
	if err != nil {
		return Switch{}, err
	}
	prev, err := s.rollbackTarget(cur)
	if err != nil {
		return Switch{}, err
	}
	if prev == 0 {
		return Switch{}, fmt.Errorf("no generation before %s to roll back to", cur)
	}
	return s.use(prev, ReasonRollback, keep)
}

// Use makes a kept generation current, and returns the switch. Generations
// past keep are then removed; 0 means DefaultKeep.
func (s *Store) Use(gen Generation, keep int) (Switch, error) {
	unlock, err := s.lock()
	if err != nil {
		return Switch{}, err
	}
	defer unlock()
	return s.use(gen, ReasonUse, keep)
}

// use switches to gen, a kept generation, under the lock.
func (s *Store) use(gen Generation, why Reason, keep int) (Switch, error) {
	if _, err := os.Stat(s.Path(gen)); err != nil {
		return Switch{}, fmt.Errorf("%s is not kept in %s", gen, s.dir)
	}
	if cur, err := s.Current(); err == nil && cur == gen {
		return Switch{}, fmt.Errorf("%s is already current", gen)
	}
	hist, err := s.History()
	if err != nil {
		return Switch{}, err
	}
	idx, err := s.Open(gen)
	if err != nil {
		return Switch{}, err
	}
	n, err := idx.DocCount()
	if err = errors.Join(err, idx.Close()); err != nil {
		return Switch{}, err
	}
	sw := Switch{Generation: gen, Documents: int(n), Corpus: corpusOf(hist, gen), Why: why, Keep: keep}
	if switched, err := s.switchTo(sw); !switched {
		return Switch{}, err
	} else if err != nil {
		return sw, err
	}
	if _, err := s.prune(keepOf(keep)); err != nil {
		return sw, err
	}
	return sw, nil
}

// corpusOf returns the files gen was last recorded as built from.
func corpusOf(hist []Switch, gen Generation) []string {
	var files []string
	for _, h := range hist {
		if h.Generation == gen && len(h.Corpus) > 0 {
			files = h.Corpus
		}
	}
	return files
}

// restore makes gen, holding documents, current again after a switch away
// from it could not be put in service, recorded as a rollback; unlike a
// rollback it removes no generation.
func (s *Store) restore(gen Generation, documents int) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	hist, err := s.History()
	if err != nil {
		return err
	}
	_, err = s.switchTo(Switch{Generation: gen, Documents: documents, Corpus: corpusOf(hist, gen), Why: ReasonRollback})
	return err
}

// next returns the number of the next build: one above any generation,
// partial or complete, in the directory.
func (s *Store) next() (Generation, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return 0, err
	}
	var max Generation
	for _, e := range entries {
		if g, err := ParseGeneration(strings.TrimSuffix(e.Name(), partialSuffix)); err == nil && g > max {
			max = g
		}
	}
	return max + 1, nil
}

// switchTo points CURRENT at sw.Generation with a write to a temporary
// file, an fsync and a rename, so that the switch is atomic, and then
// appends sw to the history. It reports whether the switch happened, also
// when the history then failed.
func (s *Store) switchTo(sw Switch) (bool, error) {
	old, oldErr := s.Current()
	tmp := filepath.Join(s.dir, currentFile+".tmp")
	if err := writeSynced(tmp, []byte(sw.Generation.String()+"\n")); err != nil {
		return false, err
	}
	if err := os.Rename(tmp, filepath.Join(s.dir, currentFile)); err != nil {
		return false, err
	}
	var before *Generation
	if oldErr == nil {
		before = &old
	}
	return true, errors.Join(syncDir(s.dir), s.record(sw, before))
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

// Prune removes the generations past the keep newest, when no other index
// run is at work in the directory (that run prunes when it ends); keep 0
// means the number the last switch asked for. The current generation and
// the one a rollback would restore are always kept, and so is any
// generation a process serves (holds a Lease on): it is removed by a later
// Prune, once no process serves it. Prune returns what it removed.
func (s *Store) Prune(keep int) ([]Generation, error) {
	unlock, err := s.lock()
	if errors.Is(err, ErrBusy) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer unlock()
	if keep <= 0 {
		hist, err := s.History()
		if err != nil {
			return nil, err
		}
		for _, h := range hist {
			if h.Keep > 0 {
				keep = h.Keep
			}
		}
	}
	return s.prune(keepOf(keep))
}

// prune removes, under the lock, the generations past the keep newest that
// are neither current nor the rollback target nor served.
func (s *Store) prune(keep int) ([]Generation, error) {
	cur, err := s.Current()
	if err != nil {
		return nil, err
	}
	target, err := s.rollbackTarget(cur)
	if err != nil {
		return nil, err
	}
	gens, err := s.Generations()
	if err != nil {
		return nil, err
	}
	kept := map[Generation]bool{cur: true}
	if target != 0 {
		kept[target] = true
	}
	for i := len(gens) - 1; i >= 0 && len(kept) < keep; i-- {
		kept[gens[i]] = true
	}
	var removed []Generation
	var errs []error
	for _, g := range gens {
		if kept[g] {
			continue
		}
		ok, err := s.retire(g)
		if err != nil {
			errs = append(errs, fmt.Errorf("remove %s: %w", g, err))
		}
		if ok {
			removed = append(removed, g)
		}
	}
	return removed, errors.Join(errs...)
}

// lock takes the store's lock, so that two builds or switches never run at
// once; it fails with ErrBusy rather than wait.
func (s *Store) lock() (func(), error) {
	f, err := os.OpenFile(filepath.Join(s.dir, lockFile), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w (%s is locked)", ErrBusy, f.Name())
		}
		return nil, err
	}
	// Closing the file releases the lock.
	return func() { f.Close() }, nil
}

// builtAt is when a generation's directory was made, for generations the
// history does not know.
func (s *Store) builtAt(gen Generation) time.Time {
	info, err := os.Stat(s.Path(gen))
	if err != nil {
		return time.Time{}
	}
	return info.ModTime().UTC()
}
