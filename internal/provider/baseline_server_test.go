package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// The raw schema is the one the framework served, attribute for attribute and description for description
// (docs/resources/baseline.md is generated from it).
func TestBaselineSchemaMatchesFramework(t *testing.T) {
	fw, err := newBaselineFrameworkServer("test")().GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	want := fw.ResourceSchemas[baselineTypeName]
	if want == nil {
		t.Fatalf("the framework serves no %s", baselineTypeName)
	}
	if got := baselineResourceSchema(); !reflect.DeepEqual(got, want) {
		w, _ := json.MarshalIndent(want, "", " ")
		g, _ := json.MarshalIndent(got, "", " ")
		t.Errorf("schema differs from the framework's:\nframework: %s\nraw: %s", w, g)
	}
	if !baselineResourceSchema().ValueType().Equal(baselineResourceType) {
		t.Errorf("baselineResourceType %v does not match the schema's %v", baselineResourceType, baselineResourceSchema().ValueType())
	}
}

// baselineScenario drives one baseline through plan, apply, refresh, import, validation and destroy on bb, and
// records every answer in a canonical form, so that the raw server and the framework resource can be compared.
func baselineScenario(t *testing.T, bb *baselineBench) []string {
	t.Helper()
	ctx := context.Background()
	var obs []string
	note := func(step string, dv *tfprotov6.DynamicValue, diags []*tfprotov6.Diagnostic) {
		obs = append(obs, step+" state: "+canonicalDynamic(t, bb.typ, dv))
		obs = append(obs, step+" diags: "+canonicalDiagnostics(diags))
	}
	objType := bb.typ.(tftypes.Object).AttributeTypes["controls"].(tftypes.Map).ElementType
	control := func(state, assignedTo, comment any) tftypes.Value {
		return tftypes.NewValue(objType, map[string]tftypes.Value{"state": tftypes.NewValue(tftypes.String, state),
			"assigned_to": tftypes.NewValue(tftypes.String, assignedTo), "comment": tftypes.NewValue(tftypes.String, comment)})
	}
	config := func(controls map[string]tftypes.Value, attrs map[string]tftypes.Value) *tfprotov6.DynamicValue {
		all := nullAttributes(bb.typ)
		all["controls"] = tftypes.NewValue(tftypes.Map{ElementType: objType}, controls)
		for k, v := range attrs {
			all[k] = v
		}
		return bb.dynamic(t, tftypes.NewValue(bb.typ, all))
	}
	ids := bb.ids
	plan := func(step string, prior, cfg *tfprotov6.DynamicValue) *tfprotov6.DynamicValue {
		bb.configure(t)
		val, err := bb.s.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: baselineTypeName, Config: cfg})
		if err != nil {
			t.Fatal(err)
		}
		obs = append(obs, step+" validate: "+canonicalDiagnostics(val.Diagnostics))
		proposed := cfg // a create: Terraform proposes the configuration
		if prior != nil {
			proposed = bb.proposed(t, prior, cfg)
		} else {
			prior = bb.dynamic(t, tftypes.NewValue(bb.typ, nil))
		}
		resp, err := bb.s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: baselineTypeName,
			PriorState: prior, ProposedNewState: proposed, Config: cfg})
		if err != nil {
			t.Fatal(err)
		}
		note(step+" plan", resp.PlannedState, resp.Diagnostics)
		return resp.PlannedState
	}
	apply := func(step string, prior, planned, cfg *tfprotov6.DynamicValue) *tfprotov6.DynamicValue {
		resp, err := bb.s.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: baselineTypeName,
			PriorState: prior, PlannedState: planned, Config: cfg})
		if err != nil {
			t.Fatal(err)
		}
		note(step+" apply", resp.NewState, resp.Diagnostics)
		return resp.NewState
	}
	read := func(step string, state *tfprotov6.DynamicValue) *tfprotov6.DynamicValue {
		resp, err := bb.s.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: baselineTypeName, CurrentState: state})
		if err != nil {
			t.Fatal(err)
		}
		note(step+" read", resp.NewState, resp.Diagnostics)
		return resp.NewState
	}
	str := func(s any) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

	state := bb.state
	note("created", state, nil)
	state = read("refresh", state)

	// A change, a new control, a case-only spelling and a removed control.
	cfg := config(map[string]tftypes.Value{ids[0]: control("Reviewed", "a@contoso.com", nil), ids[1]: control("thirdparty", "secops@contoso.onmicrosoft.com", "benchmark"),
		ids[2]: control("ThirdParty", "secops@contoso.onmicrosoft.com", "benchmark"), bb.emu.ControlProfileIDs()[len(ids)]: control("Ignored", nil, "risk accepted")}, nil)
	planned := plan("change", state, cfg)
	state = apply("change", state, planned, cfg)
	state = read("change", state)
	plan("change no-op", state, cfg)

	// A control the tenant lacks: an error, then skipped with warn; reset_on_destroy false leaves removed controls.
	missing := map[string]tftypes.Value{ids[0]: control("Reviewed", "a@contoso.com", nil), "NoSuchControl": control("Ignored", nil, nil)}
	plan("missing error", state, config(missing, nil))
	warn := map[string]tftypes.Value{"missing_controls": str("warn"), "reset_on_destroy": tftypes.NewValue(tftypes.Bool, false)}
	cfg = config(missing, warn)
	planned = plan("missing warn", state, cfg)
	state = apply("missing warn", state, planned, cfg)
	state = read("missing warn", state)
	plan("missing warn no-op", state, cfg)

	// One control's PATCH refused: the others reach state, the error names it.
	bb.emu.SetFaults(emulator.Faults{FailPatchFor: []string{ids[1]}})
	cfg = config(map[string]tftypes.Value{ids[0]: control("Ignored", nil, nil), ids[1]: control("Ignored", nil, nil), ids[2]: control("Reviewed", nil, nil)}, warn)
	planned = plan("partial", state, cfg)
	state = apply("partial", state, planned, cfg)
	bb.emu.SetFaults(emulator.Faults{})
	state = read("partial", state)

	// Unknown values in the configuration.
	unknownControls := map[string]tftypes.Value{ids[0]: control("Reviewed", tftypes.UnknownValue, nil), ids[1]: tftypes.NewValue(objType, tftypes.UnknownValue)}
	plan("unknown element", state, config(unknownControls, warn))
	all := nullAttributes(bb.typ)
	all["controls"] = tftypes.NewValue(tftypes.Map{ElementType: objType}, tftypes.UnknownValue)
	plan("unknown controls", state, bb.dynamic(t, tftypes.NewValue(bb.typ, all)))

	// Invalid configurations.
	timeouts := bb.typ.(tftypes.Object).AttributeTypes["timeouts"]
	invalid := config(map[string]tftypes.Value{"": control("Reviewed", nil, nil), ids[0]: control("Nope", "", ""), ids[1]: control("reviewed", "x", "y")},
		map[string]tftypes.Value{"missing_controls": str("maybe"), "timeouts": tftypes.NewValue(timeouts, map[string]tftypes.Value{
			"create": str("ten minutes"), "read": str("5m"), "update": tftypes.NewValue(tftypes.String, nil), "delete": str("x")})})
	val, err := bb.s.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: baselineTypeName, Config: invalid})
	if err != nil {
		t.Fatal(err)
	}
	obs = append(obs, "invalid validate: "+canonicalDiagnostics(val.Diagnostics))
	invalid = config(map[string]tftypes.Value{ids[0]: control("Nope", "", ""), ids[1]: tftypes.NewValue(objType, nil), ids[2]: control(nil, "x", nil)},
		map[string]tftypes.Value{"missing_controls": str("maybe")})
	val, err = bb.s.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: baselineTypeName, Config: invalid})
	if err != nil {
		t.Fatal(err)
	}
	obs = append(obs, "invalid elements validate: "+canonicalDiagnostics(val.Diagnostics))

	// Destroy with reset_on_destroy false, then import, generate the configuration, and destroy with resets.
	destroyed := apply("destroy kept", state, bb.dynamic(t, tftypes.NewValue(bb.typ, nil)), bb.dynamic(t, tftypes.NewValue(bb.typ, nil)))
	_ = destroyed
	tenant := bb.emu.Config().TenantID
	for _, id := range []string{tenant, "not a tenant", "00000000-0000-0000-0000-000000000001"} {
		imp, err := bb.s.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: baselineTypeName, ID: id})
		if err != nil {
			t.Fatal(err)
		}
		obs = append(obs, "import "+id+" diags: "+canonicalDiagnostics(imp.Diagnostics))
		if len(imp.ImportedResources) == 0 {
			continue
		}
		note("import "+id, imp.ImportedResources[0].State, nil)
		imported := read("import "+id, imp.ImportedResources[0].State)
		gen, err := bb.s.GenerateResourceConfig(ctx, &tfprotov6.GenerateResourceConfigRequest{TypeName: baselineTypeName, State: imported})
		if err != nil {
			t.Fatal(err)
		}
		note("generate "+id, gen.Config, gen.Diagnostics)
		if id == tenant {
			state = imported
		}
	}
	js, err := stateJSON(bb.typ, state)
	if err != nil {
		t.Fatal(err)
	}
	for _, version := range []int64{0, 1} {
		up, err := bb.s.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: baselineTypeName, Version: version,
			RawState: &tfprotov6.RawState{JSON: append([]byte(`{"retired":1,`), js[1:]...)}})
		if err != nil {
			t.Fatal(err)
		}
		note(fmt.Sprintf("upgrade v%d", version), up.UpgradedState, up.Diagnostics)
	}
	up, err := bb.s.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: baselineTypeName})
	if err != nil {
		t.Fatal(err)
	}
	obs = append(obs, fmt.Sprintf("upgrade nil: %v %s", up.UpgradedState == nil, canonicalDiagnostics(up.Diagnostics)))
	mv, err := bb.s.MoveResourceState(ctx, &tfprotov6.MoveResourceStateRequest{TargetTypeName: baselineTypeName, SourceTypeName: "securescore_control_profile",
		SourceProviderAddress: "registry.terraform.io/securescore/securescore", SourceSchemaVersion: 1, SourceState: &tfprotov6.RawState{JSON: []byte(`{}`)}})
	if err != nil {
		t.Fatal(err)
	}
	obs = append(obs, "move: "+canonicalDiagnostics(mv.Diagnostics)+canonicalDynamic(t, bb.typ, mv.TargetState))
	ui, err := bb.s.UpgradeResourceIdentity(ctx, &tfprotov6.UpgradeResourceIdentityRequest{TypeName: baselineTypeName, Version: 1,
		RawIdentity: &tfprotov6.RawState{JSON: []byte(`{}`)}})
	if err != nil {
		t.Fatal(err)
	}
	obs = append(obs, "upgrade identity: "+canonicalDiagnostics(ui.Diagnostics))
	null := bb.dynamic(t, tftypes.NewValue(bb.typ, nil))
	bb.emu.SetFaults(emulator.Faults{FailPatchFor: []string{ids[0]}})
	state = apply("destroy partial", state, null, null)
	bb.emu.SetFaults(emulator.Faults{})
	apply("destroy", state, null, null)
	return obs
}

// Served raw or by the framework, the baseline answers every RPC of the scenario alike: states, plans and
// diagnostics (with their attribute paths).
func TestBaselineServerAnswersAsFramework(t *testing.T) {
	raw := baselineScenario(t, newBaselineBenchOn(t, 5, NewProtocol6Server("test")))
	fw := baselineScenario(t, newBaselineBenchOn(t, 5, newBaselineFrameworkServer("test")))
	if len(raw) != len(fw) {
		t.Fatalf("%d answers raw, %d from the framework", len(raw), len(fw))
	}
	for i := range raw {
		if raw[i] != fw[i] {
			t.Errorf("answer %d differs:\nraw:       %s\nframework: %s", i, raw[i], fw[i])
		}
	}
}

// canonicalDynamic is a wire value as a string with sorted keys and set elements.
func canonicalDynamic(t *testing.T, typ tftypes.Type, dv *tfprotov6.DynamicValue) string {
	t.Helper()
	if dv == nil {
		return "<nil>"
	}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	return canonicalValue(v)
}

func canonicalValue(v tftypes.Value) string {
	switch {
	case !v.IsKnown():
		return "<unknown>"
	case v.IsNull():
		return "<null>"
	}
	switch typ := v.Type().(type) {
	case tftypes.Object, tftypes.Map:
		var m map[string]tftypes.Value
		_ = v.As(&m)
		parts := make([]string, 0, len(m))
		for _, k := range sortedKeys(m) {
			parts = append(parts, fmt.Sprintf("%q: %s", k, canonicalValue(m[k])))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case tftypes.Set, tftypes.List:
		var l []tftypes.Value
		_ = v.As(&l)
		parts := make([]string, 0, len(l))
		for _, e := range l {
			parts = append(parts, canonicalValue(e))
		}
		if _, ok := typ.(tftypes.Set); ok {
			slices.Sort(parts)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	default:
		return v.String()
	}
}

// perRequest matches what differs between two runs of one request: the emulator's port, ids and dates.
var perRequest = regexp.MustCompile(`(127\.0\.0\.1):\d+|(request-id) [0-9a-f-]+|(date) [0-9T:-]+`)

// canonicalDiagnostics are diagnostics in a fixed order (the framework's validators run in map order).
func canonicalDiagnostics(diags []*tfprotov6.Diagnostic) string {
	parts := make([]string, 0, len(diags))
	for _, d := range diags {
		p := ""
		if d.Attribute != nil {
			p = d.Attribute.String()
		}
		parts = append(parts, fmt.Sprintf("[%s|%s|%s|%s]", d.Severity, p, d.Summary, perRequest.ReplaceAllString(d.Detail, "<$1>")))
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}

// With the provider's configuration unknown, the baseline is deferred where Terraform allows it and otherwise
// answers as unconfigured (Read keeps state with a warning, Plan plans without the tenant, Apply fails), served
// raw exactly as by the framework.
func TestBaselineServerDefersAsFramework(t *testing.T) {
	scenario := func(serve func() tfprotov6.ProviderServer) []string {
		ctx := context.Background()
		bb := newBaselineBenchOn(t, 3, serve)
		var obs []string
		for _, allow := range []bool{true, false} {
			schemas, err := bb.s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
			if err != nil {
				t.Fatal(err)
			}
			pt := schemas.Provider.ValueType()
			attrs := nullAttributes(pt)
			attrs["client_secret"] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
			pc, err := tfprotov6.NewDynamicValue(pt, tftypes.NewValue(pt, attrs))
			if err != nil {
				t.Fatal(err)
			}
			conf, err := bb.s.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &pc,
				ClientCapabilities: &tfprotov6.ConfigureProviderClientCapabilities{DeferralAllowed: allow}})
			if err != nil {
				t.Fatal(err)
			}
			obs = append(obs, fmt.Sprintf("configure %v: %s", allow, canonicalDiagnostics(conf.Diagnostics)))
			deferred := func(d *tfprotov6.Deferred) string { return fmt.Sprint(d) }
			read, err := bb.s.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: baselineTypeName, CurrentState: bb.state,
				ClientCapabilities: &tfprotov6.ReadResourceClientCapabilities{DeferralAllowed: allow}})
			if err != nil {
				t.Fatal(err)
			}
			obs = append(obs, fmt.Sprintf("read %v: %s %s %s", allow, deferred(read.Deferred), canonicalDynamic(t, bb.typ, read.NewState), canonicalDiagnostics(read.Diagnostics)))
			config := bb.config(t, 1)
			for _, name := range []string{"update", "create"} {
				prior := bb.state
				if name == "create" {
					prior = bb.dynamic(t, tftypes.NewValue(bb.typ, nil))
				}
				proposed := config
				if name == "update" {
					proposed = bb.proposed(t, prior, config)
				}
				plan, err := bb.s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: baselineTypeName, PriorState: prior,
					ProposedNewState: proposed, Config: config, ClientCapabilities: &tfprotov6.PlanResourceChangeClientCapabilities{DeferralAllowed: allow}})
				if err != nil {
					t.Fatal(err)
				}
				obs = append(obs, fmt.Sprintf("plan %s %v: %s %s %s", name, allow, deferred(plan.Deferred), canonicalDynamic(t, bb.typ, plan.PlannedState), canonicalDiagnostics(plan.Diagnostics)))
				if !allow {
					applied, err := bb.s.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: baselineTypeName, PriorState: prior,
						PlannedState: plan.PlannedState, Config: config})
					if err != nil {
						t.Fatal(err)
					}
					obs = append(obs, fmt.Sprintf("apply %s: %s %s", name, canonicalDynamic(t, bb.typ, applied.NewState), canonicalDiagnostics(applied.Diagnostics)))
				}
			}
			imp, err := bb.s.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: baselineTypeName, ID: bb.emu.Config().TenantID,
				ClientCapabilities: &tfprotov6.ImportResourceStateClientCapabilities{DeferralAllowed: allow}})
			if err != nil {
				t.Fatal(err)
			}
			obs = append(obs, fmt.Sprintf("import %v: %s %s", allow, deferred(imp.Deferred), canonicalDiagnostics(imp.Diagnostics)))
			for _, r := range imp.ImportedResources {
				obs = append(obs, "imported "+r.TypeName+" "+canonicalDynamic(t, bb.typ, r.State))
			}
		}
		return obs
	}
	raw, fw := scenario(NewProtocol6Server("test")), scenario(newBaselineFrameworkServer("test"))
	if !slices.Equal(raw, fw) {
		t.Errorf("raw answers:\n%s\nframework answers:\n%s", strings.Join(raw, "\n"), strings.Join(fw, "\n"))
	}
}

// The parts of the protocol the framework used to provide, checked directly on baselineServer (the tests above
// check that they match the framework's answers): deferral, state upgrade, Move, identity and generated config.
func TestBaselineServerProtocol(t *testing.T) {
	ctx := context.Background()
	state := nullBaselineObject()
	state.setString("id", "00000000-0000-4000-8000-000000000001")
	state.setControls(map[string]controlDecision{"AdminMFAV2": {State: "ThirdParty", Comment: "via Okta"}})
	state["reset_on_destroy"] = tftypes.NewValue(tftypes.Bool, true)
	state.setString("missing_controls", missingControlsError)
	state.setSkipped(nil)
	dv, err := state.encode()
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
	if v, err := imp.ImportedResources[0].State.Unmarshal(baselineResourceType); err != nil || v.IsKnown() {
		t.Errorf("deferred import: state %v (%v), want unknown", v, err)
	}

	js, err := stateJSON(baselineResourceType, dv)
	if err != nil {
		t.Fatal(err)
	}
	up, _ := s.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{Version: 0, RawState: &tfprotov6.RawState{JSON: append([]byte(`{"gone":true,`), js[1:]...)}})
	if len(up.Diagnostics) != 0 || canonicalDynamic(t, baselineResourceType, up.UpgradedState) != canonicalDynamic(t, baselineResourceType, dv) {
		t.Errorf("upgrade of v0 JSON: %v, %s", up.Diagnostics, canonicalDynamic(t, baselineResourceType, up.UpgradedState))
	}
	up, _ = s.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{Version: 1, RawState: &tfprotov6.RawState{JSON: js}})
	if up.UpgradedState != nil || len(up.Diagnostics) != 1 || !strings.Contains(up.Diagnostics[0].Detail, "version 1 upgrade") {
		t.Errorf("upgrade of v1: %v, want the framework's error for an unknown version", up.Diagnostics)
	}

	mv, _ := s.MoveResourceState(ctx, &tfprotov6.MoveResourceStateRequest{SourceTypeName: "securescore_control_profile", TargetTypeName: baselineTypeName,
		SourceState: &tfprotov6.RawState{JSON: []byte(`{}`)}})
	if mv.TargetState != nil || len(mv.Diagnostics) != 1 || mv.Diagnostics[0].Summary != "Unable to Move Resource State" {
		t.Errorf("move: %v", mv.Diagnostics)
	}
	ui, _ := s.UpgradeResourceIdentity(ctx, &tfprotov6.UpgradeResourceIdentityRequest{Version: 1})
	if ui.UpgradedIdentity != nil || len(ui.Diagnostics) != 1 || ui.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityError {
		t.Errorf("identity upgrade: %v", ui.Diagnostics)
	}

	gen, _ := s.GenerateResourceConfig(ctx, &tfprotov6.GenerateResourceConfigRequest{State: dv})
	config, _, err := decodeBaseline(gen.Config)
	if err != nil || len(gen.Diagnostics) != 0 || !config["id"].IsNull() || !config["skipped_controls"].IsNull() || !config["controls"].Equal(state["controls"]) {
		t.Errorf("generated config %v (%v, %v), want the state without id and skipped_controls", config, err, gen.Diagnostics)
	}
}
