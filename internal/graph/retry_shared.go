package graph

import (
	"net/http"
	"time"
)

// The Graph client's retry policy, shared with sign-in so token requests back off exactly as Graph requests do.
const (
	DefaultRetryBaseDelay = defaultRetryBaseDelay
	DefaultRetryMaxDelay  = defaultRetryMaxDelay
)

// RetryWait is the wait before retry number retry (1-based) of a request answered with header (nil after a
// network failure): the answer's Retry-After when it has one, else jittered exponential backoff from base up
// to ceiling. fromHeader reports which.
func RetryWait(header http.Header, base, ceiling time.Duration, retry int) (wait time.Duration, fromHeader bool) {
	if header != nil {
		if d, ok := parseRetryAfter(header.Get("Retry-After"), time.Now()); ok {
			return d, true
		}
	}
	return backoff(base, ceiling, retry), false
}

// IsTransientNetworkError reports whether err is a dropped or unfinished exchange that a retry may cure, as
// opposed to a refused connection or a DNS or TLS failure, which are configuration problems.
func IsTransientNetworkError(err error) bool { return isBrokenConnection(err) }
