package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/securescore/terraform-provider-securescore/internal/auth"
	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// tenantData is what the resources of one tenant share in this process: the Graph client (whose token,
// admission slots and pacing bucket are that tenant's), its control-profile listing, and the controls its
// baselines claim. providerData.tenant hands out one per tenant.
type tenantData struct {
	name     string // as the configuration names it: a GUID or a verified domain; "" = the identity's own tenant
	client   *graph.Client
	profiles *controlProfileSnapshot
	claims   *baselineClaims

	tokens tenantTokens // this tenant's own sign-in; its token's tid claim is the tenant's GUID

	mu sync.Mutex
	id string // the lower-case GUID, once known
}

// tenantTokens is a tenant's token source as tenantData needs it: graph's, plus an early sign-in.
type tenantTokens interface {
	graph.TokenSource
	tokenPrefetcher
}

var _ tenantTokens = (*auth.CachingSource)(nil)

// NoTenantError says that neither the resource nor the provider names a tenant.
type NoTenantError struct{}

func (NoTenantError) Error() string {
	return "no tenant is set: set tenant_id on the resource, or tenant_id in the provider block (or ARM_TENANT_ID)"
}

// tenant returns the data of the tenant named ("" = the provider's tenant): one per tenant per process (see
// tenantDirectory). It fails for a name that is neither a GUID nor a domain, when no tenant is named anywhere, and
// for a tenant the sign-in method cannot reach (a managed identity's other tenants), never for a tenant's own
// refusal: that is its requests' error (tenantUnavailable).
func (d *providerData) tenant(name string) (*tenantData, error) {
	if name != "" {
		if err := checkTenantID(name); err != nil {
			return nil, fmt.Errorf("tenant_id %q: %w", name, err)
		}
	}
	if name == "" {
		name = d.settings.TenantID
	}
	if name == "" && !d.credential.HasOwnTenant() {
		return nil, NoTenantError{}
	}
	return d.tenants.get(name)
}

// requireTenant is tenant for a resource or data source: nil, with the reason in diags, when the provider is not
// configured or no tenant can be had.
func requireTenant(data *providerData, name string, diags errorAdder) *tenantData {
	if !providerConfigured(data, diags) {
		return nil
	}
	t, err := data.tenant(name)
	if err == nil {
		return t
	}
	var none NoTenantError
	var cross *auth.CrossTenantError
	switch {
	case errors.As(err, &none):
		diags.AddError("No tenant for this resource", err.Error())
	case errors.As(err, &cross):
		diags.AddError("Tenant out of reach of this sign-in", err.Error())
	default:
		diags.AddError("Unable to reach the tenant", err.Error())
	}
	return nil
}

// label names the tenant in messages.
func (t *tenantData) label() string { return tenantLabelOf(t.name) }

// tenantName is the tenant as named: a GUID or a domain; "" = the signed-in identity's own tenant.
func (t *tenantData) tenantName() string { return t.name }

// tenantLabelOf names the tenant called name ("" = the signed-in identity's own) in messages.
func tenantLabelOf(name string) string {
	if name == "" {
		return "the signed-in identity's own tenant"
	}
	return fmt.Sprintf("tenant %q", name)
}

// guid is the tenant's id as Graph reports it (azureTenantId), which is what state records: a GUID name as it is
// (lower case); a domain's, or the identity's own tenant's, from the tid claim of the tenant's token, which the
// first request needs anyway. Known once, it is kept.
func (t *tenantData) guid(ctx context.Context) (string, error) {
	t.mu.Lock()
	id := t.id
	t.mu.Unlock()
	if id != "" {
		return id, nil
	}
	tok, err := t.tokens.Token(ctx)
	if err != nil {
		return "", err
	}
	id, err = auth.TokenTenant(tok.AccessToken)
	if err != nil {
		return "", fmt.Errorf("finding the GUID of %s: %w; name the tenant by its GUID instead", t.label(), err)
	}
	t.mu.Lock()
	t.id = id
	t.mu.Unlock()
	return id, nil
}

// isTenantGUID reports whether a tenant name is a GUID rather than a domain.
func isTenantGUID(name string) bool { return checkGUID(name) == nil }

// sameTenant reports whether two tenant names are the same (GUIDs and domains are compared without case).
func sameTenant(a, b string) bool { return strings.EqualFold(a, b) }

// tenantUnavailable says whether err is the tenant refusing this app as a whole (consent withdrawn, app disabled
// or unknown in the tenant, blocked by its Conditional Access, access to Graph refused) rather than a fault of one
// request or of the credential (a wrong secret fails every tenant, and is not a tenant's refusal), and why, in
// words that name no request. tenant_unavailable = "warn" keeps prior state on such errors only.
func tenantUnavailable(err error) (reason string, ok bool) {
	var ge *graph.Error
	// Graph refusing a token its tenant just issued: the app's access in that tenant was withdrawn.
	if errors.As(err, &ge) && (ge.StatusCode == http.StatusForbidden || ge.StatusCode == http.StatusUnauthorized) {
		return ge.Error(), true
	}
	var se *auth.SignInError
	if errors.As(err, &se) && se.TenantRefused() {
		return se.Error(), true
	}
	var ee *auth.EntraError
	if errors.As(err, &ee) && ee.TenantRefused() {
		return ee.Error(), true
	}
	return "", false
}

// tenantNames are a tenant's name and GUID for messages: `"contoso.onmicrosoft.com" (GUID …)`, or the one known.
func tenantNames(name, guid string) string {
	switch {
	case guid == "":
		return fmt.Sprintf("%q", name)
	case name == "" || strings.EqualFold(name, guid):
		return fmt.Sprintf("%q", guid)
	}
	return fmt.Sprintf("%q (GUID %s)", name, guid)
}

// tokenPrefetcher is a token source that can sign in ahead of the first request. Configure starts the provider's
// own tenant's: a process that Terraform configures is about to read or write, and the token round trip then
// overlaps Terraform's own work between ConfigureProvider and the first resource RPC instead of delaying the first
// Graph request. A failure is reported by the first request, as before, without a second token request
// (auth.CachingSource).
type tokenPrefetcher interface {
	Prefetch(ctx context.Context)
}
