// Package indextest holds what tests of more than one package need to
// look at an index folder on disk.
package indextest

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// SegmentFiles counts Bleve's segment files under dir.
func SegmentFiles(t testing.TB, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".zap") {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
