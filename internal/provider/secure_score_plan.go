package provider

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

var objectAsOptions = basetypes.ObjectAsOptions{UnhandledNullAsEmpty: true, UnhandledUnknownAsEmpty: true}

func known(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }

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

	var list types.List
	var diags diag.Diagnostics
	list, diags = fillControlScores(ctx, plan.ControlScores, state.ControlScores)
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
	var diags diag.Diagnostics
	if !known(planned) || !known(prior) {
		return planned, diags
	}
	var p, s []controlScoreModelV0
	diags.Append(planned.ElementsAs(ctx, &p, false)...)
	diags.Append(prior.ElementsAs(ctx, &s, false)...)
	if diags.HasError() {
		return planned, diags
	}
	byName := map[string]controlScoreModelV0{}
	for _, e := range s {
		if _, dup := byName[e.ControlName.ValueString()]; known(e.ControlName) && !dup {
			byName[e.ControlName.ValueString()] = e
		}
	}
	for i := range p {
		prev, ok := byName[p[i].ControlName.ValueString()]
		if !known(p[i].ControlName) || !ok {
			continue
		}
		fillString(&p[i].ControlCategory, prev.ControlCategory)
		fillString(&p[i].Description, prev.Description)
		fillFloat(&p[i].Score, prev.Score)
	}
	list, d := types.ListValueFrom(ctx, controlScoreType, p)
	diags.Append(d...)
	return list, diags
}

// fillAverageComparativeScores does what fillControlScores does, keyed by basis.
func fillAverageComparativeScores(ctx context.Context, planned, prior types.List) (types.List, diag.Diagnostics) {
	var diags diag.Diagnostics
	if !known(planned) || !known(prior) {
		return planned, diags
	}
	var p, s []averageComparativeScoreModelV0
	diags.Append(planned.ElementsAs(ctx, &p, false)...)
	diags.Append(prior.ElementsAs(ctx, &s, false)...)
	if diags.HasError() {
		return planned, diags
	}
	byBasis := map[string]averageComparativeScoreModelV0{}
	for _, e := range s {
		if _, dup := byBasis[e.Basis.ValueString()]; known(e.Basis) && !dup {
			byBasis[e.Basis.ValueString()] = e
		}
	}
	for i := range p {
		prev, ok := byBasis[p[i].Basis.ValueString()]
		if !known(p[i].Basis) || !ok {
			continue
		}
		fillFloat(&p[i].AverageScore, prev.AverageScore)
	}
	list, d := types.ListValueFrom(ctx, averageComparativeScoreType, p)
	diags.Append(d...)
	return list, diags
}

func fillString(v *types.String, prev types.String) {
	if v.IsUnknown() {
		*v = prev
	}
}

func fillFloat(v *types.Float64, prev types.Float64) {
	if v.IsUnknown() {
		*v = prev
	}
}

// ValidateConfig rejects duplicate keys in collections: elements are matched by key to keep Graph's extra properties.
func (r *secureScoreResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg secureScoreResourceModelV1
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if known(cfg.ControlScores) {
		var elems []controlScoreModelV0
		resp.Diagnostics.Append(cfg.ControlScores.ElementsAs(ctx, &elems, false)...)
		seen := map[string]int{}
		for i, e := range elems {
			if !known(e.ControlName) {
				continue
			}
			if j, dup := seen[e.ControlName.ValueString()]; dup {
				resp.Diagnostics.AddAttributeError(path.Root("control_scores").AtListIndex(i).AtName("control_name"), "Duplicate control_name",
					fmt.Sprintf("control_name %q is already used by element %d; each control may appear once.", e.ControlName.ValueString(), j))
			}
			seen[e.ControlName.ValueString()] = i
		}
	}
	if known(cfg.AverageComparativeScores) {
		var elems []averageComparativeScoreModelV0
		resp.Diagnostics.Append(cfg.AverageComparativeScores.ElementsAs(ctx, &elems, false)...)
		seen := map[string]int{}
		for i, e := range elems {
			if !known(e.Basis) {
				continue
			}
			if j, dup := seen[e.Basis.ValueString()]; dup {
				resp.Diagnostics.AddAttributeError(path.Root("average_comparative_scores").AtListIndex(i).AtName("basis"), "Duplicate basis",
					fmt.Sprintf("basis %q is already used by element %d; each basis may appear once.", e.Basis.ValueString(), j))
			}
			seen[e.Basis.ValueString()] = i
		}
	}
}

// writeState stores the PATCH response. It always sets state once the write went through, so a later problem
// (a warning-worthy value, private state) never loses the fact that the service changed.
func (r *secureScoreResource) writeState(ctx context.Context, plan *secureScoreResourceModelV1, score *graph.SecureScore,
	private privateStateSetter, state *tfsdk.State, diags *diag.Diagnostics) {
	if score == nil {
		// Applied but not read back (readBackScore warned): the plan, with what only the service knows null.
		m := *plan
		diags.Append(state.Set(ctx, &m)...)
		raw, err := nullUnknowns(state.Raw)
		if err != nil {
			diags.AddError("Unable to build the secure score's state from the plan", err.Error())
			return
		}
		state.Raw = raw
		return
	}
	m := *plan
	diags.Append(m.setFromGraph(ctx, score)...)
	diags.Append(state.Set(ctx, &m)...)
	diags.Append(saveExtras(ctx, private, score)...)
}

// patchKeys lists a PATCH body's properties for log lines (values may be large; keys say what changed).
func patchKeys(patch map[string]any) []string {
	keys := make([]string, 0, len(patch))
	for k := range patch {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
