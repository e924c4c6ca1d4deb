package opensearch_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pressearch/corpus"
	"pressearch/indexer"
	"pressearch/indexer/opensearch"
	"pressearch/indexer/opensearch/ostest"
)

// TestNodeLostUnderSearchLoad stops one node of a two-node cluster, the
// collection held with one replica, while four clients search it: once the
// cluster has noticed, no search fails and every one finds every document;
// the node then comes back and takes its copies again.
func TestNodeLostUnderSearchLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster of its own")
	}
	cl := ostest.StartCluster(t, 2, 9260)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	s, err := opensearch.Open(ctx, opensearch.Config{URLs: cl.URLs, Index: "failover"})
	if err != nil {
		t.Fatal(err)
	}
	s.Shape = opensearch.Shape{Shards: 2, Replicas: 1}
	const n = 400
	var docs []corpus.Document
	for i := range n {
		docs = append(docs, doc(fmt.Sprintf("d%03d", i), "en", fmt.Sprintf("Release %d", i),
			fmt.Sprintf("The ministry said on day %d that the harbour and the river were open.", i)))
	}
	began := time.Now()
	phase := func(what string) { t.Logf("%6.1fs %s", time.Since(began).Seconds(), what) }
	if _, err := s.Build(ctx, indexer.Slice(docs), nil); err != nil {
		t.Fatal(err)
	}
	phase("built")
	index, err := s.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// The searches: a term every document has, dfs_query_then_fetch, as
	// the search backend sends them, each within a deadline of 5 s.
	var (
		noticed  atomic.Int64 // unix nanoseconds once the cluster has noticed; 0 before
		searches atomic.Int64
		mu       sync.Mutex
		failures []string
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	search := func() error {
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		var ans struct {
			Hits struct {
				Total struct {
					Value int `json:"value"`
				} `json:"total"`
			} `json:"hits"`
		}
		q := map[string]any{"size": 10, "track_total_hits": true,
			"query": map[string]any{"term": map[string]any{"body_en": "harbour"}}}
		if err := s.Raw(sctx, "POST", "/"+index+"/_search?search_type=dfs_query_then_fetch", q, &ans); err != nil {
			return err
		}
		if ans.Hits.Total.Value != n {
			return fmt.Errorf("found %d documents, want %d", ans.Hits.Total.Value, n)
		}
		return nil
	}
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			deadline := time.Now().Add(6 * time.Minute) // bounded whatever happens
			for time.Now().Before(deadline) {
				select {
				case <-stop:
					return
				default:
				}
				start := time.Now()
				err := search()
				searches.Add(1)
				if err != nil {
					mu.Lock()
					after := noticed.Load() != 0 && start.UnixNano() > noticed.Load()
					failures = append(failures, fmt.Sprintf("%v (began %s the cluster noticed)", err,
						map[bool]string{true: "after", false: "before"}[after]))
					mu.Unlock()
				}
			}
		}()
	}
	waitSearches := func(more int64) {
		t.Helper()
		want := searches.Load() + more
		for searches.Load() < want {
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitSearches(50)

	// Stop the node that is not the elected cluster manager: a cluster of
	// two keeps working without it, not without its manager.
	var mgr []struct {
		Node string `json:"node"`
	}
	if err := s.Raw(ctx, "GET", "/_cat/cluster_manager?format=json", nil, &mgr); err != nil || len(mgr) != 1 {
		t.Fatalf("cluster manager: %v %v", mgr, err)
	}
	victim := 2
	if mgr[0].Node == "node-2" {
		victim = 1
	}
	phase(fmt.Sprintf("stopping node-%d", victim))
	cl.StopNode(victim, "KILL")
	survivor := cl.URLs[2-victim]
	one, err := opensearch.Open(ctx, opensearch.Config{URLs: []string{survivor}, Index: "failover"})
	if err != nil {
		t.Fatal(err)
	}
	var h struct {
		Nodes int `json:"number_of_nodes"`
	}
	for {
		if err := one.Raw(ctx, "GET", "/_cluster/health", nil, &h); err == nil && h.Nodes == 1 {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("the cluster never noticed the node had gone")
		}
		time.Sleep(50 * time.Millisecond)
	}
	noticed.Store(time.Now().UnixNano())
	phase("the cluster noticed")
	waitSearches(200)

	phase("starting it again")
	cl.StartNode(victim)
	var green struct {
		Status   string `json:"status"`
		Nodes    int    `json:"number_of_nodes"`
		TimedOut bool   `json:"timed_out"`
	}
	if err := one.Raw(ctx, "GET", "/_cluster/health/"+index+"?wait_for_nodes=2&wait_for_status=green&timeout=180s", nil, &green); err != nil {
		t.Fatal(err)
	}
	if green.TimedOut || green.Nodes != 2 || green.Status != "green" {
		t.Fatalf("after its restart the node did not rejoin with its copies: %+v", green)
	}
	phase("green again")
	waitSearches(50)
	close(stop)
	wg.Wait()

	var after []string
	for _, f := range failures {
		if strings.Contains(f, "began after") {
			after = append(after, f)
		}
	}
	t.Logf("%d searches; %d failed before the cluster noticed the node had gone, %d after",
		searches.Load(), len(failures)-len(after), len(after))
	if len(after) > 0 {
		t.Errorf("searches failed after the cluster noticed:\n%s", strings.Join(after, "\n"))
	}
	// Nothing lost: every document is there, on both copies.
	var shards []struct {
		Shard  string `json:"shard"`
		Prirep string `json:"prirep"`
		State  string `json:"state"`
		Docs   string `json:"docs"`
		Node   string `json:"node"`
	}
	if err := one.Raw(ctx, "GET", "/_cat/shards/"+index+"?format=json", nil, &shards); err != nil {
		t.Fatal(err)
	}
	nodes := map[string]bool{}
	total := map[string]int{}
	for _, sh := range shards {
		if sh.State != "STARTED" {
			t.Errorf("shard %s %s is %s", sh.Shard, sh.Prirep, sh.State)
		}
		var d int
		fmt.Sscan(sh.Docs, &d)
		total[sh.Prirep] += d
		nodes[sh.Node] = true
	}
	if total["p"] != n || total["r"] != n || len(nodes) != 2 {
		t.Errorf("after the node came back: primaries hold %d, replicas %d documents on %d nodes; want %d, %d on 2",
			total["p"], total["r"], len(nodes), n, n)
	}
}
