package indexer

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"pressearch/corpus"
)

// walDir is the directory of a generation that holds its write-ahead log.
const walDir = "wal"

// walFileBytes is the size past which the log goes on in a new file, so
// that the files the index has persisted can be removed whole.
const walFileBytes = 64 << 20

// walRecord is one write to the live collection, as the log keeps it: what
// was applied, in order, and what it changed in completion.
type walRecord struct {
	Seq     uint64        `json:"seq"`
	Time    time.Time     `json:"time"`
	Writer  string        `json:"writer,omitempty"` // the name of the key that wrote it
	Actions []walAction   `json:"actions"`
	Suggest *suggestDelta `json:"suggest,omitempty"`
}

// walAction is a document written or the id of one deleted.
type walAction struct {
	Doc    *corpus.Document `json:"doc,omitempty"`
	Delete string           `json:"delete,omitempty"`
	API    bool             `json:"api,omitempty"` // written through the documents API

	raw []byte // the action encoded already, where it was (see encodeRecord)
}

// wal is a generation's write-ahead log. A write is appended and synced
// before it is applied to the index, so that one acknowledged survives any
// crash; at open, the writes the index had not yet persisted are applied
// again. Each record is its length and CRC-32C (4 bytes each, little
// endian), then the record in JSON; files are named by the sequence number
// of their first record.
type wal struct {
	dir  string
	f    *os.File // the file appended to; nil until the first append
	size int64
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

func openWAL(genDir string) (*wal, error) {
	dir := filepath.Join(genDir, walDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return &wal{dir: dir}, nil
}

// walFile is one file of the log.
type walFile struct {
	path  string
	first uint64
}

func (w *wal) files() ([]walFile, error) {
	entries, err := os.ReadDir(w.dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []walFile
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".log")
		if !ok {
			continue
		}
		first, err := strconv.ParseUint(name, 10, 64)
		if err != nil {
			continue
		}
		out = append(out, walFile{path: filepath.Join(w.dir, e.Name()), first: first})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].first < out[j].first })
	return out, nil
}

// read calls f with every record after seq, in order. A record cut short or
// damaged at the very end of the last file is a write that was never
// acknowledged: where repair is set (at open, the process that appended it
// having died) it is cut off; otherwise (the log is being appended to) it
// ends the reading. One anywhere else is an error.
func (w *wal) read(after uint64, repair bool, f func(*walRecord) error) error {
	files, err := w.files()
	if err != nil {
		return err
	}
	for i, file := range files {
		if i+1 < len(files) && files[i+1].first <= after+1 {
			continue // every record of this file is at or before after
		}
		last := i == len(files)-1
		if err := readWALFile(file.path, last, repair, func(r *walRecord) error {
			if r.Seq <= after {
				return nil
			}
			return f(r)
		}); err != nil {
			return err
		}
	}
	return nil
}

func readWALFile(path string, last, repair bool, f func(*walRecord) error) error {
	flag := os.O_RDONLY
	if repair && last {
		flag = os.O_RDWR
	}
	file, err := os.OpenFile(path, flag, 0)
	if err != nil {
		return err
	}
	defer file.Close()
	var off int64
	var head [8]byte
	for {
		_, err := io.ReadFull(file, head[:])
		if err == io.EOF {
			return nil
		}
		n := binary.LittleEndian.Uint32(head[:4])
		var payload []byte
		if err == nil {
			payload = make([]byte, n)
			_, err = io.ReadFull(file, payload)
		}
		if err == nil && crc32.Checksum(payload, crcTable) != binary.LittleEndian.Uint32(head[4:]) {
			err = errors.New("checksum mismatch")
		}
		var r walRecord
		if err == nil {
			err = json.Unmarshal(payload, &r)
		}
		if err != nil {
			if !last {
				return fmt.Errorf("write-ahead log %s is damaged at byte %d: %v", filepath.Base(path), off, err)
			}
			// The tail of a write that was never acknowledged.
			if !repair {
				return nil
			}
			if err := file.Truncate(off); err != nil {
				return err
			}
			return file.Sync()
		}
		if err := f(&r); err != nil {
			return err
		}
		off += 8 + int64(n)
	}
}

// append writes recs at the end of the log and syncs it once. It returns
// the offset the first starts at, for truncate.
func (w *wal) append(recs ...*walRecord) (int64, error) {
	var buf []byte
	for _, r := range recs {
		payload, err := encodeRecord(r)
		if err != nil {
			return 0, err
		}
		buf = binary.LittleEndian.AppendUint32(buf, uint32(len(payload)))
		buf = binary.LittleEndian.AppendUint32(buf, crc32.Checksum(payload, crcTable))
		buf = append(buf, payload...)
	}
	if w.f == nil || w.size >= walFileBytes {
		if err := w.rotate(recs[0].Seq); err != nil {
			return 0, err
		}
	}
	off := w.size
	if _, err := w.f.Write(buf); err != nil {
		w.f.Truncate(off)
		return 0, err
	}
	if err := w.f.Sync(); err != nil {
		return 0, err
	}
	w.size += int64(len(buf))
	return off, nil
}

// truncate takes back the record appended at off, whose write failed.
func (w *wal) truncate(off int64) error {
	if err := w.f.Truncate(off); err != nil {
		return err
	}
	w.size = off
	return w.f.Sync()
}

// rotate starts a new file whose first record is seq.
func (w *wal) rotate(seq uint64) error {
	if w.f != nil {
		if err := w.f.Close(); err != nil {
			return err
		}
		w.f = nil
	}
	f, err := os.OpenFile(filepath.Join(w.dir, fmt.Sprintf("%020d.log", seq)), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	if err := syncDir(w.dir); err != nil {
		f.Close()
		return err
	}
	w.f, w.size = f, info.Size()
	return nil
}

// release removes the files whose every record is at or before seq: the
// index and the suggestion file have what they hold. The file appended to
// stays.
func (w *wal) release(seq uint64) error {
	files, err := w.files()
	if err != nil {
		return err
	}
	for i := 0; i+1 < len(files); i++ {
		if files[i+1].first > seq+1 {
			break
		}
		if err := os.Remove(files[i].path); err != nil {
			return err
		}
	}
	return nil
}

// reset removes every file: everything the log held is in the index and
// the suggestion file.
func (w *wal) reset() error {
	if w.f != nil {
		w.f.Close()
		w.f = nil
	}
	files, err := w.files()
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := os.Remove(f.path); err != nil {
			return err
		}
	}
	return syncDir(w.dir)
}

func (w *wal) close() error {
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}
