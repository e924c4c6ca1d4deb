package web

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"pressearch/search"
)

// Option changes how a Server works.
type Option func(*Server)

// MaxSearches bounds the searches the server runs at once, and to a
// quarter as many (one at least) the heavy ones; n <= 0 keeps the default,
// DefaultMaxSearches.
func MaxSearches(n int) Option {
	return func(s *Server) {
		if n > 0 {
			s.slots, s.heavy = newSlots(n)
		}
	}
}

// newSlots returns the slots of n searches at once and of the heavy ones.
func newSlots(n int) (all, heavy chan struct{}) {
	return make(chan struct{}, n), make(chan struct{}, max(1, n/4))
}

// DefaultMaxSearches is how many searches a server runs at once unless told
// otherwise: twice the cores, enough to keep them busy while some searches
// wait on the disk, few enough that each finishes in its time.
func DefaultMaxSearches() int { return 2 * runtime.NumCPU() }

// search runs one search in one of the server's slots; a heavy one
// (search.Request.Heavy) first takes one of the heavy slots, a quarter of
// them: by default half the cores, so that a flood of heavy searches
// leaves the other half to the rest. A
// search past the bound waits for a slot until the request's deadline,
// then answers unavailable (503 with Retry-After).
func (s *Server) search(c *gin.Context, r search.Request) (*search.Result, error) {
	var res *search.Result
	err := s.slotted(c, r.Heavy(), func(ctx context.Context) error {
		start := time.Now()
		var err error
		res, err = s.engine.Search(ctx, r)
		s.metrics.search.Observe(time.Since(start).Seconds())
		return err
	})
	return res, err
}

// heavyRest is how long a heavy slot rests after a heavy request, as a
// multiple of the time the request held it, when ordinary searches are
// about (ordinaryRecent): the heavy lane then works an eighth of the time,
// and a flood of heavy searches, however cheap each, cannot take the cores
// from the ordinary ones. With no ordinary search about, it does not rest.
const heavyRest = 7

// ordinaryRecent is how lately an ordinary search must have started for
// the heavy lane to rest after a heavy request that saw none: ordinary
// traffic has gaps (its clients' turns, its answers being written) that a
// heavy request can fall into, and the heavy lane should rest all along
// that traffic, not only when a search of it happened to start meanwhile.
const ordinaryRecent = 100 * time.Millisecond

// maxHeavyRest bounds a rest, for a heavy request that ran long.
const maxHeavyRest = time.Second

// heavyKey holds, in a request's context, the release of the heavy slot it
// took, called once its answer is written (see lanes).
const heavyKey = "pressearch.heavy"

// slotted runs run in one of the server's slots, heavy or not, as search
// does. A heavy request keeps its heavy slot until its answer is written
// (its whole cost is the lane's, not only the search's), and the slot
// then rests (heavyRest) if ordinary searches ran in the meantime or
// lately.
func (s *Server) slotted(c *gin.Context, heavy bool, run func(ctx context.Context) error) error {
	ctx := c.Request.Context()
	if heavy {
		if _, held := c.Get(heavyKey); !held {
			if err := s.acquire(ctx, s.heavy); err != nil {
				return err
			}
			start, seen := time.Now(), s.ordinary.started.Load()
			c.Set(heavyKey, func() { s.releaseHeavy(time.Since(start), seen) })
		}
	} else {
		s.ordinary.started.Add(1)
		s.ordinary.last.Store(s.now().UnixNano())
		s.ordinary.running.Add(1)
		defer s.ordinary.running.Add(-1)
	}
	if err := s.acquire(ctx, s.slots); err != nil {
		return err
	}
	defer func() { <-s.slots }()
	return run(ctx)
}

// lanes gives back, once a request is answered, the heavy slot it took.
func (s *Server) lanes(c *gin.Context) {
	defer func() {
		if release, ok := c.Get(heavyKey); ok {
			release.(func())()
		}
	}()
	c.Next()
}

// releaseHeavy gives back a heavy slot held for held, at once or after a
// rest if ordinary searches started or ran since it was taken (seen: how
// many had started then), or one started within ordinaryRecent.
func (s *Server) releaseHeavy(held time.Duration, seen int64) {
	last := s.ordinary.last.Load() // 0: none yet
	lately := last != 0 && s.now().UnixNano()-last <= int64(ordinaryRecent)
	if s.ordinary.running.Load() == 0 && s.ordinary.started.Load() == seen && !lately {
		<-s.heavy
		return
	}
	s.metrics.rested.Inc()
	s.after(min(heavyRest*held, maxHeavyRest), func() { <-s.heavy })
}

// acquire takes a slot of slots, waiting for one until ctx is done.
func (s *Server) acquire(ctx context.Context, slots chan struct{}) error {
	select {
	case slots <- struct{}{}:
		return nil
	default:
	}
	s.metrics.waiting.Inc()
	defer s.metrics.waiting.Dec()
	select {
	case slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		s.metrics.refused.Inc()
		return &search.Error{Code: search.CodeUnavailable, Err: ctx.Err(), Message: fmt.Sprintf(
			"the server is busy (at most %d searches at once); try again shortly", cap(s.slots))}
	}
}

// slotsGauge reports the bound of searches at once.
func (s *Server) slotsGauge() prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "pressearch_search_slots",
		Help: "How many searches the server runs at once (serve --max-searches).",
	}, func() float64 { return float64(cap(s.slots)) })
}
