package provider

// The baseline's model: plain Go values that its core (baseline_plan.go, baseline_read.go, baseline_apply.go)
// works on. baseline_wire.go converts them to and from Terraform's wire values at the protocol edge, once per
// value; baseline_fields.go lists the attributes, once, for the schema, the value type and the codec.

// baselineSchemaVersion is the version of baselineModelV1's schema (baseline_upgrade.go reads version 0).
const baselineSchemaVersion = 1

// missing_controls values.
const (
	missingControlsError = "error"
	missingControlsWarn  = "warn"
)

// tenant_unavailable values.
const (
	tenantUnavailableError = "error"
	tenantUnavailableWarn  = "warn"
)

// baselineModelV1 is one securescore_baseline value (schema version 1).
type baselineModelV1 struct {
	ID                tfString
	TenantID          tfString
	Controls          tfValue[map[string]baselineControl]
	MissingControls   tfString
	OnDestroy         tfString
	ResetOnDestroy    tfBool // deprecated: on_destroy "reset" (true) or "keep" (false)
	TenantUnavailable tfString
	SkippedControls   tfValue[[]string] // sorted
	// PriorDecisions are the decisions from before the baseline first changed each control. A nil decision is
	// not known: state written before version 1 did not record it.
	PriorDecisions tfValue[map[string]*controlDecision]
	Timeouts       resourceTimeouts
}

// baselineControl is one element of controls: a decision, or in a configuration or a plan one that is null or
// not yet known, wholly or in some attributes.
type baselineControl struct {
	controlDecision
	Null, Unknown bool // the element itself
	// unknown: attributes known only after apply; unset: a required attribute that is null, or an optional one
	// that is "" (which stands for null, so a configuration must leave it out). By position in decisionAttributes.
	unknown, unset attrFlags
}

// attrFlags has bit i set for attribute i of decisionAttributes.
type attrFlags uint8

func (f attrFlags) has(i int) bool { return f&(1<<i) != 0 }

func (f *attrFlags) set(i int) { *f |= 1 << i }

// known reports whether the element and all its attributes are known.
func (c baselineControl) known() bool { return !c.Unknown && c.unknown == 0 }

// tenantName is the name the baseline's tenant is reached by: tenant_id (as configured, a GUID or a domain),
// else id (the GUID), else "" (the provider's tenant).
func (m *baselineModelV1) tenantName() string {
	switch {
	case m.TenantID.isKnown() && m.TenantID.value() != "":
		return m.TenantID.value()
	case m.ID.isKnown():
		return m.ID.value()
	}
	return ""
}

// decisions are the known elements of controls; unknown lists, sorted, the keys whose value is not known yet.
func (m *baselineModelV1) decisions() (known map[string]controlDecision, unknown []string) {
	known = make(map[string]controlDecision, len(m.Controls.value()))
	for _, id := range sortedKeys(m.Controls.value()) {
		if c := m.Controls.value()[id]; c.known() {
			known[id] = c.controlDecision
		} else {
			unknown = append(unknown, id)
		}
	}
	return known, unknown
}

// setDecisions makes controls hold ds.
func (m *baselineModelV1) setDecisions(ds map[string]controlDecision) {
	controls := make(map[string]baselineControl, len(ds))
	for id, d := range ds {
		controls[id] = baselineControl{controlDecision: d}
	}
	m.Controls = tfKnown(controls)
}

// skipped is skipped_controls as a set; null and unknown read as empty.
func (m *baselineModelV1) skipped() map[string]bool {
	out := make(map[string]bool, len(m.SkippedControls.value()))
	for _, id := range m.SkippedControls.value() {
		out[id] = true
	}
	return out
}

// managed are the controls of state that the service holds as state says (those not skipped), with their
// decisions.
func (m *baselineModelV1) managed() map[string]controlDecision {
	ds, _ := m.decisions()
	for _, id := range m.SkippedControls.value() {
		delete(ds, id)
	}
	return ds
}

// controlsUsed are the listed controls whose values a refresh takes: those state manages, or every control for an
// import (no controls in state yet).
func (m *baselineModelV1) controlsUsed() controlsUsed {
	if !m.Controls.isKnown() {
		return usingEveryControl()
	}
	return usingControls(sortedKeys(m.Controls.value()))
}

// nonNil is ss, or an empty slice for nil (a known empty set).
func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}
