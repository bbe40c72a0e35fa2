package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The baseline's attributes, listed once. The schema (baseline_schema.go), the value type, the wire codec
// (baseline_wire.go), equality, defaults, the generated configuration and the checks of string values are
// derived from baselineTable, an attribute table as the control profile's (attribute_table.go), and a control's attributes from decisionAttributes (control_decision.go). So a new top-level
// attribute is a field of baselineModelV1, a row here and the code that gives it a meaning; a new attribute of a
// control is a field of controlDecision and a row of decisionAttributes (TestBaselineModelFieldsAreListed fails
// for a field without a row).

// decisionAttributeAt finds a decision attribute's position by name; decisionAttributeOrder are the positions
// sorted by name, the order in which Terraform writes an object's attributes.
var decisionAttributeAt, decisionAttributeOrder = func() (map[string]int, []int) {
	names := make([]string, len(decisionAttributes))
	for i, a := range decisionAttributes {
		names[i] = a.name
	}
	return positions(names)
}()

// positions finds each name's position, and lists the positions in the order of the names.
func positions(names []string) (at map[string]int, order []int) {
	at = make(map[string]int, len(names))
	for i, name := range names {
		at[name] = i
	}
	for _, name := range sortedKeys(at) {
		order = append(order, at[name])
	}
	return at, order
}

// controlObjectType is the value type of a control.
var controlObjectType = func() tftypes.Object {
	attrs := map[string]tftypes.Type{}
	for _, a := range decisionAttributes {
		attrs[a.name] = tftypes.String
	}
	return tftypes.Object{AttributeTypes: attrs}
}()

// oneOf accepts exactly the given values.
func oneOf(values ...string) func(string) error {
	return func(s string) error {
		for _, v := range values {
			if s == v {
				return nil
			}
		}
		return fmt.Errorf("%q is not accepted; expected one of %s", s, quoted(values))
	}
}

type baselineAttribute = tableAttr[baselineModelV1]

// baselineTable is the baseline's attributes and blocks, once; baselineValueType is the resource's value type.
// The baseline's checks say "Invalid <attribute>" (or "Invalid timeout"), and leave the warning for the
// deprecated reset_on_destroy to Terraform.
var baselineTable = func() *attributeTable[baselineModelV1] {
	t := newAttributeTable(
		baselineAttribute{name: "id", use: attrComputed,
			value:       stringAt(func(m *baselineModelV1) *tfString { return &m.ID }),
			description: "The tenant's id (a GUID), as Graph reports it in each control's `azureTenantId`."},
		baselineAttribute{name: "tenant_id", use: attrOptionalComputed, check: checkTenantID,
			value: stringAt(func(m *baselineModelV1) *tfString { return &m.TenantID }),
			description: "The tenant whose controls the baseline decides: a GUID or a verified domain such as " +
				"`contoso.onmicrosoft.com`. Defaults to the provider's tenant, whose GUID is then recorded. Changing it (or, when " +
				"it is not set, the provider's tenant) replaces the baseline: the old tenant's controls are handled as " +
				"`on_destroy` says, then the decisions are applied to the new tenant. A refresh reads the tenant recorded in " +
				"state, and fails, leaving state as it was, if Graph answers for another tenant."},
		baselineAttribute{name: "controls", use: attrRequired,
			value: valueAt(controlsCodec, func(m *baselineModelV1) *tfValue[map[string]baselineControl] { return &m.Controls }),
			description: "The decisions, by control id (the control profile's id, e.g. `AdminMFAV2` or " +
				"`11770.MDA_Google_EnableTwoFactorAuth`). Controls left out are not managed. A value known only after apply " +
				"is accepted: its control is checked against the tenant at plan, and its decision applied once known."},
		baselineAttribute{name: "missing_controls", use: attrOptionalComputed,
			check: oneOf(missingControlsError, missingControlsWarn), def: missingControlsError,
			value: stringAt(func(m *baselineModelV1) *tfString { return &m.MissingControls }),
			description: "What a control the baseline cannot apply does: one the tenant does not have (the set of controls " +
				"depends on licences), or a Microsoft Defender for Endpoint control (`scid_…`, which Graph does not update). " +
				"`error` (the default) fails the plan naming it; `warn` warns, skips it and lists it in `skipped_controls`, so " +
				"that one baseline fits tenants with different licences. A skipped missing control is applied once the tenant has it."},
		baselineAttribute{name: "on_destroy", use: attrOptionalComputed, check: checkOnDestroy, def: onDestroyRestore,
			value: stringAt(func(m *baselineModelV1) *tfString { return &m.OnDestroy }),
			description: "What destroy does to every control, and an apply to a control removed from `controls`: " +
				"`restore` (the default) puts it back to its decision from before this baseline first changed it (see " +
				"`prior_decisions`; a control already there is not written again); `reset` puts it back to `Default` with no " +
				"assignee and no comment; `keep` sends nothing. A plan that destroys the baseline or removes controls warns " +
				"with the controls that will change in the tenant."},
		baselineAttribute{name: "reset_on_destroy", use: attrOptional, deprecation: resetOnDestroyDeprecation,
			value:       boolAt(func(m *baselineModelV1) *tfBool { return &m.ResetOnDestroy }),
			description: resetOnDestroyDescription},
		baselineAttribute{name: "tenant_unavailable", use: attrOptionalComputed,
			check: oneOf(tenantUnavailableError, tenantUnavailableWarn), def: tenantUnavailableError,
			value: stringAt(func(m *baselineModelV1) *tfString { return &m.TenantUnavailable }),
			description: "What a refresh or plan does when the tenant refuses this application as a whole (admin consent " +
				"withdrawn, the application disabled or unknown in the tenant, access forbidden): `error` (the default) fails; " +
				"`warn` keeps the baseline's state, plans no change for it, and warns naming the tenant and the reason, so that " +
				"one customer's withdrawn consent does not stop a fleet's plan. Changes configured for that tenant still fail " +
				"at apply. Do not leave it on `warn` for a tenant that stays unavailable: its baseline is then no longer enforced."},
		baselineAttribute{name: "skipped_controls", use: attrComputed,
			value: valueAt(stringSetCodec, func(m *baselineModelV1) *tfValue[[]string] { return &m.SkippedControls }),
			description: "The controls of `controls` that were not applied, because `missing_controls = \"warn\"`: those " +
				"the tenant does not have, and Microsoft Defender for Endpoint controls (`scid_…`)."},
		baselineAttribute{name: "prior_decisions", use: attrComputed,
			value: valueAt(priorDecisionsCodec, func(m *baselineModelV1) *tfValue[map[string]*controlDecision] { return &m.PriorDecisions }),
			description: "Each managed control's decision (`state`, `assigned_to`, `comment`) from before this baseline " +
				"first changed it, which `on_destroy = \"restore\"` puts back: read at create, at import (the current decision, so " +
				"an imported control Terraform never changed is left as it is) and when a control is added. A null entry is a " +
				"decision that is not known, because the state was written by an earlier build whose schema had no " +
				"`prior_decisions` (version 0); `restore` leaves such a control as it is, with a warning."},
		timeoutsAttribute(func(m *baselineModelV1) *resourceTimeouts { return &m.Timeouts }, "", baselineDeleteTimeoutDescription, true),
	)
	t.invalid = func(path []string, err error) (summary, detail string) {
		if path[0] == "timeouts" {
			return "Invalid timeout", err.Error()
		}
		return "Invalid " + path[0], err.Error()
	}
	t.quietDeprecations = true
	return t
}()

var baselineValueType = baselineTable.typ

// baselineDeleteTimeoutDescription describes the baseline's delete timeout.
const baselineDeleteTimeoutDescription = "How long destroy (handling every control as `on_destroy` says) may take, retries included. Default `30m`."

// equal reports whether every attribute of m equals o's.
func (m *baselineModelV1) equal(o *baselineModelV1) bool { return baselineTable.equal(m, o) }

// setDefaults sets every attribute that has a default and that config leaves null to its default.
func (m *baselineModelV1) setDefaults(config *baselineModelV1) { baselineTable.setDefaults(m, config) }

// nullBaselineModel has every attribute null (a zero value is null).
func nullBaselineModel() *baselineModelV1 { return &baselineModelV1{} }
