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

// planTenant plans the tenant_id of a resource. t is its effective tenant: configured (its tenant_id as written,
// "" when left out), else the provider's. prior is state's tenant_id ("" when the resource is being created) and
// priorGUID the GUID state records for it ("" when state has only prior; a GUID prior is its own).
//
// tenant_id is planned as configured, since Terraform keeps a configured value as written; left out, as state's
// for an existing resource, else t's GUID when it can be learned now (else unknown). An existing resource whose
// effective tenant is another than state's (compared by GUID) is replaced, with a warning naming the resource
// (what) and both tenants. Whether it is the same tenant must be known: when it cannot be told (t's sign-in failed
// and the names differ), the error says so.
func planTenant(ctx context.Context, t *tenantData, configured, prior, priorGUID, what string) (tenantPlan, error) {
	id, err := t.guid(ctx)
	asConfigured := func(fallback string) string {
		if configured != "" {
			return configured
		}
		return fallback
	}
	if prior == "" {
		return tenantPlan{value: asConfigured(id)}, nil // "" when unresolved: unknown
	}
	if priorGUID == "" && isTenantGUID(prior) {
		priorGUID = prior
	}
	switch {
	case err == nil && priorGUID != "" && strings.EqualFold(id, priorGUID), strings.EqualFold(t.name, prior):
		return tenantPlan{value: asConfigured(prior)}, nil
	case err != nil:
		return tenantPlan{}, fmt.Errorf("%s records tenant %q; whether %s is that tenant could not be checked: %w", what, prior, t.label(), err)
	case priorGUID == "":
		return tenantPlan{}, fmt.Errorf("%s records tenant %q, whose GUID state does not hold; whether %s is that tenant could not be checked", what, prior, t.label())
	}
	return tenantPlan{value: asConfigured(id), replace: true, warning: fmt.Sprintf("%s records tenant %s, but its tenant is now %s "+
		"(its tenant_id, else the provider's). A resource is never moved to another tenant: Terraform will replace it, leaving "+
		"tenant %q as the resource's destroy leaves it and creating it in tenant %q.", what, tenantNames(prior, priorGUID),
		tenantNames(t.name, id), priorGUID, id)}, nil
}

// answeredTenantError is the error for an answer of Graph that belongs to another tenant than the one asked:
// nothing is taken from it.
func answeredTenantError(what, asked, answered string) error {
	return fmt.Errorf("%s was read in tenant %q, but Microsoft Graph answered for tenant %q. Nothing was taken from the "+
		"answer; Terraform state is unchanged", what, asked, answered)
}
