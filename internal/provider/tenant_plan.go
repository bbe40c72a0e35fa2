package provider

import (
	"cmp"
	"context"
	"fmt"
	"strings"
)

// tenantResolver is a tenant as planTenant needs it: *tenantData, and the baseline's and the control profile's
// tenants, which embed it.
type tenantResolver interface {
	tenantName() string                       // as named (configured, else the provider's): a GUID or a domain; "" = the signed-in identity's own tenant
	guid(ctx context.Context) (string, error) // its GUID, what state records; an error when it cannot be learned now (a sign-in failure)
}

var _ tenantResolver = (*tenantData)(nil)

// tenantQuery is what a resource's plan knows of its tenant.
type tenantQuery struct {
	noun string // the resource in a summary: "Baseline"
	what string // the resource in a sentence: "The baseline", `Control profile "OneAdmin"`

	configured        string // tenant_id as configured; "" = left out
	configuredUnknown bool   // tenant_id is known only after apply

	prior       string                                    // state's tenant_id; "" = no state, or state written before 0.2.0 without a tenant
	priorGUID   string                                    // the GUID state records for prior; "" = none (a GUID prior is its own)
	priorGUIDOf func(ctx context.Context) (string, error) // optional: finds prior's GUID when state records none (the control profile records only its name)

	consequence string // what a replacement does, one sentence: how destroy leaves the resource in state's tenant
}

// tenantPlan is what a plan says of a resource's tenant.
type tenantPlan struct {
	value   string // the planned tenant_id; "" = unknown until apply
	guid    string // the planned GUID of the tenant (the resource's id where it is the tenant's); "" = unknown
	replace bool   // the tenant may be another than state's: the resource is replaced, never moved
	summary string // the warning that says why it is replaced; "" when replace is false
	warning string
}

// planTenant is the one rule by which the baseline, the control profile and the secure score plan their tenant_id
// and decide whether a change of tenant replaces them. t is the effective tenant (the configured tenant_id's, else
// the provider's), nil while the provider is not configured (its configuration holds values known only after apply).
//
//  1. Create (q.prior == ""): tenant_id is as configured, else the tenant's GUID; the GUID when it can be learned now.
//     A sign-in failure is no error at plan: tenant_id and the GUID are then unknown, and apply reports it. An unknown
//     tenant_id plans unknown. State written before 0.2.0 without a tenant is planned the same way: the tenant is
//     recorded, nothing is replaced.
//  2. tenant_id unknown, existing resource: replaced, with a warning that it may not be state's tenant.
//  3. Same tenant: the configured-or-provider's name equals state's tenant_id or GUID (without case), needing no
//     sign-in; else the GUIDs are equal. tenant_id is as configured, else state's as state spells it; the GUID is
//     state's (the resolved one when state holds none).
//  4. Another tenant (the GUIDs differ): replaced, with a warning naming the resource, both tenants and
//     q.consequence; tenant_id is as configured, else the new GUID.
//  5. Cannot tell (the names differ and the GUID of the effective tenant, or of state's, cannot be learned): an
//     error naming the resource, state's tenant and the tenant that could not be checked, wrapping the cause
//     (tenantUnavailable classifies it). Never a silent keep, never a replacement.
//  6. Provider not configured (t == nil): tenant_id left out, or naming state's tenant: kept; another name:
//     replaced, with a warning that it cannot be checked until the provider is configured.
func planTenant(ctx context.Context, t tenantResolver, q tenantQuery) (tenantPlan, error) {
	priorGUID := q.priorGUID // as state spells it: a kept tenant plans no change
	if priorGUID == "" && isTenantGUID(q.prior) {
		priorGUID = q.prior
	}
	kept := func(guid string) tenantPlan {
		return tenantPlan{value: cmp.Or(q.configured, q.prior), guid: cmp.Or(priorGUID, guid)}
	}
	named := func(name string) bool {
		return name != "" && (sameTenant(name, q.prior) || sameTenant(name, priorGUID))
	}
	switch {
	case q.configuredUnknown && q.prior == "":
		return tenantPlan{}, nil
	case q.configuredUnknown:
		return q.replaced(priorGUID, "", "replaced: its tenant is known only after apply",
			fmt.Sprintf("its tenant_id is known only after apply, so it may not be tenant %s", tenantNames(q.prior, priorGUID))), nil
	case t == nil && q.prior == "":
		return tenantPlan{value: q.configured}, nil
	case t == nil && (q.configured == "" || named(q.configured)):
		return kept(""), nil
	case t == nil:
		return q.replaced(priorGUID, "", "replaced: its tenant cannot be checked yet",
			fmt.Sprintf("its tenant_id %q cannot be checked against it until the provider is configured (the provider's "+
				"configuration holds values known only after apply)", q.configured)), nil
	}

	name := cmp.Or(q.configured, t.tenantName())
	if q.prior != "" && priorGUID != "" && named(name) {
		return kept(""), nil // no sign-in needed
	}
	guid, err := t.guid(ctx)
	guid = strings.ToLower(guid)
	switch {
	case q.prior == "":
		return tenantPlan{value: cmp.Or(q.configured, guid), guid: guid}, nil
	case named(name):
		return kept(guid), nil // state holds no GUID: the tenant's, when it can be learned now
	case err != nil:
		return tenantPlan{}, q.uncheckable(priorGUID, name, err)
	}
	if priorGUID == "" && q.priorGUIDOf != nil {
		found, err := q.priorGUIDOf(ctx)
		if err != nil {
			return tenantPlan{}, q.uncheckable(priorGUID, name, fmt.Errorf("finding the GUID of tenant %q: %w", q.prior, err))
		}
		priorGUID = strings.ToLower(found)
	}
	switch {
	case priorGUID == "":
		return tenantPlan{}, q.uncheckable(priorGUID, name, fmt.Errorf("state does not hold the GUID of tenant %q", q.prior))
	case sameTenant(guid, priorGUID):
		return kept(guid), nil
	}
	p := q.replaced(priorGUID, guid, "moves to another tenant",
		fmt.Sprintf("its tenant is now %s (its tenant_id, else the provider's)", tenantNames(name, guid)))
	p.value = cmp.Or(q.configured, guid)
	return p, nil
}

// replaced is the plan that replaces the resource, with the one warning all three resources give: why, and what
// replacement does (q.consequence).
func (q tenantQuery) replaced(priorGUID, guid, summary, why string) tenantPlan {
	return tenantPlan{value: q.configured, guid: guid, replace: true, summary: q.noun + " " + summary,
		warning: fmt.Sprintf("%s records tenant %s, but %s. A resource never moves to another tenant silently: Terraform "+
			"replaces it. %s If the tenant changed by mistake, point tenant_id (or the provider) back at tenant %q before applying.",
			q.what, tenantNames(q.prior, priorGUID), why, q.consequence, q.prior)}
}

// uncheckable is the error of a plan that cannot tell whether the effective tenant (name) is state's.
func (q tenantQuery) uncheckable(priorGUID, name string, cause error) error {
	return fmt.Errorf("%s records tenant %s; whether %s is that tenant could not be checked, so nothing is planned: %w",
		q.what, tenantNames(q.prior, priorGUID), tenantLabelOf(name), cause)
}

// answeredTenantError is the error for an answer of Graph that belongs to another tenant than the one asked:
// nothing is taken from it.
func answeredTenantError(what, asked, answered string) error {
	return fmt.Errorf("%s was read in tenant %q, but Microsoft Graph answered for tenant %q. Nothing was taken from the "+
		"answer; Terraform state is unchanged", what, asked, answered)
}
