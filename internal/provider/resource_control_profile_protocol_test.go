package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// The hand-written parts of the protocol that the framework would otherwise provide: deferral, state upgrade
// (unknown versions, dropped attributes), Move, GenerateResourceConfig and UpgradeResourceIdentity.

func testProfileState(t *testing.T) *tfprotov6.DynamicValue {
	t.Helper()
	m := controlProfileResourceModelV2{ID: tfKnown("AdminMFAV2"), TenantID: tfKnown(tenantA), ControlID: tfKnown("AdminMFAV2"),
		State: tfKnown("ThirdParty"), OnDestroy: tfKnown(onDestroyReset), ResetOnDestroy: tfKnown(true), VendorInformation: serviceVendor,
		PriorDecision: priorDecisionOf(pristine), UpdatedBy: tfKnown("app"), UpdatedDateTime: tfKnown("2026-12-02T06:40:09Z")}
	dv, err := controlProfileAttributes.encode(&m)
	if err != nil {
		t.Fatal(err)
	}
	return dv
}

func sameValue(t *testing.T, a, b *tfprotov6.DynamicValue) bool {
	t.Helper()
	va, err := a.Unmarshal(controlProfileAttributes.typ)
	if err != nil {
		t.Fatal(err)
	}
	vb, err := b.Unmarshal(controlProfileAttributes.typ)
	if err != nil {
		t.Fatal(err)
	}
	return va.Equal(vb)
}

// With the provider's configuration unknown, Read, Plan and Import are deferred when Terraform allows it, as the
// framework defers its own resources; otherwise Read keeps state with a warning and Plan plans.
func TestControlProfileServerDeferral(t *testing.T) {
	ctx := context.Background()
	state := testProfileState(t)
	allowed := func(ok bool) (*tfprotov6.ReadResourceClientCapabilities, *tfprotov6.PlanResourceChangeClientCapabilities, *tfprotov6.ImportResourceStateClientCapabilities) {
		return &tfprotov6.ReadResourceClientCapabilities{DeferralAllowed: ok}, &tfprotov6.PlanResourceChangeClientCapabilities{DeferralAllowed: ok},
			&tfprotov6.ImportResourceStateClientCapabilities{DeferralAllowed: ok}
	}
	for _, tc := range []struct {
		name            string
		deferred, allow bool
		want            bool
	}{
		{"provider deferred, Terraform allows", true, true, true},
		{"provider deferred, Terraform does not allow", true, false, false},
		{"provider not deferred", false, true, false},
	} {
		s := newControlProfileServer()
		s.configure(nil, tc.deferred)
		rc, pc, ic := allowed(tc.allow)

		read, _ := s.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: controlProfileTypeName, CurrentState: state, ClientCapabilities: rc})
		if got := read.Deferred != nil; got != tc.want || !sameValue(t, read.NewState, state) {
			t.Errorf("%s: Read deferred %v (want %v), state changed", tc.name, got, tc.want)
		}
		if tc.want && read.Deferred.Reason != tfprotov6.DeferredReasonProviderConfigUnknown {
			t.Errorf("%s: Read deferred for %v", tc.name, read.Deferred.Reason)
		}
		if !tc.want && (len(read.Diagnostics) != 1 || read.Diagnostics[0].Summary != "Control profile not refreshed") {
			t.Errorf("%s: Read without deferral: %v, want the not-refreshed warning", tc.name, read.Diagnostics)
		}

		plan, _ := s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: controlProfileTypeName,
			PriorState: state, ProposedNewState: state, Config: state, ClientCapabilities: pc})
		if got := plan.Deferred != nil; got != tc.want || len(plan.Diagnostics) != 0 {
			t.Errorf("%s: Plan deferred %v (want %v), diagnostics %v", tc.name, got, tc.want, plan.Diagnostics)
		}

		imp, _ := s.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: controlProfileTypeName, ID: "AdminMFAV2", ClientCapabilities: ic})
		if got := imp.Deferred != nil; got != tc.want || len(imp.ImportedResources) != 1 {
			t.Fatalf("%s: Import deferred %v (want %v), %d resources", tc.name, got, tc.want, len(imp.ImportedResources))
		}
		v, err := imp.ImportedResources[0].State.Unmarshal(controlProfileAttributes.typ)
		if err != nil || v.IsKnown() != !tc.want {
			t.Errorf("%s: imported state known %v, want %v (err %v)", tc.name, v.IsKnown(), !tc.want, err)
		}
	}
}

// A schema version this build does not know is an error that names it and the versions it reads; no state is
// returned, so Terraform keeps what it has.
func TestControlProfileUpgradeUnknownVersion(t *testing.T) {
	s := newControlProfileServer()
	for _, v := range []int64{-1, 3, 99} {
		resp, err := s.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{
			TypeName: controlProfileTypeName, Version: v, RawState: &tfprotov6.RawState{JSON: []byte(`{"id":"X"}`)}})
		if err != nil || resp.UpgradedState != nil || len(resp.Diagnostics) != 1 ||
			!strings.Contains(resp.Diagnostics[0].Detail, fmt.Sprintf("schema version %d,", v)) ||
			!strings.Contains(resp.Diagnostics[0].Detail, "versions 0 to 2") {
			t.Errorf("version %d: err %v, state %v, diagnostics %v", v, err, resp.UpgradedState, resp.Diagnostics)
		}
	}
}

// State cannot be moved into the resource from another type; routed by the target type, the error says so and
// no state is returned.
func TestControlProfileMoveResourceState(t *testing.T) {
	s := NewProtocol6Server("test")()
	resp, err := s.MoveResourceState(context.Background(), &tfprotov6.MoveResourceStateRequest{
		SourceTypeName: "securescore_secure_score", SourceProviderAddress: Address, TargetTypeName: controlProfileTypeName,
		SourceState: &tfprotov6.RawState{JSON: []byte(`{"id":"x"}`)}})
	if err != nil || resp.TargetState != nil || len(resp.Diagnostics) != 1 ||
		resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityError || !strings.Contains(resp.Diagnostics[0].Detail, "Import the control instead") {
		t.Fatalf("err %v, state %v, diagnostics %v", err, resp.TargetState, resp.Diagnostics)
	}
}

// The configuration generated for an imported control is its state without what only the resource or the
// service sets, with its tenant, and without the deprecated reset_on_destroy (on_destroy says it).
func TestControlProfileGenerateResourceConfig(t *testing.T) {
	s := NewProtocol6Server("test")()
	resp, err := s.GenerateResourceConfig(context.Background(), &tfprotov6.GenerateResourceConfigRequest{
		TypeName: controlProfileTypeName, State: testProfileState(t)})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("err %v, diagnostics %v", err, resp.Diagnostics)
	}
	var m controlProfileResourceModelV2
	if null, err := controlProfileAttributes.decode(resp.Config, &m); err != nil || null {
		t.Fatalf("null %v, err %v", null, err)
	}
	want := controlProfileResourceModelV2{TenantID: tfKnown(tenantA), ControlID: tfKnown("AdminMFAV2"), State: tfKnown("ThirdParty"),
		OnDestroy: tfKnown(onDestroyReset), VendorInformation: serviceVendor}
	if m != want {
		t.Errorf("configuration %+v, want %+v", m, want)
	}

	resp, _ = s.GenerateResourceConfig(context.Background(), &tfprotov6.GenerateResourceConfigRequest{TypeName: controlProfileTypeName})
	if resp.Config != nil || len(resp.Diagnostics) != 1 {
		t.Errorf("no state: config %v, diagnostics %v", resp.Config, resp.Diagnostics)
	}
}

// The identity has one version: a request to upgrade from another is an error naming the version, not the
// framework's "Resource Type Not Found".
func TestControlProfileUpgradeResourceIdentity(t *testing.T) {
	s := NewProtocol6Server("test")()
	resp, err := s.UpgradeResourceIdentity(context.Background(), &tfprotov6.UpgradeResourceIdentityRequest{
		TypeName: controlProfileTypeName, Version: 1, RawIdentity: &tfprotov6.RawState{JSON: []byte(`{"control_id":"x"}`)}})
	if err != nil || resp.UpgradedIdentity != nil || len(resp.Diagnostics) != 1 || !strings.Contains(resp.Diagnostics[0].Detail, "version 1") {
		t.Fatalf("err %v, identity %v, diagnostics %v", err, resp.UpgradedIdentity, resp.Diagnostics)
	}
}
