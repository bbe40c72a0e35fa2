package provider

import (
	"context"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// secureScoreResourceSchemaV0 is version 0: the current schema without snapshot_id (the attributes' types are
// unchanged, only id's meaning moved).
func secureScoreResourceSchemaV0(ctx context.Context) *schema.Schema {
	s := secureScoreResourceSchema(ctx)
	s.Version = 0
	s.Attributes = maps.Clone(s.Attributes)
	delete(s.Attributes, "snapshot_id")
	return &s
}

// UpgradeState moves version 0 state to the tenant id: id becomes the tenant (azure_tenant_id, else the snapshot
// id's tenant part) and the old id becomes snapshot_id, so the next refresh reads the tenant's newest score
// instead of the day the resource was created.
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
					if err != nil {
						resp.Diagnostics.AddError("Unable to upgrade the secure score's state",
							"Version 0 state has no azure_tenant_id and its id is not a snapshot id: "+err.Error()+
								" Remove the resource from state and import it by tenant id.")
						return
					}
					m.ID = types.StringValue(tenant)
				}
				resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
			},
		},
	}
}
