package graph

import "net/http"

// idleConnsPerHost keeps an idle connection for every request slot of a few apps or tenants on one Graph host.
// http.DefaultTransport keeps 2: with 4 requests in flight, the other 2 would each open a new (TLS) connection
// while idle ones were being closed.
const idleConnsPerHost = 4 * MaxConcurrentRequests

// newTransport is http.DefaultTransport's configuration with enough idle connections per host; SharedTransport
// adds the proxy rule.
func newTransport() *http.Transport {
	base, ok := http.DefaultTransport.(*http.Transport)
	if !ok { // a program replaced Go's default: start from the standard library's zero configuration
		base = &http.Transport{}
	}
	t := base.Clone()
	t.MaxIdleConnsPerHost = idleConnsPerHost
	return t
}
