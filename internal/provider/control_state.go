package provider

import (
	"strings"
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
