package provider

import (
	"context"
	"encoding/json"
	"math/big"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/securescore/terraform-provider-securescore/internal/clouds"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// BenchmarkControlProfilePlanInstance is the provider's share of one instance in `terraform plan`: the
// UpgradeResourceState, ReadResource (one GET to an in-process emulator) and PlanResourceChange Terraform sends
// for it. `make bench` measures whole terraform runs; this isolates the provider's CPU and allocations.
func BenchmarkControlProfilePlanInstance(b *testing.B) {
	s, config, _ := benchControlProfileServer(b)
	state := benchRawState(b, s, config)
	benchPlanInstance(b, s, state, config)
}

// BenchmarkControlProfilePlanInstanceListed is the same, with the read served from the tenant's listing, as
// every read of a refresh walk but the first is: the provider's own CPU per instance, without the HTTP round trip.
func BenchmarkControlProfilePlanInstanceListed(b *testing.B) {
	s, config, emu := benchControlProfileServer(b)
	state := benchRawState(b, s, config)
	if _, err := s.data.Load().profiles.list(context.Background()); err != nil {
		b.Fatal(err)
	}
	before := len(emu.Journal())
	benchPlanInstance(b, s, state, config)
	if n := len(emu.Journal()) - before; n != 0 {
		b.Fatalf("%d requests reached Graph while planning; every read should have been served from the listing", n)
	}
}

// benchPlanInstance times what Terraform sends s for one instance in a no-op plan of the resource in state.
func benchPlanInstance(b *testing.B, s tfprotov6.ResourceServer, state *tfprotov6.RawState, config *tfprotov6.DynamicValue) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		up, err := s.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: controlProfileTypeName, Version: controlProfileSchemaVersion, RawState: state})
		mustNoDiagnostics(b, err, up.Diagnostics)
		read, err := s.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: controlProfileTypeName, CurrentState: up.UpgradedState})
		mustNoDiagnostics(b, err, read.Diagnostics)
		plan, err := s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: controlProfileTypeName,
			PriorState: read.NewState, ProposedNewState: read.NewState, Config: config})
		mustNoDiagnostics(b, err, plan.Diagnostics)
		if len(plan.RequiresReplace) > 0 {
			b.Fatal("the no-op plan replaces the resource")
		}
	}
}

// benchControlProfileServer is a configured server against an in-process emulator with one synthetic profile,
// the configuration of a resource managing it, and the emulator.
func benchControlProfileServer(b *testing.B) (*controlProfileServer, *tfprotov6.DynamicValue, *emulator.Emulator) {
	b.Helper()
	emu, data := benchEmulator(b, 1)
	s := newControlProfileServer()
	s.configure(data, false)

	m := controlProfileResourceModelV2{ControlID: tfKnown("SyntheticControl0001"), State: tfKnown("ThirdParty"),
		AssignedTo: tfKnown("secops@contoso.onmicrosoft.com"), Comment: tfKnown("benchmark")}
	config, err := controlProfileAttributes.encode(&m)
	if err != nil {
		b.Fatal(err)
	}
	return s, config, emu
}

// benchEmulator is an in-process emulator seeded with n synthetic profiles and provider data configured for it.
func benchEmulator(b *testing.B, n int) (*emulator.Emulator, *providerData) {
	b.Helper()
	emu, err := emulator.New(emulator.Config{ControlProfiles: n})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	b.Cleanup(srv.Close)
	env, err := clouds.Lookup("")
	if err != nil {
		b.Fatal(err)
	}
	cfg := emu.Config()
	data, err := newProviderData(providerSettings{TenantID: cfg.TenantID, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		Environment: env, GraphEndpoint: srv.URL, AuthorityHost: srv.URL, APIVersion: "v1.0"}, "bench")
	if err != nil {
		b.Fatal(err)
	}
	return emu, data
}

// benchRawState creates the resource once and returns its state as Terraform stores it (JSON).
func benchRawState(b *testing.B, s *controlProfileServer, config *tfprotov6.DynamicValue) *tfprotov6.RawState {
	b.Helper()
	ctx := context.Background()
	plan, err := s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: controlProfileTypeName,
		PriorState: controlProfileAttributes.null(), ProposedNewState: config, Config: config})
	mustNoDiagnostics(b, err, plan.Diagnostics)
	applied, err := s.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: controlProfileTypeName,
		PriorState: controlProfileAttributes.null(), PlannedState: plan.PlannedState, Config: config})
	mustNoDiagnostics(b, err, applied.Diagnostics)
	v, err := applied.NewState.Unmarshal(controlProfileAttributes.typ)
	if err != nil {
		b.Fatal(err)
	}
	js, err := terraformJSON(v)
	if err != nil {
		b.Fatal(err)
	}
	// A plan runs in a plugin process of its own, whose listing has seen no write: forget the create's. Reads go
	// through the tenant's data (state names the tenant), so its snapshot is the one replaced; replacing only
	// providerData.profiles, its alias, left every read of the Listed benchmark a GET.
	data := s.data.Load()
	own, err := data.tenant("")
	if err != nil {
		b.Fatal(err)
	}
	own.profiles = newControlProfileSnapshot(own.client)
	data.profiles = own.profiles
	return &tfprotov6.RawState{JSON: js}
}

func mustNoDiagnostics(b testing.TB, err error, diags []*tfprotov6.Diagnostic) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			b.Fatalf("%s: %s", d.Summary, d.Detail)
		}
	}
}

// terraformJSON encodes a known value the way Terraform writes state attributes.
func terraformJSON(v tftypes.Value) ([]byte, error) {
	var conv func(tftypes.Value) (any, error)
	conv = func(v tftypes.Value) (any, error) {
		if v.IsNull() {
			return nil, nil
		}
		switch {
		case v.Type().Is(tftypes.String):
			var s string
			return s, v.As(&s)
		case v.Type().Is(tftypes.Bool):
			var b bool
			return b, v.As(&b)
		case v.Type().Is(tftypes.Number):
			f := new(big.Float)
			if err := v.As(&f); err != nil {
				return nil, err
			}
			return json.Number(f.Text('g', -1)), nil
		case v.Type().Is(tftypes.List{}) || v.Type().Is(tftypes.Set{}):
			var elems []tftypes.Value
			if err := v.As(&elems); err != nil {
				return nil, err
			}
			out := make([]any, len(elems))
			for i, e := range elems {
				var err error
				if out[i], err = conv(e); err != nil {
					return nil, err
				}
			}
			return out, nil
		default:
			var attrs map[string]tftypes.Value
			if err := v.As(&attrs); err != nil {
				return nil, err
			}
			out := make(map[string]any, len(attrs))
			for k, a := range attrs {
				var err error
				if out[k], err = conv(a); err != nil {
					return nil, err
				}
			}
			return out, nil
		}
	}
	x, err := conv(v)
	if err != nil {
		return nil, err
	}
	return json.Marshal(x)
}
