package provider

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// listDeadline is the deadline the list in progress runs under, once it has started.
func listDeadline(t *testing.T, f *fakeProfiles) time.Time {
	t.Helper()
	for f.listCtx.Load() == nil {
		time.Sleep(time.Millisecond)
	}
	d, ok := (*f.listCtx.Load()).Deadline()
	if !ok {
		t.Fatal("the list runs without a deadline")
	}
	return d
}

// readWithin starts s.list under a context that ends at deadline; the result arrives on the channel.
func readWithin(s *controlProfileSnapshot, deadline time.Time) (chan error, context.CancelFunc) {
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	done := make(chan error, 1)
	go func() { _, err := s.list(ctx); done <- err }()
	return done, cancel
}

// The list runs under the deadline of the read that started it (its timeouts.read), not a fixed default, and a
// later read that allows longer extends it: a long Retry-After no longer fails a refresh the user allowed 20
// minutes. When that read stops waiting the deadline goes back to the longest of the others, and the list goes on.
func TestControlProfileSnapshotListRunsUntilTheLatestDeadline(t *testing.T) {
	f := newFakeProfiles("A")
	f.listHold = make(chan struct{})
	s := newControlProfileSnapshot(f)
	s.noDeadline = time.Minute // a read without a deadline would get this; every read here has one

	now := time.Now()
	twenty, thirty := now.Add(20*time.Minute), now.Add(30*time.Minute)
	first, cancelFirst := readWithin(s, twenty)
	defer cancelFirst()
	if d := listDeadline(t, f); !d.Equal(twenty) {
		t.Fatalf("the list runs until %v; want the starting read's deadline, %v", d.Sub(now), twenty.Sub(now))
	}

	later, cancelLater := readWithin(s, thirty)
	waitForListWaiters(s, 2)
	if d := listDeadline(t, f); !d.Equal(thirty) {
		t.Fatalf("after a read allowed 30m joined, the list runs until %v; want %v", d.Sub(now), thirty.Sub(now))
	}
	cancelLater()
	if err := <-later; !errors.Is(err, context.Canceled) {
		t.Fatalf("the read that gave up: %v", err)
	}
	lctx := *f.listCtx.Load()
	if d, _ := lctx.Deadline(); !d.Equal(twenty) || lctx.Err() != nil {
		t.Fatalf("after it left: deadline %v, list %v; want %v and the list still running", d.Sub(now), lctx.Err(), twenty.Sub(now))
	}

	close(f.listHold)
	if err := <-first; err != nil {
		t.Fatalf("the read still waiting: %v", err)
	}
	if f.lists.Load() != 1 {
		t.Fatalf("%d lists, want 1", f.lists.Load())
	}
}

// A read whose own deadline has passed stops waiting at once; the list goes on for the read that allows longer.
func TestControlProfileSnapshotExpiredReadLeavesTheListToOthers(t *testing.T) {
	f := newFakeProfiles("A")
	f.listHold = make(chan struct{})
	s := newControlProfileSnapshot(f)
	long, cancelLong := readWithin(s, time.Now().Add(20*time.Minute))
	defer cancelLong()
	listDeadline(t, f)

	expired, cancelExpired := readWithin(s, time.Now().Add(-time.Second))
	defer cancelExpired()
	if err := <-expired; !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "list of control profiles") {
		t.Fatalf("the expired read: %v; want a deadline error that says what it waited for", err)
	}
	if err := (*f.listCtx.Load()).Err(); err != nil {
		t.Fatalf("the list ended with the expired read: %v", err)
	}
	close(f.listHold)
	if err := <-long; err != nil {
		t.Fatalf("the read that allows longer: %v", err)
	}
}

// When every read stops waiting (Ctrl-C cancels them all), the list is cancelled rather than left to run out its
// deadline, and that is not a failed list: the next read lists again instead of falling back to GETs.
func TestControlProfileSnapshotListCancelledWhenNoReadWaits(t *testing.T) {
	f := newFakeProfiles("A", "B")
	f.listHold = make(chan struct{})
	s := newControlProfileSnapshot(f)
	done, cancel := readWithin(s, time.Now().Add(20*time.Minute))
	listDeadline(t, f)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("the read: %v", err)
	}
	for f.listsEnded.Load() == 0 { // the fake list returns once its context ends
		time.Sleep(time.Millisecond)
	}
	s.mu.Lock()
	failed := !s.failedAt.IsZero()
	s.mu.Unlock()
	if failed {
		t.Fatal("a list every read gave up on counts as failed: reads would GET instead of listing")
	}

	close(f.listHold)
	if _, err := s.all(context.Background(), usingEveryControl()); err != nil {
		t.Fatal(err)
	}
	if f.lists.Load() != 2 || f.gets.Load() != 0 {
		t.Fatalf("%d lists, %d GETs; want a second list and no GET", f.lists.Load(), f.gets.Load())
	}
}

// Against the emulator with the provider's client: the list is answered 429 with a Retry-After longer than the
// bound that used to apply whatever the reads allowed (the fixed 5-minute default, which noDeadline stands in for
// here so that the test does not wait minutes). Under the read's own 20-minute deadline the client waits it out,
// and the baseline's list succeeds after one 429.
func TestControlProfileSnapshotListWaitsOutRetryAfterWithinTheReadsTimeout(t *testing.T) {
	env := newAccEnv(t, emulator.Config{ControlProfiles: 3})
	env.needsEmulator(t)
	s := newControlProfileSnapshot(stallClient(t, env))
	s.noDeadline = 100 * time.Millisecond
	env.emu.SetFaults(emulator.Faults{Throttle: 1, RetryAfter: "0.3"})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute) // timeouts.read = "20m"
	defer cancel()
	got, err := s.all(ctx, usingEveryControl())
	if err != nil {
		t.Fatalf("list under a 20-minute read timeout: %v", err)
	}
	if len(got) < 3 {
		t.Fatalf("%d control profiles listed", len(got))
	}
	r := env.profileReads()
	if r.pages != 2 || r.throttled != 1 || len(r.gets) != 0 {
		t.Fatalf("%d list requests (%d answered 429), GETs %v; want the 429 and its retry, no GET", r.pages, r.throttled, r.gets)
	}
}
