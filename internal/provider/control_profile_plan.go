package provider

// plan turns Terraform's proposed new state (m) into the planned state, given the configuration and the prior
// state (nil on create). It returns the attributes whose change replaces the resource.
//
// Terraform proposes the prior values for every attribute the configuration leaves null, so what is left is:
// defaults for vendor_information and reset_on_destroy, "known after apply" for what the service will set, and
// for an update, "known after apply" only for what every PATCH changes (the history) and only if a PATCH is due.
// A change of reset_on_destroy or timeouts alone therefore shows no unknown values and sends nothing.
func (m *controlProfileResourceModelV1) plan(config, prior *controlProfileResourceModelV1) (replace []string) {
	if config.VendorInformation.Object == valueNull {
		m.VendorInformation = serviceVendor
	}
	if config.ResetOnDestroy.isNull() {
		m.ResetOnDestroy = tfKnown(true)
	}
	switch {
	case prior == nil:
		controlProfileAttributes.setEach(m, serviceOnly, valueUnknown)
	case !m.ControlID.equal(prior.ControlID):
		controlProfileAttributes.setEach(m, serviceOnly, valueUnknown) // another control: none of the old values apply
		return []string{"control_id"}
	case m.needsPatch(prior):
		controlProfileAttributes.setEach(m, changedByWrites, valueUnknown)
	}
	return nil
}
