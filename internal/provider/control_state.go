package provider

import (
	"errors"
	"fmt"
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

// portalStates are the Microsoft Secure Score portal's names of the states Graph knows, letters only, lower case.
var portalStates = map[string]string{
	"toaddress":                 controlStateDefault,
	"riskaccepted":              "Ignored",
	"resolvedthroughthirdparty": "ThirdParty",
}

// checkControlState accepts a documented state in any case, and otherwise names the state most likely meant and
// the portal's words for them: the one check of a state for every resource that sets one.
func checkControlState(s string) error {
	if isControlState(s) {
		return nil
	}
	msg := fmt.Sprintf("%q is not a control state; expected %s (any case is accepted).", s, quotedList(controlStates))
	if st, ok := portalStates[lettersOnly(s)]; ok {
		return errors.New(msg + fmt.Sprintf(" The portal's %q is %q.", s, st))
	}
	if st, ok := closest(s, controlStates); ok {
		msg += didYouMean(st)
	}
	return errors.New(msg + " In the portal's words, \"Risk accepted\" is \"Ignored\" and \"Resolved through third party\" is \"ThirdParty\".")
}
