package provider

import (
	"strings"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// controlDecision is what one control is set to; "" stands for a null assigned_to or comment, as the PATCH
// body sends it and as Graph's empty values read back. Its attributes are listed once, in decisionAttributes.
type controlDecision struct {
	State, AssignedTo, Comment string
}

// decisionAttribute is one attribute of a decision: its Terraform name and meaning, and where it sits in the
// decision, in Graph's newest controlStateUpdates entry and in the PATCH body.
type decisionAttribute struct {
	name        string
	description string
	required    bool               // else optional, and "" stands for null
	caseless    bool               // compared without regard to case
	check       func(string) error // nil: any non-empty value
	of          func(*controlDecision) *string
	fromGraph   func(*graph.SecureScoreControlStateUpdate) *string
	toPatch     func(*graph.ControlProfileUpdate) *string
}

// decisionAttributes are the attributes of a decision, by position (attrFlags count them).
var decisionAttributes = [...]decisionAttribute{
	{name: "state", required: true, caseless: true, check: checkControlState,
		of:        func(d *controlDecision) *string { return &d.State },
		fromGraph: func(u *graph.SecureScoreControlStateUpdate) *string { return u.State },
		toPatch:   func(u *graph.ControlProfileUpdate) *string { return &u.State },
		description: "The control's state: `Default`, `Ignored` (risk accepted: the control earns no points), " +
			"`ThirdParty` (resolved through a third party: the control earns its points) or `Reviewed`, as on " +
			"`securescore_control_profile`. Any case is accepted."},
	{name: "assigned_to",
		of:        func(d *controlDecision) *string { return &d.AssignedTo },
		fromGraph: func(u *graph.SecureScoreControlStateUpdate) *string { return u.AssignedTo },
		toPatch:   func(u *graph.ControlProfileUpdate) *string { return &u.AssignedTo },
		description: "Who the control is assigned to, e.g. `secops@contoso.com`. Leave it out for nobody " +
			"(sent as an empty `assignedTo`; an empty value from Graph reads as null). An empty string is not accepted."},
	{name: "comment",
		of:        func(d *controlDecision) *string { return &d.Comment },
		fromGraph: func(u *graph.SecureScoreControlStateUpdate) *string { return u.Comment },
		toPatch:   func(u *graph.ControlProfileUpdate) *string { return &u.Comment },
		description: "A comment recorded with the change. Leave it out for none (sent as an empty `comment`; " +
			"an empty value from Graph reads as null). An empty string is not accepted."},
}

// pristine is an untouched control: Default, nobody assigned, no comment.
var pristine = controlDecision{State: controlStateDefault}

// equal compares decisions; states without regard to case (Graph and other tools write `thirdParty` for
// `ThirdParty`).
func (d controlDecision) equal(o controlDecision) bool {
	for _, a := range decisionAttributes {
		x, y := *a.of(&d), *a.of(&o)
		if x != y && (!a.caseless || !strings.EqualFold(x, y)) {
			return false
		}
	}
	return true
}

// decisionOf is a profile's current decision: its newest controlStateUpdates entry, Default when there is none.
func decisionOf(p *graph.SecureScoreControlProfile) controlDecision {
	var d controlDecision
	if u := graph.NewestStateUpdate(p.ControlStateUpdates); u != nil {
		for _, a := range decisionAttributes {
			if v := a.fromGraph(u); v != nil {
				*a.of(&d) = *v
			}
		}
	}
	if d.State == "" {
		d.State = controlStateDefault
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
	u := graph.ControlProfileUpdate{VendorInformation: vi}
	for _, a := range decisionAttributes {
		*a.toPatch(&u) = *a.of(&d)
	}
	return u
}
