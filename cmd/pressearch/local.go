package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"pressearch/indexer"
)

// serverFile is the file of a data directory that tells the commands run
// beside a running serve where it answers and the key they write with. It
// is readable by the owner of the data directory alone, who can write the
// index anyway.
const serverFile = "SERVER"

// serverInfo is what serverFile holds.
type serverInfo struct {
	URL string `json:"url"`
	PID int    `json:"pid"`
	Key string `json:"key"`
	// Backend is where the collection it serves lives, and for
	// OpenSearch under which alias: "" (Bleve) or "opensearch ALIAS".
	Backend string `json:"backend,omitempty"`
}

// newLocalKey returns a random key for the commands of this machine.
func newLocalKey() string {
	var b [32]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// localURL is the address a command on this machine reaches a server
// listening on addr at.
func localURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func writeServerInfo(dir string, info serverInfo) error {
	raw, err := json.Marshal(info)
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, serverFile+".tmp")
	if err := os.WriteFile(tmp, raw, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, serverFile))
}

func readServerInfo(dir string) (*serverInfo, error) {
	raw, err := os.ReadFile(filepath.Join(dir, serverFile))
	if err != nil {
		return nil, err
	}
	var info serverInfo
	if err := json.Unmarshal(raw, &info); err != nil {
		return nil, fmt.Errorf("%s: %w", serverFile, err)
	}
	return &info, nil
}

// runningServer returns the serve that writes store, or nil where none
// does (no process holds the writer lock, or a command does).
func runningServer(store *indexer.Store) (*serverInfo, error) {
	unlock, err := store.LockWriter()
	if err == nil {
		unlock()
		return nil, nil
	}
	if !errors.Is(err, indexer.ErrWriterBusy) {
		return nil, err
	}
	info, err := readServerInfo(store.Dir())
	if err != nil {
		return nil, nil
	}
	return info, nil
}

// client talks to a running server's API.
type client struct {
	base string
	key  string
	http *http.Client
}

func newClient(base, key string) *client {
	return &client{base: strings.TrimRight(base, "/"), key: key, http: &http.Client{Timeout: 6 * time.Hour}}
}

// apiError is an error answer of the API.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%s (HTTP %d %s)", e.Message, e.Status, e.Code)
}

// do sends a request and decodes a 2xx answer into out; an error answer
// is an *apiError, with the answer's body decoded into out too when it is
// JSON of that shape (a bulk answer).
func (c *client) do(ctx context.Context, method, path string, body []byte, out any) error {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		return err
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-ndjson")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 == 2 {
		if out == nil {
			return nil
		}
		return json.Unmarshal(raw, out)
	}
	if out != nil {
		json.Unmarshal(raw, out)
	}
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(raw, &e) != nil || e.Error.Message == "" {
		e.Error.Message = strings.TrimSpace(string(raw))
	}
	return &apiError{Status: resp.StatusCode, Code: e.Error.Code, Message: e.Error.Message}
}
