package provider

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

func TestWriteContextOutlivesStopByGrace(t *testing.T) {
	parent, stop := context.WithCancel(context.Background())
	ctx, cancel := writeContext(parent, nil, time.Minute)
	defer cancel()
	stop()
	select {
	case <-ctx.Done():
		t.Fatal("the write was cancelled at once; it must get the grace period")
	case <-time.After(stopGrace / 3):
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * stopGrace): // only catches a hang
		t.Fatal("the write outlived the grace period after a stop")
	}
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", ctx.Err())
	}
}

// From the stop on, a write may still be answered (its context lives for the grace period) but sends nothing new:
// the stop signal closes at once, whether it comes from terraform-plugin-go's cancellation or from the recorded
// StopProvider that precedes it.
func TestWriteContextSendsNothingNewAfterTheStop(t *testing.T) {
	waitStopped := func(t *testing.T, ctx context.Context) {
		t.Helper()
		for deadline := time.Now().Add(time.Minute); !graph.Stopped(ctx); time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the write's stop signal never closed")
			}
		}
	}
	t.Run("cancelled", func(t *testing.T) {
		parent, stop := context.WithCancel(context.Background())
		ctx, cancel := writeContext(parent, nil, time.Minute)
		defer cancel()
		if graph.Stopped(ctx) {
			t.Fatal("stopped before the stop")
		}
		stop()
		waitStopped(t, ctx)
	})
	t.Run("recorded", func(t *testing.T) {
		req := &stopRequest{}
		ctx, cancel := writeContext(context.Background(), req.done(), time.Minute)
		defer cancel()
		req.record()
		waitStopped(t, ctx)
		if ctx.Err() != nil {
			t.Fatalf("the write's context ended (%v) although terraform-plugin-go has not cancelled the call", ctx.Err())
		}
	})
	t.Run("no provider data", func(t *testing.T) {
		ctx, cancel, err := startWrite(context.Background(), nil, "x", time.Minute)
		defer cancel()
		if err != nil || graph.Stopped(ctx) {
			t.Fatalf("err %v, stopped %v", err, graph.Stopped(ctx))
		}
	})
}

func TestWriteContextTimeout(t *testing.T) {
	ctx, cancel := writeContext(context.Background(), nil, 20*time.Millisecond)
	defer cancel()
	select {
	case <-ctx.Done():
	case <-time.After(time.Minute): // only catches a hang
		t.Fatal("the timeout did not apply")
	}
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", ctx.Err())
	}
	cancel() // calling it twice is safe
}
