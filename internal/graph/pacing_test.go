package graph

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"golang.org/x/time/rate"
)

// The burst and rate of each pacer stay inside Graph's sliding window: b + r·W <= limit (see pacing.go).
func TestPacerFitsTheWindow(t *testing.T) {
	for _, w := range []struct {
		limit int
		per   time.Duration
	}{{windowLimit, window}, {scoreLimit, scoreWindow}} {
		l := newPacer(w.limit, w.per)
		most := float64(l.Burst()) + float64(l.Limit())*w.per.Seconds()
		if most > float64(w.limit) {
			t.Errorf("%d/%s: burst %d + rate %.3f/s over the window admits %.0f", w.limit, w.per, l.Burst(), float64(l.Limit()), most)
		}
		if l.Burst() < w.limit/3 {
			t.Errorf("%d/%s: burst %d slows short runs", w.limit, w.per, l.Burst())
		}
	}
}

func TestIsSecureScores(t *testing.T) {
	for raw, want := range map[string]bool{
		"https://graph.microsoft.com/beta/security/secureScores":                   true,
		"https://graph.microsoft.com/beta/security/securescores/t_2023-01-10":      true,
		"https://graph.microsoft.com/beta/security/secureScores('t_2023-01-10')":   true,
		"https://graph.microsoft.com/beta/security/secureScoreControlProfiles":     false,
		"https://graph.microsoft.com/beta/security/secureScoreControlProfiles/x.y": false,
	} {
		u, _ := url.Parse(raw)
		if got := isSecureScores(u); got != want {
			t.Errorf("%s: %v", raw, got)
		}
	}
}

// Past the burst, requests are spaced at the pacer's rate; the secureScores pacer applies only to secureScores.
func TestPacingSpacesRequests(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.Contains(r.URL.Path, "secureScores") {
			writeJSON(w, 200, scoreJSON)
			return
		}
		writeJSON(w, 200, profileJSON)
	}, func(o *Options) { o.TenantID, o.ClientID = "t", "pacing" })
	c.admission.budget.scores = rate.NewLimiter(rate.Every(100*time.Millisecond), 2)

	start := time.Now()
	for range 5 {
		if _, err := c.GetSecureScore(ctxTimeout(t, 5*time.Second), "x"); err != nil {
			t.Fatal(err)
		}
	}
	// 2 at once, then 3 at 100 ms intervals.
	if took := time.Since(start); took < 250*time.Millisecond {
		t.Errorf("5 secureScores requests took %s; want them paced (>= 300 ms)", took)
	}
	start = time.Now()
	for range 5 {
		if _, err := c.GetControlProfile(ctxTimeout(t, 5*time.Second), "x"); err != nil {
			t.Fatal(err)
		}
	}
	if took := time.Since(start); took > 250*time.Millisecond {
		t.Errorf("control profiles took %s; the secureScores pacer must not apply to them", took)
	}
	if n := len(rec.all()); n != 10 {
		t.Errorf("%d requests", n)
	}
}

// A pacing wait that does not fit the deadline fails at once, naming the limit, and sends nothing.
func TestPacingWaitBeyondDeadline(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, profileJSON) },
		func(o *Options) { o.TenantID, o.ClientID = "t", "pacing-deadline" })
	c.admission.budget.all = rate.NewLimiter(rate.Every(time.Minute), 1)
	if _, err := c.GetControlProfile(ctxTimeout(t, 5*time.Second), "x"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err := c.GetControlProfile(ctxTimeout(t, 2*time.Second), "x")
	var bw *BudgetWaitError
	if !errors.As(err, &bw) || !strings.Contains(err.Error(), "10000 requests per 10m0s per app and tenant") {
		t.Fatalf("err = %v; want *BudgetWaitError naming the limit", err)
	}
	if time.Since(start) > 500*time.Millisecond || len(rec.all()) != 1 {
		t.Errorf("took %s and sent %d requests; must fail at once without sending", time.Since(start), len(rec.all()))
	}
	// The refused wait gave its reservation back: the next request waits no longer than the first would have.
	if r := c.admission.budget.all.Reserve(); r.Delay() > time.Minute {
		t.Errorf("reservation not given back: next delay %s", r.Delay())
	}
}

// A long pacing wait is logged at INFO with its reason.
func TestPacingLongWaitLoggedAtInfo(t *testing.T) {
	c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, profileJSON) },
		func(o *Options) { o.TenantID, o.ClientID = "t", "pacing-log" })
	c.admission.budget.all = rate.NewLimiter(rate.Every(infoWait+100*time.Millisecond), 1)
	var buf syncBuffer
	ctx, cancel := context.WithTimeout(tflogtest.RootLogger(context.Background(), &buf), 10*time.Second)
	defer cancel()
	for range 2 {
		if _, err := c.GetControlProfile(ctx, "x"); err != nil {
			t.Fatal(err)
		}
	}
	out := buf.String()
	if !strings.Contains(out, `"@level":"info"`) || !strings.Contains(out, "waiting 3 s for Graph's Secure Score request budget (10000 requests per 10m0s") {
		t.Errorf("no INFO line for the wait:\n%s", out)
	}
}

// 429 waits get Retry-After plus jitter (never less), spread so waiters do not return together; a long one is
// logged at INFO.
func TestRetryAfterJitter(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 50 {
		d := jitter429(time.Second)
		if d < time.Second || d > time.Second+200*time.Millisecond {
			t.Fatalf("jitter429(1s) = %s", d)
		}
		seen[d] = true
	}
	if len(seen) < 10 {
		t.Errorf("only %d distinct waits in 50", len(seen))
	}
	var buf syncBuffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	logRetryWait(ctx, "", 12*time.Second, http.StatusTooManyRequests, "GET", "https://graph.microsoft.com/beta/security/secureScores")
	logRetryWait(ctx, "", time.Second, http.StatusTooManyRequests, "GET", "https://graph.microsoft.com/beta/security/secureScores")
	out := buf.String()
	if !strings.Contains(out, `"@level":"info"`) || !strings.Contains(out, "waiting 12 s for Graph's Secure Score request budget (HTTP 429 Retry-After)") {
		t.Errorf("no INFO line for a 12 s wait:\n%s", out)
	}
	if strings.Count(out, "waiting") != 1 {
		t.Errorf("a 1 s wait was logged at INFO:\n%s", out)
	}
}
