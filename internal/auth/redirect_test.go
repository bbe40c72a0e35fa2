package auth

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// redirectTrap is a pair of loopback servers: front answers every request with status and a Location on back;
// back records whatever reaches it.
type redirectTrap struct {
	front, back *httptest.Server
	mu          sync.Mutex
	caught      []string // method, headers and body of each request that reached back
}

func newRedirectTrap(t *testing.T, status int) *redirectTrap {
	t.Helper()
	rt := &redirectTrap{}
	rt.back = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rt.mu.Lock()
		rt.caught = append(rt.caught, r.Method+" "+r.URL.String()+" "+strings.Join(headerDump(r.Header), " ")+" "+string(body))
		rt.mu.Unlock()
		http.Error(w, "caught", http.StatusTeapot)
	}))
	t.Cleanup(rt.back.Close)
	rt.front = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Location", rt.back.URL+r.URL.RequestURI())
		w.WriteHeader(status)
	}))
	t.Cleanup(rt.front.Close)
	return rt
}

func headerDump(h http.Header) []string {
	var out []string
	for k, v := range h {
		out = append(out, k+"="+strings.Join(v, ","))
	}
	return out
}

// check fails the test when anything reached the second server or the error does not name the redirect.
func (rt *redirectTrap) check(t *testing.T, err error) {
	t.Helper()
	rt.mu.Lock()
	defer rt.mu.Unlock()
	for _, c := range rt.caught {
		t.Errorf("the redirect was followed; the second server received: %s", c)
	}
	if err == nil || !strings.Contains(err.Error(), "redirect") {
		t.Errorf("want an error naming the refused redirect, got %v", err)
	}
}

func TestSignInRefusesRedirects(t *testing.T) {
	credTestCerts(t)
	pemData := append(credCertPEM(rsaCert.cert), credKeyPEM(t, rsaCert.key, "RSA PRIVATE KEY")...)
	idToken := credIDToken(t, "repo:org/repo:ref:refs/heads/main")
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		sources := map[string]func(rt *redirectTrap) (*CachingSource, error){
			"client secret": func(rt *redirectTrap) (*CachingSource, error) {
				return NewClientSecret(ClientSecretConfig{AuthorityHost: rt.front.URL, TenantID: credTenant, ClientID: credClientID, ClientSecret: secretValue, Scope: credScope})
			},
			"client certificate": func(rt *redirectTrap) (*CachingSource, error) {
				return NewClientCertificate(ClientCertificateConfig{AuthorityHost: rt.front.URL, TenantID: credTenant, ClientID: credClientID, Scope: credScope,
					CertificateBase64: base64.StdEncoding.EncodeToString(pemData), Now: credClock})
			},
			"oidc token exchange": func(rt *redirectTrap) (*CachingSource, error) {
				return NewOIDC(OIDCConfig{AuthorityHost: rt.front.URL, TenantID: credTenant, ClientID: credClientID, Scope: credScope, Token: idToken})
			},
			"github actions token request": func(rt *redirectTrap) (*CachingSource, error) {
				return NewOIDC(OIDCConfig{AuthorityHost: "https://login.invalid", TenantID: credTenant, ClientID: credClientID, Scope: credScope,
					RequestURL: rt.front.URL + "/token?x=1", RequestToken: ciRequestToken})
			},
			"managed identity (App Service)": func(rt *redirectTrap) (*CachingSource, error) {
				return NewManagedIdentity(ManagedIdentityConfig{Endpoint: rt.front.URL + "/msi/token", IdentityHeader: credIdentityHeader, Scope: credScope})
			},
			"managed identity (IMDS)": func(rt *redirectTrap) (*CachingSource, error) {
				return NewManagedIdentity(ManagedIdentityConfig{Endpoint: rt.front.URL, Scope: credScope})
			},
		}
		for name, build := range sources {
			t.Run(name+" "+http.StatusText(status), func(t *testing.T) {
				rt := newRedirectTrap(t, status)
				src, err := build(rt)
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				_, err = src.Token(ctx)
				rt.check(t, err)
			})
		}
	}
}
