package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/oauth2"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// tokenBackoff is the backoff of token requests without Retry-After: the Graph client's defaults. Tests
// shorten it; it is atomic because a fetch can outlive the caller (and the test) that started it.
var tokenBackoff atomic.Pointer[[2]time.Duration]

func init() {
	tokenBackoff.Store(&[2]time.Duration{graph.DefaultRetryBaseDelay, graph.DefaultRetryMaxDelay})
}

// retryTokenRequest runs attempt until it succeeds, fails for good, or the next wait would end after ctx's
// deadline. A 429 or 5xx from the token endpoint, or a dropped connection, is retried: one blip must not fail a
// whole run. An endpoint's refusal is returned as *EntraError, an endpoint that cannot be reached as
// *UnreachableError; other errors as they are.
func retryTokenRequest(ctx context.Context, endpoint string, attempt func(context.Context) (*oauth2.Token, error)) (*oauth2.Token, error) {
	failure := func(err error) error {
		if u := unreachable(endpoint, err); u != nil {
			return u
		}
		return tokenEndpointError(err)
	}
	for retry := 1; ; retry++ {
		tok, err := attempt(ctx)
		if err == nil {
			return tok, nil
		}
		header, status, transient := transientTokenError(err)
		if !transient || ctx.Err() != nil {
			return nil, failure(err)
		}
		noteFailedAttempt(ctx, failure(err))
		b := tokenBackoff.Load()
		wait, fromHeader := graph.RetryWait(header, b[0], b[1], retry)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return nil, fmt.Errorf("%w (gave up after %d attempts: the next retry, in %s, would pass the sign-in deadline)", failure(err), retry, wait.Round(time.Millisecond))
		}
		fields := map[string]any{"endpoint": endpoint, "attempt": retry, "wait_ms": wait.Milliseconds(), "retry_after_header": fromHeader}
		if status != 0 {
			fields["status"] = status
		}
		tflog.Info(ctx, "Token endpoint unavailable; waiting to retry", fields)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("%w (gave up waiting to retry: %v)", failure(err), ctx.Err())
		case <-t.C:
		}
	}
}

// transientTokenError says whether a token request's failure is worth retrying, with the answer's headers and
// status when there was an answer.
func transientTokenError(err error) (http.Header, int, bool) {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		if re.Response == nil {
			return nil, 0, false
		}
		s := re.Response.StatusCode
		return re.Response.Header, s, s == http.StatusTooManyRequests || s == http.StatusInternalServerError ||
			s == http.StatusBadGateway || s == http.StatusServiceUnavailable || s == http.StatusGatewayTimeout
	}
	if errors.Is(err, errRedirectRefused) {
		return nil, 0, false
	}
	return nil, 0, graph.IsTransientNetworkError(err)
}
