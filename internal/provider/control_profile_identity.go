package provider

import "github.com/hashicorp/terraform-plugin-go/tfprotov6"

// controlProfileIdentity is securescore_control_profile's resource identity: the tenant's GUID and the control. It
// is what an import block's `identity` names, what `terraform query` lists, and what state keeps beside the
// resource; a domain named in tenant_id is recorded here as its GUID, so the identity never changes with how the
// configuration spells the tenant.
var controlProfileIdentity = newStringIdentity(0,
	identityAttribute{name: "tenant_id", description: "The tenant of the control: its GUID, as Microsoft Graph reports it " +
		"(`azureTenantId`). An import may name a verified domain instead, or leave it out for the provider's tenant."},
	identityAttribute{name: "control_id", required: true, description: "The control's id, e.g. `AdminMFAV2`."},
)

// controlProfileIdentityOf is the identity of control in the tenant whose GUID is tenant.
func controlProfileIdentityOf(tenant, control string) (*tfprotov6.ResourceIdentityData, error) {
	return controlProfileIdentity.encode(tenant, control)
}

// controlProfileFromIdentity reads an import block's identity: the tenant ("" = the provider's) and the control.
func controlProfileFromIdentity(d *tfprotov6.ResourceIdentityData) (tenant, control string, err error) {
	v, err := controlProfileIdentity.decode(d)
	if err != nil {
		return "", "", err
	}
	return v[0], v[1], nil
}

func (s *controlProfileServer) identitySchema() *tfprotov6.ResourceIdentitySchema {
	return controlProfileIdentity.schema()
}
