package provider

import (
	"context"
	"strings"

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

// planTenant plans tenant_id (and id, the same GUID): the configured tenant_id, else the provider's tenant, must be
// state's tenant, or the resource is replaced (planTenant in tenant_plan.go). A tenant named nowhere, or out of the
// sign-in's reach, is an error now rather than at apply. Before the provider is configured (values only known
// after apply) the tenant cannot be resolved: a new resource's stays unknown, an existing one keeps state's unless
// the configuration names another.
func (r *secureScoreResource) planTenant(ctx context.Context, config tfsdk.Config, state *secureScoreResourceModelV2, resp *resource.ModifyPlanResponse) {
	var configured types.String
	resp.Diagnostics.Append(config.GetAttribute(ctx, path.Root("tenant_id"), &configured)...)
	if resp.Diagnostics.HasError() {
		return
	}
	prior := state.tenant() // "" for a new resource
	var p tenantPlan
	var tenant *tenantData
	switch {
	case configured.IsUnknown():
		p.replace = prior != ""
	case r.data == nil:
		p.value = configured.ValueString()
		if p.value == "" {
			p.value = prior
		}
		p.replace = prior != "" && !strings.EqualFold(p.value, prior)
	default:
		tenant = requireTenant(r.data, configured.ValueString(), &resp.Diagnostics)
		if tenant == nil {
			return
		}
		var err error
		if p, err = planTenant(ctx, tenant, configured.ValueString(), prior, state.ID.ValueString(), "The secure score resource"); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("tenant_id"), "Unable to check the secure score's tenant", err.Error())
			return
		}
	}
	value := types.StringUnknown()
	if p.value != "" {
		value = types.StringValue(p.value)
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("tenant_id"), value)...)
	if prior == "" || p.replace {
		// id is the tenant's GUID: known when it can be learned now, else after apply.
		id := types.StringUnknown()
		if tenant != nil {
			if guid, err := tenant.guid(ctx); err == nil {
				id = types.StringValue(guid)
			}
		}
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), id)...)
	}
	if p.replace {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("tenant_id"))
		if p.warning != "" {
			resp.Diagnostics.AddAttributeWarning(path.Root("tenant_id"), "Secure score moves to another tenant: replacement", p.warning)
		}
	}
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
