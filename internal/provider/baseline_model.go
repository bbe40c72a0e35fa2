package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// baselineResourceModelV0 is the securescore_baseline resource (schema version 0).
type baselineResourceModelV0 struct {
	ID              types.String   `tfsdk:"id"`
	Controls        types.Map      `tfsdk:"controls"` // control id → object of baselineControlType
	ResetOnDestroy  types.Bool     `tfsdk:"reset_on_destroy"`
	MissingControls types.String   `tfsdk:"missing_controls"`
	SkippedControls types.Set      `tfsdk:"skipped_controls"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

var baselineControlType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"state": types.StringType, "assigned_to": types.StringType, "comment": types.StringType,
}}

// missing_controls values.
const (
	missingControlsError = "error"
	missingControlsWarn  = "warn"
)

// controlDecision is what one control is set to; "" stands for a null assigned_to or comment, as the PATCH
// body sends it and as Graph's empty values read back.
type controlDecision struct {
	State, AssignedTo, Comment string
}

// pristine is an untouched control: Default, nobody assigned, no comment.
var pristine = controlDecision{State: controlStateDefault}

// equal compares states without regard to case (Graph and other tools write `thirdParty` for `ThirdParty`).
func (d controlDecision) equal(o controlDecision) bool {
	return strings.EqualFold(d.State, o.State) && d.AssignedTo == o.AssignedTo && d.Comment == o.Comment
}

// decisionOf is a profile's current decision: its newest controlStateUpdates entry.
func decisionOf(p *graph.SecureScoreControlProfile) controlDecision {
	state, assignedTo, comment := currentState(p)
	return controlDecision{State: state.ValueString(), AssignedTo: assignedTo.ValueString(), Comment: comment.ValueString()}
}

func (d controlDecision) value() attr.Value {
	opt := func(s string) types.String {
		if s == "" {
			return types.StringNull()
		}
		return types.StringValue(s)
	}
	return types.ObjectValueMust(baselineControlType.AttrTypes, map[string]attr.Value{
		"state": types.StringValue(d.State), "assigned_to": opt(d.AssignedTo), "comment": opt(d.Comment),
	})
}

// update is the PATCH body that sets d, with the service's own vendorInformation.
func (d controlDecision) update(ctx context.Context) (graph.ControlProfileUpdate, diag.Diagnostics) {
	vi, diags := vendorInformationUpdate(ctx, types.ObjectNull(vendorInformationType.AttrTypes))
	return graph.ControlProfileUpdate{State: d.State, AssignedTo: d.AssignedTo, Comment: d.Comment, VendorInformation: vi}, diags
}

// decisions reads a known controls map; elements with unknown values are left out and reported in unknown.
// It reads the values directly rather than through ElementsAs: reflection over a map of a thousand objects
// cost a baseline's plan and apply more than the rest of the provider's own work (BenchmarkBaselinePlan).
func decisions(_ context.Context, m types.Map) (known map[string]controlDecision, unknown []string, diags diag.Diagnostics) {
	known = map[string]controlDecision{}
	if m.IsNull() || m.IsUnknown() {
		return known, nil, nil
	}
	for id, v := range m.Elements() {
		o, ok := v.(types.Object)
		if !ok {
			diags.AddError("Unexpected baseline control value", fmt.Sprintf("Control %q of controls is a %T, not an object.", id, v))
			return nil, nil, diags
		}
		if o.IsNull() {
			diags.AddError("Null baseline control", fmt.Sprintf("Control %q of controls is null; give it a state, or leave it out.", id))
			return nil, nil, diags
		}
		if o.IsUnknown() {
			unknown = append(unknown, id)
			continue
		}
		attrs := o.Attributes()
		state, assignedTo, comment := stringAttr(attrs["state"]), stringAttr(attrs["assigned_to"]), stringAttr(attrs["comment"])
		if state.IsUnknown() || assignedTo.IsUnknown() || comment.IsUnknown() {
			unknown = append(unknown, id)
			continue
		}
		known[id] = controlDecision{State: state.ValueString(), AssignedTo: assignedTo.ValueString(), Comment: comment.ValueString()}
	}
	slices.Sort(unknown)
	return known, unknown, diags
}

// stringAttr is an object attribute as a string value; a missing attribute reads as null.
func stringAttr(v attr.Value) types.String {
	if s, ok := v.(types.String); ok {
		return s
	}
	return types.StringNull()
}

// controlsValue is the controls attribute holding ds.
func controlsValue(ds map[string]controlDecision) types.Map {
	elems := make(map[string]attr.Value, len(ds))
	for id, d := range ds {
		elems[id] = d.value()
	}
	return types.MapValueMust(baselineControlType, elems)
}

// idSet is a set attribute of the sorted ids.
func idSet(ids []string) types.Set {
	elems := make([]attr.Value, 0, len(ids))
	for _, id := range ids {
		elems = append(elems, types.StringValue(id))
	}
	return types.SetValueMust(types.StringType, elems)
}

// setIDs are the ids in a known set attribute.
func setIDs(s types.Set) map[string]bool {
	out := map[string]bool{}
	if s.IsNull() || s.IsUnknown() {
		return out
	}
	for _, v := range s.Elements() {
		if str, ok := v.(types.String); ok && !str.IsNull() && !str.IsUnknown() {
			out[str.ValueString()] = true
		}
	}
	return out
}

// sortedKeys are m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
