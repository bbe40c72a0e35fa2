package auth

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// A prefetched token serves the first request without another fetch, and a request that arrives while the
// prefetch is in flight joins it.
func TestPrefetchServesTheFirstRequest(t *testing.T) {
	for _, wait := range []bool{true, false} {
		clock := &fakeClock{t: time.Now()}
		var fetches atomic.Int32
		s := NewCachingSource(countingFetch(clock, time.Hour, 50*time.Millisecond, &fetches))
		s.now = clock.now
		s.Prefetch(context.Background())
		if wait {
			time.Sleep(150 * time.Millisecond)
		}
		tok, err := s.Token(context.Background())
		if err != nil || tok.AccessToken != "t1" {
			t.Fatalf("wait=%v: Token() = %v, %v; want t1", wait, tok, err)
		}
		s.Prefetch(context.Background()) // holds a token: nothing to do
		if _, err := s.Token(context.Background()); err != nil || fetches.Load() != 1 {
			t.Errorf("wait=%v: %d fetches (err %v), want 1", wait, fetches.Load(), err)
		}
	}
}

// failingThenOK fails its first fetch with errFirst and succeeds after.
func failingThenOK(n *atomic.Int32, errFirst error) func(context.Context) (*oauth2.Token, error) {
	return func(context.Context) (*oauth2.Token, error) {
		if n.Add(1) == 1 {
			return nil, errFirst
		}
		return &oauth2.Token{AccessToken: "ok", TokenType: "Bearer"}, nil
	}
}

// A prefetch that failed with nobody waiting reports its error to the first request, once, without another
// token request: a bad credential costs one request, as it did before prefetching.
func TestPrefetchFailureIsReportedOnceWithoutRefetch(t *testing.T) {
	var fetches atomic.Int32
	bad := errors.New("AADSTS7000215: Invalid client secret provided")
	s := NewCachingSource(failingThenOK(&fetches, bad))
	s.Prefetch(context.Background())
	waitFor(t, func() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.failed != nil })
	if _, err := s.Token(context.Background()); !errors.Is(err, bad) {
		t.Fatalf("first Token() error = %v, want the prefetch's %v", err, bad)
	}
	if fetches.Load() != 1 {
		t.Errorf("%d fetches after the first request, want 1", fetches.Load())
	}
	if tok, err := s.Token(context.Background()); err != nil || tok.AccessToken != "ok" {
		t.Errorf("second Token() = %v, %v; want a new fetch's token", tok, err)
	}
}

// A failure that a waiting request already heard is not replayed to the next one, which fetches again; nor
// is a prefetch failure older than prefetchErrorLife.
func TestPrefetchFailureIsNotReplayed(t *testing.T) {
	t.Run("heard", func(t *testing.T) {
		var fetches atomic.Int32
		bad := errors.New("connection reset")
		release := make(chan struct{})
		s := NewCachingSource(func(ctx context.Context) (*oauth2.Token, error) {
			<-release
			return failingThenOK(&fetches, bad)(ctx)
		})
		s.Prefetch(context.Background())
		got := make(chan error, 1)
		go func() { _, err := s.Token(context.Background()); got <- err }()
		waitFor(t, func() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.inflight != nil && !s.inflight.prefetch })
		close(release)
		if err := <-got; !errors.Is(err, bad) {
			t.Fatalf("joined request's error = %v, want %v", err, bad)
		}
		if tok, err := s.Token(context.Background()); err != nil || tok.AccessToken != "ok" || fetches.Load() != 2 {
			t.Errorf("next Token() = %v, %v after %d fetches; want a fresh fetch", tok, err, fetches.Load())
		}
	})
	t.Run("old", func(t *testing.T) {
		clock := &fakeClock{t: time.Now()}
		var fetches atomic.Int32
		s := NewCachingSource(failingThenOK(&fetches, errors.New("timeout")))
		s.now = clock.now
		s.Prefetch(context.Background())
		waitFor(t, func() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.failed != nil })
		clock.advance(prefetchErrorLife)
		if tok, err := s.Token(context.Background()); err != nil || tok.AccessToken != "ok" {
			t.Errorf("Token() a minute after a failed prefetch = %v, %v; want a fresh fetch", tok, err)
		}
	})
}

// Cancelling the context Prefetch was given (the ConfigureProvider RPC ends) does not stop the fetch.
func TestPrefetchOutlivesItsContext(t *testing.T) {
	var fetches atomic.Int32
	clock := &fakeClock{t: time.Now()}
	s := NewCachingSource(countingFetch(clock, time.Hour, 50*time.Millisecond, &fetches))
	ctx, cancel := context.WithCancel(context.Background())
	s.Prefetch(ctx)
	cancel()
	if tok, err := s.Token(context.Background()); err != nil || tok.AccessToken != "t1" || fetches.Load() != 1 {
		t.Errorf("Token() = %v, %v after %d fetches; want the prefetched t1", tok, err, fetches.Load())
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
