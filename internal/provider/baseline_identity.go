package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// baselineIdentity is securescore_baseline's resource identity: its tenant's GUID (a tenant has one baseline).
// tenant_id may name the tenant by a domain; the identity records the GUID, so it never changes with how the
// configuration spells the tenant.
var baselineIdentity = newStringIdentity(0,
	identityAttribute{name: "tenant_id", description: "The tenant of the baseline: its GUID, as Microsoft Graph reports it " +
		"(`azureTenantId`). An import may name a verified domain instead, or leave it out for the provider's tenant."},
)

// baselineIdentityOf is the identity of the baseline of the tenant whose GUID is tenant.
func baselineIdentityOf(tenant string) (*tfprotov6.ResourceIdentityData, error) {
	return baselineIdentity.encode(tenant)
}

// baselineFromIdentity reads an import block's identity: the tenant, "" for the provider's.
func baselineFromIdentity(d *tfprotov6.ResourceIdentityData) (tenant string, err error) {
	v, err := baselineIdentity.decode(d)
	if err != nil {
		return "", err
	}
	return v[0], nil
}

func (s *baselineServer) identitySchema() *tfprotov6.ResourceIdentitySchema {
	return baselineIdentity.schema()
}

// baselineIdentityFor is the identity of m's baseline once its tenant's GUID (id) is known, else otherwise (the
// identity Terraform holds, or the one an import block gave).
func baselineIdentityFor(m *baselineModelV1, otherwise *tfprotov6.ResourceIdentityData) *tfprotov6.ResourceIdentityData {
	if m == nil || !m.ID.isKnown() || !isTenantGUID(m.ID.value()) {
		return otherwise
	}
	if d, err := baselineIdentityOf(strings.ToLower(m.ID.value())); err == nil {
		return d
	}
	return otherwise
}

// plannedBaselineIdentity is the identity a plan promises: the planned tenant's when its GUID is known, else the
// prior one, unless the baseline is replaced in another tenant (then it is known after apply).
func plannedBaselineIdentity(plan *baselineModelV1, prior *tfprotov6.ResourceIdentityData, replace bool) *tfprotov6.ResourceIdentityData {
	if replace {
		prior = nil
	}
	return baselineIdentityFor(plan, prior)
}

// importedBaselineTenant is the tenant an import names: the import id, else the import block's identity (a
// tenant_id left out there is the provider's tenant, ""). ok is false with the error in resp.
func importedBaselineTenant(req *tfprotov6.ImportResourceStateRequest, resp *tfprotov6.ImportResourceStateResponse) (tenant string, ok bool) {
	if req.ID == "" && req.Identity != nil {
		tenant, err := baselineFromIdentity(req.Identity)
		if err == nil && tenant != "" {
			err = checkTenantID(tenant)
		}
		if err != nil {
			resp.Diagnostics = errorDiagnostics("Invalid baseline identity", fmt.Sprintf("tenant_id: %s", err))
			return "", false
		}
		return tenant, true
	}
	if err := checkTenantID(req.ID); err != nil {
		resp.Diagnostics = errorDiagnostics("Invalid baseline import id",
			fmt.Sprintf("Import a baseline by its tenant: a GUID or a verified domain, e.g. `terraform import securescore_baseline.this "+
				"contoso.onmicrosoft.com`. %s", err))
		return "", false
	}
	return req.ID, true
}
