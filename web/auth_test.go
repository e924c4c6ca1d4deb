package web

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A keys file is name:key a line, readable by its owner alone; each
// mistake is refused with its line.
func TestLoadKeys(t *testing.T) {
	for _, tt := range []struct {
		name, text string
		mode       os.FileMode
		want       string // "" for success
	}{
		{"two keys and a comment", "# office\npress:key-of-the-press-0001\n\nnewsroom : key-of-the-newsroom-02\n", 0o600, ""},
		{"readable by its group", "press:key-of-the-press-0001\n", 0o640, "chmod 600"},
		{"readable by all", "press:key-of-the-press-0001\n", 0o604, "can be read by others"},
		{"no colon", "press key-of-the-press-0001\n", 0o600, ":1: want name:key"},
		{"a bad name", "# x\npress office:key-of-the-press-0001\n", 0o600, ":2: the name must be"},
		{"a short key", "press:short\n", 0o600, "shorter than 16 bytes"},
		{"a name twice", "press:key-of-the-press-0001\npress:key-of-the-press-0002\n", 0o600, ":2: the name press is used twice"},
		{"no keys", "# nothing\n", 0o600, "has no keys"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "keys")
			if err := os.WriteFile(p, []byte(tt.text), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, tt.mode); err != nil {
				t.Fatal(err)
			}
			k, err := LoadKeys(p)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if name, ok := k.Match("key-of-the-newsroom-02"); !ok || name != "newsroom" {
					t.Errorf("Match: %q %v", name, ok)
				}
				if _, ok := k.Match("key-of-the-newsroom-0"); ok {
					t.Error("a prefix of a key matches")
				}
				if k.Len() != 2 {
					t.Errorf("%d keys", k.Len())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "key-of-the-press") {
				t.Errorf("the error shows the key: %v", err)
			}
		})
	}
}

// Ten wrong keys from one address within a minute block it until the
// minute ends; other addresses are not blocked.
func TestFailuresSlowGuessing(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	f := newFailures()
	f.now = func() time.Time { return now }
	for i := 0; i < maxFailures-1; i++ {
		f.fail("10.0.0.1")
	}
	if w := f.blocked("10.0.0.1"); w != 0 {
		t.Errorf("blocked after %d failures: %s", maxFailures-1, w)
	}
	f.fail("10.0.0.1")
	now = now.Add(20 * time.Second)
	if w := f.blocked("10.0.0.1"); w != 40*time.Second {
		t.Errorf("after %d failures: wait %s, want 40s", maxFailures, w)
	}
	if w := f.blocked("10.0.0.2"); w != 0 {
		t.Errorf("another address is blocked: %s", w)
	}
	now = now.Add(40 * time.Second)
	if w := f.blocked("10.0.0.1"); w != 0 {
		t.Errorf("still blocked once the minute ended: %s", w)
	}
	// A new window starts from nothing.
	f.fail("10.0.0.1")
	if w := f.blocked("10.0.0.1"); w != 0 {
		t.Errorf("blocked after one failure in a new window: %s", w)
	}
}
