package graph

import (
	"context"
	"fmt"
)

// A caller that lets an attempt already on the wire finish after it was told to stop (the provider gives a write
// a grace period after Ctrl-C, so that an answer on its way still reaches state) must not let the same call send
// anything new meanwhile: a request sent then could land after the caller stopped listening, and its change would
// be applied but lost. WithStop marks such a call: once stop is closed, no attempt of it is sent, neither a first
// one still waiting for a request slot nor a retry.

type stopKey struct{}

// WithStop returns ctx marked so that the calls made with it send no new attempt once stop is closed (or ctx
// ends). A nil stop never closes.
func WithStop(ctx context.Context, stop <-chan struct{}) context.Context {
	return context.WithValue(ctx, stopKey{}, stop)
}

// stopSignal is the channel WithStop set on ctx, or nil.
func stopSignal(ctx context.Context) <-chan struct{} {
	c, _ := ctx.Value(stopKey{}).(<-chan struct{})
	return c
}

// Stopped reports whether ctx's stop signal (WithStop) has closed: the calls made with it send nothing new.
func Stopped(ctx context.Context) bool { return stopped(ctx) }

// stopped reports whether ctx's stop signal has closed.
func stopped(ctx context.Context) bool {
	c := stopSignal(ctx)
	if c == nil {
		return false
	}
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// untilStopped is ctx, also cancelled when its stop signal closes: the context of the waits before an attempt
// (a token, pacing, a request slot), which must end at the stop rather than after the grace period.
func untilStopped(ctx context.Context) (context.Context, context.CancelFunc) {
	c := stopSignal(ctx)
	if c == nil {
		return ctx, func() {}
	}
	waitCtx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-c:
			cancel()
		case <-waitCtx.Done():
		}
	}()
	return waitCtx, cancel
}

// NotSentError: the caller was told to stop before this attempt went out, so the request was not sent. After
// earlier attempts, Last is the outcome of the latest one (a retryable answer or a broken connection).
type NotSentError struct {
	Method, URL string
	Attempt     int // the attempt that was not sent, counting from 1
	Last        error
}

func (e *NotSentError) Error() string {
	msg := fmt.Sprintf("graph: %s %s: not sent: the provider was asked to stop before attempt %d went out", e.Method, e.URL, e.Attempt)
	if e.Last != nil {
		msg += "; the previous attempt ended in: " + e.Last.Error()
	}
	return msg
}

func (e *NotSentError) Unwrap() error { return e.Last }
