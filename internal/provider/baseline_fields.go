package provider

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// The baseline's attributes, listed once. The schema (baseline_schema.go), the value type, the wire codec
// (baseline_wire.go), equality, the generated configuration and the checks of string values are derived from
// baselineFields, and a control's attributes from decisionAttributes (control_decision.go). So a new top-level
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

// baselineField is one top-level attribute (or the timeouts block): its schema entry, and how its value goes
// between the model and msgpack.
type baselineField struct {
	attr     tfprotov6.SchemaAttribute // Type or NestedType set from the codec
	block    *tfprotov6.SchemaBlock    // a single nested block (timeouts) instead of an attribute
	typ      tftypes.Type
	encode   func(*msgpack.Encoder, *baselineModelV1) error
	decode   func(*msgpack.Decoder, *baselineModelV1) error
	fromJSON func(json.RawMessage, *baselineModelV1) error
	setNull  func(*baselineModelV1)
	equal    func(a, b *baselineModelV1) bool
	validate func(*baselineModelV1, *diagnostics) // the checks of a configured value; nil: none beyond its type
	// defaultFrom sets the field of plan to its default when config leaves it null; nil: no default.
	defaultFrom func(plan, config *baselineModelV1)
}

func (f baselineField) name() string { return f.attr.Name }

// configurable reports whether a configuration sets the attribute (and so generated configuration writes it).
func (f baselineField) configurable() bool {
	return (f.attr.Required || f.attr.Optional) && !f.attr.Deprecated
}

// fieldOf binds a codec to one field of the model.
func fieldOf[T any](c wireCodec[T], at func(*baselineModelV1) *tfValue[T], attr tfprotov6.SchemaAttribute) baselineField {
	c.describe(&attr)
	return baselineField{attr: attr, typ: c.typ,
		encode: func(e *msgpack.Encoder, m *baselineModelV1) error { return encodeTFValue(e, c, *at(m)) },
		decode: func(d *msgpack.Decoder, m *baselineModelV1) (err error) {
			*at(m), err = decodeTFValue(d, c)
			return err
		},
		fromJSON: func(raw json.RawMessage, m *baselineModelV1) (err error) {
			*at(m), err = tfValueFromJSON(raw, c)
			return err
		},
		setNull: func(m *baselineModelV1) { *at(m) = tfValue[T]{} },
		equal:   func(a, b *baselineModelV1) bool { return reflect.DeepEqual(*at(a), *at(b)) },
	}
}

// checkedString is a string field whose configured values must pass check, and which is def when the
// configuration leaves it null (def "": no default).
func checkedString(at func(*baselineModelV1) *tfString, attr tfprotov6.SchemaAttribute, check func(string) error, def string) baselineField {
	f := fieldOf(stringCodec, at, attr)
	if def != "" {
		f.defaultFrom = func(plan, config *baselineModelV1) {
			if at(config).isNull() {
				*at(plan) = tfKnown(def)
			}
		}
	}
	f.validate = func(m *baselineModelV1, ps *diagnostics) {
		if v := *at(m); v.isKnown() {
			if err := check(v.value()); err != nil {
				ps.addAttrError(attribute(attr.Name), "Invalid "+attr.Name, err.Error())
			}
		}
	}
	return f
}

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

// baselineFields are the baseline's top-level attributes and blocks.
var baselineFields = []baselineField{
	fieldOf(stringCodec, func(m *baselineModelV1) *tfString { return &m.ID }, tfprotov6.SchemaAttribute{Name: "id", Computed: true,
		Description: "The tenant's id (a GUID), as Graph reports it in each control's `azureTenantId`."}),
	checkedString(func(m *baselineModelV1) *tfString { return &m.TenantID }, tfprotov6.SchemaAttribute{Name: "tenant_id", Optional: true, Computed: true,
		Description: "The tenant whose controls the baseline decides: a GUID or a verified domain such as " +
			"`contoso.onmicrosoft.com`. Defaults to the provider's tenant, whose GUID is then recorded. Changing it (or, when " +
			"it is not set, the provider's tenant) replaces the baseline: the old tenant's controls are handled as " +
			"`on_destroy` says, then the decisions are applied to the new tenant. A refresh reads the tenant recorded in " +
			"state, and fails, leaving state as it was, if Graph answers for another tenant."}, checkTenantID, ""),
	fieldOf(controlsCodec, func(m *baselineModelV1) *tfValue[map[string]baselineControl] { return &m.Controls }, tfprotov6.SchemaAttribute{Name: "controls", Required: true,
		Description: "The decisions, by control id (the control profile's id, e.g. `AdminMFAV2` or " +
			"`11770.MDA_Google_EnableTwoFactorAuth`). Controls left out are not managed. A value known only after apply " +
			"is accepted: its control is checked against the tenant at plan, and its decision applied once known."}),
	checkedString(func(m *baselineModelV1) *tfString { return &m.MissingControls }, tfprotov6.SchemaAttribute{Name: "missing_controls", Optional: true, Computed: true,
		Description: "What a control the baseline cannot apply does: one the tenant does not have (the set of controls " +
			"depends on licences), or a Microsoft Defender for Endpoint control (`scid_…`, which Graph does not update). " +
			"`error` (the default) fails the plan naming it; `warn` warns, skips it and lists it in `skipped_controls`, so " +
			"that one baseline fits tenants with different licences. A skipped missing control is applied once the tenant has it."},
		oneOf(missingControlsError, missingControlsWarn), missingControlsError),
	checkedString(func(m *baselineModelV1) *tfString { return &m.OnDestroy }, tfprotov6.SchemaAttribute{Name: "on_destroy", Optional: true, Computed: true,
		Description: "What destroy does to every control, and an apply to a control removed from `controls`: " +
			"`restore` (the default) puts it back to its decision from before this baseline first changed it (see " +
			"`prior_decisions`; a control already there is not written again); `reset` puts it back to `Default` with no " +
			"assignee and no comment; `keep` sends nothing. A plan that destroys the baseline or removes controls warns " +
			"with the controls that will change in the tenant."},
		checkOnDestroy, onDestroyRestore),
	fieldOf(boolCodec, func(m *baselineModelV1) *tfBool { return &m.ResetOnDestroy }, tfprotov6.SchemaAttribute{Name: "reset_on_destroy", Optional: true, Deprecated: true,
		Description: resetOnDestroyDescription}),
	checkedString(func(m *baselineModelV1) *tfString { return &m.TenantUnavailable }, tfprotov6.SchemaAttribute{Name: "tenant_unavailable", Optional: true, Computed: true,
		Description: "What a refresh or plan does when the tenant refuses this application as a whole (admin consent " +
			"withdrawn, the application disabled or unknown in the tenant, access forbidden): `error` (the default) fails; " +
			"`warn` keeps the baseline's state, plans no change for it, and warns naming the tenant and the reason, so that " +
			"one customer's withdrawn consent does not stop a fleet's plan. Changes configured for that tenant still fail " +
			"at apply. Do not leave it on `warn` for a tenant that stays unavailable: its baseline is then no longer enforced."},
		oneOf(tenantUnavailableError, tenantUnavailableWarn), tenantUnavailableError),
	fieldOf(stringSetCodec, func(m *baselineModelV1) *tfValue[[]string] { return &m.SkippedControls }, tfprotov6.SchemaAttribute{Name: "skipped_controls", Computed: true,
		Description: "The controls of `controls` that were not applied, because `missing_controls = \"warn\"`: those " +
			"the tenant does not have, and Microsoft Defender for Endpoint controls (`scid_…`)."}),
	fieldOf(priorDecisionsCodec, func(m *baselineModelV1) *tfValue[map[string]*controlDecision] { return &m.PriorDecisions }, tfprotov6.SchemaAttribute{Name: "prior_decisions", Computed: true,
		Description: "Each managed control's decision (`state`, `assigned_to`, `comment`) from before this baseline " +
			"first changed it, which `on_destroy = \"restore\"` puts back: read at create, at import (the current decision, so " +
			"an imported control Terraform never changed is left as it is) and when a control is added. A null entry is a " +
			"decision that is not known, because the state was written by an earlier build whose schema had no " +
			"`prior_decisions` (version 0); `restore` leaves such a control as it is, with a warning."}),
	timeoutsField,
}

// fieldTable is a list of fields with what derives from it: positions by name, the order Terraform writes
// them in, and the value type.
type fieldTable struct {
	fields []baselineField
	at     map[string]int
	order  []int
	typ    tftypes.Object
}

func newFieldTable(fields []baselineField) *fieldTable {
	t := &fieldTable{fields: fields, typ: tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name()
		t.typ.AttributeTypes[f.name()] = f.typ
	}
	t.at, t.order = positions(names)
	return t
}

// baselineTable is the baseline's table; baselineValueType the resource's value type.
var (
	baselineTable     = newFieldTable(baselineFields)
	baselineValueType = baselineTable.typ
)

// baselineDeleteTimeoutDescription describes the baseline's delete timeout.
const baselineDeleteTimeoutDescription = "How long destroy (handling every control as `on_destroy` says) may take, retries included. Default `30m`."

// timeoutsField is the timeouts block; its descriptions are plain text, as terraform-plugin-framework-timeouts
// writes them for the other resources.
var timeoutsField = func() baselineField {
	f := fieldOf(timeoutsCodec, func(m *baselineModelV1) *tfValue[baselineTimeouts] { return &m.Timeouts }, tfprotov6.SchemaAttribute{Name: "timeouts"})
	f.block = &tfprotov6.SchemaBlock{}
	for _, t := range timeoutEntries {
		f.block.Attributes = append(f.block.Attributes, &tfprotov6.SchemaAttribute{Name: t.name, Type: tftypes.String, Optional: true, Description: t.description})
	}
	f.validate = func(m *baselineModelV1, ps *diagnostics) {
		if !m.Timeouts.isKnown() {
			return
		}
		timeouts := m.Timeouts.value()
		for _, t := range timeoutEntries {
			if v := *t.of(&timeouts); v.isKnown() {
				if _, err := parseTimeout(v.value()); err != nil {
					ps.addAttrError(attribute("timeouts").attr(t.name), "Invalid timeout", err.Error())
				}
			}
		}
	}
	return f
}()

// timeoutEntries are the timeouts block's attributes, sorted by name.
var timeoutEntries = []struct {
	name, description string
	of                func(*baselineTimeouts) *tfString
}{
	{"create", writeTimeoutDescriptions.create, func(t *baselineTimeouts) *tfString { return &t.Create }},
	{"delete", baselineDeleteTimeoutDescription, func(t *baselineTimeouts) *tfString { return &t.Delete }},
	{"read", writeTimeoutDescriptions.read, func(t *baselineTimeouts) *tfString { return &t.Read }},
	{"update", writeTimeoutDescriptions.update, func(t *baselineTimeouts) *tfString { return &t.Update }},
}

// equal reports whether every attribute of m equals o's.
func (m *baselineModelV1) equal(o *baselineModelV1) bool { return baselineTable.equal(m, o) }

func (t *fieldTable) equal(a, b *baselineModelV1) bool {
	for _, f := range t.fields {
		if !f.equal(a, b) {
			return false
		}
	}
	return true
}

// equalOn reports whether the named attributes of a and b are equal.
func (t *fieldTable) equalOn(a, b *baselineModelV1, names ...string) bool {
	for _, name := range names {
		if !t.fields[t.at[name]].equal(a, b) {
			return false
		}
	}
	return true
}

// setDefaults sets every attribute that has a default and that config leaves null to its default.
func (m *baselineModelV1) setDefaults(config *baselineModelV1) {
	for _, f := range baselineFields {
		if f.defaultFrom != nil {
			f.defaultFrom(m, config)
		}
	}
}

// nullBaselineModel has every attribute null (a zero tfValue is null).
func nullBaselineModel() *baselineModelV1 { return &baselineModelV1{} }
