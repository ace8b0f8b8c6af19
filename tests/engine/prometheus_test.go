//go:build engine

package engine

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// prometheusStandIn answers Prometheus instant queries with a success rate the
// test sets: the one stand-in of the suite, for metrics data alone. The Rollouts
// controller reaches it as its HTTP proxy, so the AnalysisRuns query the real
// in-cluster Prometheus address the program wrote, and the stand-in records it.
type prometheusStandIn struct {
	srv  *http.Server
	addr string
	mu   sync.Mutex
	rate float64
	// queries are the (host, query) pairs asked, in order.
	queries []promQuery
}

type promQuery struct{ Host, Query string }

func startPrometheusStandIn() (*prometheusStandIn, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &prometheusStandIn{addr: l.Addr().String(), rate: 1}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(l) }()
	return p, nil
}

// ProxyURL is the HTTP_PROXY value that routes the controller's queries here.
func (p *prometheusStandIn) ProxyURL() string { return "http://" + p.addr }

// SetRate sets the success rate every later query returns.
func (p *prometheusStandIn) SetRate(r float64) {
	p.mu.Lock()
	p.rate = r
	p.mu.Unlock()
}

// Queries returns the queries asked so far.
func (p *prometheusStandIn) Queries() []promQuery {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]promQuery(nil), p.queries...)
}

func (p *prometheusStandIn) Close() { _ = p.srv.Close() }

// ServeHTTP answers /api/v1/query (GET or POST form) with a one-sample vector.
func (p *prometheusStandIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/api/v1/query" {
		http.NotFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	p.queries = append(p.queries, promQuery{Host: r.Host, Query: r.Form.Get("query")})
	rate := p.rate
	p.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"status": "success",
		"data": map[string]any{
			"resultType": "vector",
			"result": []any{map[string]any{
				"metric": map[string]string{},
				"value":  []any{float64(time.Now().Unix()), strconv.FormatFloat(rate, 'f', -1, 64)},
			}},
		},
	})
}

func (q promQuery) String() string { return fmt.Sprintf("%s: %s", q.Host, q.Query) }
