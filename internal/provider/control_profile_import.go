package provider

// importedControlProfile is the state an import of id starts from; the read that follows fills in the rest.
func importedControlProfile(id string, diags *diagnostics) (controlProfileResourceModelV1, bool) {
	if id == "" {
		diags.AddError("Missing control profile id",
			"Import needs the control's name, e.g. `terraform import securescore_control_profile.mfa AdminMFAV2`.")
		return controlProfileResourceModelV1{}, false
	}
	return controlProfileResourceModelV1{ID: tfKnown(id), ControlID: tfKnown(id), ResetOnDestroy: tfKnown(true)}, true
}
