package indexer

import (
	"context"
	"errors"
	"math/rand"
	"os"
	"sync"
	"testing"
	"time"

	"pressearch/corpus"
)

func liveStore(t *testing.T, docs []corpus.Document) (*Store, *Live) {
	t.Helper()
	s, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sum, err := s.Build(context.Background(), docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := s.LockWriter()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unlock)
	l, err := s.OpenLive(sum.Generation)
	if err != nil {
		t.Fatal(err)
	}
	return s, l
}

// One process writes a store at a time.
func TestWriterLock(t *testing.T) {
	s, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := s.LockWriter()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.LockWriter(); !errors.Is(err, ErrWriterBusy) {
		t.Errorf("second lock: %v, want ErrWriterBusy", err)
	}
	unlock()
	again, err := s.LockWriter()
	if err != nil {
		t.Errorf("lock after unlock: %v", err)
	} else {
		again()
	}
}

// A rebuild of the live collection from its stored documents, with writes
// going on all along, ends with a current generation that has every write,
// as a fresh build of the resulting collection does; the old generation
// refuses writes from then on.
func TestRebuildKeepsWritesMadeMeanwhile(t *testing.T) {
	pool, c := defaultCollection(t, 4)
	s, l := liveStore(t, c.docs())
	m := &mutator{rng: rand.New(rand.NewSource(3)), pool: pool, now: time.Now()}
	var mu sync.Mutex // guards c and cur
	cur := l
	write := func() error {
		mu.Lock()
		defer mu.Unlock()
		actions := m.actions(c)
		out, err := cur.Apply(context.Background(), actions, WriteOptions{Writer: "test"})
		if err != nil {
			return err
		}
		applyModel(c, actions, out)
		return nil
	}
	for i := 0; i < 10; i++ {
		if err := write(); err != nil {
			t.Fatal(err)
		}
	}
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		n := 0
		for {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if err := write(); errors.Is(err, ErrClosed) {
				// The rebuild switched: writes go to the new generation.
				mu.Lock()
				if cur == l {
					mu.Unlock()
					continue
				}
				mu.Unlock()
			} else if err != nil {
				done <- err
				return
			}
			n++
		}
	}()
	next, sum, err := s.Rebuild(context.Background(), l, nil)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	cur = next
	mu.Unlock()
	for i := 0; i < 5; i++ {
		if err := write(); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if g, _ := s.Current(); g != sum.Generation || g != next.Generation() {
		t.Errorf("current %s, rebuilt %s", g, sum.Generation)
	}
	if _, err := l.Apply(context.Background(), nil, WriteOptions{}); !errors.Is(err, ErrClosed) {
		t.Errorf("a write to the old generation: %v, want ErrClosed", err)
	}
	l.Close()
	defer next.Close()
	mu.Lock()
	defer mu.Unlock()
	sameAsFreshBuild(t, next, c)
}

// Dropped counts the documents written through the API that a generation
// built from files would lose: those it lacks and those it has otherwise.
func TestDroppedCountsAPIWrites(t *testing.T) {
	pool, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	var base []corpus.Document
	for _, d := range pool[:3] {
		d.Related, d.TranslationOf = nil, ""
		base = append(base, d)
	}
	s, l := liveStore(t, base)
	defer l.Close()
	added := pool[4]
	added.Related, added.TranslationOf = nil, ""
	changed := base[0]
	changed.Title = "Corrected title"
	kept := pool[5]
	kept.Related, kept.TranslationOf = nil, ""
	actions := []corpus.Action{{Line: 1, Doc: &added}, {Line: 2, Doc: &changed}, {Line: 3, Doc: &kept}}
	if _, err := l.Apply(context.Background(), actions, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	// The files: the original three and, as written, the third API one.
	files := append(append([]corpus.Document(nil), base...), kept)
	for i := range files {
		corpusValidate(&files[i])
	}
	sum, err := s.Prepare(context.Background(), Slice(files), BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	next, err := OpenIndex(s.Path(sum.Generation))
	if err != nil {
		t.Fatal(err)
	}
	defer next.Close()
	n, err := Dropped(context.Background(), l.Index(), next)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("dropped %d, want 2 (one missing, one changed)", n)
	}
}

// A reader of a store whose writer died applies the writes the log holds
// first, and sees every acknowledged write.
func TestOpenAppliesTheLogOfADeadWriter(t *testing.T) {
	pool, err := corpus.Default()
	if err != nil {
		t.Fatal(err)
	}
	s, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	base := pool[:2]
	for i := range base {
		base[i].Related, base[i].TranslationOf = nil, ""
	}
	sum, err := s.Build(context.Background(), base, nil)
	if err != nil {
		t.Fatal(err)
	}
	unlock, _ := s.LockWriter()
	l, err := s.OpenLive(sum.Generation)
	if err != nil {
		t.Fatal(err)
	}
	d := pool[6]
	d.Related, d.TranslationOf = nil, ""
	if _, err := l.Apply(context.Background(), []corpus.Action{{Line: 1, Doc: &d}}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	// The writer dies before Bleve persists the write: the index as it
	// was built, the log with the write.
	l.abandon()
	unlock()
	rewindIndex(t, s.Path(sum.Generation), base)

	idx, err := s.Open(sum.Generation)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if doc, err := idx.Document(d.ID); err != nil || doc == nil {
		t.Errorf("the acknowledged write is missing after recovery: %v", err)
	}
}

// rewindIndex puts back the index at dir as a build of docs made it,
// keeping its log: the state a writer leaves when it dies before Bleve
// persists anything.
func rewindIndex(t *testing.T, dir string, docs []corpus.Document) {
	t.Helper()
	tmp := t.TempDir() + "/fresh"
	if _, err := BuildIndex(context.Background(), tmp, docs, Config{}, nil); err != nil {
		t.Fatal(err)
	}
	wal := t.TempDir() + "/wal"
	copyDir(t, dir+"/"+walDir, wal)
	if err := removeAll(dir); err != nil {
		t.Fatal(err)
	}
	copyDir(t, tmp, dir)
	copyDir(t, wal, dir+"/"+walDir)
	if err := touch(dir + "/" + liveMarker); err != nil {
		t.Fatal(err)
	}
}

func removeAll(dir string) error { return os.RemoveAll(dir) }

func touch(path string) error { return os.WriteFile(path, nil, 0o600) }
