package web

import (
	"bufio"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// Keys are the API keys a server accepts, each with a name that logs and
// metrics carry in its place (who wrote what). Only hashes of the keys
// are kept; a presented key is compared with every one in constant time.
type Keys struct {
	names  []string
	hashes [][sha256.Size]byte
}

// minKeyBytes is the shortest key accepted: one a client can guess is no
// key.
const minKeyBytes = 16

var keyName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// LoadKeys reads a keys file: name:key a line; blank lines and lines
// starting with # are skipped. The file must be readable by its owner
// alone.
func LoadKeys(path string) (*Keys, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("%s can be read by others (mode %04o): keys must be secret; chmod 600 %s", path, perm, path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	k := &Keys{}
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		name, key, ok := strings.Cut(text, ":")
		name, key = strings.TrimSpace(name), strings.TrimSpace(key)
		switch {
		case !ok:
			return nil, fmt.Errorf("%s:%d: want name:key", path, line)
		case !keyName.MatchString(name):
			return nil, fmt.Errorf("%s:%d: the name must be 1 to 64 of [A-Za-z0-9._-]", path, line)
		case len(key) < minKeyBytes:
			return nil, fmt.Errorf("%s:%d: the key of %s is shorter than %d bytes", path, line, name, minKeyBytes)
		}
		if err := k.Add(name, key); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(k.names) == 0 {
		return nil, fmt.Errorf("%s has no keys", path)
	}
	return k, nil
}

// Add accepts key under name.
func (k *Keys) Add(name, key string) error {
	for _, n := range k.names {
		if n == name {
			return fmt.Errorf("the name %s is used twice", name)
		}
	}
	k.names = append(k.names, name)
	k.hashes = append(k.hashes, sha256.Sum256([]byte(key)))
	return nil
}

// Len returns the number of keys.
func (k *Keys) Len() int {
	if k == nil {
		return 0
	}
	return len(k.names)
}

// Match returns the name of the key that key is, comparing it with every
// key in constant time.
func (k *Keys) Match(key string) (string, bool) {
	if k == nil {
		return "", false
	}
	h := sha256.Sum256([]byte(key))
	found := -1
	for i, kh := range k.hashes {
		if subtle.ConstantTimeCompare(h[:], kh[:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return "", false
	}
	return k.names[found], true
}

// failures slows down guessing: an address whose keys were wrong
// maxFailures times within failureWindow is refused (429) until the window
// it started ends.
type failures struct {
	mu    sync.Mutex
	addrs map[string]*failureCount
	now   func() time.Time
}

type failureCount struct {
	n     int
	since time.Time
}

const (
	maxFailures   = 10
	failureWindow = time.Minute
	maxTracked    = 100_000 // addresses remembered at once
)

func newFailures() *failures {
	return &failures{addrs: map[string]*failureCount{}, now: time.Now}
}

// blocked returns how long addr must wait, or 0.
func (f *failures) blocked(addr string) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.addrs[addr]
	if c == nil {
		return 0
	}
	left := failureWindow - f.now().Sub(c.since)
	if left <= 0 {
		delete(f.addrs, addr)
		return 0
	}
	if c.n < maxFailures {
		return 0
	}
	return left
}

// fail counts a wrong key from addr.
func (f *failures) fail(addr string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	c := f.addrs[addr]
	if c == nil || now.Sub(c.since) >= failureWindow {
		if len(f.addrs) >= maxTracked {
			for a, old := range f.addrs {
				if now.Sub(old.since) >= failureWindow {
					delete(f.addrs, a)
				}
			}
		}
		c = &failureCount{since: now}
		f.addrs[addr] = c
	}
	c.n++
}

// keyNameKey is where a request keeps the name of the key it came with.
const keyNameKey = "pressearch.key"

// Codes of the errors of keys.
const (
	codeWritesDisabled = "writes_disabled"
	codeUnauthorized   = "unauthorized"
	codeTooManyTries   = "too_many_attempts"
)

// errNoKey and errWrongKey are why a request that needs a key has none.
var (
	errNoKey    = errors.New("no key")
	errWrongKey = errors.New("wrong key")
)

// presented returns the key a request carries: a bearer token, or for a
// browser the password of basic authentication.
func presented(c *gin.Context) (string, bool) {
	h := c.GetHeader("Authorization")
	scheme, value, ok := strings.Cut(h, " ")
	if !ok {
		return "", false
	}
	switch strings.ToLower(scheme) {
	case "bearer":
		return strings.TrimSpace(value), true
	case "basic":
		if _, pass, ok := c.Request.BasicAuth(); ok {
			return pass, true
		}
	}
	return "", false
}

// authenticate checks the key of a request against keys (one of them must
// match) and records its name. It answers the request itself, and returns
// false, when the key is missing or wrong or the address has guessed too
// often.
func (s *Server) authenticate(c *gin.Context, keys ...*Keys) bool {
	addr := c.ClientIP()
	if wait := s.failures.blocked(addr); wait > 0 {
		c.Header("Retry-After", strconv.Itoa(int(wait.Seconds()+0.999)))
		s.failStatus(c, http.StatusTooManyRequests, codeTooManyTries, "too many wrong keys from this address; try again later")
		return false
	}
	key, ok := presented(c)
	if ok {
		for _, k := range keys {
			if name, ok := k.Match(key); ok {
				c.Set(keyNameKey, name)
				return true
			}
		}
		s.failures.fail(addr)
		s.metrics.authFailures.Inc()
	}
	challenge := `Bearer realm="pressearch"`
	msg := "this needs a key: send Authorization: Bearer KEY"
	if ok {
		challenge += `, error="invalid_token"`
		msg = "the key is not one this server accepts"
	}
	if !wantsJSON(c) {
		challenge = `Basic realm="pressearch", charset="UTF-8"` // a browser asks for the key as a password
	}
	c.Header("WWW-Authenticate", challenge)
	s.failStatus(c, http.StatusUnauthorized, codeUnauthorized, msg)
	return false
}

// requireWriteKey lets a request on only with a write key; with none
// configured, writes answer 403 saying how to enable them.
func (s *Server) requireWriteKey(c *gin.Context) {
	if key, ok := presented(c); ok && s.writer != nil {
		if name, ok := s.localKey.Match(key); ok {
			c.Set(keyNameKey, name)
			c.Next()
			return
		}
	}
	if s.writer == nil || s.writeKeys.Len() == 0 {
		s.failStatus(c, http.StatusForbidden, codeWritesDisabled,
			"writes are disabled on this server: start it with --api-keys FILE (name:key lines, the file readable by its owner alone) or with PRESSEARCH_API_KEY set")
		return
	}
	if s.authenticate(c, s.writeKeys) {
		c.Next()
	}
}

// requireReadKey lets a read on only with a read or write key, where the
// server asks for keys on reads.
func (s *Server) requireReadKey(c *gin.Context) {
	if s.readKeys.Len() == 0 || s.authenticate(c, s.readKeys, s.writeKeys, s.localKey) {
		c.Next()
	}
}

// keyName returns the name of the key the request came with, or "".
func requestKey(c *gin.Context) string {
	if v, ok := c.Get(keyNameKey); ok {
		return v.(string)
	}
	return ""
}
