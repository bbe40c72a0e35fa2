package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Control states are compared without regard to case: Graph's own pages write `ignored` and `thirdParty`, tools
// send lower camel case, and the service may answer in either spelling. Shared by every resource that sets a
// control's state (securescore_control_profile, securescore_baseline).

// Control states the service accepts; Default is the state of an untouched control.
const controlStateDefault = "Default"

var controlStates = []string{controlStateDefault, "Ignored", "ThirdParty", "Reviewed"}

// isControlState reports whether s is one of the documented states (Default, Ignored, ThirdParty, Reviewed) in
// any case.
func isControlState(s string) bool {
	for _, st := range controlStates {
		if strings.EqualFold(s, st) {
			return true
		}
	}
	return false
}

// sameControlState reports whether a and b hold the same state (nulls and unknowns compare as values do).
func sameControlState(a, b types.String) bool {
	if !known(a) || !known(b) {
		return a.Equal(b)
	}
	return strings.EqualFold(a.ValueString(), b.ValueString())
}

// controlStateInSpelling returns configured when it names the state the service returned (got), so state keeps the
// configuration's spelling and no case-only diff is ever planned; otherwise got.
func controlStateInSpelling(configured, got types.String) types.String {
	if known(configured) && sameControlState(configured, got) {
		return configured
	}
	return got
}

// checkControlState refuses what is not a control state, naming the portal's words for two of them.
func checkControlState(s string) error {
	if isControlState(s) {
		return nil
	}
	return fmt.Errorf("%q is not a control state; expected %s (any case is accepted). The portal's \"risk accepted\" "+
		"is `Ignored`, and \"resolved through third party\" is `ThirdParty`", s, quotedList(controlStates))
}
