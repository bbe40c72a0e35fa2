package graph

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// peakServer answers control-profile GETs after hold, recording the most requests it had in flight at once.
type peakServer struct {
	hold     time.Duration
	inFlight atomic.Int32
	peak     atomic.Int32
	served   atomic.Int32
}

func (p *peakServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := p.inFlight.Add(1)
	defer p.inFlight.Add(-1)
	for {
		old := p.peak.Load()
		if n <= old || p.peak.CompareAndSwap(old, n) {
			break
		}
	}
	time.Sleep(p.hold)
	p.served.Add(1)
	writeJSON(w, 200, profileJSON)
}

func newPeakClient(t *testing.T, url, clientID string, limit int) *Client {
	t.Helper()
	c, err := New(Options{Endpoint: url, APIVersion: "v1.0", Tokens: &fakeTokens{}, TenantID: "tenant", ClientID: clientID, MaxConcurrentRequests: limit})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// getMany runs n control-profile GETs at once on each client.
func getMany(t *testing.T, n int, clients ...*Client) {
	t.Helper()
	var wg sync.WaitGroup
	for _, c := range clients {
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := c.GetControlProfile(ctxTimeout(t, 30*time.Second), "11770.MDA_Google_EnableTwoFactorAuth"); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
}

// Terraform runs 10 operations at once; Graph admits 4 per app and tenant. Two Clients of the same app and tenant
// (two provider instances in one process) share the 4; another app has its own 4.
func TestAdmissionSharedPerAppAndTenant(t *testing.T) {
	p := &peakServer{hold: 30 * time.Millisecond}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)

	a1, a2 := newPeakClient(t, srv.URL, "app-a", 0), newPeakClient(t, srv.URL, "app-a", 0)
	getMany(t, 10, a1, a2)
	if got := p.peak.Load(); got != MaxConcurrentRequests {
		t.Errorf("peak in flight %d for one app, want %d", got, MaxConcurrentRequests)
	}

	p.peak.Store(0)
	getMany(t, 10, a1, newPeakClient(t, srv.URL, "app-b", 0))
	if got := p.peak.Load(); got <= MaxConcurrentRequests {
		t.Errorf("peak in flight %d for two apps, want more than %d (each app has its own budget)", got, MaxConcurrentRequests)
	}
}

func TestAdmissionLoweredLimit(t *testing.T) {
	p := &peakServer{hold: 20 * time.Millisecond}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	getMany(t, 8, newPeakClient(t, srv.URL, "app", 2))
	if got := p.peak.Load(); got != 2 {
		t.Errorf("peak in flight %d with MaxConcurrentRequests 2", got)
	}
	for _, bad := range []int{-1, MaxConcurrentRequests + 1} {
		if _, err := New(Options{Endpoint: srv.URL, Tokens: &fakeTokens{}, MaxConcurrentRequests: bad}); err == nil || !strings.Contains(err.Error(), "MaxConcurrentRequests") {
			t.Errorf("MaxConcurrentRequests %d: %v", bad, err)
		}
	}
}

// A waiting request gives up when its operation's deadline passes, without reaching Graph.
func TestAdmissionWaitIsBoundedByContext(t *testing.T) {
	release := make(chan struct{})
	var served atomic.Int32
	c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		served.Add(1)
		<-release
		writeJSON(w, 200, profileJSON)
	}, func(o *Options) { o.MaxConcurrentRequests = 1 })
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = c.GetControlProfile(ctxTimeout(t, 10*time.Second), "a")
	}()
	for served.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	_, err := c.GetControlProfile(ctxTimeout(t, 150*time.Millisecond), "b")
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "concurrent Secure Score request slots") {
		t.Errorf("err = %v; want a deadline error naming the concurrency limit", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("gave up after %s", took)
	}
	close(release)
	<-done
	if n := served.Load(); n != 1 {
		t.Errorf("%d requests reached the server, want 1", n)
	}
}

// The slot of a throttled attempt is free while the retry sleeps: another request goes through meanwhile.
func TestAdmissionSlotFreeDuringRetryWait(t *testing.T) {
	var firstThrottled atomic.Bool
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.HasSuffix(r.URL.Path, "/slow") && firstThrottled.CompareAndSwap(false, true) {
			w.Header().Set("Retry-After", "1")
			writeJSON(w, 429, `{"error":{"code":"TooManyRequests","message":"slow down"}}`)
			return
		}
		writeJSON(w, 200, profileJSON)
	}, func(o *Options) { o.MaxConcurrentRequests = 1 })
	done := make(chan error, 1)
	go func() {
		_, err := c.GetControlProfile(ctxTimeout(t, 10*time.Second), "slow")
		done <- err
	}()
	for len(rec.all()) == 0 {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	if _, err := c.GetControlProfile(ctxTimeout(t, 10*time.Second), "fast"); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 500*time.Millisecond {
		t.Errorf("the second request waited %s: the slot was held through the first one's retry wait", took)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
