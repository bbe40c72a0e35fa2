package graph

import "net/http"

// idleConnsPerHost keeps an idle connection for every request slot of a few apps or tenants on one Graph host.
// http.DefaultTransport keeps 2: with 4 requests in flight, the other 2 would each open a new (TLS) connection
// while idle ones were being closed.
const idleConnsPerHost = 4 * MaxConcurrentRequests

// sharedTransport is the transport of every Client built without Options.HTTPClient: one connection pool per
// process, as the request budget is one per process.
var sharedTransport http.RoundTripper = newTransport()

func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = idleConnsPerHost
	return t
}
