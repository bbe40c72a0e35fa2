package provider

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// stopGrace is how long a write already on the wire may still finish after Terraform asks the provider to stop
// (Ctrl-C): its answer then reaches state instead of being abandoned, and the provider still stops promptly.
// The Graph client keeps a final answer that arrived in full even as the context ends; this grace period gives
// an answer still on its way time to arrive. Retry waits end when it runs out.
const stopGrace = 750 * time.Millisecond

// writeContext bounds one write by timeout, and by parent's cancellation only after stopGrace.
func writeContext(parent context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), timeout)
	done := make(chan struct{})
	stop := context.AfterFunc(parent, func() {
		select {
		case <-time.After(stopGrace):
			cancel()
		case <-done:
		}
	})
	return ctx, sync.OnceFunc(func() {
		close(done)
		stop()
		cancel()
	})
}

// startWrite is the context of one write of a resource: data's log masks, bounded by timeout, and by parent's
// cancellation only after stopGrace.
func startWrite(parent context.Context, data *providerData, timeout time.Duration) (context.Context, context.CancelFunc) {
	return writeContext(data.logContext(parent), timeout)
}

// startRead is the context of one refresh: data's log masks, bounded by timeout.
func startRead(parent context.Context, data *providerData, timeout time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(data.logContext(parent), timeout)
}

// parseTimeout reads a timeouts block entry, e.g. "30m" or "1h30m".
func parseTimeout(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a duration: expected a positive number with a unit, such as \"30s\", \"10m\" or \"2h45m\"", s)
	}
	return d, nil
}

// timeoutOr is a configured timeout, or def when it is null, unknown or invalid (validation reports those).
func timeoutOr(v maybe[string], def time.Duration) time.Duration {
	if v.isSet() {
		if d, err := parseTimeout(v.Value); err == nil {
			return d
		}
	}
	return def
}
