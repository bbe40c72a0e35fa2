package provider

import (
	"strings"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// controlProfileResourceModelV2 is the securescore_control_profile resource's state (schema version 2) in plain
// Go: the configuration, id, the tenant, the decision from before Terraform changed the control, and who changed
// it last and when. The catalog facts (title, max_score, ...) and the full history are the data sources' (see
// control_profile_upgrade.go for versions 0 and 1).
//
// Its attributes are listed once, in controlProfileAttributes below: the schema, the value type, the wire codecs,
// validation and the plan's null and unknown forms all follow that table.
type controlProfileResourceModelV2 struct {
	ID                tfString
	TenantID          tfString
	ControlID         tfString
	State             tfString
	AssignedTo        tfString
	Comment           tfString
	VendorInformation vendorInformation
	OnDestroy         tfString
	ResetOnDestroy    tfBool
	PriorDecision     priorDecision
	Timeouts          resourceTimeouts
	UpdatedBy         tfString
	UpdatedDateTime   tfString
}

// priorDecision is prior_decision: the control's decision from before this resource first changed it.
type priorDecision struct {
	Object                     valueState
	State, AssignedTo, Comment tfString
}

// vendorInformation is the vendor_information object: Graph's securityVendorInformation as a PATCH sends it.
type vendorInformation struct {
	Object                                         valueState
	Provider, ProviderVersion, SubProvider, Vendor tfString
}

type profileAttribute = tableAttr[controlProfileResourceModelV2]

// controlProfileAttributes is every attribute of the resource, once.
var controlProfileAttributes = newAttributeTable(
	profileAttribute{name: "id", use: attrComputed, setBy: setByService,
		description: "The control profile's id, the same as `control_id` in the service's spelling. Import takes " +
			"`<tenant>/<control_id>`, or `<control_id>` for the provider's tenant.",
		value: stringAt(func(m *controlProfileResourceModelV2) *tfString { return &m.ID })},
	profileAttribute{name: "tenant_id", use: attrOptionalComputed, setBy: setByResource, check: checkTenantID,
		description: "The tenant the control belongs to: a tenant GUID or a verified domain such as " +
			"`contoso.onmicrosoft.com`. Defaults to the provider's tenant, and then records the GUID Graph reports " +
			"(`azureTenantId`). A refresh reads the control in this tenant, and fails with state unchanged if Graph answers " +
			"for another one. Changing it, or pointing the provider at another tenant while it is left out, replaces the " +
			"resource: the control in the old tenant is handled as `on_destroy` says, and a plan warning names both tenants.",
		value: stringAt(func(m *controlProfileResourceModelV2) *tfString { return &m.TenantID })},
	profileAttribute{name: "control_id", use: attrRequired, check: checkNonEmpty,
		description: "The control's name, the id of its `secureScoreControlProfile`, e.g. `AdminMFAV2` or " +
			"`11770.MDA_Google_EnableTwoFactorAuth`. A control the tenant does not have fails the plan, with the nearest " +
			"names it does have. Changing it replaces the resource (the old control is handled as `on_destroy` says first).",
		value: stringAt(func(m *controlProfileResourceModelV2) *tfString { return &m.ControlID })},
	profileAttribute{name: "state", use: attrRequired, check: checkControlState,
		description: "The control's state: `Default`, `Ignored` (risk accepted: the control earns no points), " +
			"`ThirdParty` (resolved through a third party: the control earns its points) or `Reviewed`. Accepted and compared " +
			"in any case (`thirdParty`, `ignored` as Graph's pages and multi-tenant tools write them); it is sent as written " +
			"and state keeps the configuration's spelling whichever case the service answers in, so case never shows as a " +
			"change. Required, because every update sends the state: leaving it to a default would silently reset a state " +
			"set elsewhere. The score moves about 24 hours after a change (Microsoft: points \"generally take about 24 hours " +
			"to update\").",
		value: stringAt(func(m *controlProfileResourceModelV2) *tfString { return &m.State })},
	profileAttribute{name: "assigned_to", use: attrOptional, check: checkNonEmpty,
		description: "Who the control is assigned to, e.g. `secops@contoso.com`. Leave it out for nobody: " +
			"the update then sends an empty `assignedTo`, and an empty value from Graph reads as null, so no diff arises. " +
			"An empty string is not accepted.",
		value: stringAt(func(m *controlProfileResourceModelV2) *tfString { return &m.AssignedTo })},
	profileAttribute{name: "comment", use: attrOptional, check: checkNonEmpty,
		description: "A comment recorded with the change. Leave it out for none (sent as an empty `comment`; an empty " +
			"value from Graph reads as null). An empty string is not accepted.",
		value: stringAt(func(m *controlProfileResourceModelV2) *tfString { return &m.Comment })},
	profileAttribute{name: "vendor_information", use: attrOptionalComputed,
		description: "`vendorInformation` sent with every update. Defaults to what the service uses: provider " +
			"`SecureScore`, vendor `Microsoft`.",
		object: func(m *controlProfileResourceModelV2) *valueState { return &m.VendorInformation.Object },
		attrs: []profileAttribute{
			{name: "provider", use: attrRequired, check: checkNonEmpty,
				description: "`provider`: the product or service, e.g. `SecureScore`. Required by Graph.",
				value:       stringAt(func(m *controlProfileResourceModelV2) *tfString { return &m.VendorInformation.Provider })},
			{name: "provider_version", use: attrOptional, description: "`providerVersion`: the version of the provider.",
				value: stringAt(func(m *controlProfileResourceModelV2) *tfString { return &m.VendorInformation.ProviderVersion })},
			{name: "sub_provider", use: attrOptional, description: "`subProvider`: the sub-component of the provider.",
				value: stringAt(func(m *controlProfileResourceModelV2) *tfString { return &m.VendorInformation.SubProvider })},
			{name: "vendor", use: attrRequired, check: checkNonEmpty,
				description: "`vendor`: the vendor, e.g. `Microsoft`. Required by Graph.",
				value:       stringAt(func(m *controlProfileResourceModelV2) *tfString { return &m.VendorInformation.Vendor })},
		}},
	profileAttribute{name: "on_destroy", use: attrOptionalComputed, check: checkOnDestroy,
		description: "What destroying the resource (or replacing it) does to the control in the tenant. `restore` " +
			"(default): put back the decision it had before this resource first changed it (`prior_decision`), with one " +
			"PATCH, or none when it already holds that decision; a control imported and never changed is left alone. " +
			"`reset`: put it back to `Default` with no assignee and no comment. `keep`: send nothing, the control keeps " +
			"its state. When `prior_decision` is not known (state written before version 0.2.0), `restore` sends nothing " +
			"either and the plan warns: a decision that predates Terraform is never erased. A destroy plan warns with " +
			"what will change in the tenant.",
		value: stringAt(func(m *controlProfileResourceModelV2) *tfString { return &m.OnDestroy })},
	profileAttribute{name: "reset_on_destroy", use: attrOptionalComputed,
		deprecation: resetOnDestroyDeprecation,
		description: resetOnDestroyDescription + " State mirrors `on_destroy`: `true` for `reset`, `false` for " +
			"`keep`, null for `restore`.",
		value: boolAt(func(m *controlProfileResourceModelV2) *tfBool { return &m.ResetOnDestroy })},
	profileAttribute{name: "prior_decision", use: attrComputed, setBy: setByResource,
		description: "The control's decision from before this resource first changed it, which `on_destroy = \"restore\"` " +
			"puts back: read from the tenant when the resource is created or imported (an imported control's current " +
			"decision). Null when it is not known (state written before version 0.2.0).",
		object: func(m *controlProfileResourceModelV2) *valueState { return &m.PriorDecision.Object },
		attrs: []profileAttribute{
			{name: "state", use: attrComputed, description: "The state: `Default`, `Ignored`, `ThirdParty` or `Reviewed`.",
				value: stringAt(func(m *controlProfileResourceModelV2) *tfString { return &m.PriorDecision.State })},
			{name: "assigned_to", use: attrComputed, description: "Who it was assigned to; null for nobody.",
				value: stringAt(func(m *controlProfileResourceModelV2) *tfString { return &m.PriorDecision.AssignedTo })},
			{name: "comment", use: attrComputed, description: "Its comment; null for none.",
				value: stringAt(func(m *controlProfileResourceModelV2) *tfString { return &m.PriorDecision.Comment })},
		}},
	timeoutsAttribute(func(m *controlProfileResourceModelV2) *resourceTimeouts { return &m.Timeouts },
		"How long each operation may take, retries of throttled requests included.",
		"How long the restore or reset on destroy may take, retries included. Default `30m`.", false),
	profileAttribute{name: "updated_by", use: attrComputed, setBy: setByWrite,
		description: "Who changed the control last: `updatedBy` of the newest `controlStateUpdates` entry. The full " +
			"history is the `control_state_updates` attribute of the `securescore_control_profile` data source.",
		value: stringAt(func(m *controlProfileResourceModelV2) *tfString { return &m.UpdatedBy })},
	profileAttribute{name: "updated_date_time", use: attrComputed, setBy: setByWrite,
		description: "When the control was changed last, as Graph wrote it: `updatedDateTime` of the newest " +
			"`controlStateUpdates` entry.",
		value: stringAt(func(m *controlProfileResourceModelV2) *tfString { return &m.UpdatedDateTime })},
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
func (m *controlProfileResourceModelV2) setFromGraph(p *graph.SecureScoreControlProfile) {
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
func (m *controlProfileResourceModelV2) decision() (controlDecision, bool) {
	return controlDecision{State: m.State.v, AssignedTo: m.AssignedTo.v, Comment: m.Comment.v},
		m.State.isKnown() && !m.AssignedTo.isUnknown() && !m.Comment.isUnknown()
}

// update is the PATCH body for m's configuration (null assigned_to and comment are sent as "").
func (m *controlProfileResourceModelV2) update() graph.ControlProfileUpdate {
	d, _ := m.decision()
	vi := m.VendorInformation
	if vi.Object != valueKnown {
		vi = serviceVendor
	}
	return d.updateWith(vi.graphValue())
}

// needsPatch reports whether the PATCH for m differs from the one that made state, or is not known yet.
func (m *controlProfileResourceModelV2) needsPatch(state *controlProfileResourceModelV2) bool {
	d, known := m.decision()
	sd, _ := state.decision()
	return !known || m.ControlID != state.ControlID || !d.equal(sd) || m.VendorInformation != state.VendorInformation
}

// priorDecisionOf is d as prior_decision holds it.
func priorDecisionOf(d controlDecision) priorDecision {
	return priorDecision{Object: valueKnown, State: tfKnown(d.State), AssignedTo: tfStringOrNull(d.AssignedTo), Comment: tfStringOrNull(d.Comment)}
}

// decision is the decision p holds, and whether it is known.
func (p priorDecision) decision() (controlDecision, bool) {
	return controlDecision{State: p.State.v, AssignedTo: p.AssignedTo.v, Comment: p.Comment.v}, p.Object == valueKnown
}
