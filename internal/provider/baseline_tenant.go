package provider

import (
	"context"
	"fmt"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// baselineTenant is what the baseline's core needs of one tenant: tenantService in the provider, a fake in the
// core's tests.
type baselineTenant interface {
	tenantResolver                                                                                    // its name and GUID (what state records)
	list(ctx context.Context, used controlsUsed) (map[string]*graph.SecureScoreControlProfile, error) // current for the controls used
	get(ctx context.Context, id string) (*graph.SecureScoreControlProfile, error)
	patch(ctx context.Context, id string, d controlDecision) error
	claim(decisions map[string]controlDecision) (conflicts []string) // see baselineClaims
}

// baselineTenants finds a tenant by name ("" is the provider's tenant).
type baselineTenants func(name string) (baselineTenant, error)

var _ baselineTenant = tenantService{}

// tenantService is a tenant of the configured provider.
type tenantService struct{ t *tenantData }

// tenantsOf reaches the tenants of data's provider configuration.
func tenantsOf(data *providerData) baselineTenants {
	return func(name string) (baselineTenant, error) {
		t, err := data.tenant(name)
		if err != nil {
			return nil, err
		}
		return tenantService{t}, nil
	}
}

func (s tenantService) tenantName() string { return s.t.name }

func (s tenantService) guid(ctx context.Context) (string, error) { return s.t.guid(ctx) }

func (s tenantService) list(ctx context.Context, used controlsUsed) (map[string]*graph.SecureScoreControlProfile, error) {
	return s.t.profiles.all(ctx, used)
}

func (s tenantService) get(ctx context.Context, id string) (*graph.SecureScoreControlProfile, error) {
	return s.t.client.GetControlProfile(ctx, id)
}

func (s tenantService) patch(ctx context.Context, id string, d controlDecision) error {
	_, err := s.t.client.UpdateControlProfile(ctx, id, d.update())
	s.t.profiles.invalidate(id) // a failed PATCH may have landed too
	return err
}

func (s tenantService) claim(decisions map[string]controlDecision) []string {
	return s.t.claims.claim(decisions)
}

// tenantOf is the tenant Graph answered for: the azureTenantId of the listed profiles ("" when none says).
func tenantOf(listing map[string]*graph.SecureScoreControlProfile) string {
	answer := ""
	for _, p := range listing {
		if t := p.AzureTenantID; t != "" && (answer == "" || t < answer) {
			answer = t
		}
	}
	return answer
}

// warnUnavailable reports a tenant that refuses this application as a whole (see tenantUnavailable) as a
// warning when m's tenant_unavailable is "warn", and says whether it did: the caller then keeps state as it was.
func warnUnavailable(m *baselineModelV1, tenant string, err error, ps *diagnostics) bool {
	if m == nil || m.TenantUnavailable.value() != tenantUnavailableWarn {
		return false
	}
	reason, ok := tenantUnavailable(err)
	if !ok {
		return false
	}
	ps.addWarning("Tenant unavailable: baseline left as it was",
		fmt.Sprintf("Tenant %q refuses this application: %s\n\nWith tenant_unavailable = \"warn\" the baseline keeps its state "+
			"and is not enforced until the tenant accepts the application again (for example after its admin consent is "+
			"granted again).", tenant, reason))
	return true
}

// mismatchedTenant is the error for an answer from another tenant than the baseline's.
func mismatchedTenant(ps *diagnostics, want, got, asked string) {
	ps.addError("Baseline answered by another tenant",
		fmt.Sprintf("The baseline's state is of tenant %q, but Microsoft Graph answered for tenant %q when asked for tenant %q. "+
			"Terraform state was not changed. A baseline never moves to another tenant silently: to manage another tenant, set "+
			"tenant_id (which replaces the baseline), or point the provider back at tenant %q.", want, got, asked, want))
}
