package graph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// fakeTokens hands out "tok-N"; Invalidate of the current token moves to the next N, so a test can tell which
// token a request used.
type fakeTokens struct {
	mu          sync.Mutex
	prefix      string
	gen         int
	calls       int
	invalidated int
	err         error
}

func (f *fakeTokens) Token(ctx context.Context) (*oauth2.Token, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	return &oauth2.Token{AccessToken: fmt.Sprintf("%stok-%d", f.prefix, f.gen), TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}, nil
}

func (f *fakeTokens) Invalidate(rejected string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.invalidated++
	if rejected == fmt.Sprintf("%stok-%d", f.prefix, f.gen) {
		f.gen++
	}
}

// recorded is one request as the test server saw it.
type recorded struct {
	Method string
	URI    string // RequestURI exactly as sent
	Header http.Header
	Body   string
	At     time.Time
}

// recorder wraps a handler and keeps every request.
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
	h    func(w http.ResponseWriter, r *http.Request, n int)
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, recorded{Method: r.Method, URI: r.RequestURI, Header: r.Header.Clone(), Body: string(b), At: time.Now()})
	n := len(rec.reqs)
	rec.mu.Unlock()
	rec.h(w, r, n)
}

func (rec *recorder) all() []recorded {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]recorded(nil), rec.reqs...)
}

// newTestClient starts a loopback server running h (n counts requests from 1) and a client for it, with
// millisecond backoff so retry tests stay fast.
func newTestClient(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int), mod ...func(*Options)) (*Client, *recorder, *fakeTokens) {
	t.Helper()
	rec := &recorder{h: h}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	tokens := &fakeTokens{}
	opts := Options{
		Endpoint:       srv.URL,
		APIVersion:     "v1.0",
		Tokens:         tokens,
		UserAgent:      "terraform-provider-securescore/test",
		RetryBaseDelay: 5 * time.Millisecond,
		RetryMaxDelay:  20 * time.Millisecond,
	}
	for _, m := range mod {
		m(&opts)
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c, rec, tokens
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8")
	w.Header().Set("request-id", "srv-req-id")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// dropConnection closes the connection without any response, as a crashed proxy or a dropped write does.
func dropConnection(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("cannot hijack")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	_ = conn.Close()
}

const scoreJSON = `{"id":"t_2023-01-10","azureTenantId":"t","currentScore":342.94,"maxScore":863.0,"createdDateTime":"2023-01-10T00:00:00Z"}`

const profileJSON = `{"id":"11770.MDA_Google_EnableTwoFactorAuth","azureTenantId":"t","controlStateUpdates":[{"assignedTo":null,"comment":null,"state":"Default","updatedBy":null,"updatedDateTime":null}]}`

func ctxTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func asError[T error](err error, target *T) bool { return errors.As(err, target) }
