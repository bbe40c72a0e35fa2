package provider

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestWriteContextOutlivesStopByGrace(t *testing.T) {
	parent, stop := context.WithCancel(context.Background())
	ctx, cancel := writeContext(parent, time.Minute)
	defer cancel()
	stop()
	select {
	case <-ctx.Done():
		t.Fatal("the write was cancelled at once; it must get the grace period")
	case <-time.After(stopGrace / 3):
	}
	select {
	case <-ctx.Done():
	case <-time.After(2 * stopGrace):
		t.Fatal("the write outlived the grace period after a stop")
	}
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", ctx.Err())
	}
}

func TestWriteContextTimeout(t *testing.T) {
	ctx, cancel := writeContext(context.Background(), 20*time.Millisecond)
	defer cancel()
	select {
	case <-ctx.Done():
	case <-time.After(time.Second):
		t.Fatal("the timeout did not apply")
	}
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", ctx.Err())
	}
	cancel() // calling it twice is safe
}
