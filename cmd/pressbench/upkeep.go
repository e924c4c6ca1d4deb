package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// upkeep is what serve's /metrics says of the upkeep of the index it
// serves: its segments, Bleve's merges, the refreshes of writes.
type upkeep struct {
	segments, merges, mergeSeconds, refreshes, refreshSeconds float64
	host                                                      machine // read beside them
}

// readUpkeep reads serve's upkeep from its metrics.
func readUpkeep(base string) (upkeep, error) {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return upkeep{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return upkeep{}, fmt.Errorf("/metrics: status %d", resp.StatusCode)
	}
	u, err := parseUpkeep(resp.Body)
	u.host = readMachine()
	return u, err
}

// parseUpkeep reads the upkeep from metrics in Prometheus' text format.
func parseUpkeep(r io.Reader) (upkeep, error) {
	var u upkeep
	fields := map[string]*float64{
		"pressearch_index_segments":              &u.segments,
		"pressearch_index_merges_total":          &u.merges,
		"pressearch_index_merge_seconds_total":   &u.mergeSeconds,
		"pressearch_index_refreshes_total":       &u.refreshes,
		"pressearch_index_refresh_seconds_total": &u.refreshSeconds,
	}
	found := 0
	lines := bufio.NewScanner(r)
	for lines.Scan() {
		name, value, ok := strings.Cut(lines.Text(), " ")
		f := fields[name]
		if !ok || f == nil {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return upkeep{}, fmt.Errorf("%s: %w", name, err)
		}
		*f = v
		found++
	}
	if err := lines.Err(); err != nil {
		return upkeep{}, err
	}
	if found != len(fields) {
		return upkeep{}, fmt.Errorf("/metrics has %d of the %d figures of the index's upkeep", found, len(fields))
	}
	return u, nil
}

// since says what the upkeep did between before and u.
func (u upkeep) since(before upkeep) string {
	return fmt.Sprintf("Bleve merges %.0f (%.2f s), refreshes %.0f (%.2f s), %.0f -> %.0f segments",
		u.merges-before.merges, u.mergeSeconds-before.mergeSeconds,
		u.refreshes-before.refreshes, u.refreshSeconds-before.refreshSeconds, before.segments, u.segments) +
		u.host.since(before.host)
}
