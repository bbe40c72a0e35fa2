package graph

// Admission: Graph answers a 5th concurrent Secure Score request of an app in a tenant with 429, so at most
// MaxConcurrentRequests are in flight per (Graph host, tenant, client id), shared by every Client in the process.
// A slot is held for one HTTP attempt, from sending until its body is closed, never while a retry sleeps.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"
	"golang.org/x/time/rate"
)

// MaxConcurrentRequests is Graph's documented limit of concurrent requests on secureScore and
// secureScoreControlProfile per app per tenant.
const MaxConcurrentRequests = 4

// budget is what one app in one tenant may spend: shared by every Client of the process with the same key.
type budget struct {
	slots  *semaphore.Weighted // FIFO: a waiter is served before later arrivals
	all    *rate.Limiter       // every secureScore and secureScoreControlProfile request
	scores *rate.Limiter       // secureScores requests
}

var budgets = struct {
	sync.Mutex
	m map[string]*budget
}{m: map[string]*budget{}}

// budgetFor returns the process-wide budget of (host, tenant, client). Tenant and client may be "" when the
// sign-in method finds them itself (CLI, managed identity): those Clients then share one budget per host,
// which errs on the safe side.
func budgetFor(host, tenant, client string) *budget {
	key := strings.ToLower(host + "|" + tenant + "|" + client)
	budgets.Lock()
	defer budgets.Unlock()
	b := budgets.m[key]
	if b == nil {
		b = &budget{
			slots:  semaphore.NewWeighted(MaxConcurrentRequests),
			all:    newPacer(windowLimit, window),
			scores: newPacer(scoreLimit, scoreWindow),
		}
		budgets.m[key] = b
	}
	return b
}

// admission is a Client's view of its budget: the shared slots, and its own lower limit if configured.
type admission struct {
	budget *budget
	own    *semaphore.Weighted // nil unless Options.MaxConcurrentRequests < MaxConcurrentRequests
	limit  int
}

func newAdmission(b *budget, limit int) admission {
	a := admission{budget: b, limit: MaxConcurrentRequests}
	if limit > 0 && limit < MaxConcurrentRequests {
		a.own, a.limit = semaphore.NewWeighted(int64(limit)), limit
	}
	return a
}

// acquire waits, in order of arrival, for a request slot; it fails only when ctx ends first. A wait longer than
// infoWait is logged at INFO with its reason.
func (a admission) acquire(ctx context.Context, method, url string) (release func(), err error) {
	if a.tryAcquire() {
		return a.releaser(), nil
	}
	started := time.Now()
	timer := time.AfterFunc(infoWait, func() {
		logInfo(ctx, "", fmt.Sprintf("waiting for one of Graph's %d concurrent Secure Score request slots", a.limit),
			map[string]any{"method": method, "url": url, "limit": a.limit})
	})
	defer timer.Stop()
	if a.own != nil {
		if err := a.own.Acquire(ctx, 1); err != nil {
			return nil, a.waitError(err, started)
		}
	}
	if err := a.budget.slots.Acquire(ctx, 1); err != nil {
		if a.own != nil {
			a.own.Release(1)
		}
		return nil, a.waitError(err, started)
	}
	return a.releaser(), nil
}

func (a admission) tryAcquire() bool {
	if a.own != nil && !a.own.TryAcquire(1) {
		return false
	}
	if !a.budget.slots.TryAcquire(1) {
		if a.own != nil {
			a.own.Release(1)
		}
		return false
	}
	return true
}

func (a admission) releaser() func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			a.budget.slots.Release(1)
			if a.own != nil {
				a.own.Release(1)
			}
		})
	}
}

func (a admission) waitError(err error, started time.Time) error {
	return fmt.Errorf("waited %s for one of Graph's %d concurrent Secure Score request slots (per app and tenant): %w",
		time.Since(started).Round(time.Millisecond), a.limit, err)
}

// holdUntilClosed keeps the slot of one attempt until its response body is closed (read to the end by the
// caller, or drained by the retry loop before it sleeps); a failed attempt frees it at once.
func holdUntilClosed(resp *http.Response, err error, release func()) (*http.Response, error) {
	if err != nil || resp == nil || resp.Body == nil {
		release()
		return resp, err
	}
	resp.Body = &slotBody{ReadCloser: resp.Body, release: release}
	return resp, nil
}

type slotBody struct {
	io.ReadCloser
	release func()
}

var _ io.ReadCloser = (*slotBody)(nil)

func (b *slotBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}

// admit paces the attempt to the rate limits, then waits for a request slot. Pacing comes first so that no slot
// is held while sleeping.
func (c *Client) admit(ctx context.Context, method string, u *url.URL) (release func(), err error) {
	if err := c.admission.budget.pace(ctx, method, u); err != nil {
		return nil, err
	}
	return c.admission.acquire(ctx, method, u.String())
}
