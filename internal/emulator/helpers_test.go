package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testRO       = "22222222-2222-4222-8222-222222222222"
	testROSecret = "reader-secret"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 7, 17, 9, 30, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type fixture struct {
	emu   *Emulator
	srv   *httptest.Server
	clock *fakeClock
	tok   string // read-write token
}

func newFixture(t testing.TB, mutate ...func(*Config)) *fixture {
	t.Helper()
	clock := newClock()
	cfg := Config{Now: clock.Now, ReadOnlyClientID: testRO, ReadOnlyClientSecret: testROSecret}
	for _, m := range mutate {
		m(&cfg)
	}
	emu, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	f := &fixture{emu: emu, srv: srv, clock: clock}
	f.tok = f.token(t, emu.Config().ClientID, emu.Config().ClientSecret)
	return f
}

func tokenForm(clientID, secret, scope string) url.Values {
	return url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}, "scope": {scope}}
}

func (f *fixture) tokenRequest(t testing.TB, tenant string, form url.Values, basic *[2]string) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/"+tenant+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic != nil {
		req.SetBasicAuth(basic[0], basic[1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatalf("token response: %v", err)
	}
	return resp, m
}

func (f *fixture) token(t testing.TB, clientID, secret string) string {
	t.Helper()
	resp, m := f.tokenRequest(t, DefaultTenantID, tokenForm(clientID, secret, "https://graph.microsoft.com/.default"), nil)
	if resp.StatusCode != 200 {
		t.Fatalf("token: %d %v", resp.StatusCode, m)
	}
	return m["access_token"].(string)
}

// do sends a Graph request; path is relative to the server root.
func (f *fixture) do(t testing.TB, method, path, tok, body string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	target := path
	if !strings.HasPrefix(path, "http") {
		target = f.srv.URL + path
	}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("decode %q: %v", truncate(b), err)
	}
	return m
}

func truncate(b []byte) string {
	if len(b) > 400 {
		return string(b[:400]) + "…"
	}
	return string(b)
}

// odataError checks the OData error shape and returns code and message.
func odataError(t *testing.T, resp *http.Response, b []byte, status int) (string, string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, status, truncate(b))
	}
	m := decode(t, b)
	e, ok := m["error"].(map[string]any)
	if !ok {
		t.Fatalf("no error object: %s", b)
	}
	inner, ok := e["innerError"].(map[string]any)
	if !ok {
		t.Fatalf("no innerError: %s", b)
	}
	if _, err := time.Parse("2006-01-02T15:04:05", inner["date"].(string)); err != nil {
		t.Errorf("innerError.date %v: %v", inner["date"], err)
	}
	if inner["request-id"] != resp.Header.Get("request-id") || inner["request-id"] == "" {
		t.Errorf("innerError.request-id %v vs header %q", inner["request-id"], resp.Header.Get("request-id"))
	}
	if inner["client-request-id"] == nil {
		t.Errorf("innerError.client-request-id missing")
	}
	return e["code"].(string), e["message"].(string)
}

func values(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	m := decode(t, b)
	arr, ok := m["value"].([]any)
	if !ok {
		t.Fatalf("no value array: %s", truncate(b))
	}
	out := make([]map[string]any, len(arr))
	for i, v := range arr {
		out[i] = v.(map[string]any)
	}
	return out
}
