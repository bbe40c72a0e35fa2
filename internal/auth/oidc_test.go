package auth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const ciRequestToken = "ci-request-token-s3cret"

// credIDToken mints a well-formed identity token like a CI provider would (the signature is not checked here).
func credIDToken(t *testing.T, subject string) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": "https://token.actions.githubusercontent.com",
		"sub": subject,
		"aud": FederatedTokenAudience,
		"exp": time.Now().Add(time.Hour).Unix(),
	})
	s, err := tok.SignedString([]byte("test-key"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func federatedEntra(t *testing.T, want func() string) *fakeEntra {
	f := newFakeEntra(t)
	f.federated = want
	return f
}

func oidcConfig(f *fakeEntra) OIDCConfig {
	return OIDCConfig{AuthorityHost: f.srv.URL, TenantID: credTenant, ClientID: credClientID, Scope: credScope, HTTPClient: f.srv.Client()}
}

func TestOIDCLiteralToken(t *testing.T) {
	tok := credIDToken(t, "repo:contoso/infra:ref:refs/heads/main")
	f := federatedEntra(t, func() string { return tok })
	cfg := oidcConfig(f)
	cfg.Token = tok + "\n"
	src, err := NewOIDC(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Token(context.Background()); err != nil {
		t.Fatalf("Token: %v (server saw: %s)", err, f.failureLog())
	}
}

func TestOIDCTokenFileIsReadOnEachRefresh(t *testing.T) {
	first, second := credIDToken(t, "system:serviceaccount:a:one"), credIDToken(t, "system:serviceaccount:a:two")
	var mu sync.Mutex
	want := first
	f := federatedEntra(t, func() string { mu.Lock(); defer mu.Unlock(); return want })
	path := credWriteFile(t, "token", []byte(first))
	cfg := oidcConfig(f)
	cfg.TokenFilePath = path
	src, err := NewOIDC(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := src.Token(context.Background())
	if err != nil {
		t.Fatalf("first Token: %v (%s)", err, f.failureLog())
	}
	// Kubernetes rotates the projected token; the next refresh must present the new one.
	if err := os.WriteFile(path, []byte(second+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	want = second
	mu.Unlock()
	src.Invalidate(tok.AccessToken)
	if _, err := src.Token(context.Background()); err != nil {
		t.Fatalf("second Token: %v (%s)", err, f.failureLog())
	}
	if n := f.requests.Load(); n != 2 {
		t.Fatalf("token endpoint saw %d requests, want 2", n)
	}
}

// fakeCI serves GitHub Actions' and Azure Pipelines' identity token endpoints.
type fakeCI struct {
	srv        *httptest.Server
	credAnswer func(w http.ResponseWriter) // nil: a good token
	token      string
	errs       chan string
}

func newFakeCI(t *testing.T, token string) *fakeCI {
	c := &fakeCI{token: token, errs: make(chan string, 10)}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != "Bearer "+ciRequestToken {
			c.errs <- "Authorization header = " + got
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		q := r.URL.Query()
		field := "value"
		switch r.URL.Path {
		case "/github":
			if r.Method != http.MethodGet || q.Get("audience") != FederatedTokenAudience || q.Get("api-version") != "2.0" {
				c.errs <- "github request " + r.Method + " " + r.URL.String()
				w.WriteHeader(http.StatusBadRequest)
				return
			}
		case "/ado":
			field = "oidcToken"
			if r.Method != http.MethodPost || q.Get("api-version") != "7.1" || q.Get("serviceConnectionId") != "conn-1" {
				c.errs <- "ado request " + r.Method + " " + r.URL.String()
				w.WriteHeader(http.StatusBadRequest)
				return
			}
		default:
			w.WriteHeader(http.StatusNotFound)
			return
		}
		if c.credAnswer != nil {
			c.credAnswer(w)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{field: c.token})
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func (c *fakeCI) check(t *testing.T) {
	t.Helper()
	select {
	case e := <-c.errs:
		t.Fatalf("CI endpoint: %s", e)
	default:
	}
}

// exchangeViaCI gets a token with an identity token for subject served by a fake CI endpoint; point sets the
// config's request URL (under ciURL), request token and protocol.
func exchangeViaCI(t *testing.T, subject string, point func(cfg *OIDCConfig, ciURL string)) {
	t.Helper()
	tok := credIDToken(t, subject)
	ci := newFakeCI(t, tok)
	f := federatedEntra(t, func() string { return tok })
	cfg := oidcConfig(f)
	point(&cfg, ci.srv.URL)
	src, err := NewOIDC(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Token(context.Background())
	ci.check(t)
	if err != nil {
		t.Fatalf("Token: %v (%s)", err, f.failureLog())
	}
}

func TestOIDCGitHubActions(t *testing.T) {
	exchangeViaCI(t, "repo:contoso/infra:environment:prod", func(cfg *OIDCConfig, ciURL string) {
		cfg.RequestURL, cfg.RequestToken = ciURL+"/github?api-version=2.0", ciRequestToken
	})
}

func TestOIDCAzurePipelines(t *testing.T) {
	exchangeViaCI(t, "sc://contoso/infra/prod", func(cfg *OIDCConfig, ciURL string) {
		cfg.RequestURL, cfg.RequestToken, cfg.ADOServiceConnectionID = ciURL+"/ado", ciRequestToken, "conn-1"
	})
}

func TestOIDCBadAssertions(t *testing.T) {
	cases := []struct {
		name       string
		credAnswer func(w http.ResponseWriter)
		want       string
	}{
		{"two parts", func(w http.ResponseWriter) { _, _ = w.Write([]byte(`{"value":"abc.def"}`)) }, "expected 3 dot-separated parts, found 2"},
		{"header not base64url", func(w http.ResponseWriter) { _, _ = w.Write([]byte(`{"value":"a*b.e30.c2ln"}`)) }, "header is not base64url"},
		{"claims not JSON", func(w http.ResponseWriter) { _, _ = w.Write([]byte(`{"value":"e30.bm90IGpzb24.c2ln"}`)) }, "claims is not a JSON object"},
		{"empty signature", func(w http.ResponseWriter) { _, _ = w.Write([]byte(`{"value":"e30.e30."}`)) }, "signature is empty"},
		{"not JSON", func(w http.ResponseWriter) { _, _ = w.Write([]byte(`<html>sign in</html>`)) }, "not a JSON object"},
		{"no value", func(w http.ResponseWriter) { _, _ = w.Write([]byte(`{"count":1}`)) }, `no "value" string`},
		{"refused", func(w http.ResponseWriter) { w.WriteHeader(http.StatusForbidden) }, "oidc_request_token"},
		{"server error", func(w http.ResponseWriter) { w.WriteHeader(http.StatusInternalServerError) }, "HTTP 500"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ci := newFakeCI(t, "")
			ci.credAnswer = tc.credAnswer
			f := federatedEntra(t, func() string { return "" })
			cfg := oidcConfig(f)
			cfg.RequestURL, cfg.RequestToken = ci.srv.URL+"/github?api-version=2.0", ciRequestToken
			src, err := NewOIDC(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = src.Token(context.Background())
			ci.check(t)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), ciRequestToken) {
				t.Fatalf("error leaks the request token: %v", err)
			}
			if n := f.requests.Load(); n != 0 {
				t.Fatalf("a bad assertion must not reach the token endpoint (%d requests)", n)
			}
		})
	}
}

func TestOIDCConfigErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "absent")
	cases := []struct {
		name string
		cfg  OIDCConfig
		attr string
		want string
	}{
		{"malformed literal", OIDCConfig{Token: "not-a-jwt"}, attrOIDCToken, "malformed JWT"},
		{"unreadable file", OIDCConfig{TokenFilePath: missing}, attrOIDCTokenFilePath, "cannot be read"},
		{"malformed file", OIDCConfig{TokenFilePath: credWriteFile(t, "bad", []byte("x.y"))}, attrOIDCTokenFilePath, "malformed JWT"},
		{"plain http request URL", OIDCConfig{RequestURL: "http://pipelines.example.com/oidc", RequestToken: ciRequestToken}, attrOIDCRequestURL, "plain http"},
		{"IMDS is not an OIDC endpoint", OIDCConfig{RequestURL: "http://169.254.169.254/x", RequestToken: ciRequestToken}, attrOIDCRequestURL, "plain http"},
		{"no source", OIDCConfig{}, attrOIDCToken, "no assertion source"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.AuthorityHost, cfg.TenantID, cfg.ClientID, cfg.Scope = "http://127.0.0.1:1", credTenant, credClientID, credScope
			_, err := NewOIDC(cfg)
			var ae *AttributeError
			if !errors.As(err, &ae) || ae.Attribute != tc.attr || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v: want %s error containing %q", err, tc.attr, tc.want)
			}
		})
	}
}

func TestOIDCRejectedByEntra(t *testing.T) {
	f := federatedEntra(t, func() string { return "a different token" })
	cfg := oidcConfig(f)
	cfg.Token = credIDToken(t, "repo:someone/else:ref:refs/heads/main")
	src, err := NewOIDC(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Token(context.Background())
	var ee *EntraError
	if !errors.As(err, &ee) || len(ee.Codes) != 1 || ee.Codes[0] != 70021 {
		t.Fatalf("want EntraError AADSTS70021, got %v", err)
	}
}

func TestCheckJWTAcceptsRealShapes(t *testing.T) {
	if err := checkJWT(credIDToken(t, "x")); err != nil {
		t.Fatalf("a signed JWT was rejected: %v", err)
	}
	if err := checkJWT(""); err == nil {
		t.Fatal("empty token accepted")
	}
}
