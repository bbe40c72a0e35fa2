package auth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// defaultAuthorityHost is the public cloud's Entra ID host, used when ClientSecretConfig.AuthorityHost is empty.
const defaultAuthorityHost = "https://login.microsoftonline.com"

// ClientSecretConfig configures the client-credentials grant with a client secret.
type ClientSecretConfig struct {
	AuthorityHost string // e.g. "https://login.microsoftonline.com" or the emulator URL
	TenantID      string
	ClientID      string
	ClientSecret  string
	Scope         string       // e.g. "https://graph.microsoft.com/.default"; for the emulator "<emulator base URL>/.default"
	HTTPClient    *http.Client // optional
}

// NewClientSecret returns a caching token source for the client-credentials grant with a client secret.
// The secret is sent in the form body (AuthStyleInParams), as Entra ID documents. Token endpoint refusals
// become *EntraError; transport errors are returned as they are.
func NewClientSecret(cfg ClientSecretConfig) (*CachingSource, error) {
	if cfg.TenantID == "" {
		return nil, errors.New("auth: client secret: tenant ID is required")
	}
	return forTenant(cfg.TenantID)(newClientSecretSignIn(cfg))
}

// newClientSecretSignIn checks the credential once and returns what signs in with it to any tenant's token
// endpoint.
func newClientSecretSignIn(cfg ClientSecretConfig) (signIn, error) {
	switch {
	case cfg.ClientID == "":
		return nil, errors.New("auth: client secret: client ID is required")
	case cfg.ClientSecret == "":
		return nil, errors.New("auth: client secret: the client secret is empty")
	case cfg.Scope == "":
		return nil, errors.New("auth: client secret: scope is required, e.g. https://graph.microsoft.com/.default")
	}
	if _, err := TokenURL(cfg.AuthorityHost, "common"); err != nil {
		return nil, err
	}
	client := tokenHTTPClient(cfg.HTTPClient)
	return func(tenant string) (fetchFunc, error) {
		tokenURL, err := TokenURL(cfg.AuthorityHost, tenant)
		if err != nil {
			return nil, err
		}
		cc := &clientcredentials.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			TokenURL:     tokenURL,
			Scopes:       []string{cfg.Scope},
			AuthStyle:    oauth2.AuthStyleInParams,
		}
		return func(ctx context.Context) (*oauth2.Token, error) {
			// clientcredentials.Config.Token makes a fresh request each call; CachingSource decides when.
			return retryTokenRequest(ctx, tokenURL, func(ctx context.Context) (*oauth2.Token, error) {
				return cc.Token(context.WithValue(ctx, oauth2.HTTPClient, client))
			})
		}, nil
	}, nil
}

// TokenURL is {authority}/{tenant}/oauth2/v2.0/token. The authority must be https, or http to a loopback host.
func TokenURL(authorityHost, tenantID string) (string, error) {
	if authorityHost == "" {
		authorityHost = defaultAuthorityHost
	}
	u, err := url.Parse(strings.TrimRight(authorityHost, "/"))
	if err != nil || u.Host == "" {
		return "", errors.New("auth: authority host " + strings.TrimSpace(authorityHost) + " is not an absolute URL")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("auth: authority host must not contain user info, a query or a fragment")
	}
	if err := graph.CheckURL(u); err != nil {
		return "", errors.New("auth: authority host: " + strings.TrimPrefix(err.Error(), "graph: "))
	}
	return u.String() + "/" + url.PathEscape(tenantID) + "/oauth2/v2.0/token", nil
}

// tokenHTTPClient returns a client that refuses redirects and whose every request obeys the loopback-only
// rule for http://, so a secret or assertion never travels unencrypted off the machine or to another host.
func tokenHTTPClient(base *http.Client) *http.Client {
	return signInClient(base, graph.LoopbackGuard)
}
