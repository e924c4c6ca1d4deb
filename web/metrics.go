package web

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"pressearch/search"
)

// metrics are the server's Prometheus metrics, in a registry of its own.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	search   prometheus.Histogram
	waiting  prometheus.Gauge   // searches waiting for a slot
	refused  prometheus.Counter // searches that found no slot in their time
	rested   prometheus.Counter // heavy requests after which the heavy lane rested
	// writes counts the actions written, by the name of the key (never
	// the key) and result.
	writes       *prometheus.CounterVec
	authFailures prometheus.Counter
}

func newMetrics(engine Engine) *metrics {
	m := &metrics{registry: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "pressearch_http_requests_total",
		Help: "HTTP requests by route and status.",
	}, []string{"route", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "pressearch_http_request_duration_seconds",
		Help:    "HTTP request latency by route.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"route"})
	m.search = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "pressearch_search_duration_seconds",
		Help:    "Time the engine takes for one search, without HTTP.",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1},
	})
	m.waiting = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "pressearch_searches_waiting",
		Help: "Searches waiting for one of the slots of searches at once.",
	})
	m.refused = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "pressearch_searches_refused_total",
		Help: "Searches answered 503 because no slot came free before their deadline.",
	})
	m.writes = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "pressearch_writes_total",
		Help: "Documents written or deleted, by the name of the key that wrote them and the result.",
	}, []string{"key", "result"})
	m.authFailures = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "pressearch_auth_failures_total",
		Help: "Requests with a key the server does not accept.",
	})
	m.rested = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "pressearch_heavy_rests_total",
		Help: "Heavy requests after which their slot rested, ordinary searches having run meanwhile.",
	})
	info := func() (docs, gen, finished, seconds float64) {
		i := engine.Info()
		var f float64
		if !i.Build.Finished.IsZero() {
			f = float64(i.Build.Finished.UnixNano()) / 1e9
		}
		return float64(i.Documents), float64(i.Generation), f, i.Build.Seconds
	}
	m.registry.MustRegister(m.requests, m.latency, m.search, m.waiting, m.refused, m.rested, m.writes, m.authFailures,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "pressearch_index_documents", Help: "Documents in the index being served."},
			func() float64 { d, _, _, _ := info(); return d }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "pressearch_index_generation", Help: "Number of the generation being served."},
			func() float64 { _, g, _, _ := info(); return g }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "pressearch_last_reindex_timestamp_seconds", Help: "When the generation being served finished building (Unix time)."},
			func() float64 { _, _, f, _ := info(); return f }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "pressearch_last_reindex_duration_seconds", Help: "How long the generation being served took to build."},
			func() float64 { _, _, _, s := info(); return s }),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	if me, ok := engine.(maintained); ok {
		m.registry.MustRegister(maintenanceCollector{me})
	}
	return m
}

// maintained is an engine that reports the maintenance of its index.
type maintained interface{ Maintenance() search.Maintenance }

// maintenanceCollector reports the segments, merges and refreshes of the
// index an engine serves, all read once a scrape (one snapshot of the
// index, one consistent set of figures); the counts run for the life of
// the server, over every generation it has served, as counters must.
type maintenanceCollector struct{ engine maintained }

var (
	segmentsDesc = prometheus.NewDesc("pressearch_index_segments",
		"Segments of the index being served: each search visits every one.", nil, nil)
	mergesDesc = prometheus.NewDesc("pressearch_index_merges_total",
		"Merges of segments finished in the background, in every generation served since the server started.", nil, nil)
	mergeSecondsDesc = prometheus.NewDesc("pressearch_index_merge_seconds_total",
		"Time those merges took.", nil, nil)
	refreshesDesc = prometheus.NewDesc("pressearch_index_refreshes_total",
		"Refreshes that made writes searchable, in every generation served since the server started.", nil, nil)
	refreshSecondsDesc = prometheus.NewDesc("pressearch_index_refresh_seconds_total",
		"Time those refreshes took (their segment and view).", nil, nil)
)

func (c maintenanceCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{segmentsDesc, mergesDesc, mergeSecondsDesc, refreshesDesc, refreshSecondsDesc} {
		ch <- d
	}
}

func (c maintenanceCollector) Collect(ch chan<- prometheus.Metric) {
	m := c.engine.Maintenance()
	ch <- prometheus.MustNewConstMetric(segmentsDesc, prometheus.GaugeValue, float64(m.Segments))
	ch <- prometheus.MustNewConstMetric(mergesDesc, prometheus.CounterValue, float64(m.Merges))
	ch <- prometheus.MustNewConstMetric(mergeSecondsDesc, prometheus.CounterValue, m.MergeSeconds)
	ch <- prometheus.MustNewConstMetric(refreshesDesc, prometheus.CounterValue, float64(m.Refreshes))
	ch <- prometheus.MustNewConstMetric(refreshSecondsDesc, prometheus.CounterValue, m.RefreshSeconds)
}

// observe counts a request and its latency by route.
func (m *metrics) observe(c *gin.Context, elapsed time.Duration) {
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, strconv.Itoa(c.Writer.Status())).Inc()
	m.latency.WithLabelValues(route).Observe(elapsed.Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// requestIDHeader carries the id of a request, in and out.
const requestIDHeader = "X-Request-ID"

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestID gives every request an id (the caller's where it sends a sane
// one), echoes it in the response and logs every line of the request with
// it.
func (s *Server) requestID(c *gin.Context) {
	id := c.GetHeader(requestIDHeader)
	if !validRequestID.MatchString(id) {
		var b [8]byte
		rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	c.Header(requestIDHeader, id)
	c.Set(logKey, s.log.With("request_id", id))
	c.Next()
}

const logKey = "pressearch.log"

// logger is the request's logger.
func (s *Server) logger(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(logKey); ok {
		return l.(*slog.Logger)
	}
	return s.log
}
