package auth

import (
	"context"
	"errors"
	"sync"
	"time"

	"golang.org/x/oauth2"
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
}

type fetchCall struct {
	done chan struct{}
	tok  *oauth2.Token
	err  error
}

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
		call = &fetchCall{done: make(chan struct{})}
		s.inflight = call
		// Detached from the caller's cancellation so one impatient caller does not fail the others;
		// the values (HTTP client, loggers) are kept.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fetchTimeout)
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
			call.tok, call.err = tok, err
			s.inflight = nil
			s.mu.Unlock()
			close(call.done)
		}()
	}
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
