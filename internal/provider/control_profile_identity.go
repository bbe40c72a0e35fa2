package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

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

// identityOf is the identity of m's control, else otherwise (the identity Terraform holds, or an import block's)
// while the control or its tenant's GUID is not known: a tenant_id that names a domain, or none (the provider's
// tenant), is resolved through the tenant's sign-in, which the read or write of m has made already.
func (s *controlProfileServer) identityOf(ctx context.Context, m *controlProfileResourceModelV2, otherwise *tfprotov6.ResourceIdentityData) *tfprotov6.ResourceIdentityData {
	control := m.ControlID.orElse(m.ID.value())
	if control == "" || m.TenantID.isUnknown() {
		return otherwise
	}
	tenant := m.TenantID.value()
	if !isTenantGUID(tenant) {
		tenants := s.tenants()
		if tenants == nil {
			return otherwise
		}
		var diags diagnostics
		t := tenants(tenant, &diags)
		if t == nil {
			return otherwise
		}
		guid, err := t.guid(ctx)
		if err != nil {
			return otherwise
		}
		tenant = guid
	}
	d, err := controlProfileIdentityOf(strings.ToLower(tenant), control)
	if err != nil {
		return otherwise
	}
	return d
}

// importID is the import id (`<tenant>/<control_id>` or `<control_id>`), or the one an import block's identity
// stands for. ok is false with the error in diags.
func importID(req *tfprotov6.ImportResourceStateRequest, diags *diagnostics) (id string, ok bool) {
	if req.ID != "" || req.Identity == nil {
		return req.ID, true
	}
	tenant, control, err := controlProfileFromIdentity(req.Identity)
	switch {
	case err != nil:
		diags.AddError("Invalid control profile identity", err.Error())
		return "", false
	case control == "":
		diags.AddError("Invalid control profile identity", "The identity names no control_id.")
		return "", false
	case tenant == "":
		return control, true
	}
	if err := checkTenantID(tenant); err != nil {
		diags.AddError("Invalid control profile identity", "tenant_id: "+err.Error())
		return "", false
	}
	return tenant + "/" + control, true
}
