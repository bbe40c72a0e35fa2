package auth

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// fakeClock is a settable clock for the refresh schedule.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// countingFetch issues "t1", "t2", … living life each (relative to clock), after delay.
func countingFetch(clock *fakeClock, life time.Duration, delay time.Duration, n *atomic.Int32) func(context.Context) (*oauth2.Token, error) {
	return func(ctx context.Context) (*oauth2.Token, error) {
		i := n.Add(1)
		time.Sleep(delay)
		return &oauth2.Token{AccessToken: "t" + strconv.Itoa(int(i)), TokenType: "Bearer", Expiry: clock.now().Add(life)}, nil
	}
}

func TestCachingSourceConcurrentCallersShareOneFetch(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	var fetches atomic.Int32
	s := NewCachingSource(countingFetch(clock, time.Hour, 100*time.Millisecond, &fetches))
	s.now = clock.now
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := s.Token(context.Background())
			if err == nil && tok.AccessToken != "t1" {
				err = errors.New("got " + tok.AccessToken)
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := fetches.Load(); n != 1 {
		t.Fatalf("%d fetches for 64 concurrent callers", n)
	}
	// Callers cannot corrupt the cache through the returned pointer.
	tok, _ := s.Token(context.Background())
	tok.AccessToken = "mutated"
	if again, _ := s.Token(context.Background()); again.AccessToken != "t1" || fetches.Load() != 1 {
		t.Fatalf("cache corrupted: %s", again.AccessToken)
	}
}

func TestCachingSourceRefreshesEarly(t *testing.T) {
	for _, tc := range []struct {
		life, before, after time.Duration
	}{
		{time.Hour, 54 * time.Minute, 56 * time.Minute},        // 5 minutes before expiry
		{60 * time.Second, 29 * time.Second, 31 * time.Second}, // short token: at half life
	} {
		clock := &fakeClock{t: time.Now()}
		var fetches atomic.Int32
		s := NewCachingSource(countingFetch(clock, tc.life, 0, &fetches))
		s.now = clock.now
		ctx := context.Background()
		if tok, err := s.Token(ctx); err != nil || tok.AccessToken != "t1" {
			t.Fatal(tok, err)
		}
		clock.advance(tc.before)
		if tok, _ := s.Token(ctx); tok.AccessToken != "t1" || fetches.Load() != 1 {
			t.Fatalf("life %v: refreshed too early at %v", tc.life, tc.before)
		}
		clock.advance(tc.after - tc.before)
		if tok, _ := s.Token(ctx); tok.AccessToken != "t2" || fetches.Load() != 2 {
			t.Fatalf("life %v: not refreshed at %v (still before expiry)", tc.life, tc.after)
		}
	}
}

// A failed early refresh keeps serving the still-valid token; once it has expired the error surfaces.
func TestCachingSourceFailedRefreshKeepsValidToken(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	var calls atomic.Int32
	fail := errors.New("token endpoint down")
	s := NewCachingSource(func(ctx context.Context) (*oauth2.Token, error) {
		if calls.Add(1) == 1 {
			return &oauth2.Token{AccessToken: "t1", Expiry: clock.now().Add(time.Hour)}, nil
		}
		return nil, fail
	})
	s.now = clock.now
	ctx := context.Background()
	_, _ = s.Token(ctx)
	clock.advance(58 * time.Minute)
	if tok, err := s.Token(ctx); err != nil || tok.AccessToken != "t1" {
		t.Fatalf("within validity: %v %v", tok, err)
	}
	clock.advance(3 * time.Minute)
	if _, err := s.Token(ctx); !errors.Is(err, fail) {
		t.Fatalf("after expiry: %v", err)
	}
	if calls.Load() != 3 {
		t.Fatalf("errors must not be cached: %d calls", calls.Load())
	}
}

func TestCachingSourceInvalidate(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	var fetches atomic.Int32
	s := NewCachingSource(countingFetch(clock, time.Hour, 0, &fetches))
	s.now = clock.now
	ctx := context.Background()
	first, _ := s.Token(ctx)
	s.Invalidate(first.AccessToken)
	second, _ := s.Token(ctx)
	if second.AccessToken != "t2" || fetches.Load() != 2 {
		t.Fatal("Invalidate did not force a new fetch")
	}
	// A late 401 for the first token (another request refused with it) keeps the second.
	s.Invalidate(first.AccessToken)
	if tok, _ := s.Token(ctx); tok.AccessToken != "t2" || fetches.Load() != 2 {
		t.Fatalf("a 401 for a replaced token fetched again: %s after %d fetches", tok.AccessToken, fetches.Load())
	}
}

// A caller that gives up does not cancel the shared fetch; its result serves the next caller.
func TestCachingSourceCallerCancellation(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	var fetches atomic.Int32
	s := NewCachingSource(countingFetch(clock, time.Hour, 300*time.Millisecond, &fetches))
	s.now = clock.now
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := s.Token(ctx); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 250*time.Millisecond {
		t.Fatalf("%v after %v", err, time.Since(start))
	}
	if tok, err := s.Token(context.Background()); err != nil || tok.AccessToken != "t1" || fetches.Load() != 1 {
		t.Fatalf("%v %v, %d fetches", tok, err, fetches.Load())
	}
}

func TestCachingSourceEdgeCases(t *testing.T) {
	s := NewCachingSource(func(context.Context) (*oauth2.Token, error) { return &oauth2.Token{}, nil })
	if _, err := s.Token(context.Background()); err == nil {
		t.Fatal("an empty access token must be an error")
	}
	var n atomic.Int32
	s = NewCachingSource(func(context.Context) (*oauth2.Token, error) {
		n.Add(1)
		return &oauth2.Token{AccessToken: "forever"}, nil // no expiry: valid until a 401
	})
	for i := 0; i < 3; i++ {
		if tok, err := s.Token(context.Background()); err != nil || tok.AccessToken != "forever" {
			t.Fatal(err)
		}
	}
	if n.Load() != 1 {
		t.Fatalf("%d fetches", n.Load())
	}
}

// A caller whose deadline passes while the fetch it waits on is still retrying hears why the last attempt failed,
// not only that its deadline passed.
func TestCachingSourceCallerDeadlineKeepsTheCause(t *testing.T) {
	attempted := make(chan struct{})
	s := NewCachingSource(func(ctx context.Context) (*oauth2.Token, error) {
		noteFailedAttempt(ctx, errors.New("Entra ID token request failed (HTTP 503)"))
		close(attempted)
		<-ctx.Done() // retrying until the fetch's own deadline
		return nil, ctx.Err()
	})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-attempted; cancel() }()
	_, err := s.Token(ctx)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "HTTP 503") {
		t.Fatalf("Token = %v; want the caller's cancellation and the last attempt's failure", err)
	}
}
