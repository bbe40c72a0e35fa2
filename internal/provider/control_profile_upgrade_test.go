package provider

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// State written by the last release (schema version 0, see testdata/README.md) upgrades to version 1: the
// managed values are kept exactly and the catalog facts are dropped.
func TestControlProfileUpgradeStateFromV0(t *testing.T) {
	raw, err := os.ReadFile("testdata/control_profile_state_v0.json")
	if err != nil {
		t.Fatal(err)
	}
	s := newControlProfileServer()
	resp, err := s.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{
		TypeName: controlProfileTypeName, Version: 0, RawState: &tfprotov6.RawState{JSON: raw}})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("err %v, diagnostics %v", err, resp.Diagnostics)
	}
	var m controlProfileResourceModelV1
	if null, err := controlProfileAttributes.decode(resp.UpgradedState, &m); err != nil || null {
		t.Fatalf("decode: null %v, err %v", null, err)
	}
	if m.ID.value() != "AdminMFAV2" || m.ControlID.value() != "AdminMFAV2" || m.State.value() != "ThirdParty" ||
		m.AssignedTo.value() != "secops@contoso.com" || m.Comment.value() != "Enforced by the third-party IdP" ||
		!m.ResetOnDestroy.knownAs(true) || m.Timeouts.Read.value() != "2m" || m.VendorInformation.Vendor.value() != "Microsoft" ||
		m.UpdatedBy.value() != "11111111-1111-4111-8111-111111111111" || m.UpdatedDateTime.value() != "2026-12-02T06:40:09.1612495Z" {
		t.Fatalf("upgraded state lost a value: %+v", m)
	}

	// Strict on version 0: an attribute version 0 never had is corrupt state, not something to drop silently.
	bad := strings.Replace(string(raw), `"tier"`, `"no_such_attribute"`, 1)
	resp, _ = s.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{
		TypeName: controlProfileTypeName, Version: 0, RawState: &tfprotov6.RawState{JSON: []byte(bad)}})
	if len(resp.Diagnostics) != 1 || !strings.Contains(resp.Diagnostics[0].Detail, "schema version 0") {
		t.Fatalf("unknown version 0 attribute: %v", resp.Diagnostics)
	}
}

// Version 1 state reads as is (attributes of a later build ignored, as the framework does); an unknown version
// is an error that names it.
func TestControlProfileUpgradeStateVersions(t *testing.T) {
	m := controlProfileResourceModelV1{ID: tfKnown("X"), ControlID: tfKnown("X")}
	v := controlProfileAttributes.toTerraform(&m)
	js, err := terraformJSON(v)
	if err != nil {
		t.Fatal(err)
	}
	js = []byte(strings.Replace(string(js), "{", `{"added_later":"x",`, 1))
	s := newControlProfileServer()
	resp, _ := s.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{
		TypeName: controlProfileTypeName, Version: 1, RawState: &tfprotov6.RawState{JSON: js}})
	if len(resp.Diagnostics) > 0 {
		t.Fatalf("version 1: %v", resp.Diagnostics)
	}
	got, _ := resp.UpgradedState.Unmarshal(controlProfileAttributes.typ)
	if !got.Equal(v) {
		t.Fatalf("version 1 changed: %v, want %v", got, v)
	}

	resp, _ = s.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{
		TypeName: controlProfileTypeName, Version: 2, RawState: &tfprotov6.RawState{JSON: js}})
	if len(resp.Diagnostics) != 1 || !strings.Contains(resp.Diagnostics[0].Detail, "schema version 2") {
		t.Fatalf("version 2: %v", resp.Diagnostics)
	}
	if _, null, err := upgradeControlProfileState(0, &tfprotov6.RawState{JSON: []byte("null")}); err != nil || !null {
		t.Fatalf("null version 0 state: %v", err)
	}
}
