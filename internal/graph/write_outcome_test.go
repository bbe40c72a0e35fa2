package graph

import (
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// profileWith is a control profile whose newest controlStateUpdates entry holds state, assignedTo and comment.
func profileWith(state, assignedTo, comment string) string {
	return `{"id":"x","azureTenantId":"t","controlStateUpdates":[` +
		`{"assignedTo":null,"comment":null,"state":"Default","updatedBy":null,"updatedDateTime":null},` +
		`{"assignedTo":"` + assignedTo + `","comment":"` + comment + `","state":"` + state + `","updatedBy":"app","updatedDateTime":"2026-07-17T10:00:00.0000000Z"}]}`
}

func methods(rec *recorder) string {
	var out []string
	for _, r := range rec.all() {
		out = append(out, r.Method)
	}
	return strings.Join(out, ",")
}

// A control-profile PATCH that the service applied before the connection broke is not sent again (a second
// controlStateUpdates entry): one GET shows it landed, and that GET is the answer.
func TestControlProfilePatchDroppedAfterApplyIsNotResent(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch r.Method {
		case http.MethodPatch:
			dropConnection(t, w)
		default:
			writeJSON(w, 200, profileWith("reviewed", "secops", "")) // the service may write another case
		}
	})
	p, err := c.UpdateControlProfile(ctxTimeout(t, 10*time.Second), "x", ControlProfileUpdate{State: "Reviewed", AssignedTo: "secops"})
	if err != nil {
		t.Fatal(err)
	}
	if got := methods(rec); got != "PATCH,GET" {
		t.Fatalf("requests %s, want PATCH,GET", got)
	}
	if u := NewestStateUpdate(p.ControlStateUpdates); u == nil || *u.State != "reviewed" {
		t.Fatalf("returned profile %+v, want the one read back", p)
	}
}

// Not applied: the GET shows the old state, so the PATCH is sent again, and its answer is the result.
func TestControlProfilePatchDroppedBeforeApplyIsResent(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch {
		case r.Method == http.MethodPatch && n == 1:
			dropConnection(t, w)
		case r.Method == http.MethodPatch:
			writeJSON(w, 200, profileWith("Ignored", "", "risk accepted"))
		default:
			writeJSON(w, 200, profileWith("Default", "", ""))
		}
	})
	p, err := c.UpdateControlProfile(ctxTimeout(t, 10*time.Second), "x", ControlProfileUpdate{State: "Ignored", Comment: "risk accepted"})
	if err != nil {
		t.Fatal(err)
	}
	if got := methods(rec); got != "PATCH,GET,PATCH" {
		t.Fatalf("requests %s, want PATCH,GET,PATCH", got)
	}
	if p == nil || len(p.ControlStateUpdates) != 2 {
		t.Fatalf("profile %+v", p)
	}
}

// Every attempt breaks and nothing lands: the re-sends are bounded and the error says the outcome is unknown.
func TestControlProfilePatchAlwaysDroppedIsBounded(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Method == http.MethodPatch {
			dropConnection(t, w)
			return
		}
		writeJSON(w, 200, profileWith("Default", "", ""))
	})
	_, err := c.UpdateControlProfile(ctxTimeout(t, 10*time.Second), "x", ControlProfileUpdate{State: "Ignored"})
	var ue *UnconfirmedWriteError
	if !errors.As(err, &ue) {
		t.Fatalf("want *UnconfirmedWriteError, got %v", err)
	}
	if got := methods(rec); got != "PATCH,GET,PATCH,GET,PATCH,GET" {
		t.Fatalf("requests %s, want 1+%d PATCHes each checked by a GET", got, maxUnappliedResends)
	}
}

// The check itself fails: the PATCH is not re-sent, and the error says it may have been applied.
func TestControlProfilePatchDroppedCheckFails(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Method == http.MethodPatch {
			dropConnection(t, w)
			return
		}
		writeJSON(w, 500, `{"error":{"code":"generalException","message":"boom"}}`)
	})
	_, err := c.UpdateControlProfile(ctxTimeout(t, 10*time.Second), "x", ControlProfileUpdate{State: "Ignored"})
	var ue *UnconfirmedWriteError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "may or may not have been applied") || !strings.Contains(err.Error(), "generalException") {
		t.Fatalf("want *UnconfirmedWriteError naming both failures, got %v", err)
	}
	if got := methods(rec); got != "PATCH,GET" {
		t.Fatalf("requests %s, want PATCH,GET", got)
	}
}

// The secure-score PATCH is idempotent (the same body gives the same score): it is still retried as before.
func TestSecureScorePatchDroppedIsRetried(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			dropConnection(t, w)
			return
		}
		writeJSON(w, 200, scoreJSON)
	})
	if _, err := c.UpdateSecureScores(ctxTimeout(t, 10*time.Second), map[string]any{"activeUserCount": 1}); err != nil {
		t.Fatal(err)
	}
	if got := methods(rec); got != "PATCH,PATCH" {
		t.Fatalf("requests %s, want PATCH,PATCH", got)
	}
}

// A 2xx answer whose body does not decode is *UndecodedWriteError (the write was applied), naming the parts.
func TestUndecodedWriteError(t *testing.T) {
	var body atomic.Value
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, body.Load().(string)) },
		func(o *Options) { o.MaxBodyBytes = 1 << 10 })
	cases := []struct {
		name, body string
		parts      []string
	}{
		{"number out of range", `{"id":"x","maxScore":1e400}`, []string{"maxScore ("}},
		{"wrong JSON types", `{"id":"x","rank":"high","deprecated":"yes","threats":42}`, []string{"deprecated (", "rank (", "threats ("}},
		{"not JSON", `{"id":"x",`, []string{"the whole body (invalid JSON"}},
		{"oversized", `{"id":"x","pad":"` + strings.Repeat("x", 2<<10) + `"}`, []string{"the whole body (larger than"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body.Store(tc.body)
			before := len(rec.all())
			_, err := c.UpdateControlProfile(ctxTimeout(t, 10*time.Second), "x", ControlProfileUpdate{State: "Ignored"})
			var ue *UndecodedWriteError
			if !errors.As(err, &ue) || ue.StatusCode != 200 {
				t.Fatalf("want *UndecodedWriteError with status 200, got %v", err)
			}
			parts := strings.Join(ue.Parts(), "|")
			for _, p := range tc.parts {
				if !strings.Contains(parts, p) {
					t.Errorf("parts %q do not name %q", parts, p)
				}
			}
			if n := len(rec.all()) - before; n != 1 {
				t.Errorf("%d requests, want the one PATCH (an applied write is never re-sent)", n)
			}
		})
	}
	// A read whose body does not decode is an ordinary error: nothing was written.
	body.Store(`{"id":"x","maxScore":1e400}`)
	if _, err := c.GetControlProfile(ctxTimeout(t, 10*time.Second), "x"); err == nil || errors.As(err, new(*UndecodedWriteError)) {
		t.Fatalf("GET: want a plain decode error, got %v", err)
	}
}
