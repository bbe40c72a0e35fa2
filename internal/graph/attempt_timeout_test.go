package graph

import (
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// stall holds the response until the client gives up on it (bounded, so a broken client cannot hang the test).
func stall(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
}

// trickle sends headers, then the body a byte at a time, too slowly to finish within the body bound.
func trickle(w http.ResponseWriter, r *http.Request, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(200)
	rc := http.NewResponseController(w)
	for i := range len(body) {
		if _, err := w.Write([]byte{body[i]}); err != nil || rc.Flush() != nil {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-time.After(30 * time.Millisecond):
		}
	}
}

// stallFirst stalls the first attempt and answers body to the rest.
func stallFirst(body string) func(w http.ResponseWriter, r *http.Request, n int) {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			stall(r)
			return
		}
		writeJSON(w, 200, body)
	}
}

func attemptBounds(o *Options) {
	o.AttemptHeaderTimeout = 150 * time.Millisecond
	o.AttemptBodyTimeout = 200 * time.Millisecond
}

func TestStalledHeadersAreRetried(t *testing.T) {
	c, rec, _ := newTestClient(t, stallFirst(scoreJSON), attemptBounds)
	start := time.Now()
	if _, err := c.GetSecureScore(ctxTimeout(t, 20*time.Second), "x"); err != nil {
		t.Fatal(err)
	}
	if n, d := len(rec.all()), time.Since(start); n != 2 || d > 3*time.Second {
		t.Fatalf("%d attempts in %v", n, d)
	}
}

func TestTrickledBodyIsRetried(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			trickle(w, r, scoreJSON)
			return
		}
		writeJSON(w, 200, scoreJSON)
	}, attemptBounds)
	start := time.Now()
	s, err := c.GetSecureScore(ctxTimeout(t, 20*time.Second), "x")
	if err != nil || s.ID != "t_2023-01-10" {
		t.Fatalf("%v %v", s, err)
	}
	if n, d := len(rec.all()), time.Since(start); n != 2 || d > 3*time.Second {
		t.Fatalf("%d attempts in %v", n, d)
	}
}

// A server that always stalls ends the call after maxStalledAttempts, long before the operation deadline.
func TestStalledAttemptsAreBounded(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) { stall(r) }, attemptBounds)
	start := time.Now()
	_, err := c.GetSecureScore(ctxTimeout(t, 20*time.Second), "x")
	var te *AttemptTimeoutError
	if !errors.As(err, &te) || te.Phase != "response headers" {
		t.Fatalf("err %v", err)
	}
	if n, d := len(rec.all()), time.Since(start); n != maxStalledAttempts || d > 5*time.Second {
		t.Fatalf("%d attempts in %v", n, d)
	}
}

// The retry rule for PATCH, made explicit: a control-profile PATCH that got no answer may have landed, and a
// blind re-send would record a second controlStateUpdates entry, so the client first reads the profile; here
// the change is not there, so the identical body is sent again. A PATCH whose 2xx status arrived has landed and
// is never re-sent: a stalled body is treated as a success without a body, and the caller reads the object back
// as after a 204.
func TestStalledPatchIsResentOnlyBeforeItsStatus(t *testing.T) {
	update := ControlProfileUpdate{State: "Ignored", Comment: "c", VendorInformation: SecurityVendorInformation{Provider: new("SecureScore"), Vendor: new("Microsoft")}}
	t.Run("no answer: checked, then re-sent", func(t *testing.T) {
		c, rec, _ := newTestClient(t, stallFirst(profileJSON), attemptBounds)
		p, err := c.UpdateControlProfile(ctxTimeout(t, 20*time.Second), "p1", update)
		if err != nil || p == nil {
			t.Fatalf("%v %v", p, err)
		}
		reqs := rec.all()
		if len(reqs) != 3 || reqs[1].Method != http.MethodGet || reqs[2].Method != http.MethodPatch || reqs[0].Body != reqs[2].Body {
			t.Fatalf("%d attempts: %+v", len(reqs), reqs)
		}
	})
	t.Run("2xx then stalled body: not re-sent", func(t *testing.T) {
		c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
			trickle(w, r, profileJSON)
		}, attemptBounds)
		p, err := c.UpdateControlProfile(ctxTimeout(t, 20*time.Second), "p1", update)
		if err != nil || p != nil {
			t.Fatalf("got %v, %v; want (nil, nil) as for a 204", p, err)
		}
		if n := len(rec.all()); n != 1 {
			t.Fatalf("a PATCH answered 200 was sent %d times", n)
		}
	})
}
