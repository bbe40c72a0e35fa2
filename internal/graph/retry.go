package graph

import (
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// retryableStatus: throttling and the two gateway/service failures Graph documents as transient.
func retryableStatus(code int) bool {
	return code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable || code == http.StatusGatewayTimeout
}

var retryAfterSeconds = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// maxRetryAfter keeps absurd header values from overflowing time.Duration; the deadline check rejects them anyway.
const maxRetryAfter = 24 * time.Hour

// parseRetryAfter reads whole seconds ("3"), fractional seconds ("2.128", Graph's own sample) or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if retryAfterSeconds.MatchString(v) {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, false
		}
		if f*float64(time.Second) > float64(maxRetryAfter) {
			return maxRetryAfter, true
		}
		return time.Duration(f * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return min(d, maxRetryAfter), true
	}
	return 0, false
}

// retryAfterWait raises a Retry-After below floor to floor plus up to half of it at random: "0" or a past
// date, sent to many clients at once, would otherwise bring them all back together in a tight loop. The
// default floor is the first backoff step (1s), so a header never makes a retry faster than no header would.
func retryAfterWait(d, floor time.Duration) time.Duration {
	if floor <= 0 || d >= floor {
		return d
	}
	return floor + rand.N(floor/2+1)
}

// jitter429 spreads the retries of requests refused together: Retry-After plus up to a fifth of it more, so they do
// not all return at the same instant and collide again. (A Retry-After below the floor gets the floor's own jitter
// instead; see retryAfterWait.)
func jitter429(wait time.Duration) time.Duration {
	return wait + rand.N(wait/5+1)
}

// backoff is exponential from base, capped at max, with "equal jitter": half fixed, half random, so
// concurrent clients spread out but never retry immediately.
func backoff(base, ceiling time.Duration, retry int) time.Duration {
	d := float64(base) * math.Pow(2, float64(retry-1))
	if d > float64(ceiling) || math.IsInf(d, 0) {
		d = float64(ceiling)
	}
	half := time.Duration(d / 2)
	return half + rand.N(half+1)
}

// isBrokenConnection is true for failures where the server dropped, stalled (AttemptTimeoutError) or never
// finished the exchange. The retry rule: a GET is always retried. A PATCH is retried only while no status
// has arrived, and never when it is marked noResend (a control-profile PATCH, which may have landed and
// would add a second controlStateUpdates entry: the caller checks with a GET instead). A PATCH whose 2xx
// status arrived has landed and is never re-sent; see readBody. A refused connection or a DNS/TLS failure
// is a configuration problem and is not retried.
func isBrokenConnection(err error) bool {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNABORTED) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	msg := err.Error()
	for _, s := range []string{
		"server closed idle connection", "connection reset by peer", "broken pipe",
		"http2: server sent GOAWAY", "http2: client connection lost", "stream error", "unexpected EOF",
	} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
