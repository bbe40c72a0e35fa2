package graph

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// With 4 requests in flight over and over, no request opens a connection while another sits idle: at most one
// connection per request slot. (http.DefaultTransport keeps 2 idle per host and opens dozens here.)
func TestConnectionsReusedAcrossSlots(t *testing.T) {
	var opened atomic.Int32
	srv := httptest.NewUnstartedServer(&peakServer{hold: 5 * time.Millisecond})
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c := newPeakClient(t, srv.URL, "conns", 0)
	for range 10 {
		getMany(t, 2*MaxConcurrentRequests, c)
	}
	if n := opened.Load(); n > MaxConcurrentRequests {
		t.Errorf("%d connections opened for 80 requests, want at most %d", n, MaxConcurrentRequests)
	}
}
