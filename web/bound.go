package web

import (
	"fmt"
	"runtime"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"pressearch/search"
)

// Option changes how a Server works.
type Option func(*Server)

// MaxSearches bounds the searches the server runs at once; n <= 0 keeps the
// default, DefaultMaxSearches.
func MaxSearches(n int) Option {
	return func(s *Server) {
		if n > 0 {
			s.slots = make(chan struct{}, n)
		}
	}
}

// DefaultMaxSearches is how many searches a server runs at once unless told
// otherwise: twice the cores, enough to keep them busy while some searches
// wait on the disk, few enough that each finishes in its time.
func DefaultMaxSearches() int { return 2 * runtime.NumCPU() }

// search runs one search in one of the server's slots. A search past the
// bound waits for a slot until the request's deadline, then answers
// unavailable (503 with Retry-After).
func (s *Server) search(c *gin.Context, r search.Request) (*search.Result, error) {
	ctx := c.Request.Context()
	select {
	case s.slots <- struct{}{}:
	default:
		s.metrics.waiting.Inc()
		select {
		case s.slots <- struct{}{}:
			s.metrics.waiting.Dec()
		case <-ctx.Done():
			s.metrics.waiting.Dec()
			s.metrics.refused.Inc()
			return nil, &search.Error{Code: search.CodeUnavailable, Err: ctx.Err(), Message: fmt.Sprintf(
				"the server is busy (at most %d searches at once); try again shortly", cap(s.slots))}
		}
	}
	defer func() { <-s.slots }()
	start := time.Now()
	res, err := s.engine.Search(ctx, r)
	s.metrics.search.Observe(time.Since(start).Seconds())
	return res, err
}

// slotsGauge reports the bound of searches at once.
func (s *Server) slotsGauge() prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "pressearch_search_slots",
		Help: "How many searches the server runs at once (serve --max-searches).",
	}, func() float64 { return float64(cap(s.slots)) })
}
