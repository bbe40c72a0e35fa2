package provider

import (
	"context"
	"fmt"
	"strings"
)

// tenantPlan is what a plan says of a resource's tenant_id.
type tenantPlan struct {
	value   string // the planned tenant_id; "" = unknown until apply
	replace bool   // the effective tenant is another than state's: the resource is replaced, never moved
	warning string // says so, naming both tenants; "" when replace is false
}

// planTenant plans the tenant_id of a resource whose effective tenant is t (its configured tenant_id, else the
// provider's) and whose state records prior ("" when it is being created). A new resource's tenant_id is t's GUID
// when it can be learned now (else unknown). An existing one keeps prior while t is that tenant; another tenant
// replaces it, with a warning that what names the resource. Whether t is prior's tenant must be known: when t's
// GUID cannot be learned (its sign-in failed) and its name is not prior, the error says so.
func planTenant(ctx context.Context, t *tenantData, prior, what string) (tenantPlan, error) {
	id, err := t.guid(ctx)
	switch {
	case prior == "":
		return tenantPlan{value: id}, nil // "" when unresolved: unknown
	case err == nil && strings.EqualFold(id, prior), err != nil && strings.EqualFold(t.name, prior):
		return tenantPlan{value: prior}, nil
	case err != nil:
		return tenantPlan{}, fmt.Errorf("%s records tenant %q; whether %s is that tenant could not be checked: %w", what, prior, t.label(), err)
	}
	return tenantPlan{value: id, replace: true, warning: fmt.Sprintf("%s records tenant %q, but its tenant is now %s (its tenant_id, "+
		"else the provider's). A resource is never moved to another tenant: Terraform will replace it, leaving tenant %q as the "+
		"resource's destroy leaves it and creating it in tenant %q.", what, prior, tenantNames(t.name, id), prior, id)}, nil
}

// answeredTenantError is the error for an answer of Graph that belongs to another tenant than the one asked:
// nothing is taken from it.
func answeredTenantError(what, asked, answered string) error {
	return fmt.Errorf("%s was read in tenant %q, but Microsoft Graph answered for tenant %q. Nothing was taken from the "+
		"answer; Terraform state is unchanged", what, asked, answered)
}
