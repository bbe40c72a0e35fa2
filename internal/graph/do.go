package graph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/go-retryablehttp"
)

// apiRequest is one logical Graph call; retries re-send exactly this method, URL and body.
type apiRequest struct {
	method string
	url    string
	body   []byte // nil: no body
	prefer string // Prefer header, if any
	// noResend: not idempotent, so a connection broken after sending is not retried (see UnconfirmedWriteError).
	noResend bool
}

// apiResponse is the final answer, its body already read (and capped).
type apiResponse struct {
	status          int
	header          http.Header
	body            []byte
	requestID       string
	clientRequestID string
	token           string // the access token used, masked from logs
}

// do runs r with retries, refreshing the token once on 401 InvalidAuthenticationToken. A non-2xx final
// answer becomes *Error.
func (c *Client) do(ctx context.Context, r apiRequest) (*apiResponse, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.maxRetryDuration)
		defer cancel()
	}
	refreshed := false
	for {
		resp, err := c.doRetrying(ctx, r)
		if err != nil {
			return nil, err
		}
		if c.traceBodies && len(resp.body) > 0 {
			logTrace(ctx, resp.token, "graph: response body", map[string]any{"method": r.method, "url": r.url, "status": resp.status, "body": string(resp.body)})
		}
		if resp.status == http.StatusPartialContent {
			// A federated provider answered partially; the data is still returned, the gap is reported.
			logWarn(ctx, resp.token, "graph: partial result (HTTP 206)", map[string]any{"method": r.method, "url": r.url, "warning": resp.header.Get("Warning"), "request_id": resp.requestID})
		}
		if resp.status >= 200 && resp.status < 300 {
			return resp, nil
		}
		e := newResponseError(r.method, r.url, &http.Response{StatusCode: resp.status, Header: resp.header}, resp.body, resp.clientRequestID)
		if resp.status == http.StatusUnauthorized && strings.EqualFold(e.Code, "InvalidAuthenticationToken") && !refreshed {
			// The cached token was revoked or expired early: fetch a new one, once.
			refreshed = true
			c.tokens.Invalidate(resp.token)
			logDebug(ctx, resp.token, "graph: token rejected, refreshing once", map[string]any{"method": r.method, "url": r.url, "request_id": e.RequestID})
			continue
		}
		if e.StatusCode == http.StatusForbidden {
			e.Hint = forbiddenHint(r.method, c.forbiddenHint)
		}
		return nil, e
	}
}

// forbiddenHint names the permission a 403 usually means is missing, plus the sign-in method's own advice.
func forbiddenHint(method, extra string) string {
	h := "reading Secure Score needs the Microsoft Graph permission SecurityEvents.Read.All (or SecurityEvents.ReadWrite.All)"
	if method != http.MethodGet {
		h = "changing Secure Score needs the Microsoft Graph permission SecurityEvents.ReadWrite.All"
	}
	h += ", granted to the signed-in application or identity with admin consent"
	if extra != "" {
		h += "; " + extra
	}
	return h
}

// callState carries one logical call through go-retryablehttp's hooks: the hooks have no per-call argument,
// so a Client (retryablehttp's) is built per call around this state.
type callState struct {
	c        *Client
	ctx      context.Context
	req      apiRequest
	attempts int
	retries  int
	stalls   int // attempts ended by AttemptTimeoutError

	nextWait time.Duration // decided by checkRetry, returned by Backoff

	// checkRetry can be called twice for one response (before and after the response handler); the
	// decision is remembered so a retry is planned once.
	checkedResp  *http.Response
	checkedRetry bool
	checkedErr   error

	body            []byte
	clientRequestID string
	token           string
	last            error // how the latest attempt that was sent ended, when it is to be retried
}

// notSent is the error of an attempt not sent because the caller was told to stop.
func (st *callState) notSent(attempt int) error {
	return &NotSentError{Method: st.req.method, URL: st.req.url, Attempt: attempt, Last: st.last}
}

// attemptOutcome describes how a retryable attempt ended: its transport error, or its status.
func attemptOutcome(resp *http.Response, err error) error {
	if err != nil || resp == nil {
		return err
	}
	return fmt.Errorf("HTTP %d", resp.StatusCode)
}

// tokenError marks a failure to get a token: never retried here (the token source has its own policy).
type tokenError struct{ err error }

func (e *tokenError) Error() string { return e.err.Error() }
func (e *tokenError) Unwrap() error { return e.err }

func (c *Client) doRetrying(ctx context.Context, r apiRequest) (*apiResponse, error) {
	st := &callState{c: c, ctx: ctx, req: r}
	rc := &retryablehttp.Client{
		HTTPClient: &http.Client{
			Transport: st,
			Timeout:   c.timeout,
			// Never follow redirects: the Authorization header must not go anywhere but the endpoint.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		RetryMax:     math.MaxInt32, // bounded by the deadline, not a count
		CheckRetry:   st.checkRetry,
		Backoff:      func(time.Duration, time.Duration, int, *http.Response) time.Duration { return st.nextWait },
		ErrorHandler: st.errorHandler,
	}
	var body any
	if r.body != nil {
		body = r.body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.method, r.url, body)
	if err != nil {
		return nil, fmt.Errorf("graph: %s %s: %w", r.method, r.url, err)
	}
	req.SetResponseHandler(st.readBody)
	resp, err := rc.Do(req)
	if err != nil {
		return nil, st.wrap(err)
	}
	return &apiResponse{
		status:          resp.StatusCode,
		header:          resp.Header,
		body:            st.body,
		requestID:       resp.Header.Get("request-id"),
		clientRequestID: st.clientRequestID,
		token:           st.token,
	}, nil
}

func (st *callState) wrap(err error) error {
	if oe := st.writeOutcome(err); oe != nil {
		return oe
	}
	var rw *RetryWaitError
	var bw *BudgetWaitError
	var ns *NotSentError
	if errors.As(err, &rw) || errors.As(err, &bw) || errors.As(err, &ns) {
		return err
	}
	var te *tokenError
	if errors.As(err, &te) {
		return fmt.Errorf("graph: %s %s: acquiring an access token: %w", st.req.method, st.req.url, te.err)
	}
	var ge *Error
	if errors.As(err, &ge) {
		return err
	}
	if u := Unreachable("Microsoft Graph", st.req.url, st.c.endpointSettings, err); u != nil {
		err = u
	}
	// A cancelled context surfaces here too, as context.Canceled / DeadlineExceeded wrapped.
	return fmt.Errorf("graph: %s %s: %w", st.req.method, st.req.url, err)
}

// RoundTrip is the per-attempt step: fresh token, fresh client-request-id, headers, logging.
func (st *callState) RoundTrip(req *http.Request) (*http.Response, error) {
	closeBody := func() {
		if req.Body != nil {
			_ = req.Body.Close()
		}
	}
	if err := CheckURL(req.URL); err != nil {
		closeBody()
		return nil, err
	}
	st.attempts++
	ctx := req.Context()
	// The waits before sending end at the caller's stop; the attempt itself keeps ctx, so that once sent it can
	// still be answered within the caller's grace period.
	waitCtx, endWait := untilStopped(ctx)
	defer endWait()
	tok, err := st.c.tokens.Token(waitCtx)
	if err == nil && (tok == nil || tok.AccessToken == "") {
		err = errors.New("token source returned an empty token")
	}
	if err != nil {
		closeBody()
		if stopped(ctx) {
			return nil, st.notSent(st.attempts)
		}
		return nil, &tokenError{err}
	}
	st.token = tok.AccessToken
	release, err := st.c.admit(waitCtx, st.req.method, req.URL)
	if stop := stopped(ctx); err != nil || stop { // read once: a slot granted as the stop came is given back
		if err == nil {
			release()
		}
		closeBody()
		if stop {
			return nil, st.notSent(st.attempts)
		}
		return nil, err
	}

	out := req.Clone(ctx)
	id := uuid.NewString()
	st.clientRequestID = id
	out.Header.Set("Authorization", tok.Type()+" "+tok.AccessToken)
	out.Header.Set("client-request-id", id)
	out.Header.Set("User-Agent", st.c.userAgent)
	out.Header.Set("Accept", "application/json")
	if st.req.body != nil {
		out.Header.Set("Content-Type", "application/json")
	}
	if st.req.prefer != "" {
		out.Header.Set("Prefer", st.req.prefer)
	}
	if st.c.traceBodies && st.req.body != nil && st.attempts == 1 {
		logTrace(st.ctx, tok.AccessToken, "graph: request body", map[string]any{"method": st.req.method, "url": st.req.url, "body": string(st.req.body)})
	}

	start := time.Now()
	resp, err := boundedRoundTrip(st.c.transport, out, st.c.headerTimeout, st.c.bodyTimeout)
	resp, err = holdUntilClosed(resp, err, release)
	if !st.c.debugRequests {
		return resp, err
	}
	fields := map[string]any{
		"method":            st.req.method,
		"url":               req.URL.String(),
		"attempt":           st.attempts,
		"duration_ms":       time.Since(start).Milliseconds(),
		"client_request_id": id,
	}
	if err != nil {
		fields["error"] = err.Error()
		logDebug(st.ctx, tok.AccessToken, "graph: request failed", fields)
		return nil, err
	}
	fields["status"] = resp.StatusCode
	fields["request_id"] = resp.Header.Get("request-id")
	logDebug(st.ctx, tok.AccessToken, "graph: response", fields)
	return resp, nil
}

// checkRetry decides whether to retry and, if so, how long to wait; a wait beyond the deadline ends the call.
func (st *callState) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if err == nil && resp != nil && resp == st.checkedResp {
		return st.checkedRetry, st.checkedErr
	}
	retry, cerr := st.decide(ctx, resp, err)
	if err == nil {
		st.checkedResp, st.checkedRetry, st.checkedErr = resp, retry, cerr
	}
	return retry, cerr
}

func (st *callState) decide(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if err == nil && (resp == nil || !retryableStatus(resp.StatusCode)) {
		// A final answer stands even if ctx was cancelled meanwhile: a PATCH that succeeded must reach state.
		// Only waiting and retrying stop on cancellation; a body cut short by it fails in readBody and comes
		// back here as err.
		return false, nil
	}
	if ns := (*NotSentError)(nil); errors.As(err, &ns) {
		return false, err
	}
	if cerr := ctx.Err(); cerr != nil {
		if err != nil && errors.Is(err, cerr) {
			return false, err // says what the call was waiting for (a request slot, say)
		}
		return false, cerr
	}
	if err != nil {
		var te *tokenError
		if errors.As(err, &te) || errors.Is(err, ErrBodyTooLarge) || !isBrokenConnection(err) || st.req.noResend {
			return false, err
		}
		if ate := (*AttemptTimeoutError)(nil); errors.As(err, &ate) {
			if st.stalls++; st.stalls >= maxStalledAttempts {
				return false, fmt.Errorf("%d attempts got no complete answer; giving up: %w", st.stalls, err)
			}
		}
		return st.planRetry(ctx, 0, nil, err)
	}
	return st.planRetry(ctx, resp.StatusCode, resp, nil)
}

func (st *callState) planRetry(ctx context.Context, status int, resp *http.Response, cause error) (bool, error) {
	if stopped(ctx) {
		// No retry once the caller was told to stop: only an attempt already sent may still be answered.
		st.last = attemptOutcome(resp, cause)
		return false, st.notSent(st.attempts + 1)
	}
	st.retries++
	wait, fromHeader, floored := time.Duration(0), false, false
	if resp != nil {
		wait, fromHeader = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		if fromHeader {
			raw := wait
			wait = retryAfterWait(wait, st.c.retryAfterFloor)
			floored = wait != raw // the floor already added its own jitter
		}
	}
	if !fromHeader {
		wait = backoff(st.c.baseDelay, st.c.maxDelay, st.retries)
	}
	deadline, _ := ctx.Deadline() // do always sets one
	remaining := time.Until(deadline)
	if wait > remaining {
		if resp != nil {
			body, _ := readCapped(resp, st.c.maxBody)
			cause = newResponseError(st.req.method, st.req.url, resp, body, st.clientRequestID)
		}
		return false, &RetryWaitError{
			StatusCode: status, Wait: wait, Remaining: remaining,
			Method: st.req.method, URL: st.req.url, Attempts: st.attempts, Cause: cause,
		}
	}
	if fromHeader && !floored && status == http.StatusTooManyRequests {
		if j := jitter429(wait); j <= remaining { // jitter never turns a wait that fits into one that does not
			wait = j
		}
	}
	st.nextWait = wait
	st.last = attemptOutcome(resp, cause)
	logRetryWait(st.ctx, st.token, wait, status, st.req.method, st.req.url)
	fields := map[string]any{"method": st.req.method, "url": st.req.url, "attempt": st.attempts, "wait_ms": wait.Milliseconds(), "retry_after_header": fromHeader}
	if status != 0 {
		fields["status"] = status
	} else {
		fields["error"] = cause.Error()
	}
	logDebug(st.ctx, st.token, "graph: retrying", fields)
	return true, nil
}

// readBody is the response handler for the final response: a broken connection mid-body is retried like
// any other, a body over the cap is not.
func (st *callState) readBody(resp *http.Response) error {
	if st.givingUp(resp) {
		return nil // the call already ends with RetryWaitError, whose cause consumed the body
	}
	b, err := readCapped(resp, st.c.maxBody)
	if err != nil && st.req.method == http.MethodPatch && resp.StatusCode/100 == 2 && !errors.Is(err, ErrBodyTooLarge) && st.ctx.Err() == nil {
		// The PATCH landed: re-sending it could record the change twice. Its answer stands without a body,
		// and the caller reads the object back as after a 204. (Cancelled, the call ends in the cancellation.)
		logWarn(st.ctx, st.token, "graph: PATCH succeeded but its response body could not be read; reading the object back instead",
			map[string]any{"method": st.req.method, "url": st.req.url, "status": resp.StatusCode, "error": err.Error()})
		return nil
	}
	if err != nil {
		return err
	}
	st.body = b
	return nil
}

func (st *callState) givingUp(resp *http.Response) bool {
	return st.checkedResp == resp && st.checkedErr != nil
}

func (st *callState) errorHandler(resp *http.Response, err error, _ int) (*http.Response, error) {
	if resp != nil && resp.Body != nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		_ = resp.Body.Close()
	}
	return nil, err
}

// readCapped reads at most max bytes; more is ErrBodyTooLarge, so a runaway response cannot exhaust memory.
func readCapped(resp *http.Response, limit int64) ([]byte, error) {
	defer func() { _ = resp.Body.Close() }()
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("HTTP %d with a %d-byte body: %w (limit %d bytes, MaxBodyBytes)", resp.StatusCode, resp.ContentLength, ErrBodyTooLarge, limit)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading the HTTP %d response body: %w", resp.StatusCode, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("HTTP %d: %w (over %d bytes, MaxBodyBytes)", resp.StatusCode, ErrBodyTooLarge, limit)
	}
	return b, nil
}
