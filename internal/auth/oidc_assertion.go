package auth

import (
	"context"
	"sync"
	"time"
)

// assertionReuseMargin is how long before its expiry a shared identity token is fetched anew, so that the token
// endpoint never sees one that expires in transit.
const assertionReuseMargin = time.Minute

// sharedAssertion is an identity token fetched from a CI system, shared by every tenant's sign-in while it is
// fresh: a fleet of tenants costs one request to the CI system, not one per tenant.
type sharedAssertion struct {
	fetch func(ctx context.Context) (string, error)
	now   func() time.Time

	mu    sync.Mutex // held while fetching, so that concurrent sign-ins share one request
	tok   string
	until time.Time
}

func newSharedAssertion(fetch func(ctx context.Context) (string, error)) *sharedAssertion {
	return &sharedAssertion{fetch: fetch, now: time.Now}
}

// get returns the shared token while it has more than assertionReuseMargin left, else fetches a new one.
func (s *sharedAssertion) get(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok != "" && s.now().Before(s.until) {
		return s.tok, nil
	}
	tok, err := s.fetch(ctx)
	if err != nil {
		return "", err
	}
	s.tok, s.until = tok, time.Time{}
	if exp, ok := jwtExpiry(tok); ok {
		s.until = exp.Add(-assertionReuseMargin)
	}
	return tok, nil
}
