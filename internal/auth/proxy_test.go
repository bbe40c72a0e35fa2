package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// withLoopbackProxy sets every proxy variable to a loopback server that counts what it is handed.
func withLoopbackProxy(t *testing.T) *atomic.Int32 {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		http.Error(w, "proxied", http.StatusBadGateway)
	}))
	t.Cleanup(srv.Close)
	for _, k := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"} {
		t.Setenv(k, srv.URL)
	}
	for _, k := range []string{"NO_PROXY", "no_proxy", "REQUEST_METHOD"} {
		t.Setenv(k, "")
	}
	return &n
}

// upperLocalhost rewrites http://127.0.0.1:port to http://LOCALHOST:port, the spelling Go's proxy bypass misses.
func upperLocalhost(u string) string { return strings.Replace(u, "127.0.0.1", "LOCALHOST", 1) }

// The client secret never reaches a proxy on its way to a loopback authority, however it is spelled.
func TestClientSecretBypassesProxyForLoopbackByName(t *testing.T) {
	hits := withLoopbackProxy(t)
	e := newSecretEntra(t)
	cfg := e.config()
	cfg.AuthorityHost = upperLocalhost(cfg.AuthorityHost)
	src, err := NewClientSecret(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 0 || e.requests.Load() != 1 {
		t.Fatalf("proxy saw %d requests, authority %d", hits.Load(), e.requests.Load())
	}
}

// The identity header and the token stay off the proxy for a loopback managed-identity endpoint too.
func TestManagedIdentityBypassesProxyForLoopbackByName(t *testing.T) {
	hits := withLoopbackProxy(t)
	f := newFakeIdentity(t, credAnswer(200, `{"access_token":"msi-token","expires_in":"3599","token_type":"Bearer"}`))
	src, err := NewManagedIdentity(ManagedIdentityConfig{Endpoint: upperLocalhost(f.srv.URL) + "/msi/token", IdentityHeader: credIdentityHeader, Scope: credScope})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 0 || f.calls.Load() != 1 {
		t.Fatalf("proxy saw %d requests, identity endpoint %d", hits.Load(), f.calls.Load())
	}
}
