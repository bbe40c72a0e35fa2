package auth

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// FederatedTokenAudience is the audience requested from CI identity providers for workload identity federation.
const FederatedTokenAudience = "api://AzureADTokenExchange"

const (
	adoOIDCAPIVersion = "7.1"
	maxOIDCBody       = 1 << 20
	jwtBearerType     = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
)

// OIDCConfig configures workload identity federation: an identity token issued by a trusted OIDC provider
// (GitHub Actions, Azure Pipelines, Kubernetes…) is exchanged for a Graph token as a client assertion.
//
// The assertion comes from the first of these that is set:
//  1. Token: a literal JWT (oidc_token).
//  2. TokenFilePath: a file holding the JWT (oidc_token_file_path, AZURE_FEDERATED_TOKEN_FILE); it is read again
//     on every refresh because Kubernetes rotates it.
//  3. RequestURL + RequestToken with ADOServiceConnectionID: Azure Pipelines
//     (POST {RequestURL}?api-version=7.1&serviceConnectionId=…, answer {"oidcToken": …}).
//  4. RequestURL + RequestToken: GitHub Actions (GET {RequestURL}&audience=api://AzureADTokenExchange,
//     answer {"value": …}).
type OIDCConfig struct {
	AuthorityHost string
	TenantID      string
	ClientID      string
	Scope         string

	Token                  string // oidc_token
	TokenFilePath          string // oidc_token_file_path
	RequestURL             string // oidc_request_url (GitHub) or SYSTEM_OIDCREQUESTURI (Azure Pipelines)
	RequestToken           string // oidc_request_token (GitHub) or SYSTEM_ACCESSTOKEN (Azure Pipelines)
	ADOServiceConnectionID string // ado_pipeline_service_connection_id

	HTTPClient *http.Client // used for the token endpoint and the CI token request
	OnSecret   func(string) // optional; receives each identity token read from a file or fetched from CI
}

// Attribute names of the OIDC settings, used in errors.
const (
	attrOIDCToken         = "oidc_token"
	attrOIDCTokenFilePath = "oidc_token_file_path"
	attrOIDCRequestURL    = "oidc_request_url"
	attrOIDCRequestToken  = "oidc_request_token"
	attrADOConnectionID   = "ado_pipeline_service_connection_id"
)

// AssertionSource names where an OIDCConfig takes its assertion from ("oidc_token", "oidc_token_file_path",
// "azure_pipelines" or "github_actions"), or "" when none is configured.
func (cfg OIDCConfig) AssertionSource() string {
	switch {
	case cfg.Token != "":
		return attrOIDCToken
	case cfg.TokenFilePath != "":
		return attrOIDCTokenFilePath
	case cfg.RequestURL != "" && cfg.RequestToken != "" && cfg.ADOServiceConnectionID != "":
		return "azure_pipelines"
	case cfg.RequestURL != "" && cfg.RequestToken != "":
		return "github_actions"
	}
	return ""
}

// NewOIDC returns a caching token source that exchanges a federated identity token for a Graph token.
// A literal token is checked for JWT shape at once; fetched and file tokens are checked on each refresh.
func NewOIDC(cfg OIDCConfig) (*CachingSource, error) {
	return forTenant(cfg.TenantID)(newOIDCSignIn(cfg))
}

// newOIDCSignIn checks the assertion source once and returns what exchanges its assertion at any tenant's token
// endpoint. Tenants share one assertion source: a token fetched from CI serves every tenant while it is fresh.
func newOIDCSignIn(cfg OIDCConfig) (signIn, error) {
	if err := checkAppSignIn(cfg.AuthorityHost, cfg.ClientID, cfg.Scope); err != nil {
		return nil, err
	}
	client := tokenHTTPClient(cfg.HTTPClient)
	var assertion func(ctx context.Context) (string, error)
	onSecret := cfg.OnSecret
	if onSecret == nil {
		onSecret = func(string) {}
	}
	switch cfg.AssertionSource() {
	case attrOIDCToken:
		tok := strings.TrimSpace(cfg.Token)
		if err := checkJWT(tok); err != nil {
			return nil, &AttributeError{Attribute: attrOIDCToken, Err: err}
		}
		assertion = func(context.Context) (string, error) { return tok, nil } //nolint:unparam // same signature as the fetching sources
	case attrOIDCTokenFilePath:
		path := cfg.TokenFilePath
		assertion = func(context.Context) (string, error) { return readTokenFile(path) }
		// Fail early on an unreadable file; it is read again on every refresh.
		tok, err := assertion(context.Background())
		if err != nil {
			return nil, err
		}
		onSecret(tok)
	case "azure_pipelines":
		u, err := adoRequestURL(cfg.RequestURL, cfg.ADOServiceConnectionID)
		if err != nil {
			return nil, err
		}
		assertion = newSharedAssertion(func(ctx context.Context) (string, error) {
			return requestCIToken(ctx, client, http.MethodPost, u, cfg.RequestToken, "oidcToken", "Azure Pipelines")
		}).get
	case "github_actions":
		u, err := githubRequestURL(cfg.RequestURL)
		if err != nil {
			return nil, err
		}
		assertion = newSharedAssertion(func(ctx context.Context) (string, error) {
			return requestCIToken(ctx, client, http.MethodGet, u, cfg.RequestToken, "value", "GitHub Actions")
		}).get
	default:
		return nil, &AttributeError{Attribute: attrOIDCToken, Err: errors.New("use_oidc is set but no assertion source is: set oidc_token, oidc_token_file_path, or oidc_request_url with oidc_request_token (GitHub Actions; plus ado_pipeline_service_connection_id for Azure Pipelines)")}
	}
	return func(tenant string) (fetchFunc, error) {
		ep, err := newAssertionEndpoint(cfg.AuthorityHost, tenant, cfg.ClientID, cfg.Scope, cfg.HTTPClient)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (*oauth2.Token, error) {
			a, err := assertion(ctx)
			if err != nil {
				return nil, err
			}
			onSecret(a)
			return ep.exchange(ctx, func() (string, error) { return a, nil })
		}, nil
	}, nil
}

func readTokenFile(path string) (string, error) {
	b, err := readSettingFile(attrOIDCTokenFilePath, path, maxSecretFileBytes)
	if err != nil {
		return "", err
	}
	tok := strings.TrimSpace(string(b)) // a JWT holds no whitespace
	if err := checkJWT(tok); err != nil {
		return "", &AttributeError{Attribute: attrOIDCTokenFilePath, Err: fmt.Errorf("the file %s: %w", path, err)}
	}
	return tok, nil
}

func githubRequestURL(raw string) (string, error) {
	u, err := checkTransportURL(attrOIDCRequestURL, raw, false)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("audience", FederatedTokenAudience)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func adoRequestURL(raw, connectionID string) (string, error) {
	u, err := checkTransportURL(attrOIDCRequestURL, raw, false)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("api-version", adoOIDCAPIVersion)
	q.Set("serviceConnectionId", connectionID)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// requestCIToken asks a CI system for an identity token and returns the JWT found under field.
func requestCIToken(ctx context.Context, client *http.Client, method, u, bearer, field, system string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return "", &AttributeError{Attribute: attrOIDCRequestURL, Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+bearer)
	req.Header.Set("Accept", "application/json")
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("oidc: requesting an identity token from %s: %w", system, err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxOIDCBody))
	if err != nil {
		return "", fmt.Errorf("oidc: reading the %s identity token response: %w", system, err)
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return "", &AttributeError{Attribute: attrOIDCRequestToken, Err: fmt.Errorf("%s refused the identity token request (HTTP %d); check the request token and, on GitHub, the workflow's \"id-token: write\" permission", system, resp.StatusCode)}
	case resp.StatusCode != http.StatusOK:
		return "", fmt.Errorf("oidc: %s answered HTTP %d to the identity token request", system, resp.StatusCode)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return "", fmt.Errorf("oidc: the %s identity token response is not a JSON object", system)
	}
	var tok string
	if raw, ok := fields[field]; !ok || json.Unmarshal(raw, &tok) != nil || tok == "" {
		return "", fmt.Errorf("oidc: the %s identity token response has no %q string", system, field)
	}
	if err := checkJWT(tok); err != nil {
		return "", fmt.Errorf("oidc: the identity token from %s: %w", system, err)
	}
	return tok, nil
}

// checkJWT reports whether s has the shape of a signed JWT: three base64url parts, the first two JSON objects.
// It does not verify the signature (Entra ID does); it catches truncated or mangled input early and never
// quotes the token.
func checkJWT(s string) error {
	if s == "" {
		return errors.New("the token is empty")
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return fmt.Errorf("malformed JWT: expected 3 dot-separated parts, found %d", len(parts))
	}
	for i, name := range []string{"header", "claims"} {
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[i], "="))
		if err != nil {
			return fmt.Errorf("malformed JWT: the %s is not base64url", name)
		}
		var obj map[string]any
		dec := json.NewDecoder(bytes.NewReader(raw))
		if err := dec.Decode(&obj); err != nil || obj == nil {
			return fmt.Errorf("malformed JWT: the %s is not a JSON object", name)
		}
	}
	if parts[2] == "" {
		return errors.New("malformed JWT: the signature is empty")
	}
	if _, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[2], "=")); err != nil {
		return errors.New("malformed JWT: the signature is not base64url")
	}
	return nil
}

// assertionEndpoint is the Entra ID token endpoint used with a client assertion (certificate or federated).
type assertionEndpoint struct {
	tokenURL string
	clientID string
	scope    string
	client   *http.Client
}

func newAssertionEndpoint(authorityHost, tenantID, clientID, scope string, client *http.Client) (*assertionEndpoint, error) {
	if tenantID == "" {
		return nil, &AttributeError{Attribute: "tenant_id", Err: errors.New("is required")}
	}
	if err := checkAppSignIn(authorityHost, clientID, scope); err != nil {
		return nil, err
	}
	tokenURL, err := TokenURL(authorityHost, tenantID)
	if err != nil {
		return nil, &AttributeError{Attribute: "authority_host", Err: err}
	}
	return &assertionEndpoint{
		tokenURL: tokenURL,
		clientID: clientID,
		scope:    scope,
		// Every request, redirects included, obeys the loopback-only rule for http.
		client: tokenHTTPClient(client),
	}, nil
}

// checkAppSignIn checks what an application's sign-in needs whatever the tenant: a client id, a scope and a usable
// authority host.
func checkAppSignIn(authorityHost, clientID, scope string) error {
	switch {
	case clientID == "":
		return &AttributeError{Attribute: "client_id", Err: errors.New("is required")}
	case scope == "":
		return errors.New("auth: scope is required")
	}
	if _, err := TokenURL(authorityHost, "common"); err != nil {
		return &AttributeError{Attribute: "authority_host", Err: err}
	}
	return nil
}

// exchange runs the client-credentials grant with a JWT client assertion, retrying transient failures;
// assertion is called for each attempt.
func (ep *assertionEndpoint) exchange(ctx context.Context, assertion func() (string, error)) (*oauth2.Token, error) {
	return retryTokenRequest(ctx, ep.tokenURL, func(ctx context.Context) (*oauth2.Token, error) {
		a, err := assertion()
		if err != nil {
			return nil, err
		}
		cc := clientcredentials.Config{
			ClientID: ep.clientID,
			TokenURL: ep.tokenURL,
			Scopes:   []string{ep.scope},
			EndpointParams: url.Values{
				"client_assertion_type": {jwtBearerType},
				"client_assertion":      {a},
			},
			AuthStyle: oauth2.AuthStyleInParams,
		}
		return cc.Token(context.WithValue(ctx, oauth2.HTTPClient, ep.client))
	})
}
