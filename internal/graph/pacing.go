package graph

// Pacing to Graph's documented Secure Score rate limits per app per tenant, so a long run waits briefly instead of
// bursting into 429s, and jitter on the 429s that still come, so waiters do not return together.
//
// A token bucket of rate r and burst b admits at most b + r·W requests in any window of length W (a full bucket,
// then r per second). To stay inside a sliding window of L requests per W, b + r·W <= L. We take b = r·W = 0.45·L:
// 90% of the limit, leaving 10% for another process of the same app (each process has its own bucket) and for
// clock differences, and a burst large enough that typical runs are never slowed:
//   - 10,000 per 10 min: b = 4500 requests, r = 4500/600 s = 7.5/s; 4500 + 7.5·600 = 9000 <= 10,000.
//   - 150 per min on secureScores: b = 67, r = 67.5/60 s = 1.125/s; 67 + 1.125·60 = 134.5 <= 150.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// Graph's documented rate limits per app per tenant.
const (
	windowLimit = 10000 // requests on secureScore and secureScoreControlProfile together
	window      = 10 * time.Minute
	scoreLimit  = 150 // requests on secureScore
	scoreWindow = time.Minute

	paceShare = 0.45 // of a limit for the burst, and again for the refill over one window (see above)

	// infoWait is how long a wait may be before it is logged at INFO.
	infoWait = 3 * time.Second
)

func newPacer(limit int, per time.Duration) *rate.Limiter {
	share := paceShare * float64(limit)
	return rate.NewLimiter(rate.Limit(share/per.Seconds()), int(share))
}

// BudgetWaitError is returned when pacing to Graph's rate limit would wait past the operation's deadline.
type BudgetWaitError struct {
	Limit     string // which limit, in words
	Wait      time.Duration
	Remaining time.Duration
	Method    string
	URL       string
}

func (e *BudgetWaitError) Error() string {
	return fmt.Sprintf("graph: %s %s: the next request must wait %s for Graph's Secure Score request budget (%s), "+
		"but only %s remain before the deadline", e.Method, e.URL, e.Wait.Round(time.Millisecond), e.Limit,
		e.Remaining.Round(time.Millisecond))
}

// pace waits until the request fits the rate limits that apply to u, or fails at once when that wait would pass
// ctx's deadline.
func (b *budget) pace(ctx context.Context, method string, u *url.URL) error {
	now := time.Now()
	type bucket struct {
		l    *rate.Limiter
		name string
	}
	buckets := []bucket{{b.all, fmt.Sprintf("%d requests per %s per app and tenant", windowLimit, window)}}
	if isSecureScores(u) {
		buckets = append(buckets, bucket{b.scores, fmt.Sprintf("%d secureScores requests per %s per app and tenant", scoreLimit, scoreWindow)})
	}
	var (
		delay time.Duration
		limit string
		held  []*rate.Reservation
	)
	for _, bk := range buckets {
		r := bk.l.ReserveN(now, 1)
		held = append(held, r)
		if d := r.DelayFrom(now); d > delay {
			delay, limit = d, bk.name
		}
	}
	if delay <= 0 {
		return nil
	}
	giveBack := func() {
		for _, r := range held {
			r.CancelAt(now)
		}
	}
	if deadline, ok := ctx.Deadline(); ok && now.Add(delay).After(deadline) {
		giveBack()
		return &BudgetWaitError{Limit: limit, Wait: delay, Remaining: deadline.Sub(now), Method: method, URL: u.String()}
	}
	if delay >= infoWait {
		logInfo(ctx, "", fmt.Sprintf("waiting %.0f s for Graph's Secure Score request budget (%s)", delay.Seconds(), limit),
			map[string]any{"method": method, "url": u.String(), "wait_ms": delay.Milliseconds()})
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		giveBack()
		return ctx.Err()
	}
}

// isSecureScores reports whether u addresses /security/secureScores (not the control profiles).
func isSecureScores(u *url.URL) bool {
	for _, seg := range strings.Split(u.Path, "/") {
		name, _, _ := strings.Cut(seg, "(") // secureScores('id')
		if strings.EqualFold(name, "secureScores") {
			return true
		}
	}
	return false
}

// logRetryWait logs at INFO a retry wait long enough for a user to wonder what the provider is doing.
func logRetryWait(ctx context.Context, token string, wait time.Duration, status int, method, url string) {
	if wait < infoWait {
		return
	}
	reason := "before retrying"
	switch status {
	case http.StatusTooManyRequests:
		reason = "for Graph's Secure Score request budget (HTTP 429 Retry-After)"
	case http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		reason = fmt.Sprintf("for Graph to recover (HTTP %d)", status)
	}
	logInfo(ctx, token, fmt.Sprintf("waiting %.0f s %s", wait.Seconds(), reason),
		map[string]any{"method": method, "url": url, "wait_ms": wait.Milliseconds(), "status": status})
}
