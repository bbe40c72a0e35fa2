package provider

import (
	"strings"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
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

// decisionOf is a profile's current decision: its newest controlStateUpdates entry, Default when there is none.
func decisionOf(p *graph.SecureScoreControlProfile) controlDecision {
	d := pristine
	if u := graph.NewestStateUpdate(p.ControlStateUpdates); u != nil {
		if u.State != nil && *u.State != "" {
			d.State = *u.State
		}
		if u.AssignedTo != nil {
			d.AssignedTo = *u.AssignedTo
		}
		if u.Comment != nil {
			d.Comment = *u.Comment
		}
	}
	return d
}

// serviceVendorInformation is the vendorInformation the service itself records on every control profile, and
// what a PATCH carries unless the configuration names another (the documented v1.0 update request sends exactly
// this: provider SecureScore, vendor Microsoft, the other two null).
func serviceVendorInformation() graph.SecurityVendorInformation {
	provider, vendor := "SecureScore", "Microsoft"
	return graph.SecurityVendorInformation{Provider: &provider, Vendor: &vendor}
}

// update is the PATCH body that sets d, with the service's own vendorInformation.
func (d controlDecision) update() graph.ControlProfileUpdate {
	return d.updateWith(serviceVendorInformation())
}

// updateWith is the PATCH body that sets d with the given vendorInformation (the control profile resource lets
// the configuration name it).
func (d controlDecision) updateWith(vi graph.SecurityVendorInformation) graph.ControlProfileUpdate {
	return graph.ControlProfileUpdate{State: d.State, AssignedTo: d.AssignedTo, Comment: d.Comment, VendorInformation: vi}
}
