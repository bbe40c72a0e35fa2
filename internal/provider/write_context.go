package provider

import (
	"context"
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
