package provider

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

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

// update is the PATCH body that sets d, with the service's own vendorInformation.
func (d controlDecision) update(ctx context.Context) (graph.ControlProfileUpdate, diag.Diagnostics) {
	vi, diags := vendorInformationUpdate(ctx, types.ObjectNull(vendorInformationType.AttrTypes))
	return graph.ControlProfileUpdate{State: d.State, AssignedTo: d.AssignedTo, Comment: d.Comment, VendorInformation: vi}, diags
}

// sortedKeys are m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
