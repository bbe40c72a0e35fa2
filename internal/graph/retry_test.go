package graph

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := map[string]time.Duration{
		"3":                             3 * time.Second,
		"2.128":                         2128 * time.Millisecond,
		" 0.05 ":                        50 * time.Millisecond,
		"0":                             0,
		"Fri, 02 Jan 2026 03:04:15 GMT": 10 * time.Second,
		"Fri, 02 Jan 2026 03:04:00 GMT": 0, // in the past: retry now
		"99999999999":                   maxRetryAfter,
	}
	for in, want := range cases {
		got, ok := parseRetryAfter(in, now)
		if !ok || got != want {
			t.Errorf("%q: got %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "-1", "soon", "1e3", "NaN", "2.", ".5"} {
		if d, ok := parseRetryAfter(in, now); ok {
			t.Errorf("%q: accepted as %v", in, d)
		}
	}
}

func TestBackoffExponentialWithJitter(t *testing.T) {
	base, ceiling := 100*time.Millisecond, 2*time.Second
	for retry := 1; retry <= 10; retry++ {
		step := base << (retry - 1)
		if step > ceiling {
			step = ceiling
		}
		distinct := map[time.Duration]bool{}
		for i := 0; i < 50; i++ {
			d := backoff(base, ceiling, retry)
			if d < step/2 || d > step {
				t.Fatalf("retry %d: %v outside [%v, %v]", retry, d, step/2, step)
			}
			distinct[d] = true
		}
		if len(distinct) < 10 {
			t.Fatalf("retry %d: no jitter (%d distinct values)", retry, len(distinct))
		}
	}
	if d := backoff(base, ceiling, 10000); d > ceiling {
		t.Fatalf("overflow: %v", d)
	}
}

func throttled(status int, retryAfter string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		code := map[int]string{429: "TooManyRequests", 503: "serviceNotAvailable", 504: "GatewayTimeout"}[status]
		writeJSON(w, status, `{"error":{"code":"`+code+`","message":"slow down","innerError":{"date":"2020-08-18T12:51:51","request-id":"r-`+strconv.Itoa(status)+`"}}}`)
	}
}

func TestRetryOn429FractionalRetryAfter(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n <= 2 {
			throttled(429, "0.15")(w)
			return
		}
		writeJSON(w, 200, scoreJSON)
	})
	if _, err := c.GetSecureScore(ctxTimeout(t, 10*time.Second), "x"); err != nil {
		t.Fatal(err)
	}
	reqs := rec.all()
	if len(reqs) != 3 {
		t.Fatalf("%d attempts", len(reqs))
	}
	for i := 1; i < 3; i++ {
		if gap := reqs[i].At.Sub(reqs[i-1].At); gap < 150*time.Millisecond {
			t.Fatalf("waited %v, Retry-After said 0.15s", gap)
		}
	}
}

func TestRetryOn429HTTPDateRetryAfter(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			// HTTP dates have whole seconds: 2s ahead means a wait of more than 1s.
			throttled(429, time.Now().Add(2*time.Second).UTC().Format(http.TimeFormat))(w)
			return
		}
		writeJSON(w, 200, scoreJSON)
	})
	if _, err := c.GetSecureScore(ctxTimeout(t, 10*time.Second), "x"); err != nil {
		t.Fatal(err)
	}
	reqs := rec.all()
	if len(reqs) != 2 {
		t.Fatalf("%d attempts", len(reqs))
	}
	if gap := reqs[1].At.Sub(reqs[0].At); gap < time.Second || gap > 3*time.Second {
		t.Fatalf("waited %v for an HTTP-date Retry-After 2s ahead", gap)
	}
}

func TestRetryOn503And504WithBackoff(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n {
		case 1:
			throttled(503, "")(w)
		case 2:
			throttled(504, "")(w)
		case 3:
			throttled(503, "0.01")(w)
		default:
			writeJSON(w, 200, `{"value":[]}`)
		}
	})
	list, err := c.ListControlProfiles(ctxTimeout(t, 10*time.Second), ListOptions{})
	if err != nil || list.Value == nil {
		t.Fatal(err)
	}
	if len(rec.all()) != 4 {
		t.Fatalf("%d attempts", len(rec.all()))
	}
}

// Not retried: client errors and other server errors are answers, not transient states.
func TestNoRetryOnOtherStatuses(t *testing.T) {
	for _, status := range []int{400, 403, 404, 409, 500, 502} {
		c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, status, `{"error":{"code":"X","message":"no"}}`)
		})
		_, err := c.GetSecureScore(ctxTimeout(t, 5*time.Second), "x")
		var ge *Error
		if !errors.As(err, &ge) || ge.StatusCode != status || len(rec.all()) != 1 {
			t.Errorf("%d: %v after %d attempts", status, err, len(rec.all()))
		}
		if IsNotFound(err) != (status == 404) {
			t.Errorf("%d: IsNotFound = %v", status, IsNotFound(err))
		}
	}
}

// A PATCH applied by the service whose connection then drops is re-sent with the identical body.
func TestRetryBrokenConnectionResendsIdenticalPatch(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n {
		case 1:
			dropConnection(t, w)
		case 2:
			throttled(503, "0.01")(w)
		default:
			writeJSON(w, 200, scoreJSON)
		}
	})
	patch := map[string]any{"currentScore": 1.5, "controlScores": []map[string]any{{"controlName": "AdminMFA", "score": 9}}}
	if _, err := c.UpdateSecureScore(ctxTimeout(t, 10*time.Second), "t_2023-01-10", patch); err != nil {
		t.Fatal(err)
	}
	reqs := rec.all()
	if len(reqs) != 3 {
		t.Fatalf("%d attempts", len(reqs))
	}
	ids := map[string]bool{}
	for _, r := range reqs {
		if r.Method != http.MethodPatch || r.Body != reqs[0].Body || r.URI != reqs[0].URI {
			t.Fatalf("attempt differs: %s %s %s vs %s", r.Method, r.URI, r.Body, reqs[0].Body)
		}
		ids[r.Header.Get("client-request-id")] = true
	}
	if len(ids) != 3 {
		t.Fatal("each attempt needs a fresh client-request-id")
	}
	if !strings.Contains(reqs[0].Body, `"@odata.type":"#microsoft.graph.secureScore"`) {
		t.Fatal(reqs[0].Body)
	}
}

func TestRetryBrokenConnectionMidBody(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(200)
			_, _ = w.Write([]byte(scoreJSON[:30]))
			_ = http.NewResponseController(w).Flush()
			dropConnection(t, w)
			return
		}
		writeJSON(w, 200, scoreJSON)
	})
	s, err := c.GetSecureScore(ctxTimeout(t, 10*time.Second), "x")
	if err != nil || s.ID != "t_2023-01-10" || len(rec.all()) != 2 {
		t.Fatalf("%v after %d attempts", err, len(rec.all()))
	}
}

// A wait longer than the time left fails at once with RetryWaitError, instead of sleeping into the deadline.
func TestRetryWaitExceedsDeadlineFailsAtOnce(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) { throttled(429, "120")(w) })
	start := time.Now()
	_, err := c.GetSecureScore(ctxTimeout(t, 3*time.Second), "x")
	elapsed := time.Since(start)
	var rw *RetryWaitError
	if !errors.As(err, &rw) {
		t.Fatalf("want *RetryWaitError, got %T %v", err, err)
	}
	if elapsed > 500*time.Millisecond || len(rec.all()) != 1 {
		t.Fatalf("took %v and %d attempts; must fail at once", elapsed, len(rec.all()))
	}
	if rw.StatusCode != 429 || rw.Wait != 120*time.Second || rw.Remaining > 3*time.Second || rw.Remaining < 2*time.Second {
		t.Fatalf("%+v", rw)
	}
	if msg := err.Error(); !strings.Contains(msg, "retry wait of 2m0s") || !strings.Contains(msg, "remain before the deadline") || !strings.Contains(msg, "TooManyRequests") {
		t.Fatalf("message: %s", msg)
	}
	var ge *Error
	if !errors.As(err, &ge) || ge.Code != "TooManyRequests" || ge.RequestID != "r-429" {
		t.Fatalf("cause: %+v", ge)
	}

	// Same without Retry-After: the backoff step alone exceeds the deadline.
	c, rec, _ = newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) { throttled(503, "")(w) },
		func(o *Options) { o.RetryBaseDelay = 20 * time.Second; o.RetryMaxDelay = time.Minute })
	start = time.Now()
	_, err = c.GetSecureScore(ctxTimeout(t, 2*time.Second), "x")
	if !errors.As(err, &rw) || rw.StatusCode != 503 || rw.Wait < 10*time.Second || time.Since(start) > 500*time.Millisecond || len(rec.all()) != 1 {
		t.Fatalf("backoff: %v after %v", err, time.Since(start))
	}
}

// Without a deadline on ctx, MaxRetryDuration bounds the call.
func TestNoDeadlineUsesMaxRetryDuration(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) { throttled(429, "0.1")(w) },
		func(o *Options) { o.MaxRetryDuration = 350 * time.Millisecond })
	start := time.Now()
	_, err := c.GetSecureScore(context.Background(), "x")
	// The bound ends the call either while planning a wait that no longer fits (RetryWaitError) or, on a loaded
	// machine, during the attempt it still allowed (DeadlineExceeded): both within the bound.
	var rw *RetryWaitError
	if !errors.As(err, &rw) && !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second || len(rec.all()) < 3 {
		t.Fatalf("%v after %v, %d attempts", err, time.Since(start), len(rec.all()))
	}
}

func TestCancellationIsPrompt(t *testing.T) {
	// During a Retry-After sleep.
	c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) { throttled(429, "30")(w) })
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.GetSecureScore(ctx, "x")
	if !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
		t.Fatalf("sleeping: %v after %v", err, time.Since(start))
	}
	if !strings.Contains(err.Error(), "GET http://") {
		t.Fatalf("error should name the request: %v", err)
	}

	// During a request the server never answers.
	release := make(chan struct{})
	defer close(release)
	c, _, _ = newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start = time.Now()
	_, err = c.UpdateControlProfile(ctx, "x", ControlProfileUpdate{State: "Default"})
	if !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
		t.Fatalf("in flight: %v after %v", err, time.Since(start))
	}

	// Already cancelled: no request at all.
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, scoreJSON) })
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if _, err := c.ListSecureScores(ctx, ListOptions{}); !errors.Is(err, context.Canceled) || len(rec.all()) != 0 {
		t.Fatalf("pre-cancelled: %v, %d requests", err, len(rec.all()))
	}
}

// cancelAfterResponse is a transport that receives each response in full (status, headers and the whole body)
// and only then cancels the call's context: the cancellation deterministically lands between the answer's
// arrival and the client's decision about it. cutBody instead cancels in the middle of the body, as the
// transport does when a context ends while a body is still on the wire.
type cancelAfterResponse struct {
	cancel  context.CancelFunc
	cutBody bool
}

func (tr cancelAfterResponse) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	tr.cancel()
	if tr.cutBody {
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(b[:len(b)/2]), errReader{context.Canceled}))
	} else {
		resp.Body = io.NopCloser(bytes.NewReader(b))
	}
	return resp, nil
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// A final answer received in full stands even though the context was cancelled meanwhile (a PATCH that
// succeeded must reach state); a retryable answer, or one cut short, ends in the cancellation without a retry.
func TestFinalResponseSurvivesCancellation(t *testing.T) {
	cases := []struct {
		name    string
		status  int
		body    string
		cutBody bool
		check   func(t *testing.T, p *SecureScoreControlProfile, err error)
	}{
		{"200 applied", 200, profileJSON, false, func(t *testing.T, p *SecureScoreControlProfile, err error) {
			if err != nil || p == nil || p.ID != "11770.MDA_Google_EnableTwoFactorAuth" {
				t.Fatalf("want the profile, got %+v, %v", p, err)
			}
		}},
		{"400 final", 400, `{"error":{"code":"BadRequest","message":"Invalid state."}}`, false, func(t *testing.T, p *SecureScoreControlProfile, err error) {
			var ge *Error
			if !errors.As(err, &ge) || ge.StatusCode != 400 || ge.Code != "BadRequest" || errors.Is(err, context.Canceled) {
				t.Fatalf("want the Graph 400, got %v", err)
			}
		}},
		{"503 not retried", 503, `{"error":{"code":"serviceNotAvailable","message":"later"}}`, false, func(t *testing.T, p *SecureScoreControlProfile, err error) {
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("want context.Canceled, got %v", err)
			}
		}},
		{"200 cut short", 200, profileJSON, true, func(t *testing.T, p *SecureScoreControlProfile, err error) {
			if !errors.Is(err, context.Canceled) || p != nil {
				t.Fatalf("want context.Canceled, got %+v, %v", p, err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, tc.status, tc.body) },
				func(o *Options) {
					o.HTTPClient = &http.Client{Transport: cancelAfterResponse{cancel: cancel, cutBody: tc.cutBody}}
				})
			p, err := c.UpdateControlProfile(ctx, "x", ControlProfileUpdate{State: "Ignored"})
			if ctx.Err() == nil {
				t.Fatal("the context was not cancelled: the test did not exercise anything")
			}
			if n := len(rec.all()); n != 1 {
				t.Fatalf("%d requests, want exactly 1", n)
			}
			tc.check(t, p, err)
		})
	}
}

func TestUnauthorizedRefreshesTokenOnce(t *testing.T) {
	c, rec, tokens := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Header.Get("Authorization") == "Bearer tok-0" {
			writeJSON(w, 401, `{"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired or is not yet valid."}}`)
			return
		}
		writeJSON(w, 200, scoreJSON)
	})
	if _, err := c.GetSecureScore(ctxTimeout(t, 5*time.Second), "x"); err != nil {
		t.Fatal(err)
	}
	if tokens.invalidated != 1 || len(rec.all()) != 2 || rec.all()[1].Header.Get("Authorization") != "Bearer tok-1" {
		t.Fatalf("invalidated %d, %d requests", tokens.invalidated, len(rec.all()))
	}

	// A token that keeps being rejected: one refresh, then the 401 is returned.
	c, rec, tokens = newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 401, `{"error":{"code":"InvalidAuthenticationToken","message":"Access token is empty."}}`)
	})
	_, err := c.GetSecureScore(ctxTimeout(t, 5*time.Second), "x")
	var ge *Error
	if !errors.As(err, &ge) || ge.StatusCode != 401 || tokens.invalidated != 1 || len(rec.all()) != 2 {
		t.Fatalf("%v: invalidated %d, %d requests", err, tokens.invalidated, len(rec.all()))
	}

	// Another 401 code is not a stale token: no refresh.
	c, rec, tokens = newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 401, `{"error":{"code":"Unauthorized","message":"no"}}`)
	})
	_, _ = c.GetSecureScore(ctxTimeout(t, 5*time.Second), "x")
	if tokens.invalidated != 0 || len(rec.all()) != 1 {
		t.Fatalf("invalidated %d, %d requests", tokens.invalidated, len(rec.all()))
	}
}

func TestTokenErrorIsNotRetried(t *testing.T) {
	c, rec, tokens := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, scoreJSON) })
	sentinel := errors.New("AADSTS7000215: bad secret")
	tokens.err = sentinel
	_, err := c.GetSecureScore(ctxTimeout(t, 5*time.Second), "x")
	if !errors.Is(err, sentinel) || len(rec.all()) != 0 || tokens.calls != 1 || !strings.Contains(err.Error(), "acquiring an access token") {
		t.Fatalf("%v, %d requests, %d token calls", err, len(rec.all()), tokens.calls)
	}
}

// Requests refused together with the same stale token cause one refresh: each 401 names the token it answered,
// and a token already replaced is not thrown away again.
func TestConcurrentUnauthorizedRefreshOnce(t *testing.T) {
	const callers = 8
	arrived := make(chan struct{}, callers)
	release := make(chan struct{})
	c, rec, tokens := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Header.Get("Authorization") == "Bearer tok-0" {
			arrived <- struct{}{}
			select { // answer only when every caller holds tok-0
			case <-release:
			case <-time.After(5 * time.Second):
			}
			writeJSON(w, 401, `{"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired or is not yet valid."}}`)
			return
		}
		writeJSON(w, 200, scoreJSON)
	})
	go func() {
		for range callers {
			<-arrived
		}
		close(release)
	}()
	errs := make(chan error, callers)
	for range callers {
		go func() {
			_, err := c.GetSecureScore(ctxTimeout(t, 10*time.Second), "x")
			errs <- err
		}()
	}
	for range callers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	tokens.mu.Lock()
	gen, invalidated := tokens.gen, tokens.invalidated
	tokens.mu.Unlock()
	if gen != 1 || invalidated != callers || len(rec.all()) != 2*callers {
		t.Fatalf("token generations %d (want 1), invalidations %d, requests %d", gen, invalidated, len(rec.all()))
	}
	for _, r := range rec.all()[callers:] {
		if r.Header.Get("Authorization") != "Bearer tok-1" {
			t.Fatalf("retry sent %q", r.Header.Get("Authorization"))
		}
	}
}
