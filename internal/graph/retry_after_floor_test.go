package graph

import (
	"net/http"
	"testing"
	"time"
)

// "Retry-After: 0" and an HTTP date in the past must not retry in a tight loop: each wait is at least the
// floor, with jitter on top.
func TestRetryAfterZeroOrPastWaitsAtLeastTheFloor(t *testing.T) {
	const floor = 80 * time.Millisecond
	for name, value := range map[string]func() string{
		"zero":      func() string { return "0" },
		"past date": func() string { return time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat) },
		"tiny":      func() string { return "0.001" },
	} {
		t.Run(name, func(t *testing.T) {
			c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n <= 3 {
					throttled(429, value())(w)
					return
				}
				writeJSON(w, 200, scoreJSON)
			}, func(o *Options) { o.RetryAfterFloor = floor })
			if _, err := c.GetSecureScore(ctxTimeout(t, 10*time.Second), "x"); err != nil {
				t.Fatal(err)
			}
			reqs := rec.all()
			if len(reqs) != 4 {
				t.Fatalf("%d attempts", len(reqs))
			}
			for i := 1; i < len(reqs); i++ {
				if gap := reqs[i].At.Sub(reqs[i-1].At); gap < floor {
					t.Errorf("retry %d after %v; the floor is %v", i, gap, floor)
				}
			}
		})
	}
}

func TestRetryAfterWaitFloorAndJitter(t *testing.T) {
	const floor = time.Second
	seen := map[time.Duration]bool{}
	for range 200 {
		w := retryAfterWait(0, floor)
		if w < floor || w > floor+floor/2 {
			t.Fatalf("wait %v for Retry-After 0, want within [%v, %v]", w, floor, floor+floor/2)
		}
		seen[w] = true
	}
	if len(seen) < 50 {
		t.Errorf("only %d distinct waits in 200: no jitter", len(seen))
	}
	// A value at or above the floor is honoured as sent.
	if w := retryAfterWait(3*time.Second, floor); w != 3*time.Second {
		t.Errorf("Retry-After 3s became %v", w)
	}
	if w := retryAfterWait(5*time.Millisecond, 0); w != 5*time.Millisecond {
		t.Errorf("no floor: %v", w)
	}
}
