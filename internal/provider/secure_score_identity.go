package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ resource.ResourceWithIdentity = (*secureScoreResource)(nil)

// secureScoreIdentityModelV0 is securescore_secure_score's resource identity: the tenant's GUID (a tenant has one
// score). tenant_id may name the tenant by a domain; the identity records the GUID, so it never changes with how
// the configuration spells the tenant.
type secureScoreIdentityModelV0 struct {
	TenantID types.String `tfsdk:"tenant_id"`
}

func (r *secureScoreResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"tenant_id": identityschema.StringAttribute{
				OptionalForImport: true,
				Description: "The tenant whose score this is: its GUID, as Microsoft Graph reports it (`azureTenantId`). " +
					"An import may name a verified domain instead, or leave it out for the provider's tenant.",
			},
		},
	}
}

// setSecureScoreIdentity records the identity of the score of the tenant whose GUID is tenant; nothing when the
// GUID is not known (a read or write that fails before learning it reports why).
func setSecureScoreIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, tenant string, diags *diag.Diagnostics) {
	if identity == nil || !isTenantGUID(tenant) {
		return
	}
	diags.Append(identity.Set(ctx, secureScoreIdentityModelV0{TenantID: types.StringValue(strings.ToLower(tenant))})...)
}

// setSecureScoreIdentityOf records the identity of tenant's score, once its GUID is known.
func setSecureScoreIdentityOf(ctx context.Context, identity *tfsdk.ResourceIdentity, tenant *tenantData, diags *diag.Diagnostics) {
	if id, err := tenant.guid(ctx); err == nil {
		setSecureScoreIdentity(ctx, identity, id, diags)
	}
}

// secureScoreImportTenant is the tenant an import names: the import id (a tenant, or a snapshot id mapped to its
// tenant), else the identity's tenant_id, else "" for the provider's.
func secureScoreImportTenant(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) (string, bool) {
	if req.ID != "" || req.Identity == nil {
		tenant, err := tenantOfSecureScoreID(req.ID)
		if err != nil {
			diags.AddError("Invalid secure score import id", err.Error())
			return "", false
		}
		return tenant, true
	}
	var id secureScoreIdentityModelV0
	diags.Append(req.Identity.Get(ctx, &id)...)
	if diags.HasError() {
		return "", false
	}
	tenant := id.TenantID.ValueString()
	if tenant == "" {
		return "", true
	}
	if err := checkTenantID(tenant); err != nil {
		diags.AddError("Invalid secure score identity", "tenant_id: "+err.Error())
		return "", false
	}
	return tenant, true
}
