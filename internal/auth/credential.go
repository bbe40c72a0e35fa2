package auth

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/oauth2"
)

// fetchFunc performs one token request.
type fetchFunc func(ctx context.Context) (*oauth2.Token, error)

// signIn makes the token request of one tenant (a GUID or a verified domain; "" = the identity's own tenant, for
// the methods that have one).
type signIn func(tenant string) (fetchFunc, error)

// forTenant makes a sign-in's caching token source for one tenant: the single-tenant constructors' (NewClientSecret,
// NewClientCertificate, NewOIDC) last step.
func forTenant(tenant string) func(in signIn, err error) (*CachingSource, error) {
	return func(in signIn, err error) (*CachingSource, error) {
		if err != nil {
			return nil, err
		}
		fetch, err := in(tenant)
		if err != nil {
			return nil, err
		}
		return NewCachingSource(fetch), nil
	}
}

// Credential is the one sign-in method the provider is configured with. An application credential (certificate,
// secret, OIDC federation) signs in to any tenant that consented to the app, through that tenant's token endpoint;
// the Azure CLI asks for another tenant with --tenant; a managed identity has a token of its own tenant only.
// Each TokenSource is that tenant's own: its token is requested, cached and refreshed apart from the others.
type Credential struct {
	method      Method
	tenant      string // Settings.TenantID: the tenant TokenSource("") signs in to; "" = none configured
	clientID    string // after client_id_file_path
	authority   string // the authority host, for the admin-consent URL
	ownTenant   bool   // the method has a tenant of its own (managed identity, the CLI's account)
	crossTenant bool   // the method can sign in to a tenant it is not configured for
	signIn      signIn

	mu       sync.Mutex
	refusals map[string]refusal // lower-case tenant → the tenants that refused the application lately
}

// Method is the sign-in method selected.
func (c *Credential) Method() Method { return c.method }

// ClientID is the application (client) ID in use, "" when the method has none (the CLI, a system-assigned
// identity).
func (c *Credential) ClientID() string { return c.clientID }

// Tenant is the tenant configured (tenant_id), "" when none is.
func (c *Credential) Tenant() string { return c.tenant }

// HasOwnTenant reports whether the method signs in to a tenant of its own when none is configured: the managed
// identity's, or the Azure CLI account's.
func (c *Credential) HasOwnTenant() bool { return c.ownTenant }

// CrossTenant reports whether the method can sign in to tenants other than the configured one.
func (c *Credential) CrossTenant() bool { return c.crossTenant }

// TokenSource returns a new token source for tenant, a GUID or a verified domain; "" means the configured tenant,
// or the identity's own when none is configured. Nothing is contacted here. Its errors are *SignInError, naming the
// tenant. A token issued for another tenant than a GUID asked for is refused, so no request for one tenant ever
// carries another's token. A managed identity asked for a tenant other than the configured one gives
// *CrossTenantError; an application credential asked for "" with no tenant configured, *NoTenantError.
func (c *Credential) TokenSource(tenant string) (*CachingSource, error) {
	if tenant == "" {
		tenant = c.tenant
	}
	switch {
	case tenant == "" && !c.ownTenant:
		return nil, &NoTenantError{Method: c.method}
	case !c.crossTenant && tenant != "" && !strings.EqualFold(tenant, c.tenant):
		return nil, &CrossTenantError{Method: c.method, Tenant: tenant, Configured: c.tenant}
	}
	fetch, err := c.signIn(tenant)
	if err != nil {
		return nil, err
	}
	return NewCachingSource(c.guard(tenant, fetch)), nil
}

// refusalLife is how long a tenant's refusal of the application answers for it without a new token request: a
// fleet's resources in a tenant that withdrew consent then cost one refused sign-in, not one each, while consent
// granted during a long run is still noticed.
const refusalLife = 5 * time.Minute

// refusal is a tenant's refusal of the application, and when it was met.
type refusal struct {
	err *SignInError
	at  time.Time
}

// guard names the tenant in fetch's errors, refuses a token of another tenant than the GUID asked for, and
// remembers the tenant's refusal of the application for refusalLife, for every token source of the tenant.
func (c *Credential) guard(tenant string, fetch fetchFunc) fetchFunc {
	key := strings.ToLower(tenant)
	return func(ctx context.Context) (*oauth2.Token, error) {
		c.mu.Lock()
		r, refused := c.refusals[key]
		c.mu.Unlock()
		if refused && time.Since(r.at) < refusalLife {
			return nil, r.err
		}
		tok, err := fetch(ctx)
		if err != nil {
			e := c.signInError(tenant, err)
			if e.TenantRefused() {
				c.mu.Lock()
				if c.refusals == nil {
					c.refusals = map[string]refusal{}
				}
				c.refusals[key] = refusal{err: e, at: time.Now()}
				c.mu.Unlock()
			}
			return nil, e
		}
		if tok == nil || !isGUID(tenant) {
			return tok, nil
		}
		// An opaque token cannot be checked; Entra ID issues JWTs to applications and identities.
		if tid, err := TokenTenant(tok.AccessToken); err == nil && !strings.EqualFold(tid, tenant) {
			return nil, c.signInError(tenant, fmt.Errorf("the %s sign-in returned a token for tenant %q instead", c.method.Title(), tid))
		}
		return tok, nil
	}
}

func (c *Credential) signInError(tenant string, err error) *SignInError {
	e := &SignInError{Tenant: tenant, Method: c.method, Err: err}
	var ee *EntraError
	if errors.As(err, &ee) && ee.TenantRefused() && c.clientID != "" && tenant != "" && c.method.isApplication() {
		e.ConsentURL = AdminConsentURL(c.authority, tenant, c.clientID)
	}
	return e
}

// isGUID reports whether s is a GUID in its plain 36-character form (a tenant id rather than a domain).
func isGUID(s string) bool { return len(s) == 36 && uuid.Validate(s) == nil }

// isApplication reports whether the method signs in as an app registration, which tenants consent to.
func (m Method) isApplication() bool {
	return m == MethodClientCertificate || m == MethodClientSecret || m == MethodOIDC
}

// AdminConsentURL is where an administrator of tenant grants the application the permissions it asks for:
// {authority}/{tenant}/adminconsent?client_id={clientID}.
func AdminConsentURL(authorityHost, tenant, clientID string) string {
	if authorityHost == "" {
		authorityHost = defaultAuthorityHost
	}
	return strings.TrimRight(authorityHost, "/") + "/" + url.PathEscape(tenant) + "/adminconsent?client_id=" + url.QueryEscape(clientID)
}

// SignInError is a failed sign-in to one tenant. Error names the tenant and, when the tenant refused the
// application (no consent, not installed, disabled), where its administrator can grant consent.
type SignInError struct {
	Tenant     string // as named: a GUID or a domain; "" = the identity's own tenant
	Method     Method
	ConsentURL string // set when the tenant refused the application
	Err        error
}

func (e *SignInError) Error() string {
	tenant := "its own tenant"
	if e.Tenant != "" {
		tenant = fmt.Sprintf("tenant %q", e.Tenant)
	}
	msg := fmt.Sprintf("signing in to %s: %v", tenant, e.Err)
	if e.ConsentURL != "" {
		msg += fmt.Sprintf(". An administrator of %s can grant the application consent at %s", tenant, e.ConsentURL)
	}
	return msg
}

func (e *SignInError) Unwrap() error { return e.Err }

// TenantRefused reports whether the tenant refused the application (see EntraError.TenantRefused), rather than
// the credential failing, which would fail every tenant.
func (e *SignInError) TenantRefused() bool {
	var ee *EntraError
	return errors.As(e.Err, &ee) && ee.TenantRefused()
}

// CrossTenantError says that a method which cannot leave its tenant was asked for another one.
type CrossTenantError struct {
	Method     Method
	Tenant     string // asked for
	Configured string // tenant_id, "" when not set
}

func (e *CrossTenantError) Error() string {
	own := "the tenant it belongs to"
	if e.Configured != "" {
		own = fmt.Sprintf("the provider's tenant %q", e.Configured)
	}
	return fmt.Sprintf("tenant %q: a %s signs in only to %s and cannot reach other tenants. Use an application "+
		"(client secret, certificate or OIDC federation) that the tenants consented to, or a provider configuration "+
		"(alias) per tenant", e.Tenant, e.Method.Title(), own)
}

// NoTenantError says that an application credential was asked for the configured tenant when none is configured.
type NoTenantError struct{ Method Method }

func (e *NoTenantError) Error() string {
	return fmt.Sprintf("no tenant to sign in to with the %s: set tenant_id", e.Method.Title())
}
