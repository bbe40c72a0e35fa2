package auth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const credIdentityHeader = "app-service-identity-header"

// fakeIdentity serves IMDS and App Service identity requests on loopback. answers are used in turn; the last
// one repeats.
type fakeIdentity struct {
	srv     *httptest.Server
	calls   atomic.Int32
	last    atomic.Pointer[http.Request]
	answers []func(w http.ResponseWriter)
}

func newFakeIdentity(t *testing.T, answers ...func(w http.ResponseWriter)) *fakeIdentity {
	f := &fakeIdentity{answers: answers}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(f.calls.Add(1)) - 1
		f.last.Store(r.Clone(context.Background()))
		if n >= len(f.answers) {
			n = len(f.answers) - 1
		}
		f.answers[n](w)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeIdentity) request() *http.Request { return f.last.Load() }

func credAnswer(status int, body string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

func TestManagedIdentityIMDS(t *testing.T) {
	f := newFakeIdentity(t, credAnswer(200, `{"access_token":"msi-token","expires_on":"1767225600","expires_in":"3599","resource":"https://graph.microsoft.com/","token_type":"Bearer"}`))
	src, err := NewManagedIdentity(ManagedIdentityConfig{Endpoint: f.srv.URL, Scope: credScope, ClientID: credClientID})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := src.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "msi-token" || !tok.Expiry.Equal(time.Unix(1767225600, 0)) {
		t.Fatalf("unexpected token %+v", tok)
	}
	r := f.request()
	q := r.URL.Query()
	if r.Method != http.MethodGet || r.URL.Path != "/metadata/identity/oauth2/token" || r.Header.Get("Metadata") != "true" ||
		q.Get("api-version") != "2018-02-01" || q.Get("resource") != "https://graph.microsoft.com/" || q.Get("client_id") != credClientID {
		t.Fatalf("unexpected IMDS request %s %s headers %v", r.Method, r.URL, r.Header)
	}
	if r.Header.Get("X-IDENTITY-HEADER") != "" {
		t.Fatal("IMDS request carries the App Service header")
	}
}

func TestManagedIdentityAppService(t *testing.T) {
	f := newFakeIdentity(t, credAnswer(200, `{"access_token":"app-token","expires_on":1767225600,"resource":"https://graph.microsoft.us/","token_type":"Bearer","client_id":"x"}`))
	src, err := NewManagedIdentity(ManagedIdentityConfig{
		Endpoint: f.srv.URL + "/msi/token", IdentityHeader: credIdentityHeader, Scope: "https://graph.microsoft.us/.default",
	})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := src.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "app-token" || !tok.Expiry.Equal(time.Unix(1767225600, 0)) {
		t.Fatalf("unexpected token %+v", tok)
	}
	r := f.request()
	q := r.URL.Query()
	if r.URL.Path != "/msi/token" || r.Header.Get("X-IDENTITY-HEADER") != credIdentityHeader || r.Header.Get("Metadata") != "" ||
		q.Get("api-version") != "2019-08-01" || q.Get("resource") != "https://graph.microsoft.us/" || q.Has("client_id") {
		t.Fatalf("unexpected App Service request %s headers %v", r.URL, r.Header)
	}
}

func TestManagedIdentityExpiresIn(t *testing.T) {
	f := newFakeIdentity(t, credAnswer(200, `{"access_token":"t","expires_in":3600}`))
	src, err := NewManagedIdentity(ManagedIdentityConfig{Endpoint: f.srv.URL, Scope: credScope, Now: credClock})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := src.Token(context.Background())
	if err != nil || !tok.Expiry.Equal(credNow.Add(time.Hour)) {
		t.Fatalf("tok %+v err %v", tok, err)
	}
}

func TestManagedIdentityRetriesTransientAnswers(t *testing.T) {
	f := newFakeIdentity(t,
		credAnswer(503, `{"error":"busy"}`),
		credAnswer(429, `{"error":"slow down"}`),
		credAnswer(200, `{"access_token":"t","expires_on":"1767225600"}`))
	m, err := newMSISource(ManagedIdentityConfig{Endpoint: f.srv.URL, Scope: credScope, retryDelays: []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := f.calls.Load(); n != 3 {
		t.Fatalf("%d calls, want 3", n)
	}
}

func TestManagedIdentityErrors(t *testing.T) {
	cases := []struct {
		name     string
		body     func(w http.ResponseWriter)
		clientID string
		want     string
		calls    int32
	}{
		{"identity not found", credAnswer(400, `{"error":"invalid_request","error_description":"Identity not found"}`), credClientID, "Identity not found; check that the user-assigned identity with client_id " + credClientID, 1},
		{"no system identity", credAnswer(400, `{"error":"invalid_request","error_description":"Identity not found"}`), "", "system-assigned identity", 1},
		{"app service style error", credAnswer(403, `{"statusCode":403,"message":"forbidden header"}`), "", "HTTP 403: forbidden header", 1},
		{"not JSON", credAnswer(200, `<html/>`), "", "not JSON", 1},
		{"no access token", credAnswer(200, `{"expires_in":3600}`), "", "no access_token", 1},
		{"no expiry", credAnswer(200, `{"access_token":"t"}`), "", "neither expires_on nor expires_in", 1},
		{"keeps failing", credAnswer(500, ``), "", "HTTP 500", 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeIdentity(t, tc.body)
			m, err := newMSISource(ManagedIdentityConfig{Endpoint: f.srv.URL, Scope: credScope, ClientID: tc.clientID, retryDelays: []time.Duration{time.Millisecond, time.Millisecond}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = m.fetch(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
			if n := f.calls.Load(); n != tc.calls {
				t.Fatalf("%d calls, want %d", n, tc.calls)
			}
		})
	}
}

func TestManagedIdentityEndpoints(t *testing.T) {
	// The default is IMDS; it is only inspected here, never contacted.
	m, err := newMSISource(ManagedIdentityConfig{Scope: credScope})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(m.url)
	if u.Scheme != "http" || u.Host != "169.254.169.254" || u.Path != "/metadata/identity/oauth2/token" || u.Query().Get("resource") != "https://graph.microsoft.com/" {
		t.Fatalf("default endpoint %s", m.url)
	}
	m, err = newMSISource(ManagedIdentityConfig{Endpoint: "http://localhost:50342/oauth2/token", Scope: credScope})
	if err != nil || !strings.HasPrefix(m.url, "http://localhost:50342/oauth2/token?") {
		t.Fatalf("a full msi_endpoint must be kept: %v %v", m, err)
	}
	for _, bad := range []string{"http://10.0.0.4/metadata/identity/oauth2/token", "http://169.254.169.253", "ftp://127.0.0.1", "not a url"} {
		_, err := NewManagedIdentity(ManagedIdentityConfig{Endpoint: bad, Scope: credScope})
		var ae *AttributeError
		if !errors.As(err, &ae) || ae.Attribute != "msi_endpoint" {
			t.Errorf("%s: want an msi_endpoint error, got %v", bad, err)
		}
	}
	if _, err := NewManagedIdentity(ManagedIdentityConfig{Endpoint: "https://identity.example.com/token", Scope: credScope}); err != nil {
		t.Errorf("https endpoint refused: %v", err)
	}
	if _, err := NewManagedIdentity(ManagedIdentityConfig{IdentityHeader: credIdentityHeader, Scope: credScope}); err == nil {
		t.Error("App Service header without endpoint accepted")
	}
}

func TestMSIGuardRefusesRedirectOffLoopback(t *testing.T) {
	f := newFakeIdentity(t, func(w http.ResponseWriter) {
		w.Header().Set("Location", "http://192.0.2.10/steal")
		w.WriteHeader(http.StatusFound)
	})
	m, err := newMSISource(ManagedIdentityConfig{Endpoint: f.srv.URL, Scope: credScope, retryDelays: []time.Duration{}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.fetch(context.Background())
	if err == nil || !strings.Contains(err.Error(), "redirect") {
		t.Fatalf("want the redirect refused, got %v", err)
	}
}
