package web

import (
	"net/url"
	"testing"
)

// BenchmarkHandler times the search API through the whole Gin handler.
func BenchmarkHandler(b *testing.B) {
	s := newTestServer(b)
	target := "/api/v1/search?q=" + url.QueryEscape("జపాన్ రష్యా")
	b.ReportAllocs()
	for b.Loop() {
		if rec := get(b, s, target); rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
