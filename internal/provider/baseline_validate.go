package provider

import "fmt"

// validateBaseline checks a configuration beyond what its types say (Terraform checks those, and required
// attributes at the top level). Values not known yet are checked once they are.
func validateBaseline(config *baselineModelV1) diagnostics {
	var ps diagnostics
	baselineTable.validate(config, &ps)
	if !config.OnDestroy.isNull() && !config.ResetOnDestroy.isNull() {
		conflictingResetOnDestroy(&ps)
	}
	if config.Controls.isKnown() {
		for _, id := range sortedKeys(config.Controls.value()) {
			validateControl(id, config.Controls.value()[id], &ps)
		}
	}
	return ps
}

// validateControl checks one element of controls; an element not known yet is checked at apply's plan.
func validateControl(id string, c baselineControl, ps *diagnostics) {
	p := attribute("controls").key(id)
	switch {
	case id == "":
		ps.addAttrError(p, "Empty control id", "A key of controls is \"\"; each key is a control id such as \"AdminMFAV2\".")
		return
	case c.Unknown:
		return
	case c.Null:
		ps.addAttrError(p, "Null control", fmt.Sprintf("Control %q is null; give it a state, or leave it out of controls.", id))
		return
	}
	for i, a := range decisionAttributes {
		v := *a.of(&c.controlDecision)
		switch {
		case c.unknown.has(i):
		case c.unset.has(i) && a.required:
			ps.addAttrError(p.attr(a.name), "Missing "+a.name, fmt.Sprintf("Control %q has no %s; it is required.", id, a.name))
		case c.unset.has(i):
			ps.addAttrError(p.attr(a.name), "Empty "+a.name,
				fmt.Sprintf("Control %q has %s = \"\", which is not accepted: leave %s out for none.", id, a.name, a.name))
		case a.check != nil:
			if err := a.check(v); err != nil {
				ps.addAttrError(p.attr(a.name), "Invalid "+a.name, fmt.Sprintf("Control %q: %s", id, err))
			}
		}
	}
}
