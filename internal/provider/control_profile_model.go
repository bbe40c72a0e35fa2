package provider

import (
	"strings"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// controlProfileResourceModelV1 is the securescore_control_profile resource's state (schema version 1) in plain
// Go: the configuration, id, and who changed the control last and when. The catalog facts (title, max_score, ...)
// and the full history are the data sources' (version 0 held the facts, see control_profile_upgrade.go).
//
// Its attributes are listed once, in controlProfileAttributes below: the schema, the value type, the wire codecs,
// validation and the plan's null and unknown forms all follow that table.
type controlProfileResourceModelV1 struct {
	ID                tfString
	ControlID         tfString
	State             tfString
	AssignedTo        tfString
	Comment           tfString
	VendorInformation vendorInformation
	ResetOnDestroy    tfBool
	Timeouts          profileTimeouts
	UpdatedBy         tfString
	UpdatedDateTime   tfString
}

// vendorInformation is the vendor_information object: Graph's securityVendorInformation as a PATCH sends it.
type vendorInformation struct {
	Object                                         valueState
	Provider, ProviderVersion, SubProvider, Vendor tfString
}

// profileTimeouts is the timeouts block: durations such as "30s" or "2h45m".
type profileTimeouts struct {
	Object                       valueState
	Create, Read, Update, Delete tfString
}

type profileAttribute = attribute[controlProfileResourceModelV1]

// controlProfileAttributes is every attribute of the resource, once.
var controlProfileAttributes = newAttributeTable(
	profileAttribute{name: "id", use: attrComputed, setBy: setByService,
		description: "The control profile's id, the same as `control_id`. Used for import.",
		str:         func(m *controlProfileResourceModelV1) *tfString { return &m.ID }},
	profileAttribute{name: "control_id", use: attrRequired, check: checkNonEmpty,
		description: "The control's name, the id of its `secureScoreControlProfile`, e.g. `AdminMFAV2` or " +
			"`11770.MDA_Google_EnableTwoFactorAuth`. Changing it replaces the resource (the old control is reset first " +
			"unless `reset_on_destroy = false`).",
		str: func(m *controlProfileResourceModelV1) *tfString { return &m.ControlID }},
	profileAttribute{name: "state", use: attrRequired, check: checkControlState,
		description: "The control's state: `Default`, `Ignored` (risk accepted: the control leaves the score), " +
			"`ThirdParty` (resolved through a third party: the control earns its points) or `Reviewed`. Accepted and compared " +
			"in any case (`thirdParty`, `ignored` as Graph's pages and multi-tenant tools write them); it is sent as written " +
			"and state keeps the configuration's spelling whichever case the service answers in, so case never shows as a " +
			"change. Required, because every update sends the state: leaving it to a default would silently reset a state " +
			"set elsewhere. The score moves about 24 hours after a change (Microsoft: points \"generally take about 24 hours " +
			"to update\").",
		str: func(m *controlProfileResourceModelV1) *tfString { return &m.State }},
	profileAttribute{name: "assigned_to", use: attrOptional, check: checkNonEmpty,
		description: "Who the control is assigned to, e.g. `secops@contoso.com`. Leave it out for nobody: " +
			"the update then sends an empty `assignedTo`, and an empty value from Graph reads as null, so no diff arises. " +
			"An empty string is not accepted.",
		str: func(m *controlProfileResourceModelV1) *tfString { return &m.AssignedTo }},
	profileAttribute{name: "comment", use: attrOptional, check: checkNonEmpty,
		description: "A comment recorded with the change. Leave it out for none (sent as an empty `comment`; an empty " +
			"value from Graph reads as null). An empty string is not accepted.",
		str: func(m *controlProfileResourceModelV1) *tfString { return &m.Comment }},
	profileAttribute{name: "vendor_information", use: attrOptionalComputed,
		description: "`vendorInformation` sent with every update. Defaults to what the service uses: provider " +
			"`SecureScore`, vendor `Microsoft`.",
		object: func(m *controlProfileResourceModelV1) *valueState { return &m.VendorInformation.Object },
		attrs: []profileAttribute{
			{name: "provider", use: attrRequired, check: checkNonEmpty,
				description: "`provider`: the product or service, e.g. `SecureScore`. Required by Graph.",
				str:         func(m *controlProfileResourceModelV1) *tfString { return &m.VendorInformation.Provider }},
			{name: "provider_version", use: attrOptional, description: "`providerVersion`: the version of the provider.",
				str: func(m *controlProfileResourceModelV1) *tfString { return &m.VendorInformation.ProviderVersion }},
			{name: "sub_provider", use: attrOptional, description: "`subProvider`: the sub-component of the provider.",
				str: func(m *controlProfileResourceModelV1) *tfString { return &m.VendorInformation.SubProvider }},
			{name: "vendor", use: attrRequired, check: checkNonEmpty,
				description: "`vendor`: the vendor, e.g. `Microsoft`. Required by Graph.",
				str:         func(m *controlProfileResourceModelV1) *tfString { return &m.VendorInformation.Vendor }},
		}},
	profileAttribute{name: "reset_on_destroy", use: attrOptionalComputed,
		description: "Whether destroying the resource puts the control back to `Default` (one PATCH with state " +
			"`Default` and empty `assignedTo` and `comment`). With `false`, destroy only removes the resource from Terraform " +
			"state and the control keeps its state. Default `true`.",
		flag: func(m *controlProfileResourceModelV1) *tfBool { return &m.ResetOnDestroy }},
	profileAttribute{name: "timeouts", use: attrOptional, block: true,
		description: "How long each operation may take, retries of throttled requests included.",
		object:      func(m *controlProfileResourceModelV1) *valueState { return &m.Timeouts.Object },
		attrs: []profileAttribute{
			{name: "create", use: attrOptional, check: checkDuration, description: writeTimeoutDescriptions.create,
				str: func(m *controlProfileResourceModelV1) *tfString { return &m.Timeouts.Create }},
			{name: "read", use: attrOptional, check: checkDuration, description: writeTimeoutDescriptions.read,
				str: func(m *controlProfileResourceModelV1) *tfString { return &m.Timeouts.Read }},
			{name: "update", use: attrOptional, check: checkDuration, description: writeTimeoutDescriptions.update,
				str: func(m *controlProfileResourceModelV1) *tfString { return &m.Timeouts.Update }},
			{name: "delete", use: attrOptional, check: checkDuration,
				description: "How long the reset on destroy may take, retries included. Default `30m`.",
				str:         func(m *controlProfileResourceModelV1) *tfString { return &m.Timeouts.Delete }},
		}},
	profileAttribute{name: "updated_by", use: attrComputed, setBy: setByWrite,
		description: "Who changed the control last: `updatedBy` of the newest `controlStateUpdates` entry. The full " +
			"history is the `control_state_updates` attribute of the `securescore_control_profile` data source.",
		str: func(m *controlProfileResourceModelV1) *tfString { return &m.UpdatedBy }},
	profileAttribute{name: "updated_date_time", use: attrComputed, setBy: setByWrite,
		description: "When the control was changed last, as Graph wrote it: `updatedDateTime` of the newest " +
			"`controlStateUpdates` entry.",
		str: func(m *controlProfileResourceModelV1) *tfString { return &m.UpdatedDateTime }},
)

// serviceVendor is the vendorInformation the service itself records: provider SecureScore, vendor Microsoft.
var serviceVendor = vendorInformation{Object: valueKnown, Provider: tfKnown("SecureScore"), Vendor: tfKnown("Microsoft")}

// graphValue is v as a PATCH body carries it.
func (v vendorInformation) graphValue() graph.SecurityVendorInformation {
	return graph.SecurityVendorInformation{Provider: v.Provider.ptr(), ProviderVersion: v.ProviderVersion.ptr(),
		SubProvider: v.SubProvider.ptr(), Vendor: v.Vendor.ptr()}
}

// vendorInformationOf is what the service answered, null when it sent none.
func vendorInformationOf(v *graph.SecurityVendorInformation) vendorInformation {
	if v == nil {
		return vendorInformation{}
	}
	return vendorInformation{Object: valueKnown, Provider: tfStringPtr(v.Provider), ProviderVersion: tfStringPtr(v.ProviderVersion),
		SubProvider: tfStringPtr(v.SubProvider), Vendor: tfStringPtr(v.Vendor)}
}

// setFromGraph writes what the service returned into the resource's state. The state keeps the configuration's
// spelling when the service answers the same state in another case.
func (m *controlProfileResourceModelV1) setFromGraph(p *graph.SecureScoreControlProfile) {
	m.ID = tfKnown(p.ID)
	d := decisionOf(p)
	if !m.State.isKnown() || !strings.EqualFold(m.State.v, d.State) {
		m.State = tfKnown(d.State)
	}
	m.AssignedTo, m.Comment = tfStringOrNull(d.AssignedTo), tfStringOrNull(d.Comment)
	m.VendorInformation = vendorInformationOf(p.VendorInformation)
	m.UpdatedBy, m.UpdatedDateTime = tfString{}, tfString{}
	if u := graph.NewestStateUpdate(p.ControlStateUpdates); u != nil {
		m.UpdatedBy = tfStringPtr(u.UpdatedBy)
		if u.UpdatedDateTime != nil {
			m.UpdatedDateTime = tfKnown(dateTimeValue(u.UpdatedDateTime).ValueString())
		}
	}
}

// decision is what the PATCH for m sets, and whether all of it is known.
func (m *controlProfileResourceModelV1) decision() (controlDecision, bool) {
	return controlDecision{State: m.State.v, AssignedTo: m.AssignedTo.v, Comment: m.Comment.v},
		m.State.isKnown() && !m.AssignedTo.isUnknown() && !m.Comment.isUnknown()
}

// update is the PATCH body for m's configuration (null assigned_to and comment are sent as "").
func (m *controlProfileResourceModelV1) update() graph.ControlProfileUpdate {
	d, _ := m.decision()
	vi := m.VendorInformation
	if vi.Object != valueKnown {
		vi = serviceVendor
	}
	return d.updateWith(vi.graphValue())
}

// needsPatch reports whether the PATCH for m differs from the one that made state, or is not known yet.
func (m *controlProfileResourceModelV1) needsPatch(state *controlProfileResourceModelV1) bool {
	d, known := m.decision()
	sd, _ := state.decision()
	return !known || !m.ControlID.equal(state.ControlID) || !d.equal(sd) || m.VendorInformation != state.VendorInformation
}
