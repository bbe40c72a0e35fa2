package provider

import (
	"errors"
	"net/http"

	"context"
	"fmt"
	"strings"

	"github.com/securescore/terraform-provider-securescore/internal/auth"
	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// tenantData is what the resources of one tenant share in this process: the Graph client (whose token,
// admission slots and pacing bucket are that tenant's), its control-profile listing, and the controls its
// baselines claim. providerData.tenant hands out one per tenant.
type tenantData struct {
	name     string // as the configuration names it: a GUID or a verified domain
	client   *graph.Client
	profiles *controlProfileSnapshot
	claims   *baselineClaims
}

// NoTenantError says that neither the resource nor the provider names a tenant.
type NoTenantError struct{}

func (NoTenantError) Error() string {
	return "no tenant is set: set tenant_id on the resource, or tenant_id in the provider block (or ARM_TENANT_ID)"
}

// tenant returns the data of the tenant named ("" = the provider's tenant).
func (d *providerData) tenant(name string) (*tenantData, error) {
	if name == "" {
		name = d.settings.TenantID
	}
	if name == "" {
		return nil, NoTenantError{}
	}
	if !strings.EqualFold(name, d.settings.TenantID) {
		return nil, fmt.Errorf("tenant %q: this provider configuration signs in to tenant %q only", name, d.settings.TenantID)
	}
	return &tenantData{name: d.settings.TenantID, client: d.client, profiles: d.profiles, claims: d.claims}, nil
}

// requireTenant is tenant for a resource or data source: nil, with the reason in diags, when the provider is not
// configured or no tenant can be had.
func requireTenant(data *providerData, name string, diags errorAdder) *tenantData {
	if requireClient(data, diags) == nil {
		return nil
	}
	t, err := data.tenant(name)
	if err != nil {
		diags.AddError("No tenant for this resource", err.Error())
		return nil
	}
	return t
}

// guid is the tenant's id as Graph reports it (azureTenantId), which is what state records.
func (t *tenantData) guid(_ context.Context) (string, error) {
	if checkGUID(t.name) == nil {
		return strings.ToLower(t.name), nil
	}
	return "", fmt.Errorf("tenant %q: resolving a domain to its tenant id is not available yet", t.name)
}

// tenantUnavailable says whether err is the tenant refusing this app as a whole (consent withdrawn, app disabled
// or unknown in the tenant, access forbidden) rather than a fault of one request, and why, in words that name no
// request. tenant_unavailable = "warn" keeps prior state on such errors only.
func tenantUnavailable(err error) (reason string, ok bool) {
	var ge *graph.Error
	if errors.As(err, &ge) && ge.StatusCode == http.StatusForbidden {
		return ge.Error(), true
	}
	var ee *auth.EntraError
	if errors.As(err, &ee) {
		return ee.Error(), true
	}
	return "", false
}
