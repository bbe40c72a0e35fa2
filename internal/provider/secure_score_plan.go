package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// ModifyPlan fills the collection elements' left-out attributes from the state element with the same key
// (control_name, basis). Matching by key rather than by list index keeps a reordered or extended list from
// planning another element's values, and keeps an unchanged list from planning "known after apply".
func (r *secureScoreResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var plan, state secureScoreResourceModelV1
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
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
