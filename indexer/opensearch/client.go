// Package opensearch keeps pressearch's index on an OpenSearch cluster: the
// index settings and mapping, documents sent as the tokens pressearch's own
// analyzers make, generations as indices behind an alias, and the HTTP
// client that talks to the cluster. Analysis stays in Go: OpenSearch only
// splits the tokens it is given on whitespace.
package opensearch

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// Environment variables a Config is read from besides the URL.
const (
	EnvURL      = "PRESSEARCH_OPENSEARCH_URL"
	EnvUser     = "PRESSEARCH_OPENSEARCH_USER"
	EnvPassword = "PRESSEARCH_OPENSEARCH_PASSWORD"
	EnvCACert   = "PRESSEARCH_OPENSEARCH_CA_CERT"
	EnvIndex    = "PRESSEARCH_OPENSEARCH_INDEX"
)

// DefaultIndex is the alias searches go through when none is named.
const DefaultIndex = "pressearch"

// Config says how to reach a cluster and which alias to use.
type Config struct {
	// URLs are one or more nodes, http:// or https://; requests go to
	// each in turn and move on from one that does not answer.
	URLs []string
	// Index is the alias the collection is searched under; its generations
	// are the indices Index-gen-000001, Index-gen-000002, ...
	Index string
	// Username and Password are sent with HTTP basic authentication when
	// Username is set.
	Username, Password string
	// CACert is a PEM file of the certificate authorities to trust for
	// https, besides the system's.
	CACert string
}

// ConfigFrom returns the Config for urls (comma-separated) with the rest
// read from the environment: PRESSEARCH_OPENSEARCH_USER and _PASSWORD,
// _CA_CERT and _INDEX. An empty urls reads PRESSEARCH_OPENSEARCH_URL.
// Credentials in a URL (https://user:pass@host) count too, so that a
// password need not be given on a command line.
func ConfigFrom(urls string) Config {
	if urls == "" {
		urls = os.Getenv(EnvURL)
	}
	c := Config{
		Index:    os.Getenv(EnvIndex),
		Username: os.Getenv(EnvUser),
		Password: os.Getenv(EnvPassword),
		CACert:   os.Getenv(EnvCACert),
	}
	for _, u := range strings.Split(urls, ",") {
		if u = strings.TrimSpace(u); u != "" {
			c.URLs = append(c.URLs, u)
		}
	}
	return c
}

// Client sends requests to a cluster, retrying with backoff on another
// node when one does not answer or the cluster is not ready.
type Client struct {
	nodes []*url.URL
	// down holds, for each node, until when (unix nanoseconds) it is
	// passed over after it failed to answer.
	down       []atomic.Int64
	http       *http.Client
	user, pass string
	next       atomic.Uint32
	// Retries is how many times a request is tried again after a node
	// failed to answer or answered that it cannot now (429, 502, 503,
	// 504), with a backoff doubling from Backoff; the request's context
	// bounds it too.
	Retries int
	Backoff time.Duration
}

// NewClient returns a client for the nodes of c.
func NewClient(c Config) (*Client, error) {
	if len(c.URLs) == 0 {
		return nil, fmt.Errorf("no OpenSearch URL: give --opensearch-url or set %s", EnvURL)
	}
	cl := &Client{Retries: 8, Backoff: 50 * time.Millisecond, user: c.Username, pass: c.Password}
	for _, raw := range c.URLs {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("bad OpenSearch URL %q: want http://host:port or https://host:port", raw)
		}
		if u.User != nil && cl.user == "" {
			cl.user = u.User.Username()
			cl.pass, _ = u.User.Password()
		}
		u.User = nil
		u.Path = strings.TrimSuffix(u.Path, "/")
		cl.nodes = append(cl.nodes, u)
	}
	cl.down = make([]atomic.Int64, len(cl.nodes))
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	tr.DialContext = (&net.Dialer{Timeout: 2 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	if c.CACert != "" {
		pem, err := os.ReadFile(c.CACert)
		if err != nil {
			return nil, fmt.Errorf("OpenSearch CA certificate: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("OpenSearch CA certificate %s: no PEM certificate in it", c.CACert)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	cl.http = &http.Client{Transport: tr}
	return cl, nil
}

// Error is an answer of the cluster that is not a success.
type Error struct {
	Status int
	// Type and Reason are OpenSearch's own words for it, where it gave
	// them (index_not_found_exception, ...).
	Type, Reason string
}

func (e *Error) Error() string {
	if e.Type != "" {
		return fmt.Sprintf("OpenSearch answered %d: %s: %s", e.Status, e.Type, e.Reason)
	}
	return fmt.Sprintf("OpenSearch answered %d", e.Status)
}

// IsNotFound reports whether err is OpenSearch's 404.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusNotFound
}

// IsConflict reports whether err is OpenSearch refusing a write made on
// a version of a document that another has changed since.
func IsConflict(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusConflict
}

// retryable reports whether a request that failed with err may succeed on
// another node or a moment later.
func retryable(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		switch e.Status {
		case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
		return false
	}
	var pf *partialError
	var un *unreachableError
	return errors.As(err, &pf) || errors.As(err, &un)
}

// unreachableError is a request that got no whole answer from a node:
// refused, reset, cut short.
type unreachableError struct {
	node string
	err  error
}

func (e *unreachableError) Error() string { return fmt.Sprintf("OpenSearch at %s: %v", e.node, e.err) }
func (e *unreachableError) Unwrap() error { return e.err }

// partialError is a search answered by only some shards: a node holding a
// shard went away and the cluster has not yet moved on to another copy.
type partialError struct{ failed int }

func (e *partialError) Error() string {
	return fmt.Sprintf("%d shards of the index did not answer", e.failed)
}

// ndjson is a request body sent as it is, as newline-delimited JSON.
type ndjson []byte

// Do sends one request and decodes the JSON answer into out (when not
// nil). body is marshalled as JSON, or sent as it is when it is ndjson.
// A request that gets no answer or a 429/502/503/504 is retried on the
// next node with a growing backoff, until Retries or ctx runs out.
func (c *Client) Do(ctx context.Context, method, path string, body, out any) error {
	var payload []byte
	contentType := "application/json"
	switch b := body.(type) {
	case nil:
	case ndjson:
		payload, contentType = b, "application/x-ndjson"
	default:
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return err
		}
	}
	wait := c.Backoff
	var err error
	for attempt := 0; ; attempt++ {
		err = c.once(ctx, method, path, payload, contentType, out)
		if err == nil || !retryable(err) || attempt >= c.Retries || ctx.Err() != nil {
			break
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (after: %v)", ctx.Err(), err)
		case <-t.C:
		}
		wait = min(2*wait, 2*time.Second)
	}
	return err
}

// downFor is how long a node that did not answer is passed over.
const downFor = 2 * time.Second

// pick returns the next node in turn that has not failed lately, or, when
// every node has, the one that failed longest ago.
func (c *Client) pick() int {
	now := time.Now().UnixNano()
	start := int(c.next.Add(1)-1) % len(c.nodes)
	best := start
	for k := range len(c.nodes) {
		i := (start + k) % len(c.nodes)
		until := c.down[i].Load()
		if until <= now {
			return i
		}
		if until < c.down[best].Load() {
			best = i
		}
	}
	return best
}

// once sends a request to the next node in turn.
func (c *Client) once(ctx context.Context, method, path string, payload []byte, contentType string, out any) error {
	i := c.pick()
	node := c.nodes[i]
	err := c.send(ctx, node, method, path, payload, contentType, out)
	var un *unreachableError
	if errors.As(err, &un) && ctx.Err() == nil {
		c.down[i].Store(time.Now().Add(downFor).UnixNano())
	}
	return err
}

// send sends a request to one node.
func (c *Client) send(ctx context.Context, node *url.URL, method, path string, payload []byte, contentType string, out any) error {
	u := node.String() + path
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	if payload != nil {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	if c.user != "" {
		req.SetBasicAuth(c.user, c.pass)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return &unreachableError{node: node.Host, err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return &unreachableError{node: node.Host, err: err}
	}
	if resp.StatusCode >= 300 {
		e := &Error{Status: resp.StatusCode}
		var answer struct {
			Error json.RawMessage `json:"error"`
		}
		if json.Unmarshal(raw, &answer) == nil && len(answer.Error) > 0 {
			var cause struct {
				Type   string `json:"type"`
				Reason string `json:"reason"`
			}
			if json.Unmarshal(answer.Error, &cause) == nil {
				e.Type, e.Reason = cause.Type, cause.Reason
			} else {
				e.Reason = strings.Trim(string(answer.Error), `"`)
			}
		}
		return e
	}
	if searches(path) {
		if n := shardFailures(raw); n > 0 {
			return &partialError{failed: n}
		}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("OpenSearch at %s: reading its answer: %w", node.Host, err)
	}
	return nil
}

// searches reports whether a request path reads documents from shards,
// whose answer may come from only some of them.
func searches(path string) bool {
	p, _, _ := strings.Cut(path, "?")
	return strings.HasSuffix(p, "/_search") || strings.HasSuffix(p, "/_msearch") || strings.HasSuffix(p, "/_count")
}

// shardFailures counts the shards that did not answer a search (or each
// search of a multi-search).
func shardFailures(raw []byte) int {
	type shards struct {
		Shards struct {
			Failed int `json:"failed"`
		} `json:"_shards"`
	}
	var ans struct {
		shards
		Responses []shards `json:"responses"`
	}
	if json.Unmarshal(raw, &ans) != nil {
		return 0
	}
	n := ans.Shards.Failed
	for _, r := range ans.Responses {
		n += r.Shards.Failed
	}
	return n
}
