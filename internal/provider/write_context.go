package provider

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// The timeouts of an operation whose timeouts block leaves it out.
const (
	defaultWriteTimeout = 30 * time.Minute
	defaultReadTimeout  = 5 * time.Minute
)

// stopGrace is how long a write already on the wire may still finish after Terraform asks the provider to stop
// (Ctrl-C): its answer then reaches state instead of being abandoned, and the provider still stops promptly.
// The Graph client keeps a final answer that arrived in full even as the context ends; this grace period gives
// an answer still on its way time to arrive. Retry waits end when it runs out.
const stopGrace = 750 * time.Millisecond

// writeContext bounds one write by timeout, and by parent's cancellation only after stopGrace. From parent's
// cancellation or stopped (Terraform's stop request, recorded a moment before terraform-plugin-go cancels the
// calls in flight), the write sends no new request: an attempt already sent may be answered within the grace
// period, but nothing more goes out that could land after the provider stopped listening (graph.WithStop).
func writeContext(parent context.Context, stopped <-chan struct{}, timeout time.Duration) (context.Context, context.CancelFunc) {
	stop := make(chan struct{})
	ctx, cancel := context.WithTimeout(graph.WithStop(context.WithoutCancel(parent), stop), timeout)
	done := make(chan struct{})
	go func() {
		select {
		case <-parent.Done():
		case <-stopped:
		case <-done:
			return
		}
		close(stop)
		select {
		case <-parent.Done():
		case <-done:
			return
		}
		select {
		case <-time.After(stopGrace):
			cancel()
		case <-done:
		}
	}()
	return ctx, sync.OnceFunc(func() {
		close(done)
		cancel()
	})
}

// startWrite is the context of one write of what (e.g. `control profile "AdminMFAV2" in tenant "contoso.com"`):
// data's log masks, bounded by timeout, and by parent's cancellation only after stopGrace, so that a write already
// in flight can still reach state. After Terraform's stop request no write starts: the error (a writeNotStarted)
// names what and says that nothing was sent. cancel is never nil.
func startWrite(parent context.Context, data *providerData, what string, timeout time.Duration) (context.Context, context.CancelFunc, error) {
	var stop *stopRequest
	if data != nil {
		stop = data.stop
	}
	if stop.recorded() {
		return parent, func() {}, writeNotStarted{what: what}
	}
	ctx, cancel := writeContext(data.logContext(parent), stop.done(), timeout)
	return ctx, cancel, nil
}

// startRead is the context of one read: data's log masks, bounded by timeout.
func startRead(parent context.Context, data *providerData, timeout time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(data.logContext(parent), timeout)
}

// parseTimeout reads a timeouts block entry, e.g. "30m" or "1h30m": the one check of the raw resources' timeouts.
func parseTimeout(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a duration: expected a positive number with a unit, such as \"30s\", \"10m\" or \"2h45m\"", s)
	}
	return d, nil
}

// checkTimeout is parseTimeout as a validator.
func checkTimeout(s string) error {
	_, err := parseTimeout(s)
	return err
}

// timeoutOr is a configured timeout, or def when it is null, unknown or invalid (validation reports those; a state
// no configuration could have written falls back to def).
func timeoutOr(v tfString, def time.Duration) time.Duration {
	if v.isKnown() {
		if d, err := parseTimeout(v.value()); err == nil {
			return d
		}
	}
	return def
}
