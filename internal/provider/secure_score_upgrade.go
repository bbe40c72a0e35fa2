package provider

import (
	"context"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// secureScoreResourceSchemaV1 is version 1: the current schema without tenant_id.
func secureScoreResourceSchemaV1(ctx context.Context) *schema.Schema {
	s := secureScoreResourceSchema(ctx)
	s.Version = 1
	s.Attributes = maps.Clone(s.Attributes)
	delete(s.Attributes, "tenant_id")
	return &s
}

// secureScoreResourceSchemaV0 is version 0: version 1 without snapshot_id (the attributes' types are unchanged,
// only id's meaning moved).
func secureScoreResourceSchemaV0(ctx context.Context) *schema.Schema {
	s := secureScoreResourceSchemaV1(ctx)
	s.Version = 0
	delete(s.Attributes, "snapshot_id")
	return s
}

// UpgradeState brings older state to version 2. Version 0 → id becomes the tenant (azure_tenant_id, else the
// snapshot id's tenant part) and the old id becomes snapshot_id, so the next refresh reads the tenant's newest
// score instead of the day the resource was created. Versions 0 and 1 → tenant_id is id, the tenant's GUID, so the
// resource stays in the tenant it was created in whatever the provider's tenant is now.
func (r *secureScoreResource) UpgradeState(ctx context.Context) map[int64]resource.StateUpgrader {
	return map[int64]resource.StateUpgrader{
		0: {
			PriorSchema: secureScoreResourceSchemaV0(ctx),
			StateUpgrader: func(ctx context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
				var old secureScoreResourceModelV0
				resp.Diagnostics.Append(req.State.Get(ctx, &old)...)
				if resp.Diagnostics.HasError() {
					return
				}
				m := secureScoreResourceModelV1{secureScoreResourceModelV0: old, SnapshotID: old.ID}
				m.ID = old.AzureTenantID
				if m.ID.ValueString() == "" {
					tenant, err := tenantOfSecureScoreID(old.ID.ValueString())
					if err != nil || !isTenantGUID(tenant) {
						why := "its id is not a snapshot id"
						if err != nil {
							why += ": " + err.Error()
						}
						resp.Diagnostics.AddError("Unable to upgrade the secure score's state",
							"Version 0 state has no azure_tenant_id and "+why+" Remove the resource from state and import it by tenant id.")
						return
					}
					m.ID = types.StringValue(tenant)
				}
				resp.Diagnostics.Append(resp.State.Set(ctx, &secureScoreResourceModelV2{secureScoreResourceModelV1: m, TenantID: m.ID})...)
			},
		},
		1: {
			PriorSchema: secureScoreResourceSchemaV1(ctx),
			StateUpgrader: func(ctx context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
				var old secureScoreResourceModelV1
				resp.Diagnostics.Append(req.State.Get(ctx, &old)...)
				if resp.Diagnostics.HasError() {
					return
				}
				resp.Diagnostics.Append(resp.State.Set(ctx, &secureScoreResourceModelV2{secureScoreResourceModelV1: old, TenantID: old.ID})...)
			},
		},
	}
}
