package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The hand-written parts of the protocol that the framework would otherwise provide: deferral, state upgrade
// (unknown versions, dropped attributes), Move, GenerateResourceConfig and UpgradeResourceIdentity.

func testProfileState(t *testing.T) *tfprotov6.DynamicValue {
	t.Helper()
	m := controlProfileResourceModelV1{ID: tfKnown("AdminMFAV2"), ControlID: tfKnown("AdminMFAV2"), State: tfKnown("ThirdParty"),
		ResetOnDestroy: tfKnown(true), VendorInformation: serviceVendor, UpdatedBy: tfKnown("app"), UpdatedDateTime: tfKnown("2026-12-02T06:40:09Z")}
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
	for _, v := range []int64{-1, 2, 99} {
		resp, err := s.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{
			TypeName: controlProfileTypeName, Version: v, RawState: &tfprotov6.RawState{JSON: []byte(`{"id":"X"}`)}})
		if err != nil || resp.UpgradedState != nil || len(resp.Diagnostics) != 1 ||
			!strings.Contains(resp.Diagnostics[0].Detail, fmt.Sprintf("schema version %d,", v)) ||
			!strings.Contains(resp.Diagnostics[0].Detail, "versions 0 to 1") {
			t.Errorf("version %d: err %v, state %v, diagnostics %v", v, err, resp.UpgradedState, resp.Diagnostics)
		}
	}
}

// Upgrading drops what the current schema no longer has: version 0's catalog facts, and at version 1 any
// attribute a later build stored; every attribute of the current schema is kept.
func TestControlProfileUpgradeDropsAttributes(t *testing.T) {
	raw, err := os.ReadFile("testdata/control_profile_state_v0.json")
	if err != nil {
		t.Fatal(err)
	}
	var v0 map[string]any
	if err := json.Unmarshal(raw, &v0); err != nil {
		t.Fatal(err)
	}
	for name := range controlProfileCatalogTypesV0 {
		if _, ok := v0[name]; !ok {
			t.Fatalf("testdata lacks version 0 attribute %s", name)
		}
	}
	s := newControlProfileServer()
	resp, _ := s.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{
		TypeName: controlProfileTypeName, Version: 0, RawState: &tfprotov6.RawState{JSON: raw}})
	if len(resp.Diagnostics) > 0 {
		t.Fatal(resp.Diagnostics)
	}
	got, err := resp.UpgradedState.Unmarshal(controlProfileAttributes.typ)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := got.As(&attrs); err != nil {
		t.Fatal(err)
	}
	if want := slices.Sorted(maps.Keys(controlProfileAttributes.typ.AttributeTypes)); !slices.Equal(slices.Sorted(maps.Keys(attrs)), want) {
		t.Fatalf("upgraded attributes %v, want %v", slices.Sorted(maps.Keys(attrs)), want)
	}
	for name := range controlProfileAttributes.typ.AttributeTypes {
		if name == "timeouts" || name == "vendor_information" {
			continue
		}
		if attrs[name].IsNull() != (v0[name] == nil) {
			t.Errorf("%s: null %v after the upgrade, version 0 held %v", name, attrs[name].IsNull(), v0[name])
		}
	}

	later := strings.Replace(string(raw), "{", `{"added_later":"x",`, 1)
	for name := range controlProfileCatalogTypesV0 { // a version 1 state of a later build: no facts, one new attribute
		var m map[string]any
		_ = json.Unmarshal([]byte(later), &m)
		delete(m, name)
		b, _ := json.Marshal(m)
		later = string(b)
	}
	resp, _ = s.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{
		TypeName: controlProfileTypeName, Version: 1, RawState: &tfprotov6.RawState{JSON: []byte(later)}})
	if len(resp.Diagnostics) > 0 {
		t.Fatalf("version 1 with an attribute of a later build: %v", resp.Diagnostics)
	}
	if v1, err := resp.UpgradedState.Unmarshal(controlProfileAttributes.typ); err != nil || !v1.Equal(got) {
		t.Fatalf("version 1 with an attribute of a later build: %v, want %v (err %v)", v1, got, err)
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

// The configuration generated for an imported control is its state without what only the service sets.
func TestControlProfileGenerateResourceConfig(t *testing.T) {
	s := NewProtocol6Server("test")()
	resp, err := s.GenerateResourceConfig(context.Background(), &tfprotov6.GenerateResourceConfigRequest{
		TypeName: controlProfileTypeName, State: testProfileState(t)})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("err %v, diagnostics %v", err, resp.Diagnostics)
	}
	var m controlProfileResourceModelV1
	if null, err := controlProfileAttributes.decode(resp.Config, &m); err != nil || null {
		t.Fatalf("null %v, err %v", null, err)
	}
	if !m.ID.isNull() || !m.UpdatedBy.isNull() || !m.UpdatedDateTime.isNull() {
		t.Errorf("read-only attributes in the configuration: id %+v, updated_by %+v, updated_date_time %+v", m.ID, m.UpdatedBy, m.UpdatedDateTime)
	}
	if m.ControlID.value() != "AdminMFAV2" || m.State.value() != "ThirdParty" || !m.ResetOnDestroy.knownAs(true) || m.VendorInformation != serviceVendor {
		t.Errorf("configuration lost an argument: %+v", m)
	}

	resp, _ = s.GenerateResourceConfig(context.Background(), &tfprotov6.GenerateResourceConfigRequest{TypeName: controlProfileTypeName})
	if resp.Config != nil || len(resp.Diagnostics) != 1 {
		t.Errorf("no state: config %v, diagnostics %v", resp.Config, resp.Diagnostics)
	}
}

// The resource has no identity; a request to upgrade one is an error, not the framework's "Resource Type Not
// Found".
func TestControlProfileUpgradeResourceIdentity(t *testing.T) {
	s := NewProtocol6Server("test")()
	resp, err := s.UpgradeResourceIdentity(context.Background(), &tfprotov6.UpgradeResourceIdentityRequest{
		TypeName: controlProfileTypeName, Version: 0, RawIdentity: &tfprotov6.RawState{JSON: []byte(`{"id":"x"}`)}})
	if err != nil || resp.UpgradedIdentity != nil || len(resp.Diagnostics) != 1 || !strings.Contains(resp.Diagnostics[0].Detail, "no resource identity") {
		t.Fatalf("err %v, identity %v, diagnostics %v", err, resp.UpgradedIdentity, resp.Diagnostics)
	}
}
