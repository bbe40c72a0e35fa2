package graph

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// setProxyEnv points every proxy variable at proxyURL with no NO_PROXY, whatever the test machine has.
func setProxyEnv(t *testing.T, proxyURL string) {
	for _, k := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"} {
		t.Setenv(k, proxyURL)
	}
	for _, k := range []string{"NO_PROXY", "no_proxy", "REQUEST_METHOD"} {
		t.Setenv(k, "")
	}
}

func proxyFor(t *testing.T, raw string) *url.URL {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Proxy(req)
	if err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return p
}

// The decision only: no request is sent, so the IMDS and link-local addresses are never dialled.
func TestProxyNeverForLoopbackOrLinkLocal(t *testing.T) {
	setProxyEnv(t, "http://proxy.example:3128")
	direct := []string{
		"http://LOCALHOST:8080/v1.0/x", "http://LocalHost/x", "http://localhost:1/x",
		"http://127.0.0.1:8080/x", "http://127.9.9.9/x", "http://[::1]:8080/x", "http://[::ffff:127.0.0.1]/x",
		"http://169.254.169.254/metadata/identity/oauth2/token", "http://169.254.0.1/x", "http://[::ffff:169.254.169.254]/x",
		"http://[fe80::1]/x", "http://[FE80::ABCD]:80/x", "http://[fe80::1%25eth0]:8080/x", "http://[febf::1]/x",
	}
	for _, u := range direct {
		if p := proxyFor(t, u); p != nil {
			t.Errorf("%s would go through %s", u, p)
		}
	}
	proxied := []string{
		"https://graph.microsoft.com/v1.0/security/secureScores", "https://login.microsoftonline.com/t/oauth2/v2.0/token",
		"http://10.0.0.1/x", "http://169.255.0.1/x", "http://[fec0::1]/x", "http://localhost.evil.example/x",
	}
	for _, u := range proxied {
		if p := proxyFor(t, u); p == nil || p.Host != "proxy.example:3128" {
			t.Errorf("%s: proxy %v, want proxy.example:3128", u, p)
		}
	}
}

// NO_PROXY still applies, and the environment is read per call rather than once per process.
func TestProxyFollowsEnvironmentPerCall(t *testing.T) {
	setProxyEnv(t, "http://first.example:1")
	if p := proxyFor(t, "https://graph.microsoft.com/x"); p == nil || p.Host != "first.example:1" {
		t.Fatalf("proxy %v", p)
	}
	setProxyEnv(t, "http://second.example:2")
	if p := proxyFor(t, "https://graph.microsoft.com/x"); p == nil || p.Host != "second.example:2" {
		t.Fatalf("proxy %v after the environment changed", p)
	}
	t.Setenv("NO_PROXY", "graph.microsoft.com")
	if p := proxyFor(t, "https://graph.microsoft.com/x"); p != nil {
		t.Fatalf("NO_PROXY ignored: %v", p)
	}
}

// recordingProxy is a loopback "proxy" that counts the requests it is handed and answers 502.
func recordingProxy(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		http.Error(w, "proxied", http.StatusBadGateway)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// End to end: with HTTP_PROXY set, a Graph endpoint spelled http://LOCALHOST is reached directly, so the bearer
// token never crosses the proxy; a non-local host on the same transport does use the proxy.
func TestGraphClientBypassesProxyForLoopbackByName(t *testing.T) {
	proxy, hits := recordingProxy(t)
	setProxyEnv(t, proxy.URL)
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, scoreJSON) })
	_, port, _ := strings.Cut(c.endpoint.Host, ":")
	c2, err := New(Options{Endpoint: "http://LOCALHOST:" + port, APIVersion: "v1.0", Tokens: &fakeTokens{}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c2.GetSecureScore(ctxTimeout(t, 5*time.Second), "x"); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 0 || len(rec.all()) != 1 {
		t.Fatalf("proxy saw %d requests, server %d", hits.Load(), len(rec.all()))
	}
	// The proxy is live: a non-local name goes to it (the loopback proxy answers; nothing leaves the machine).
	resp, err := (&http.Client{Transport: SharedTransport()}).Get("http://graph.invalid/v1.0/x")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if hits.Load() != 1 || resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("proxy saw %d requests, status %d", hits.Load(), resp.StatusCode)
	}
}
