package graph

import (
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/net/http/httpproxy"
)

// Proxy is the proxy rule for every client that carries a credential (Graph, token, managed identity): the
// environment's HTTPS_PROXY, HTTP_PROXY and NO_PROXY, except that loopback and link-local destinations
// (an emulator, a local identity endpoint, IMDS at 169.254.169.254) never go through a proxy, whatever their
// spelling ("LOCALHOST", "[::ffff:127.0.0.1]"); Go's own bypass matches only "localhost" and loopback IPs,
// and would send a token in cleartext to a proxy. The environment is read on each call, unlike
// http.ProxyFromEnvironment, which caches it for the life of the process.
func Proxy(req *http.Request) (*url.URL, error) {
	if IsLocalHost(req.URL.Hostname()) {
		return nil, nil
	}
	return httpproxy.FromEnvironment().ProxyFunc()(req.URL)
}

// IsLocalHost reports whether host (without port) is loopback (see IsLoopbackHost) or link-local
// (169.254.0.0/16, fe80::/10, with or without an IPv6 zone).
func IsLocalHost(host string) bool {
	if IsLoopbackHost(host) {
		return true
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && ip.Unmap().IsLinkLocalUnicast()
}

var (
	sharedTransportOnce sync.Once
	sharedTransport     *http.Transport
)

// SharedTransport is http.DefaultTransport's configuration with Proxy: the transport every credential-carrying
// client uses unless its caller supplies one. One instance, so connections are pooled across clients.
func SharedTransport() http.RoundTripper {
	sharedTransportOnce.Do(func() {
		t := newTransport()
		t.Proxy = Proxy
		sharedTransport = t
	})
	return sharedTransport
}
