package auth

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// flakyAnswer is one failed answer of a token endpoint: a status (with an optional Retry-After), or a
// connection closed without an answer when status is 0.
type flakyAnswer struct {
	status     int
	retryAfter string
}

// flaky makes srv answer its first requests with answers, then as before. It returns the request count.
func flaky(srv *httptest.Server, answers ...flakyAnswer) *atomic.Int32 {
	var n atomic.Int32
	next := srv.Config.Handler
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i >= len(answers) {
			next.ServeHTTP(w, r)
			return
		}
		a := answers[i]
		if a.status == 0 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
			return
		}
		if a.retryAfter != "" {
			w.Header().Set("Retry-After", a.retryAfter)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.status)
		_, _ = w.Write([]byte(`{"error":"temporarily_unavailable","error_description":"AADSTS90033: A transient error has occurred. Please try again."}`))
	})
	return &n
}

func shortTokenBackoff(t *testing.T) {
	old := tokenBackoff.Swap(&[2]time.Duration{5 * time.Millisecond, 20 * time.Millisecond})
	t.Cleanup(func() { tokenBackoff.Store(old) })
}

var transientAnswers = []flakyAnswer{
	{status: http.StatusTooManyRequests, retryAfter: "0.01"},
	{status: http.StatusServiceUnavailable},
	{status: 0},
	{status: http.StatusInternalServerError},
	{status: http.StatusGatewayTimeout, retryAfter: "0"},
}

func TestTokenRequestsRetryTransientFailures(t *testing.T) {
	shortTokenBackoff(t)
	credTestCerts(t)
	idToken := credIDToken(t, "repo:contoso/infra:ref:refs/heads/main")
	cases := map[string]func(t *testing.T) (*httptest.Server, func() (*CachingSource, error)){
		"client secret": func(t *testing.T) (*httptest.Server, func() (*CachingSource, error)) {
			e := newSecretEntra(t)
			return e.srv, func() (*CachingSource, error) {
				return NewClientSecret(ClientSecretConfig{AuthorityHost: e.srv.URL, TenantID: secretTenant, ClientID: secretClient, ClientSecret: secretValue, Scope: secretScope})
			}
		},
		"client certificate": func(t *testing.T) (*httptest.Server, func() (*CachingSource, error)) {
			f := newFakeEntra(t)
			f.cert, f.wantAlg, f.wantHdr = rsaCert.cert, "RS256", "x5t"
			return f.srv, func() (*CachingSource, error) {
				cfg := certConfig(f)
				cfg.CertificateBase64 = base64.StdEncoding.EncodeToString(append(credCertPEM(rsaCert.cert), credKeyPEM(t, rsaCert.key, "RSA PRIVATE KEY")...))
				return NewClientCertificate(cfg)
			}
		},
		"oidc": func(t *testing.T) (*httptest.Server, func() (*CachingSource, error)) {
			f := federatedEntra(t, func() string { return idToken })
			return f.srv, func() (*CachingSource, error) {
				cfg := oidcConfig(f)
				cfg.Token = idToken
				return NewOIDC(cfg)
			}
		},
	}
	for name, setup := range cases {
		t.Run(name, func(t *testing.T) {
			srv, build := setup(t)
			n := flaky(srv, transientAnswers...)
			src, err := build()
			if err != nil {
				t.Fatal(err)
			}
			var logs strings.Builder
			ctx, cancel := context.WithTimeout(tflogtest.RootLogger(context.Background(), &logs), 10*time.Second)
			defer cancel()
			tok, err := src.Token(ctx)
			if err != nil {
				t.Fatalf("Token after %d transient failures: %v", len(transientAnswers), err)
			}
			if tok.AccessToken == "" {
				t.Fatal("empty token")
			}
			if got, want := int(n.Load()), len(transientAnswers)+1; got != want {
				t.Errorf("token endpoint saw %d requests, want %d", got, want)
			}
			if c := strings.Count(logs.String(), "waiting to retry"); c != len(transientAnswers) {
				t.Errorf("%d INFO lines about waiting, want %d: %s", c, len(transientAnswers), logs.String())
			}
		})
	}
}

func TestTokenRequestsRetryBounds(t *testing.T) {
	shortTokenBackoff(t)
	e := newSecretEntra(t)
	src := func() *CachingSource {
		s, err := NewClientSecret(ClientSecretConfig{AuthorityHost: e.srv.URL, TenantID: secretTenant, ClientID: secretClient, ClientSecret: secretValue, Scope: secretScope})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}

	// A Retry-After beyond the deadline ends the fetch at once with the endpoint's answer.
	n := flaky(e.srv, flakyAnswer{status: http.StatusTooManyRequests, retryAfter: "3600"})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	start := time.Now()
	_, err := src().Token(ctx)
	cancel()
	var ee *EntraError
	if !errors.As(err, &ee) || ee.StatusCode != http.StatusTooManyRequests || !strings.Contains(err.Error(), "deadline") {
		t.Errorf("want the 429 with a note about the deadline, got %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("gave up after %s, want at once", d)
	}
	if n.Load() != 1 {
		t.Errorf("%d requests, want 1", n.Load())
	}

	// A refusal is final.
	e2 := newSecretEntra(t)
	n = flaky(e2.srv, flakyAnswer{status: http.StatusBadRequest})
	s, err := NewClientSecret(ClientSecretConfig{AuthorityHost: e2.srv.URL, TenantID: secretTenant, ClientID: secretClient, ClientSecret: secretValue, Scope: secretScope})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Token(context.Background()); err == nil || n.Load() != 1 {
		t.Errorf("a 400 was retried (%d requests) or did not fail: %v", n.Load(), err)
	}

	// An endpoint that stays unavailable is retried until the deadline, not forever.
	e3 := newSecretEntra(t)
	always := make([]flakyAnswer, 10000)
	for i := range always {
		always[i] = flakyAnswer{status: http.StatusServiceUnavailable}
	}
	n = flaky(e3.srv, always...)
	s, err = NewClientSecret(ClientSecretConfig{AuthorityHost: e3.srv.URL, TenantID: secretTenant, ClientID: secretClient, ClientSecret: secretValue, Scope: secretScope})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err = s.Token(ctx)
	if err == nil || time.Since(start) > 2*time.Second || n.Load() < 2 {
		t.Errorf("want failure near the deadline after several attempts; got %v after %s and %d requests", err, time.Since(start), n.Load())
	}
}
