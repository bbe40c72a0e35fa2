package provider

import "github.com/hashicorp/terraform-plugin-go/tfprotov6"

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
