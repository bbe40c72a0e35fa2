package graph

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// Per-attempt bounds. A stalled server or a trickled body would otherwise use up the whole operation timeout
// (30 minutes for writes) on one attempt; bounded, the attempt fails as a broken connection and is retried.
const (
	defaultAttemptHeaderTimeout = 60 * time.Second  // Graph answers within seconds; its own gateway gives up at 60s or so
	defaultAttemptBodyTimeout   = 120 * time.Second // a full 16 MiB page at ~150 KB/s
	// maxStalledAttempts ends a call whose attempts keep stalling, well before a long operation deadline.
	maxStalledAttempts = 3
)

// AttemptTimeoutError is one attempt that got no response headers, or no complete body, within its bound.
type AttemptTimeoutError struct {
	Phase string // "response headers" or "response body"
	Limit time.Duration
}

var _ net.Error = (*AttemptTimeoutError)(nil)

func (e *AttemptTimeoutError) Error() string {
	return fmt.Sprintf("no complete %s within %v (per-attempt timeout)", e.Phase, e.Limit)
}

// Timeout marks it as a timeout, so isBrokenConnection retries it.
func (e *AttemptTimeoutError) Timeout() bool { return true }

// Temporary is part of net.Error.
func (e *AttemptTimeoutError) Temporary() bool { return true }

// boundedRoundTrip sends req on rt, cancelling the attempt (not the call) if headers take longer than header or
// the body is not read to the end within body after them.
func boundedRoundTrip(rt http.RoundTripper, req *http.Request, header, body time.Duration) (*http.Response, error) {
	parent := req.Context()
	ctx, cancel := context.WithCancel(parent)
	var fired atomic.Pointer[AttemptTimeoutError]
	timer := time.AfterFunc(header, func() {
		fired.CompareAndSwap(nil, &AttemptTimeoutError{Phase: "response headers", Limit: header})
		cancel()
	})
	resp, err := rt.RoundTrip(req.WithContext(ctx))
	timer.Stop()
	if err != nil {
		cancel()
		if te := fired.Load(); te != nil && parent.Err() == nil {
			return nil, te
		}
		return nil, err
	}
	bt := time.AfterFunc(body, func() {
		fired.CompareAndSwap(nil, &AttemptTimeoutError{Phase: "response body", Limit: body})
		cancel()
	})
	resp.Body = &boundedBody{rc: resp.Body, timer: bt, cancel: cancel, fired: &fired, parent: parent}
	return resp, nil
}

// boundedBody reports a read cut short by the attempt's own timer as AttemptTimeoutError.
type boundedBody struct {
	rc     io.ReadCloser
	timer  *time.Timer
	cancel context.CancelFunc
	fired  *atomic.Pointer[AttemptTimeoutError]
	parent context.Context
}

var _ io.ReadCloser = (*boundedBody)(nil)

func (b *boundedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err != nil && err != io.EOF {
		if te := b.fired.Load(); te != nil && b.parent.Err() == nil {
			return n, te
		}
	}
	return n, err
}

func (b *boundedBody) Close() error {
	b.timer.Stop()
	b.cancel()
	return b.rc.Close()
}
