package provider

import (
	"context"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The schema is derived from the field table: version, flags, descriptions and a value type that Terraform's
// view of the schema agrees with.
func TestBaselineSchema(t *testing.T) {
	s := baselineResourceSchema()
	if s.Version != 1 {
		t.Errorf("schema version %d, want 1", s.Version)
	}
	if !s.ValueType().Equal(baselineValueType) {
		t.Errorf("value type %v does not match the schema's %v", baselineValueType, s.ValueType())
	}
	attrs := map[string]*tfprotov6.SchemaAttribute{}
	for _, a := range s.Block.Attributes {
		attrs[a.Name] = a
		if a.Description == "" || a.DescriptionKind != tfprotov6.StringKindMarkdown {
			t.Errorf("%s: no markdown description", a.Name)
		}
	}
	flags := func(a *tfprotov6.SchemaAttribute) string {
		var f []string
		for name, on := range map[string]bool{"required": a.Required, "optional": a.Optional, "computed": a.Computed, "deprecated": a.Deprecated} {
			if on {
				f = append(f, name)
			}
		}
		slices.Sort(f)
		return strings.Join(f, ",")
	}
	for name, want := range map[string]string{
		"id": "computed", "tenant_id": "computed,optional", "controls": "required", "missing_controls": "computed,optional",
		"on_destroy": "computed,optional", "reset_on_destroy": "deprecated,optional", "tenant_unavailable": "computed,optional",
		"skipped_controls": "computed", "prior_decisions": "computed",
	} {
		if a := attrs[name]; a == nil || flags(a) != want {
			t.Errorf("%s: %v, want %s", name, a, want)
		}
	}
	if len(attrs) != 9 || len(s.Block.BlockTypes) != 1 || s.Block.BlockTypes[0].TypeName != "timeouts" {
		t.Errorf("attributes %d, blocks %v", len(attrs), s.Block.BlockTypes)
	}
	for _, a := range attrs["controls"].NestedType.Attributes {
		if a.Description == "" || (a.Name == "state") != a.Required {
			t.Errorf("controls.%s: %+v", a.Name, a)
		}
	}
}

// sampledValue is a *tfValue, whose fields are unexported, as sampleValue sets it.
type sampledValue interface {
	valueType() reflect.Type
	setKnown(reflect.Value)
}

func (*tfValue[T]) valueType() reflect.Type    { return reflect.TypeFor[T]() }
func (x *tfValue[T]) setKnown(v reflect.Value) { *x = tfKnown(v.Interface().(T)) }

// sampleValue is a known value of type typ for a model field named name, distinct from every other field's.
func sampleValue(t *testing.T, name string, typ reflect.Type) reflect.Value {
	v := reflect.New(typ).Elem()
	if typ == reflect.TypeFor[baselineControl]() { // its decision is embedded unexported
		d := sampleValue(t, name, reflect.TypeFor[controlDecision]()).Interface().(controlDecision)
		return reflect.ValueOf(baselineControl{controlDecision: d})
	}
	if typ == reflect.TypeFor[valueState]() { // an object's own state
		return reflect.ValueOf(valueKnown)
	}
	switch typ.Kind() {
	case reflect.String:
		v.SetString(name)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		v.Set(reflect.Append(v, sampleValue(t, name, typ.Elem())))
	case reflect.Map:
		v.Set(reflect.MakeMap(typ))
		v.SetMapIndex(reflect.ValueOf(name), sampleValue(t, name, typ.Elem()))
	case reflect.Pointer:
		v.Set(reflect.New(typ.Elem()))
		v.Elem().Set(sampleValue(t, name, typ.Elem()))
	case reflect.Struct:
		if x, ok := v.Addr().Interface().(sampledValue); ok {
			x.setKnown(sampleValue(t, name, x.valueType()))
			break
		}
		for i := range typ.NumField() {
			if f := typ.Field(i); f.IsExported() {
				v.Field(i).Set(sampleValue(t, name+"."+f.Name, f.Type))
			}
		}
	default:
		t.Fatalf("%s: no sample for %s", name, typ)
	}
	return v
}

// Every field of the model and of a decision has its row in the field tables: a model with every field set
// (to values distinct per field) comes back whole from the wire, and Terraform's view of the value has every
// attribute set. A field added to the struct without a row comes back null and fails this test.
func TestBaselineModelFieldsAreListed(t *testing.T) {
	var want baselineModelV1
	mv := reflect.ValueOf(&want).Elem()
	for i := range mv.NumField() {
		mv.Field(i).Set(sampleValue(t, mv.Type().Field(i).Name, mv.Type().Field(i).Type))
	}
	dv, err := want.dynamicValue()
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeBaseline(dv)
	if err != nil || !reflect.DeepEqual(got, &want) {
		t.Fatalf("round trip: %v\n got %+v\nwant %+v", err, got, &want)
	}
	v, err := dv.Unmarshal(baselineResourceSchema().ValueType())
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	for name, a := range attrs {
		if !a.IsFullyKnown() || a.IsNull() {
			t.Errorf("%s is %v", name, a)
		}
	}
}

// A row added to the table alone gets the whole round trip: schema, value type, codec, equality and generated
// configuration (here a row bound to an existing field under a new name, as the struct cannot grow in a test).
func TestBaselineFieldTableDerivesEverything(t *testing.T) {
	extra := baselineAttribute{name: "zz_extra", use: attrOptional, description: "A test attribute.",
		value: stringAt(func(m *baselineModelV1) *tfString { return &m.MissingControls })}
	table := newAttributeTable(append(slices.Clone(baselineTable.attrs), extra)...)
	s := &tfprotov6.Schema{Block: table.schema(baselineDescription)}
	if !s.ValueType().Equal(table.typ) || s.Block.Attributes[len(s.Block.Attributes)-1].Name != "zz_extra" {
		t.Fatalf("schema %v, type %v", s.Block.Attributes, table.typ)
	}
	m := nullBaselineModel()
	m.MissingControls = tfKnown("warn")
	dv, err := table.encode(m)
	if err != nil {
		t.Fatal(err)
	}
	v, err := dv.Unmarshal(s.ValueType())
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil || !attrs["zz_extra"].Equal(tftypes.NewValue(tftypes.String, "warn")) {
		t.Fatalf("encoded zz_extra: %v (%v)", attrs["zz_extra"], err)
	}
	back := nullBaselineModel()
	if _, err := table.decode(dv, back); err != nil || !table.equal(back, m) || notConfigurable(&extra) {
		t.Fatalf("decoded %+v (%v)", back, err)
	}
}

// The codec reads what tftypes writes and writes what tftypes reads, unknown and null values included at every
// level (Terraform sends them in configurations and plans).
func TestBaselineWireAgreesWithTftypes(t *testing.T) {
	str := func(v any) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }
	control := func(state, assignedTo, comment any) tftypes.Value {
		return tftypes.NewValue(controlObjectType, map[string]tftypes.Value{"state": str(state), "assigned_to": str(assignedTo), "comment": str(comment)})
	}
	attrs := map[string]tftypes.Value{}
	for name, typ := range baselineValueType.AttributeTypes {
		attrs[name] = tftypes.NewValue(typ, nil)
	}
	attrs["id"] = str(tftypes.UnknownValue)
	attrs["tenant_id"] = str("contoso.onmicrosoft.com")
	attrs["controls"] = tftypes.NewValue(baselineValueType.AttributeTypes["controls"], map[string]tftypes.Value{
		"A": control("Ignored", "x@contoso.com", "c"), "B": control(tftypes.UnknownValue, nil, tftypes.UnknownValue),
		"C": tftypes.NewValue(controlObjectType, tftypes.UnknownValue), "D": tftypes.NewValue(controlObjectType, nil),
	})
	attrs["reset_on_destroy"] = tftypes.NewValue(tftypes.Bool, false)
	attrs["skipped_controls"] = tftypes.NewValue(baselineValueType.AttributeTypes["skipped_controls"], []tftypes.Value{str("Z"), str("Y")})
	attrs["prior_decisions"] = tftypes.NewValue(baselineValueType.AttributeTypes["prior_decisions"], map[string]tftypes.Value{
		"A": control("Default", nil, nil), "E": tftypes.NewValue(controlObjectType, nil)})
	attrs["timeouts"] = tftypes.NewValue(baselineValueType.AttributeTypes["timeouts"], map[string]tftypes.Value{
		"create": str("10m"), "read": str(tftypes.UnknownValue), "update": str(nil), "delete": str(nil)})
	want := tftypes.NewValue(baselineValueType, attrs)
	dv, err := tfprotov6.NewDynamicValue(baselineValueType, want)
	if err != nil {
		t.Fatal(err)
	}
	m, err := decodeBaseline(&dv)
	if err != nil {
		t.Fatal(err)
	}
	if c := m.Controls.value()["B"]; !c.unknown.has(decisionAttributeAt["state"]) || c.unset != 0 || c.known() {
		t.Errorf("control B: %+v", c)
	}
	if !m.Controls.value()["C"].Unknown || !m.Controls.value()["D"].Null || m.PriorDecisions.value()["E"] != nil || !m.ID.isUnknown() ||
		!slices.Equal(m.SkippedControls.value(), []string{"Y", "Z"}) {
		t.Errorf("decoded %+v", m)
	}
	back, err := m.dynamicValue()
	if err != nil {
		t.Fatal(err)
	}
	got, err := back.Unmarshal(baselineValueType)
	if err != nil || !got.Equal(want) {
		t.Errorf("re-encoded: %v (%v)\nwant %v", got, err, want)
	}
	// A JSON value (as Terraform sends state) takes the tftypes path to the same model.
	m.ID, m.Controls = tfKnown("g"), tfKnown(map[string]baselineControl{"A": m.Controls.value()["A"]})
	m.Timeouts.Object, m.Timeouts.Read = valueKnown, tfKnown("5m")
	known, err := m.dynamicValue()
	if err != nil {
		t.Fatal(err)
	}
	js, err := stateJSON(baselineValueType, known)
	if err != nil {
		t.Fatal(err)
	}
	if fromJSON, err := decodeBaseline(&tfprotov6.DynamicValue{JSON: js}); err != nil || !fromJSON.equal(m) {
		t.Errorf("from JSON %s: %+v (%v)", js, fromJSON, err)
	}
}

// State of schema version 0 (written by the provider at commit 836a2f0) upgrades to version 1: tenant_id is the
// recorded tenant, reset_on_destroy = true (its default then) becomes on_destroy = "reset", and the decisions
// from before the baseline are not known (null), except for the skipped control, which was never applied.
func TestBaselineUpgradeV0(t *testing.T) {
	js, err := os.ReadFile("testdata/baseline_state_v0.json")
	if err != nil {
		t.Fatal(err)
	}
	s := newBaselineServer()
	up, _ := s.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{TypeName: baselineTypeName, Version: 0,
		RawState: &tfprotov6.RawState{JSON: js}})
	if len(up.Diagnostics) != 0 {
		t.Fatal(up.Diagnostics[0].Summary, up.Diagnostics[0].Detail)
	}
	m, err := decodeBaseline(up.UpgradedState)
	if err != nil {
		t.Fatal(err)
	}
	const tenant = "00000000-0000-4000-8000-000000000001"
	if m.TenantID != tfKnown(tenant) || m.ID != tfKnown(tenant) || m.OnDestroy != tfKnown(onDestroyReset) || !m.ResetOnDestroy.isNull() ||
		m.TenantUnavailable != tfKnown(tenantUnavailableError) || m.MissingControls != tfKnown(missingControlsWarn) {
		t.Errorf("upgraded %+v", m)
	}
	priors := m.PriorDecisions.value()
	if len(priors) != 2 || priors["SyntheticControl0001"] != nil || priors["SyntheticControl0002"] != nil {
		t.Errorf("prior_decisions %v, want the two applied controls, not known", priors)
	}
	if m.Timeouts.Delete != tfKnown("45m") || len(m.Controls.value()) != 3 {
		t.Errorf("timeouts %+v, controls %v", m.Timeouts, m.Controls.value())
	}

	keep := strings.Replace(string(js), `"reset_on_destroy":true`, `"reset_on_destroy":false`, 1)
	up, _ = s.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{Version: 0, RawState: &tfprotov6.RawState{JSON: []byte(keep)}})
	if m, err := decodeBaseline(up.UpgradedState); err != nil || m.OnDestroy != tfKnown(onDestroyKeep) {
		t.Errorf("reset_on_destroy = false: %+v (%v)", m, err)
	}

	// Version 1 passes through (an attribute a later build added is ignored); a newer version is refused.
	v1, _ := m.dynamicValue()
	v1JSON, err := stateJSON(baselineValueType, v1)
	if err != nil {
		t.Fatal(err)
	}
	up, _ = s.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{Version: 1,
		RawState: &tfprotov6.RawState{JSON: append([]byte(`{"later":1,`), v1JSON[1:]...)}})
	if again, err := decodeBaseline(up.UpgradedState); err != nil || !again.equal(m) {
		t.Errorf("version 1: %+v (%v) %v", again, err, up.Diagnostics)
	}
	up, _ = s.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{Version: 2, RawState: &tfprotov6.RawState{JSON: v1JSON}})
	if up.UpgradedState != nil || len(up.Diagnostics) != 1 || !strings.Contains(up.Diagnostics[0].Detail, "schema version 2") {
		t.Errorf("version 2: %v", up.Diagnostics)
	}
}

// The parts of the protocol besides plan, read and apply: deferral, import ids, Move, identity and generated
// configuration.
func TestBaselineServerProtocol(t *testing.T) {
	ctx := context.Background()
	state := nullBaselineModel()
	state.ID, state.TenantID = tfKnown("00000000-0000-4000-8000-000000000001"), tfKnown("00000000-0000-4000-8000-000000000001")
	state.setDecisions(map[string]controlDecision{"AdminMFAV2": {State: "ThirdParty", Comment: "via Okta"}})
	state.PriorDecisions = tfKnown(map[string]*controlDecision{"AdminMFAV2": {State: "Default"}})
	state.OnDestroy, state.MissingControls, state.TenantUnavailable = tfKnown(onDestroyRestore), tfKnown(missingControlsError), tfKnown(tenantUnavailableError)
	state.SkippedControls = tfKnown([]string{})
	dv, err := state.dynamicValue()
	if err != nil {
		t.Fatal(err)
	}

	s := newBaselineServer()
	s.configure(nil, true)
	read, _ := s.ReadResource(ctx, &tfprotov6.ReadResourceRequest{CurrentState: dv, ClientCapabilities: &tfprotov6.ReadResourceClientCapabilities{DeferralAllowed: true}})
	plan, _ := s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{PriorState: dv, ProposedNewState: dv, Config: dv,
		ClientCapabilities: &tfprotov6.PlanResourceChangeClientCapabilities{DeferralAllowed: true}})
	imp, _ := s.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{ID: "contoso.onmicrosoft.com",
		ClientCapabilities: &tfprotov6.ImportResourceStateClientCapabilities{DeferralAllowed: true}})
	for name, d := range map[string]*tfprotov6.Deferred{"Read": read.Deferred, "Plan": plan.Deferred, "Import": imp.Deferred} {
		if d == nil || d.Reason != tfprotov6.DeferredReasonProviderConfigUnknown {
			t.Errorf("%s: deferred %v, want ProviderConfigUnknown", name, d)
		}
	}
	if v, err := imp.ImportedResources[0].State.Unmarshal(baselineValueType); err != nil || v.IsKnown() {
		t.Errorf("deferred import: state %v (%v), want unknown", v, err)
	}

	// Not configured and no deferral: read keeps state with a warning, plan plans without the tenant, apply fails.
	s.configure(nil, false)
	read, _ = s.ReadResource(ctx, &tfprotov6.ReadResourceRequest{CurrentState: dv})
	if read.NewState != dv || len(read.Diagnostics) != 1 || read.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityWarning {
		t.Errorf("unconfigured read: %v", read.Diagnostics)
	}
	null := nullBaselineValue()
	plan, _ = s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{PriorState: null, ProposedNewState: dv, Config: dv})
	planned, err := decodeBaseline(plan.PlannedState)
	if err != nil || len(plan.Diagnostics) != 0 || !planned.SkippedControls.isUnknown() || !planned.PriorDecisions.isUnknown() {
		t.Errorf("unconfigured create plan: %+v (%v) %v", planned, err, plan.Diagnostics)
	}
	applied, _ := s.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{PriorState: null, PlannedState: plan.PlannedState, Config: dv})
	if len(applied.Diagnostics) != 1 || applied.Diagnostics[0].Summary != "Provider not configured" {
		t.Errorf("unconfigured apply: %v", applied.Diagnostics)
	}

	for id, ok := range map[string]bool{"contoso.onmicrosoft.com": true, "00000000-0000-4000-8000-00000000000A": true, "not a tenant": false, "": false} {
		imp, _ = s.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{ID: id})
		if ok != (len(imp.Diagnostics) == 0) {
			t.Errorf("import %q: %v", id, imp.Diagnostics)
			continue
		}
		if ok {
			m, err := decodeBaseline(imp.ImportedResources[0].State)
			if err != nil || m.TenantID != tfKnown(id) || !m.Controls.isNull() || (checkGUID(id) == nil) != m.ID.isKnown() {
				t.Errorf("imported %q: %+v (%v)", id, m, err)
			}
		}
	}

	mv, _ := s.MoveResourceState(ctx, &tfprotov6.MoveResourceStateRequest{SourceTypeName: "securescore_control_profile", TargetTypeName: baselineTypeName,
		SourceState: &tfprotov6.RawState{JSON: []byte(`{}`)}})
	if mv.TargetState != nil || len(mv.Diagnostics) != 1 || !strings.Contains(mv.Diagnostics[0].Detail, "securescore_control_profile") {
		t.Errorf("move: %v", mv.Diagnostics)
	}
	ui, _ := s.UpgradeResourceIdentity(ctx, &tfprotov6.UpgradeResourceIdentityRequest{Version: 1})
	if ui.UpgradedIdentity != nil || len(ui.Diagnostics) != 1 || ui.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityError {
		t.Errorf("identity upgrade: %v", ui.Diagnostics)
	}

	gen, _ := s.GenerateResourceConfig(ctx, &tfprotov6.GenerateResourceConfigRequest{State: dv})
	config, err := decodeBaseline(gen.Config)
	if err != nil || len(gen.Diagnostics) != 0 || !config.ID.isNull() || !config.SkippedControls.isNull() || !config.PriorDecisions.isNull() ||
		config.TenantID != state.TenantID || config.OnDestroy != tfKnown(onDestroyRestore) || !reflect.DeepEqual(config.Controls, state.Controls) {
		t.Errorf("generated config %+v (%v, %v), want the state's tenant_id, controls and settings only", config, err, gen.Diagnostics)
	}
}
