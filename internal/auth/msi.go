package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// IMDSEndpoint is the Azure Instance Metadata Service address. It is the only non-loopback host that may be
// reached over plain http: it is link-local and never leaves the machine.
const IMDSEndpoint = "http://169.254.169.254"

const (
	imdsHost          = "169.254.169.254"
	imdsTokenPath     = "/metadata/identity/oauth2/token"
	imdsAPIVersion    = "2018-02-01"
	appServiceVersion = "2019-08-01"
	msiAttemptTimeout = 15 * time.Second
	maxMSIBody        = 1 << 20
)

// ManagedIdentityConfig configures a token source for an Azure managed identity.
//
// Two protocols are spoken:
//   - IMDS (virtual machines, scale sets, AKS, Container Instances…): GET {Endpoint}?api-version=2018-02-01&resource=…
//     with "Metadata: true". Endpoint defaults to IMDSEndpoint + "/metadata/identity/oauth2/token"; an Endpoint
//     with no path (e.g. "http://127.0.0.1:8080") gets that path appended, a full URL is used as given
//     (this is what ARM_MSI_ENDPOINT holds for the azurerm/azuread providers).
//   - App Service / Functions: when IdentityHeader is set, GET {Endpoint}?api-version=2019-08-01&resource=… with
//     "X-IDENTITY-HEADER". Endpoint and IdentityHeader come from IDENTITY_ENDPOINT and IDENTITY_HEADER.
type ManagedIdentityConfig struct {
	Endpoint       string // msi_endpoint, or IDENTITY_ENDPOINT for App Service; "" = IMDS
	IdentityHeader string // IDENTITY_HEADER; selects the App Service protocol
	// ClientID selects a user-assigned identity; "" = the system-assigned identity.
	ClientID string
	// Scope is the Graph scope ("https://graph.microsoft.com/.default"); the resource sent is the scope without
	// ".default" ("https://graph.microsoft.com/"). Required.
	Scope      string
	HTTPClient *http.Client
	Now        func() time.Time

	// retryDelays are the waits between attempts after a retryable answer (IMDS asks clients to retry 404, 410,
	// 429 and 5xx). Tests shorten them.
	retryDelays []time.Duration
}

var defaultMSIRetryDelays = []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}

// NewManagedIdentity returns a caching token source for a managed identity. It validates the endpoint
// (https, loopback, or the IMDS address only) but does not contact it.
func NewManagedIdentity(cfg ManagedIdentityConfig) (*CachingSource, error) {
	m, err := newMSISource(cfg)
	if err != nil {
		return nil, err
	}
	return NewCachingSource(m.fetch), nil
}

func newMSISource(cfg ManagedIdentityConfig) (*msiSource, error) {
	if cfg.Scope == "" {
		return nil, errors.New("managed identity: scope is required")
	}
	appService := cfg.IdentityHeader != ""
	raw := cfg.Endpoint
	switch {
	case raw == "" && appService:
		return nil, errors.New("managed identity: IDENTITY_HEADER is set but IDENTITY_ENDPOINT is not")
	case raw == "":
		raw = IMDSEndpoint + imdsTokenPath
	}
	u, err := checkTransportURL("msi_endpoint", raw, true)
	if err != nil {
		return nil, err
	}
	if !appService && (u.Path == "" || u.Path == "/") {
		u.Path = imdsTokenPath
	}
	q := u.Query()
	if appService {
		q.Set("api-version", appServiceVersion)
	} else {
		q.Set("api-version", imdsAPIVersion)
	}
	q.Set("resource", resourceFromScope(cfg.Scope))
	if cfg.ClientID != "" {
		q.Set("client_id", cfg.ClientID)
	}
	u.RawQuery = q.Encode()

	// Redirects are refused (they would carry X-IDENTITY-HEADER along), and every request obeys the
	// transport rule (https, loopback, or IMDS).
	cfg.HTTPClient = signInClient(cfg.HTTPClient, func(rt http.RoundTripper) http.RoundTripper { return msiGuard{base: rt} })
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.retryDelays == nil {
		cfg.retryDelays = defaultMSIRetryDelays
	}
	return &msiSource{cfg: cfg, url: u.String(), appService: appService}, nil
}

// resourceFromScope turns "https://graph.microsoft.com/.default" into "https://graph.microsoft.com/".
func resourceFromScope(scope string) string {
	return strings.TrimSuffix(scope, ".default")
}

type msiSource struct {
	cfg        ManagedIdentityConfig
	url        string
	appService bool
}

func (m *msiSource) protocol() string {
	if m.appService {
		return "managed identity (App Service)"
	}
	return "managed identity (IMDS)"
}

func (m *msiSource) fetch(ctx context.Context) (*oauth2.Token, error) {
	for attempt := 0; ; attempt++ {
		tok, retry, err := m.attempt(ctx)
		if err == nil {
			return tok, nil
		}
		if !retry || attempt >= len(m.cfg.retryDelays) {
			return nil, err
		}
		t := time.NewTimer(m.cfg.retryDelays[attempt])
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("%w (gave up waiting to retry: %v)", err, ctx.Err())
		case <-t.C:
		}
	}
}

// attempt makes one request; retry reports whether the answer is one IMDS documents as transient.
func (m *msiSource) attempt(ctx context.Context) (tok *oauth2.Token, retry bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, msiAttemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.url, nil)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", m.protocol(), err)
	}
	if m.appService {
		req.Header.Set("X-IDENTITY-HEADER", m.cfg.IdentityHeader)
	} else {
		req.Header.Set("Metadata", "true")
	}
	resp, err := m.cfg.HTTPClient.Do(req)
	if err != nil {
		// url.Error carries the URL, which holds no secret (the identity header is a header).
		if errors.Is(err, errRedirectRefused) {
			return nil, false, fmt.Errorf("%s: %w", m.protocol(), err)
		}
		return nil, ctx.Err() == nil, fmt.Errorf("%s: endpoint unreachable (is this running on Azure with a managed identity?): %w", m.protocol(), err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxMSIBody))
	if err != nil {
		return nil, true, fmt.Errorf("%s: reading the response: %w", m.protocol(), err)
	}
	if resp.StatusCode != http.StatusOK {
		retry := resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone ||
			resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
		return nil, retry, m.statusError(resp.StatusCode, body)
	}
	tok, err = m.parse(body)
	return tok, false, err
}

// msiErrorBody covers IMDS ({"error","error_description"}) and App Service ({"statusCode","message"}) errors.
type msiErrorBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	Message          string `json:"message"`
}

func (m *msiSource) statusError(status int, body []byte) error {
	var e msiErrorBody
	_ = json.Unmarshal(body, &e)
	detail := strings.TrimSpace(strings.Join(nonEmpty(e.Error, e.ErrorDescription, e.Message), ": "))
	if detail == "" {
		detail = http.StatusText(status)
	}
	msg := fmt.Sprintf("%s: HTTP %d: %s", m.protocol(), status, firstLine(detail))
	if status == http.StatusBadRequest && m.cfg.ClientID != "" {
		msg += fmt.Sprintf("; check that the user-assigned identity with client_id %s is assigned to this resource", m.cfg.ClientID)
	} else if status == http.StatusBadRequest {
		msg += "; check that a system-assigned identity is enabled, or set client_id (ARM_CLIENT_ID) for a user-assigned one"
	}
	return errors.New(msg)
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

type msiTokenResponse struct {
	AccessToken string          `json:"access_token"`
	TokenType   string          `json:"token_type"`
	ExpiresOn   json.RawMessage `json:"expires_on"` // epoch seconds, as a string or a number
	ExpiresIn   json.RawMessage `json:"expires_in"` // seconds, as a string or a number
}

func (m *msiSource) parse(body []byte) (*oauth2.Token, error) {
	var r msiTokenResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("%s: the token response is not JSON", m.protocol())
	}
	if r.AccessToken == "" {
		return nil, fmt.Errorf("%s: the token response has no access_token", m.protocol())
	}
	var expiry time.Time
	if secs, ok := parseEpoch(r.ExpiresOn); ok {
		expiry = time.Unix(secs, 0)
	} else if secs, ok := parseEpoch(r.ExpiresIn); ok {
		expiry = afterSeconds(m.cfg.Now(), secs)
	} else {
		return nil, fmt.Errorf("%s: the token response has neither expires_on nor expires_in", m.protocol())
	}
	tokenType := r.TokenType
	if tokenType == "" {
		tokenType = "Bearer"
	}
	return &oauth2.Token{AccessToken: r.AccessToken, TokenType: tokenType, Expiry: expiry}, nil
}

// checkTransportURL parses an endpoint the provider sends credentials to. It must be https, or plain http to a
// loopback host (local emulators, App Service's local identity endpoint); allowIMDS also admits http to the
// IMDS address. attr names the setting in errors.
func checkTransportURL(attr, raw string, allowIMDS bool) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, &AttributeError{Attribute: attr, Err: fmt.Errorf("%q is not an absolute http(s) URL", raw)}
	}
	if u.User != nil {
		return nil, &AttributeError{Attribute: attr, Err: errors.New("the URL must not contain user information")}
	}
	if u.Scheme == "https" {
		return u, nil
	}
	host := u.Hostname()
	if graph.IsLoopbackHost(host) || (allowIMDS && host == imdsHost) {
		return u, nil
	}
	return nil, &AttributeError{Attribute: attr, Err: fmt.Errorf("plain http is allowed only to loopback hosts (and the IMDS address for managed identity); use https for %s", u.Host)}
}

// msiGuard applies checkTransportURL, with the IMDS exception, to every request.
type msiGuard struct{ base http.RoundTripper }

func (g msiGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	if _, err := checkTransportURL("msi_endpoint", req.URL.String(), true); err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, err
	}
	base := g.base
	if base == nil {
		base = graph.SharedTransport() // never proxies IMDS or a loopback identity endpoint
	}
	return base.RoundTrip(req)
}
