package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

const (
	secretTenant = "00000000-0000-4000-8000-000000000001"
	secretClient = "11111111-1111-4111-8111-111111111111"
	secretValue  = "s3cr3t~value"
	secretScope  = "https://graph.microsoft.com/.default"
)

// secretEntra is a token endpoint checking the client-credentials form as Entra ID does.
type secretEntra struct {
	srv      *httptest.Server
	requests atomic.Int32
	delay    time.Duration
	lifetime int
	mu       sync.Mutex
	problems []string
}

func newSecretEntra(t *testing.T) *secretEntra {
	e := &secretEntra{lifetime: 3599}
	e.srv = httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *secretEntra) problem(s string) {
	e.mu.Lock()
	e.problems = append(e.problems, s)
	e.mu.Unlock()
}

func (e *secretEntra) serve(w http.ResponseWriter, r *http.Request) {
	n := e.requests.Add(1)
	time.Sleep(e.delay)
	if r.Method != http.MethodPost || r.URL.Path != "/"+secretTenant+"/oauth2/v2.0/token" {
		entraFail(w, 400, "invalid_tenant", 90002, "Tenant '"+r.URL.Path+"' not found.")
		return
	}
	if r.Header.Get("Authorization") != "" {
		e.problem("secret sent as HTTP Basic, want the form (AuthStyleInParams)")
	}
	if strings.Contains(r.URL.RawQuery, "secret") {
		e.problem("secret in the URL")
	}
	_ = r.ParseForm()
	f := r.PostForm
	switch {
	case f.Get("grant_type") != "client_credentials":
		entraFail(w, 400, "unsupported_grant_type", 70003, "bad grant")
	case f.Get("client_id") != secretClient:
		entraFail(w, 400, "unauthorized_client", 700016, "Application with identifier '"+f.Get("client_id")+"' was not found in the directory 'x'.")
	case f.Get("client_secret") == "expired":
		entraFail(w, 401, "invalid_client", 7000222, "The provided client secret keys for app '"+secretClient+"' are expired.")
	case f.Get("client_secret") != secretValue:
		entraFail(w, 401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.")
	case f.Get("scope") != secretScope:
		entraFail(w, 400, "invalid_scope", 70011, "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid.")
	default:
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"token_type":"Bearer","expires_in":%d,"ext_expires_in":%d,"access_token":"access-%d"}`, e.lifetime, e.lifetime, n)
	}
}

func entraFail(w http.ResponseWriter, status int, code string, aadsts int, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	body, _ := json.Marshal(map[string]any{
		"error":             code,
		"error_description": fmt.Sprintf("AADSTS%d: %s\r\nTrace ID: trace-1\r\nCorrelation ID: corr-1\r\nTimestamp: 2026-01-02 03:04:05Z", aadsts, desc),
		"error_codes":       []int{aadsts},
		"timestamp":         "2026-01-02 03:04:05Z",
		"trace_id":          "trace-1",
		"correlation_id":    "corr-1",
		"error_uri":         "https://login.microsoftonline.com/error?code=" + fmt.Sprint(aadsts),
	})
	_, _ = w.Write(body)
}

func (e *secretEntra) config() ClientSecretConfig {
	return ClientSecretConfig{AuthorityHost: e.srv.URL + "/", TenantID: secretTenant, ClientID: secretClient, ClientSecret: secretValue, Scope: secretScope}
}

func (e *secretEntra) checkNoProblems(t *testing.T) {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, p := range e.problems {
		t.Error(p)
	}
}

func TestClientSecretOneRequestServesTheRun(t *testing.T) {
	e := newSecretEntra(t)
	e.delay = 100 * time.Millisecond
	src, err := NewClientSecret(e.config())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := src.Token(context.Background())
			if err != nil || tok.AccessToken != "access-1" || tok.Type() != "Bearer" {
				t.Errorf("%v %v", tok, err)
			}
		}()
	}
	wg.Wait()
	for i := 0; i < 10; i++ {
		_, _ = src.Token(context.Background())
	}
	if n := e.requests.Load(); n != 1 {
		t.Fatalf("%d token requests, want 1", n)
	}
	e.checkNoProblems(t)
}

func TestClientSecretRefreshesShortTokenBeforeExpiry(t *testing.T) {
	e := newSecretEntra(t)
	e.lifetime = 2 // half-life refresh: after ~1s
	src, err := NewClientSecret(e.config())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	first, _ := src.Token(ctx)
	time.Sleep(1200 * time.Millisecond)
	second, err := src.Token(ctx)
	if err != nil || second.AccessToken == first.AccessToken || e.requests.Load() != 2 {
		t.Fatalf("%v %v after %d requests", second, err, e.requests.Load())
	}
	if !first.Expiry.After(time.Now()) {
		t.Fatal("the refresh came after the first token had expired")
	}
}

func TestClientSecretEntraErrorsHaveHints(t *testing.T) {
	e := newSecretEntra(t)
	for _, tc := range []struct {
		name   string
		mod    func(*ClientSecretConfig)
		status int
		code   int
		hint   string
		first  string
	}{
		{"wrong secret", func(c *ClientSecretConfig) { c.ClientSecret = "nope" }, 401, 7000215, "client secret is wrong", "Invalid client secret provided."},
		{"expired secret", func(c *ClientSecretConfig) { c.ClientSecret = "expired" }, 401, 7000222, "client secret has expired", "are expired."},
		{"unknown application", func(c *ClientSecretConfig) { c.ClientID = "22222222-0000-0000-0000-000000000000" }, 400, 700016, "unknown application", "was not found in the directory"},
		{"unknown tenant", func(c *ClientSecretConfig) { c.TenantID = "contoso.example" }, 400, 90002, "unknown tenant", "not found."},
		{"bad scope", func(c *ClientSecretConfig) { c.Scope = "https://graph.microsoft.com//.default" }, 400, 70011, "bad scope", "is not valid."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := e.config()
			tc.mod(&cfg)
			src, err := NewClientSecret(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = src.Token(context.Background())
			var ee *EntraError
			if !errors.As(err, &ee) {
				t.Fatalf("want *EntraError, got %T %v", err, err)
			}
			if ee.StatusCode != tc.status || len(ee.Codes) != 1 || ee.Codes[0] != tc.code || ee.TraceID != "trace-1" || ee.CorrelationID != "corr-1" ||
				!strings.Contains(ee.Hint, tc.hint) {
				t.Fatalf("%+v", ee)
			}
			msg := err.Error()
			if !strings.Contains(msg, fmt.Sprintf("AADSTS%d", tc.code)) || !strings.Contains(msg, tc.first) || !strings.Contains(msg, tc.hint) ||
				strings.Contains(msg, "\n") || strings.Contains(msg, "Timestamp:") {
				t.Fatalf("message %q", msg)
			}
			if strings.Contains(msg, secretValue) {
				t.Fatal("the secret leaked into the error")
			}
		})
	}
	e.checkNoProblems(t)
}

// A network failure is not an Entra refusal and must not be dressed up as one.
func TestClientSecretTransportErrorStaysTransportError(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	src, err := NewClientSecret(ClientSecretConfig{AuthorityHost: "http://" + addr, TenantID: "t", ClientID: "c", ClientSecret: "s", Scope: secretScope})
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Token(context.Background())
	var ee *EntraError
	var ne net.Error
	if err == nil || errors.As(err, &ee) || !errors.As(err, &ne) {
		t.Fatalf("want a transport error, got %T %v", err, err)
	}
}

func TestClientSecretConfigAndLoopbackRule(t *testing.T) {
	good := ClientSecretConfig{AuthorityHost: "https://login.microsoftonline.com", TenantID: "t", ClientID: "c", ClientSecret: "s", Scope: secretScope}
	if _, err := NewClientSecret(good); err != nil {
		t.Fatal(err)
	}
	for name, mod := range map[string]func(*ClientSecretConfig){
		"http authority":  func(c *ClientSecretConfig) { c.AuthorityHost = "http://login.microsoftonline.com" },
		"relative":        func(c *ClientSecretConfig) { c.AuthorityHost = "login.microsoftonline.com" },
		"no tenant":       func(c *ClientSecretConfig) { c.TenantID = "" },
		"no client":       func(c *ClientSecretConfig) { c.ClientID = "" },
		"no secret":       func(c *ClientSecretConfig) { c.ClientSecret = "" },
		"no scope":        func(c *ClientSecretConfig) { c.Scope = "" },
		"query authority": func(c *ClientSecretConfig) { c.AuthorityHost = "https://login.microsoftonline.com?x=1" },
	} {
		cfg := good
		mod(&cfg)
		if _, err := NewClientSecret(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	u, err := TokenURL("", "contoso.onmicrosoft.com")
	if err != nil || u != "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token" {
		t.Fatalf("%s %v", u, err)
	}
	if u, _ := TokenURL("http://127.0.0.1:8080/", "a/b"); u != "http://127.0.0.1:8080/a%2Fb/oauth2/v2.0/token" {
		t.Fatal(u)
	}
	// The token HTTP client itself refuses http:// off loopback (a redirect, say), before dialing.
	resp, err := tokenHTTPClient(nil).Get("http://login.example.com/t/oauth2/v2.0/token")
	if err == nil {
		_ = resp.Body.Close()
		t.Fatal("http to a non-loopback host must be refused")
	}
	if !strings.Contains(err.Error(), "refusing plain http://") {
		t.Fatal(err)
	}
}

// End to end with the Graph client: a 401 InvalidAuthenticationToken makes the source fetch a new token once.
func TestClientSecretWithGraphClientRefreshOn401(t *testing.T) {
	e := newSecretEntra(t)
	src, err := NewClientSecret(e.config())
	if err != nil {
		t.Fatal(err)
	}
	var graphCalls atomic.Int32
	g := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		graphCalls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") == "Bearer access-1" {
			w.WriteHeader(401)
			_, _ = w.Write([]byte(`{"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired or is not yet valid."}}`))
			return
		}
		_, _ = w.Write([]byte(`{"id":"t_2023-01-10","azureTenantId":"t"}`))
	}))
	defer g.Close()
	c, err := graph.New(graph.Options{Endpoint: g.URL, Tokens: src})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for i := 0; i < 3; i++ {
		if _, err := c.GetSecureScore(ctx, "t_2023-01-10"); err != nil {
			t.Fatal(err)
		}
	}
	if e.requests.Load() != 2 || graphCalls.Load() != 4 {
		t.Fatalf("%d token requests, %d graph calls", e.requests.Load(), graphCalls.Load())
	}
}
