package graph

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// stoppable is a call's context marked by WithStop, and the function that closes its stop signal (once).
func stoppable(t *testing.T) (context.Context, func()) {
	stop := make(chan struct{})
	return WithStop(ctxTimeout(t, time.Minute), stop), sync.OnceFunc(func() { close(stop) })
}

// A write waiting for a request slot when its caller is told to stop is not sent: it gives up at once, without
// waiting for the slot, and says that nothing went out.
func TestStopWriteWaitingForASlotIsNotSent(t *testing.T) {
	release := make(chan struct{})
	var patches atomic.Int32
	c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Method == http.MethodPatch {
			patches.Add(1)
		}
		<-release
		writeJSON(w, 200, profileJSON)
	}, func(o *Options) { o.MaxConcurrentRequests = 1 })
	holder := make(chan error, 1)
	go func() {
		_, err := c.GetControlProfile(ctxTimeout(t, time.Minute), "held")
		holder <- err
	}()
	ctx, stop := stoppable(t)
	waiting := make(chan error, 1)
	go func() {
		_, err := c.UpdateControlProfile(ctx, "a", ControlProfileUpdate{State: "Ignored"})
		waiting <- err
	}()
	stop()
	var err error
	select {
	case err = <-waiting: // before the slot is freed: the wait ends at the stop
	case <-time.After(time.Minute): // only catches a hang
		t.Error("the write waiting for a slot did not give up at the stop")
		close(release)
		release = nil
		err = <-waiting
	}
	var ns *NotSentError
	if !errors.As(err, &ns) || ns.Attempt != 1 || ns.Method != http.MethodPatch || !strings.Contains(err.Error(), "not sent") {
		t.Errorf("err = %v; want a NotSentError for the first attempt of the PATCH", err)
	}
	if release != nil {
		close(release)
	}
	if err := <-holder; err != nil {
		t.Fatal(err)
	}
	if n := patches.Load(); n != 0 {
		t.Errorf("%d PATCHes reached the server after the stop, want 0", n)
	}
}

// A throttled attempt is not retried once the caller was told to stop, and the error keeps how it ended.
func TestStopEndsRetries(t *testing.T) {
	ctx, stop := stoppable(t)
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		stop() // the stop comes while the first attempt is in flight
		w.Header().Set("Retry-After", "0")
		writeJSON(w, 429, `{"error":{"code":"TooManyRequests","message":"slow down"}}`)
	})
	_, err := c.UpdateControlProfile(ctx, "a", ControlProfileUpdate{State: "Ignored"})
	var ns *NotSentError
	if !errors.As(err, &ns) || ns.Attempt != 2 || ns.Last == nil || !strings.Contains(ns.Last.Error(), "429") {
		t.Errorf("err = %v; want a NotSentError for attempt 2 that keeps the 429", err)
	}
	if n := len(rec.all()); n != 1 {
		t.Errorf("%d requests reached the server, want 1", n)
	}
}

// The attempt already on the wire at the stop is still answered, and its answer is returned: a PATCH that landed
// must reach state.
func TestStopKeepsTheAnswerOfTheAttemptInFlight(t *testing.T) {
	ctx, stop := stoppable(t)
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		stop()
		writeJSON(w, 200, profileJSON)
	})
	p, err := c.UpdateControlProfile(ctx, "a", ControlProfileUpdate{State: "Ignored"})
	if err != nil || p == nil {
		t.Fatalf("err = %v, profile %v; want the answer of the attempt sent before the stop", err, p)
	}
	if n := len(rec.all()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// A call made after the stop sends nothing, and a context without WithStop is never stopped.
func TestStopBeforeTheCall(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, scoreJSON) })
	ctx, stop := stoppable(t)
	stop()
	var ns *NotSentError
	if _, err := c.UpdateSecureScores(ctx, map[string]any{"activeUserCount": 1}); !errors.As(err, &ns) {
		t.Errorf("err = %v; want a NotSentError", err)
	}
	if n := len(rec.all()); n != 0 {
		t.Errorf("%d requests, want 0", n)
	}
	if Stopped(context.Background()) || Stopped(WithStop(context.Background(), nil)) {
		t.Error("a context without a stop signal reports stopped")
	}
}

// A PATCH whose connection breaks after the stop keeps its own verdict, that it may have landed, and nothing more is
// sent: not the GET that would otherwise check it.
func TestStopKeepsAnUnconfirmedWriteUnconfirmed(t *testing.T) {
	ctx, stop := stoppable(t)
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		stop()
		dropConnection(t, w)
	})
	_, err := c.UpdateControlProfile(ctx, "a", ControlProfileUpdate{State: "Ignored"})
	var uw *UnconfirmedWriteError
	if !errors.As(err, &uw) {
		t.Errorf("err = %v; want an UnconfirmedWriteError: the PATCH was sent and may have landed", err)
	}
	if n := len(rec.all()); n != 1 {
		t.Errorf("%d requests reached the server, want 1 (the PATCH, and no GET after the stop)", n)
	}
}
