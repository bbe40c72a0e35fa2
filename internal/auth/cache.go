package auth

import (
	"context"
	"errors"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// Refresh policy: a token is replaced refreshMargin before it expires, or at half its life when it lives
// less than twice that margin (emulator and test tokens can live seconds).
const (
	refreshMargin = 5 * time.Minute
	fetchTimeout  = 2 * time.Minute // a fetch outlives the caller that started it, but not forever

	// Odd expiries are clamped. A token claiming no life left (zero or negative expires_in, an expires_on in
	// the past or garbled) is used for oddTokenLife rather than re-fetched on every call; a refresh is never
	// due sooner than minRefreshDelay; a far future expiry is still refreshed after maxTokenLife. A token
	// refused early is replaced on its 401.
	oddTokenLife    = time.Minute
	minRefreshDelay = time.Second
	maxTokenLife    = 24 * time.Hour
)

// CachingSource caches a token and shares one fetch among concurrent callers. It implements graph.TokenSource
// for any credential: the credential only supplies fetch.
type CachingSource struct {
	fetch func(ctx context.Context) (*oauth2.Token, error)
	now   func() time.Time // injectable for tests

	mu        sync.Mutex
	tok       *oauth2.Token
	refreshAt time.Time
	inflight  *fetchCall
	failed    *fetchCall // a prefetch that failed, kept for the next caller (see Prefetch)
}

type fetchCall struct {
	done     chan struct{}
	tok      *oauth2.Token
	err      error
	prefetch bool      // started by Prefetch: nobody waits for it yet
	ended    time.Time // when it finished
}

// prefetchErrorLife bounds how long a failed prefetch answers for the credential: a first request later than
// that fetches again rather than report an old failure.
const prefetchErrorLife = time.Minute

// NewCachingSource wraps fetch, which performs one token request, with caching and early refresh.
func NewCachingSource(fetch func(ctx context.Context) (*oauth2.Token, error)) *CachingSource {
	return &CachingSource{fetch: fetch, now: time.Now}
}

// Token returns the cached token while it is fresh. Otherwise one fetch runs for all callers; each caller
// waits for it or for its own ctx. If an early refresh fails while the old token is still valid, the old
// token is returned and the next call tries again.
func (s *CachingSource) Token(ctx context.Context) (*oauth2.Token, error) {
	s.mu.Lock()
	now := s.now()
	if s.tok != nil && now.Before(s.refreshAt) {
		t := s.tok
		s.mu.Unlock()
		return copyToken(t), nil
	}
	call := s.inflight
	if call == nil {
		if f := s.failed; f != nil && s.tok == nil && now.Sub(f.ended) < prefetchErrorLife {
			// The prefetch was this credential's first sign-in and it failed: report that failure once,
			// as the first request would have, without asking the token endpoint again.
			s.failed = nil
			s.mu.Unlock()
			return nil, f.err
		}
		call = s.start(ctx, false)
	}
	call.prefetch = false // someone waits for it now and will hear how it ends
	s.failed = nil
	stale := s.tok
	s.mu.Unlock()

	select {
	case <-call.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if call.err != nil {
		if stale != nil && stillValid(stale, s.now()) {
			return copyToken(stale), nil
		}
		return nil, call.err
	}
	return copyToken(call.tok), nil
}

// Prefetch starts the first token request without waiting for it, so that signing in overlaps Terraform's own
// work between ConfigureProvider and the first read instead of delaying that read by a token round trip. The
// first Token call joins the request in flight, or gets its token; if it failed, that call gets its error
// (once, within prefetchErrorLife), so a bad credential costs one token request as before. A source that
// already holds a token or is fetching one is left alone.
func (s *CachingSource) Prefetch(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok != nil || s.inflight != nil {
		return
	}
	s.start(ctx, true)
}

// start begins one fetch for every caller. Caller holds mu.
func (s *CachingSource) start(ctx context.Context, prefetch bool) *fetchCall {
	call := &fetchCall{done: make(chan struct{}), prefetch: prefetch}
	s.inflight = call
	// Detached from the caller's cancellation so one impatient caller does not fail the others, and a prefetch
	// outlives the RPC that started it; the values (HTTP client, loggers, masks) are kept, the log fields copied:
	// the fetch logs at root level while the caller's other goroutines log with its fields (graph.ForkLogContext).
	fctx, cancel := context.WithTimeout(graph.ForkLogContext(context.WithoutCancel(ctx)), fetchTimeout)
	go func() {
		defer cancel()
		tok, err := s.fetch(fctx)
		if err == nil && (tok == nil || tok.AccessToken == "") {
			err = errors.New("token endpoint returned no access token")
		}
		s.mu.Lock()
		if err == nil {
			s.store(tok)
		}
		call.tok, call.err, call.ended = tok, err, s.now()
		s.inflight = nil
		if err != nil && call.prefetch {
			s.failed = call
		}
		s.mu.Unlock()
		close(call.done)
	}()
	return call
}

// Invalidate forgets the cached token if it is rejected, the access token a 401 answered, so the next Token
// call fetches a new one. A 401 for a token already replaced changes nothing: when many requests in flight are
// refused together, the first one's refresh serves them all.
func (s *CachingSource) Invalidate(rejected string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok != nil && s.tok.AccessToken == rejected {
		s.tok = nil
		s.refreshAt = time.Time{}
	}
}

// store caches tok and computes when to refresh it. Caller holds mu.
func (s *CachingSource) store(tok *oauth2.Token) {
	s.tok = tok
	if tok.Expiry.IsZero() {
		s.refreshAt = s.now().Add(100 * 365 * 24 * time.Hour) // no expiry given: valid until a 401 says otherwise
		return
	}
	now := s.now()
	life := min(tok.Expiry.Sub(now), maxTokenLife) // Sub saturates, so no overflow
	if life <= 0 {
		life = oddTokenLife
	}
	if life > 2*refreshMargin {
		s.refreshAt = now.Add(life - refreshMargin)
	} else {
		s.refreshAt = now.Add(max(life/2, minRefreshDelay))
	}
}

func stillValid(t *oauth2.Token, now time.Time) bool {
	return t.Expiry.IsZero() || now.Before(t.Expiry)
}

// copyToken protects the cache from callers that modify what they get (oauth2.Token has exported fields).
func copyToken(t *oauth2.Token) *oauth2.Token {
	c := *t
	return &c
}
