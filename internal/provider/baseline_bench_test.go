package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// baselineBench is a configured protocol server against an in-process emulator of n synthetic profiles, with
// the state of one securescore_baseline holding all of them (created through the server).
type baselineBench struct {
	emu   *emulator.Emulator
	s     tfprotov6.ProviderServer
	typ   tftypes.Type
	ids   []string
	state *tfprotov6.DynamicValue

	providerConfig *tfprotov6.DynamicValue
}

// configure configures the provider afresh, as each plugin process terraform starts is (a new client, token,
// snapshot and baseline claims).
func (bb *baselineBench) configure(tb testing.TB) {
	tb.Helper()
	conf, err := bb.s.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{Config: bb.providerConfig})
	mustNoDiagnostics(tb, err, conf.Diagnostics)
}

// newBaselineBench serves the provider as terraform does (every RPC through the protocol server), so that the
// benchmarks below see the whole cost of a baseline's RPCs over n keys.
func newBaselineBench(tb testing.TB, n int) *baselineBench {
	tb.Helper()
	return newBaselineBenchOn(tb, n, NewProtocol6Server("bench"))
}

// newBaselineBenchOn is newBaselineBench with the provider served by serve.
func newBaselineBenchOn(tb testing.TB, n int, serve func() tfprotov6.ProviderServer) *baselineBench {
	tb.Helper()
	ctx := context.Background()
	emu, err := emulator.New(emulator.Config{ControlProfiles: n + 1}) // one more than the baseline holds, for tests that add one
	if err != nil {
		tb.Fatal(err)
	}
	s, schemas, providerConfig := serveAgainst(tb, emu, emu.Config().ClientSecret, serve)
	bb := &baselineBench{emu: emu, s: s, typ: schemas.ResourceSchemas[baselineTypeName].ValueType(), ids: emu.ControlProfileIDs()[:n],
		providerConfig: providerConfig}
	bb.configure(tb)
	config := bb.config(tb, 0)
	null := bb.dynamic(tb, tftypes.NewValue(bb.typ, nil))
	plan, err := s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: baselineTypeName, PriorState: null,
		ProposedNewState: config, Config: config})
	mustNoDiagnostics(tb, err, plan.Diagnostics)
	applied, err := s.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: baselineTypeName, PriorState: null,
		PlannedState: plan.PlannedState, Config: config})
	mustNoDiagnostics(tb, err, applied.Diagnostics)
	bb.state = applied.NewState
	return bb
}

// nullAttributes is every attribute of an object type, null.
func nullAttributes(t tftypes.Type) map[string]tftypes.Value {
	out := map[string]tftypes.Value{}
	for name, at := range t.(tftypes.Object).AttributeTypes {
		out[name] = tftypes.NewValue(at, nil)
	}
	return out
}

func (bb *baselineBench) dynamic(tb testing.TB, v tftypes.Value) *tfprotov6.DynamicValue {
	tb.Helper()
	dv, err := tfprotov6.NewDynamicValue(bb.typ, v)
	if err != nil {
		tb.Fatal(err)
	}
	return &dv
}

// config is the benchmark's configuration (internal/cmd/bench): every control ThirdParty with an assignee and a
// comment, the first changed ones Reviewed.
func (bb *baselineBench) config(tb testing.TB, changed int) *tfprotov6.DynamicValue {
	tb.Helper()
	objType := bb.typ.(tftypes.Object).AttributeTypes["controls"].(tftypes.Map).ElementType
	controls := map[string]tftypes.Value{}
	for i, id := range bb.ids {
		state := "ThirdParty"
		if i < changed {
			state = "Reviewed"
		}
		controls[id] = tftypes.NewValue(objType, map[string]tftypes.Value{
			"state":       tftypes.NewValue(tftypes.String, state),
			"assigned_to": tftypes.NewValue(tftypes.String, "secops@contoso.onmicrosoft.com"),
			"comment":     tftypes.NewValue(tftypes.String, "benchmark"),
		})
	}
	attrs := nullAttributes(bb.typ)
	attrs["controls"] = tftypes.NewValue(tftypes.Map{ElementType: objType}, controls)
	return bb.dynamic(tb, tftypes.NewValue(bb.typ, attrs))
}

// proposed is Terraform's proposed new state: the configuration, with prior values for the computed attributes
// the configuration leaves null.
func (bb *baselineBench) proposed(tb testing.TB, prior, config *tfprotov6.DynamicValue) *tfprotov6.DynamicValue {
	tb.Helper()
	pv, err := prior.Unmarshal(bb.typ)
	if err != nil {
		tb.Fatal(err)
	}
	cv, err := config.Unmarshal(bb.typ)
	if err != nil {
		tb.Fatal(err)
	}
	var p, c map[string]tftypes.Value
	if err := pv.As(&p); err != nil {
		tb.Fatal(err)
	}
	if err := cv.As(&c); err != nil {
		tb.Fatal(err)
	}
	for name, v := range c {
		if v.IsNull() && name != "timeouts" {
			c[name] = p[name]
		}
	}
	return bb.dynamic(tb, tftypes.NewValue(bb.typ, c))
}

// plan is what one `terraform plan` asks of the baseline: upgrade, refresh, validate and plan.
func (bb *baselineBench) plan(tb testing.TB, config *tfprotov6.DynamicValue) *tfprotov6.PlanResourceChangeResponse {
	tb.Helper()
	ctx := context.Background()
	bb.configure(tb)
	js, err := stateJSON(bb.typ, bb.state)
	if err != nil {
		tb.Fatal(err)
	}
	up, err := bb.s.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: baselineTypeName, RawState: &tfprotov6.RawState{JSON: js}})
	mustNoDiagnostics(tb, err, up.Diagnostics)
	read, err := bb.s.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: baselineTypeName, CurrentState: up.UpgradedState})
	mustNoDiagnostics(tb, err, read.Diagnostics)
	val, err := bb.s.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: baselineTypeName, Config: config})
	mustNoDiagnostics(tb, err, val.Diagnostics)
	plan, err := bb.s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: baselineTypeName,
		PriorState: read.NewState, ProposedNewState: bb.proposed(tb, read.NewState, config), Config: config})
	mustNoDiagnostics(tb, err, plan.Diagnostics)
	return plan
}

// stateJSON is dv as Terraform stores it.
func stateJSON(typ tftypes.Type, dv *tfprotov6.DynamicValue) ([]byte, error) {
	v, err := dv.Unmarshal(typ)
	if err != nil {
		return nil, err
	}
	return terraformJSON(v)
}

// BenchmarkBaselinePlan is the provider's share of `terraform plan` on one baseline of N controls with 10% of
// them changed: the listing comes from an in-process emulator without latency, so this is the CPU the RPCs take.
func BenchmarkBaselinePlan(b *testing.B) { benchBaselinePlan(b, NewProtocol6Server("bench")) }

func benchBaselinePlan(b *testing.B, serve func() tfprotov6.ProviderServer) {
	for _, n := range []int{1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			bb := newBaselineBenchOn(b, n, serve)
			config := bb.config(b, n/10)
			b.ReportAllocs()
			for b.Loop() {
				bb.plan(b, config)
			}
		})
	}
}

// BenchmarkBaselineApply is the provider's share of the apply of that plan: PlanResourceChange again (Terraform
// plans once more in the apply walk) and ApplyResourceChange, which PATCHes the changed tenth.
func BenchmarkBaselineApply(b *testing.B) { benchBaselineApply(b, NewProtocol6Server("bench")) }

func benchBaselineApply(b *testing.B, serve func() tfprotov6.ProviderServer) {
	for _, n := range []int{1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			bb := newBaselineBenchOn(b, n, serve)
			config := bb.config(b, n/10)
			planned := bb.plan(b, config).PlannedState
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				bb.configure(b)
				plan, err := bb.s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: baselineTypeName,
					PriorState: bb.state, ProposedNewState: bb.proposed(b, bb.state, config), Config: config})
				mustNoDiagnostics(b, err, plan.Diagnostics)
				applied, err := bb.s.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: baselineTypeName,
					PriorState: bb.state, PlannedState: planned, Config: config})
				mustNoDiagnostics(b, err, applied.Diagnostics)
			}
		})
	}
}

// listsAndTokens counts the emulator's list requests and token requests since mark.
func (bb *baselineBench) listsAndTokens(mark int) (lists, tokens int) {
	for _, j := range bb.emu.Journal()[mark:] {
		switch {
		case j.Kind == "token":
			tokens++
		case j.Kind == "read" && strings.HasSuffix(j.Path, "/security/secureScoreControlProfiles"):
			lists++
		}
	}
	return lists, tokens
}

// TestBaselineApplyWalkPlanDoesNotList: Terraform plans an update again in the apply walk, in a new plugin
// process; when the prior state holds every configured control, unskipped, that plan needs nothing from Graph
// (the plan walk's refresh saw them all), so the apply process makes no list. A control new to the baseline
// still makes the plan list the tenant.
func TestBaselineApplyWalkPlanDoesNotList(t *testing.T) {
	ctx := context.Background()
	bb := newBaselineBench(t, 5)
	planFresh := func(config *tfprotov6.DynamicValue) (*tfprotov6.PlanResourceChangeResponse, int) {
		bb.configure(t) // a new process: no listing, no token yet
		mark := len(bb.emu.Journal())
		plan, err := bb.s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: baselineTypeName,
			PriorState: bb.state, ProposedNewState: bb.proposed(t, bb.state, config), Config: config})
		mustNoDiagnostics(t, err, plan.Diagnostics)
		lists, _ := bb.listsAndTokens(mark)
		return plan, lists
	}
	changed, lists := planFresh(bb.config(t, 1))
	if lists != 0 {
		t.Errorf("planning a change to known controls listed the tenant %d times, want 0", lists)
	}
	pv, err := changed.PlannedState.Unmarshal(bb.typ)
	if err != nil {
		t.Fatal(err)
	}
	var planned map[string]tftypes.Value
	if err := pv.As(&planned); err != nil {
		t.Fatal(err)
	}
	var skipped []tftypes.Value
	if err := planned["skipped_controls"].As(&skipped); err != nil || !planned["skipped_controls"].IsKnown() || len(skipped) != 0 {
		t.Errorf("skipped_controls = %v (%v), want a known empty set", planned["skipped_controls"], err)
	}
	if !planned["id"].IsKnown() || planned["id"].IsNull() {
		t.Errorf("id = %v, want the tenant id kept from state", planned["id"])
	}

	// One more control than the state holds: the plan must find out whether the tenant has it.
	bb.ids = bb.emu.ControlProfileIDs()[:6]
	if _, lists := planFresh(bb.config(t, 0)); lists != 1 {
		t.Errorf("planning a new control listed the tenant %d times, want 1", lists)
	}
}
