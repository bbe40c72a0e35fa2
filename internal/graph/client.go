package graph

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// TokenSource is what the client needs from any credential. Implementations cache and refresh early.
type TokenSource interface {
	Token(ctx context.Context) (*oauth2.Token, error)
	Invalidate(rejected string) // forget the cached token if it is rejected; called after a 401 InvalidAuthenticationToken
}

// Options configures a Client. Only Endpoint and Tokens are required.
type Options struct {
	Endpoint     string       // Graph base URL without version, e.g. "https://graph.microsoft.com" or "http://127.0.0.1:8080"
	APIVersion   string       // "beta" or "v1.0" for every operation; "" = each operation's documenting version (see versionFor)
	Tokens       TokenSource  // required
	UserAgent    string       // e.g. "terraform-provider-securescore/0.1.0"
	HTTPClient   *http.Client // optional; its Transport and Timeout are used, redirects are never followed
	MaxBodyBytes int64        // response cap; default 16 MiB
	MaxListPages int          // pages one list call may read; default 2,000
	MaxListBytes int64        // response bytes one list call may read over all its pages; default 64 MiB
	// ForbiddenHint is added to the permission hint of every 403, e.g. advice for the sign-in method in use.
	ForbiddenHint string
	// EndpointSettings names the settings that choose Endpoint, for the error a host that cannot be reached gets
	// (UnreachableError); "" says to check the endpoint.
	EndpointSettings string

	// Retry tuning; zero values take the defaults. Retries stop at the context's deadline, or after
	// MaxRetryDuration when the context has none.
	RetryBaseDelay   time.Duration // first backoff step without Retry-After; default 1s
	RetryMaxDelay    time.Duration // backoff ceiling; default 1m
	MaxRetryDuration time.Duration // bound on a call whose context has no deadline; default 30m
	RetryAfterFloor  time.Duration // shortest wait a Retry-After ("0", a past date) may ask for; default RetryBaseDelay

	// Per-attempt bounds: a stalled attempt fails and is retried (see isBrokenConnection for which methods).
	AttemptHeaderTimeout time.Duration // wait for response headers; default 60s
	AttemptBodyTimeout   time.Duration // read the whole body once headers are in; default 120s

	// The request budget (admission.go, pacing.go) is shared by every Client of the process with the same Graph
	// host, TenantID and ClientID. MaxConcurrentRequests lowers this Client's share of the
	// MaxConcurrentRequests slots (1..4; 0 means 4).
	TenantID              string
	ClientID              string
	MaxConcurrentRequests int
}

const (
	defaultMaxBodyBytes     = 16 << 20
	defaultMaxListPages     = 2000     // 90 days of scores at $top=1 is 90 pages; a tenant has a few hundred controls
	defaultMaxListBytes     = 64 << 20 // ten times a tenant's full score history with every control score
	defaultRetryBaseDelay   = time.Second
	defaultRetryMaxDelay    = time.Minute
	defaultMaxRetryDuration = 30 * time.Minute
	defaultUserAgent        = "terraform-provider-securescore"
)

// Client calls the Microsoft Graph secure score APIs. It is safe for concurrent use.
type Client struct {
	endpoint         *url.URL
	version          string // as configured; "" = per operation (versionFor)
	tokens           TokenSource
	userAgent        string
	transport        http.RoundTripper
	timeout          time.Duration
	maxBody          int64
	maxListPages     int
	maxListBytes     int64
	baseDelay        time.Duration
	maxDelay         time.Duration
	maxRetryDuration time.Duration
	retryAfterFloor  time.Duration
	headerTimeout    time.Duration
	bodyTimeout      time.Duration
	forbiddenHint    string
	endpointSettings string
	traceBodies      bool // log request and response bodies (TRACE only)
	debugRequests    bool // log one line per request (DEBUG or finer)
	admission        admission
}

// New validates opts and returns a Client. Plain http:// is refused unless the host is loopback
// (localhost, 127.0.0.0/8, ::1), so a bearer token never crosses a network unencrypted.
func New(opts Options) (*Client, error) {
	if opts.Endpoint == "" {
		return nil, fmt.Errorf("graph: Endpoint is required, e.g. https://graph.microsoft.com")
	}
	if opts.Tokens == nil {
		return nil, fmt.Errorf("graph: Tokens (a TokenSource) is required")
	}
	u, err := url.Parse(strings.TrimRight(opts.Endpoint, "/"))
	if err != nil {
		return nil, fmt.Errorf("graph: invalid Endpoint %q: %w", opts.Endpoint, err)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("graph: Endpoint %q must not contain a query, fragment or user info", opts.Endpoint)
	}
	if err := CheckURL(u); err != nil {
		return nil, err
	}
	// Host names are case-insensitive, but Go's proxy bypass and other exact-match checks are not.
	u.Scheme = strings.ToLower(u.Scheme)
	if !strings.Contains(u.Host, "%") { // an IPv6 zone (interface name) keeps its case
		u.Host = strings.ToLower(u.Host)
	}
	if opts.MaxConcurrentRequests < 0 || opts.MaxConcurrentRequests > MaxConcurrentRequests {
		return nil, fmt.Errorf("graph: MaxConcurrentRequests %d is outside 1..%d (Graph's limit per app and tenant)", opts.MaxConcurrentRequests, MaxConcurrentRequests)
	}
	version := opts.APIVersion
	if version != "" && version != "beta" && version != "v1.0" {
		return nil, fmt.Errorf(`graph: APIVersion %q is not supported: use "beta" or "v1.0"`, version)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	baseDelay := positiveOr(opts.RetryBaseDelay, defaultRetryBaseDelay)
	c := &Client{
		endpoint:         u,
		version:          version,
		tokens:           opts.Tokens,
		userAgent:        cmp.Or(opts.UserAgent, defaultUserAgent),
		transport:        SharedTransport(),
		maxBody:          positiveOr(opts.MaxBodyBytes, defaultMaxBodyBytes),
		maxListPages:     positiveOr(opts.MaxListPages, defaultMaxListPages),
		maxListBytes:     positiveOr(opts.MaxListBytes, defaultMaxListBytes),
		baseDelay:        baseDelay,
		maxDelay:         positiveOr(opts.RetryMaxDelay, defaultRetryMaxDelay),
		maxRetryDuration: positiveOr(opts.MaxRetryDuration, defaultMaxRetryDuration),
		retryAfterFloor:  positiveOr(opts.RetryAfterFloor, baseDelay),
		headerTimeout:    positiveOr(opts.AttemptHeaderTimeout, defaultAttemptHeaderTimeout),
		bodyTimeout:      positiveOr(opts.AttemptBodyTimeout, defaultAttemptBodyTimeout),
		forbiddenHint:    opts.ForbiddenHint,
		endpointSettings: opts.EndpointSettings,
		traceBodies:      bodyTracingFromEnv(),
		debugRequests:    debugLoggingFromEnv(),
		admission:        newAdmission(budgetFor(u.Host, opts.TenantID, opts.ClientID), opts.MaxConcurrentRequests),
	}
	if opts.HTTPClient != nil {
		if opts.HTTPClient.Transport != nil {
			c.transport = opts.HTTPClient.Transport
		}
		c.timeout = opts.HTTPClient.Timeout
	}
	return c, nil
}

// positiveOr is v, or def when v is unset (zero or negative).
func positiveOr[T int | int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// APIVersion returns the configured version, "beta" or "v1.0", or "" when each operation uses its own.
func (c *Client) APIVersion() string { return c.version }

// BaseURL returns the endpoint with the version of reads, e.g. "https://graph.microsoft.com/v1.0".
func (c *Client) BaseURL() string { return c.baseURL(opRead) }

// operation kinds, for versionFor.
const (
	opRead                = iota // lists and gets: documented in v1.0
	opControlProfilePatch        // documented in v1.0 with the body the client sends
	opSecureScorePatch           // documented only in beta
)

// versionFor is the version an operation uses: the configured one, else the version whose reference documents
// the operation (v1.0, except the secureScores PATCH, which only beta's reference has).
func (c *Client) versionFor(op int) string {
	switch {
	case c.version != "":
		return c.version
	case op == opSecureScorePatch:
		return "beta"
	default:
		return "v1.0"
	}
}

func (c *Client) baseURL(op int) string {
	return c.endpoint.String() + "/" + c.versionFor(op)
}

// CheckURL enforces the transport rule shared by Graph and token requests: https anywhere, http only to a
// loopback host (an emulator or a test server).
func CheckURL(u *url.URL) error {
	switch strings.ToLower(u.Scheme) {
	case "https":
		if u.Host == "" {
			return fmt.Errorf("graph: URL %q has no host", u.Redacted())
		}
		return nil
	case "http":
		if IsLoopbackHost(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("graph: refusing plain http:// to non-loopback host %q: use https://, or http:// only for localhost, 127.0.0.0/8 or ::1 (an emulator)", u.Hostname())
	default:
		return fmt.Errorf("graph: URL %q must use https:// (or http:// to a loopback host)", u.Redacted())
	}
}

// IsLoopbackHost reports whether host (without port) is localhost (any case), in 127.0.0.0/8, or ::1
// (also IPv4-mapped, or with an IPv6 zone).
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && ip.Unmap().IsLoopback()
}

// LoopbackGuard wraps rt so that every request (including any a caller's redirect policy follows) obeys CheckURL.
func LoopbackGuard(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = SharedTransport()
	}
	return guardTransport{rt}
}

type guardTransport struct{ base http.RoundTripper }

func (g guardTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := CheckURL(req.URL); err != nil {
		if req.Body != nil {
			_ = req.Body.Close() // RoundTrip must close the body even on error
		}
		return nil, err
	}
	return g.base.RoundTrip(req)
}
