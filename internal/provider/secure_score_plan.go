package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// ModifyPlan plans the tenant (planSecureScoreTenant), then fills the collection elements' left-out attributes
// from the state element with the same key (control_name, basis). Matching by key rather than by list index keeps
// a reordered or extended list from planning another element's values, and keeps an unchanged list from planning
// "known after apply".
func (r *secureScoreResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy: nothing is sent
	}
	var plan, state secureScoreResourceModelV2
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	r.planTenant(ctx, req.Config, &state, resp)
	if req.State.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}

	list, diags := fillControlScores(ctx, plan.ControlScores, state.ControlScores)
	resp.Diagnostics.Append(diags...)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("control_scores"), list)...)
	}
	list, diags = fillAverageComparativeScores(ctx, plan.AverageComparativeScores, state.AverageComparativeScores)
	resp.Diagnostics.Append(diags...)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("average_comparative_scores"), list)...)
	}
}

// planTenant plans tenant_id and id (the same tenant's GUID) by the one tenant rule (planTenant in tenant_plan.go):
// another tenant than state's replaces the resource. A tenant named nowhere, or out of the sign-in's reach, is an
// error now rather than at apply.
func (r *secureScoreResource) planTenant(ctx context.Context, config tfsdk.Config, state *secureScoreResourceModelV2, resp *resource.ModifyPlanResponse) {
	var configured types.String
	resp.Diagnostics.Append(config.GetAttribute(ctx, path.Root("tenant_id"), &configured)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var tenant tenantResolver // nil while the provider is not configured
	if r.data != nil && !configured.IsUnknown() {
		t := requireTenant(r.data, configured.ValueString(), &resp.Diagnostics)
		if t == nil {
			return
		}
		tenant = t
	}
	p, err := planTenant(ctx, tenant, tenantQuery{noun: "Secure score", what: "The secure score resource",
		configured: configured.ValueString(), configuredUnknown: configured.IsUnknown(), prior: state.tenant(), priorGUID: state.ID.ValueString(),
		consequence: "Microsoft Graph cannot delete a secure score: state's tenant keeps its values, and the new tenant's are set."})
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("tenant_id"), "Unable to check the secure score's tenant", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("tenant_id"), knownOrUnknown(p.value))...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), knownOrUnknown(p.guid))...)
	if p.replace {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("tenant_id"))
		resp.Diagnostics.AddAttributeWarning(path.Root("tenant_id"), p.summary, p.warning)
	}
}

// knownOrUnknown is s as a planned string: "" is known only after apply.
func knownOrUnknown(s string) types.String {
	if s == "" {
		return types.StringUnknown()
	}
	return types.StringValue(s)
}

// fillControlScores sets the unknown attributes of planned elements from the prior element with the same
// control_name. Elements without a prior match keep their unknowns.
func fillControlScores(ctx context.Context, planned, prior types.List) (types.List, diag.Diagnostics) {
	return fillByKey(ctx, planned, prior, controlScoreType, func(e *controlScoreModelV0, prev controlScoreModelV0) {
		fillUnknown(&e.ControlCategory, prev.ControlCategory)
		fillUnknown(&e.Description, prev.Description)
		fillUnknown(&e.Score, prev.Score)
	})
}

// fillAverageComparativeScores does what fillControlScores does, keyed by basis.
func fillAverageComparativeScores(ctx context.Context, planned, prior types.List) (types.List, diag.Diagnostics) {
	return fillByKey(ctx, planned, prior, averageComparativeScoreType, func(e *averageComparativeScoreModelV0, prev averageComparativeScoreModelV0) {
		fillUnknown(&e.AverageScore, prev.AverageScore)
	})
}
