package provider

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func upgradeProfile(t *testing.T, version int64, js string) (controlProfileResourceModelV2, []*tfprotov6.Diagnostic) {
	t.Helper()
	resp, err := newControlProfileServer().UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{
		TypeName: controlProfileTypeName, Version: version, RawState: &tfprotov6.RawState{JSON: []byte(js)}})
	if err != nil {
		t.Fatal(err)
	}
	var m controlProfileResourceModelV2
	if resp.UpgradedState != nil {
		if _, err := controlProfileAttributes.decode(resp.UpgradedState, &m); err != nil {
			t.Fatal(err)
		}
	}
	return m, resp.Diagnostics
}

// State written by the last release (schema version 0, see testdata/README.md) and by version 1 upgrades to
// version 2: managed values kept exactly, catalog facts dropped, reset_on_destroy true (its default) as on_destroy
// "reset" and false as "keep", no tenant (the next read records it) and no prior decision (not known: restore then
// sends nothing).
func TestControlProfileUpgradeState(t *testing.T) {
	raw, err := os.ReadFile("testdata/control_profile_state_v0.json")
	if err != nil {
		t.Fatal(err)
	}
	want := controlProfileResourceModelV2{ID: tfKnown("AdminMFAV2"), ControlID: tfKnown("AdminMFAV2"), State: tfKnown("ThirdParty"),
		AssignedTo: tfKnown("secops@contoso.com"), Comment: tfKnown("Enforced by the third-party IdP"),
		VendorInformation: serviceVendor, OnDestroy: tfKnown(onDestroyReset), ResetOnDestroy: tfKnown(true),
		Timeouts:  resourceTimeouts{Object: valueKnown, Read: tfKnown("2m")},
		UpdatedBy: tfKnown("11111111-1111-4111-8111-111111111111"), UpdatedDateTime: tfKnown("2026-12-02T06:40:09.1612495Z")}
	v1 := string(raw)
	for name := range controlProfileCatalogTypesV0 { // version 1 has no catalog facts
		v1 = dropJSONAttribute(t, v1, name)
	}
	keep := strings.Replace(v1, `"reset_on_destroy":true`, `"reset_on_destroy":false`, 1)
	wantKeep := want
	wantKeep.OnDestroy, wantKeep.ResetOnDestroy = tfKnown(onDestroyKeep), tfKnown(false)
	for name, tc := range map[string]struct {
		version int64
		state   string
		want    controlProfileResourceModelV2
	}{
		"version 0":                   {0, string(raw), want},
		"version 1":                   {1, v1, want},
		"version 1, no reset":         {1, keep, wantKeep},
		"version 1 of a later build":  {1, strings.Replace(v1, "{", `{"added_later":[1],`, 1), want},
		"version 1 without the reset": {1, dropJSONAttribute(t, v1, "reset_on_destroy"), func() controlProfileResourceModelV2 { w := want; w.ResetOnDestroy = tfBool{}; return w }()},
		"version 2 of a later build":  {2, `{"id":"X","tenant_id":"` + tenantA + `","on_destroy":"keep","added_later":{"a":"b"}}`, controlProfileResourceModelV2{ID: tfKnown("X"), TenantID: tfKnown(tenantA), OnDestroy: tfKnown(onDestroyKeep)}},
		"version 0, null":             {0, "null", controlProfileResourceModelV2{}},
		"version 1, null":             {1, " null ", controlProfileResourceModelV2{}},
		"version 2, through tftypes":  {2, `{"id":"X","on_destroy":"keep","reset_on_destroy":false,"timeouts":{"read":"1m"}}`, controlProfileResourceModelV2{ID: tfKnown("X"), OnDestroy: tfKnown(onDestroyKeep), ResetOnDestroy: tfKnown(false), Timeouts: resourceTimeouts{Object: valueKnown, Read: tfKnown("1m")}}},
	} {
		got, diags := upgradeProfile(t, tc.version, tc.state)
		if len(diags) > 0 || got != tc.want {
			t.Errorf("%s: %v\n got  %+v\n want %+v", name, diags, got, tc.want)
		}
	}

	// Strict on version 0: an attribute version 0 never had is corrupt state, not something to drop silently.
	if _, diags := upgradeProfile(t, 0, strings.Replace(string(raw), `"tier"`, `"no_such_attribute"`, 1)); len(diags) != 1 ||
		!strings.Contains(diags[0].Detail, "schema version 0") {
		t.Errorf("unknown version 0 attribute: %v", diags)
	}
	// Wrong types are errors at every version, never a silently emptied attribute.
	for version, bad := range map[int64]string{0: `{"id":1}`, 1: `{"id":"A","reset_on_destroy":"yes"}`, 2: `{"id":"A","timeouts":"1m"}`} {
		if _, diags := upgradeProfile(t, version, bad); len(diags) != 1 {
			t.Errorf("version %d %s: %v, want one error", version, bad, diags)
		}
	}
}

// The fast path of the current version reads exactly what the general one (tftypes) reads.
func TestControlProfileUpgradeFastPathMatchesGeneral(t *testing.T) {
	js := `{"id":"A","tenant_id":"` + tenantA + `","control_id":"A","state":"Ignored","assigned_to":null,"comment":"x",` +
		`"vendor_information":{"provider":"SecureScore","provider_version":null,"sub_provider":null,"vendor":"Microsoft","later":"x"},` +
		`"on_destroy":"restore","reset_on_destroy":null,"prior_decision":{"state":"Default","assigned_to":null,"comment":null},` +
		`"timeouts":null,"updated_by":null,"updated_date_time":null,"added_later":[1,2]}`
	var fast, general controlProfileResourceModelV2
	if err := controlProfileAttributes.decodeStateJSON([]byte(js), &fast); err != nil {
		t.Fatal(err)
	}
	v, err := (&tfprotov6.RawState{JSON: []byte(js)}).UnmarshalWithOpts(controlProfileAttributes.typ,
		tfprotov6.UnmarshalOpts{ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := controlProfileAttributes.fromTerraform(v, &general); err != nil || fast != general || fast.PriorDecision != priorDecisionOf(pristine) {
		t.Errorf("fast %+v, general %+v (%v)", fast, general, err)
	}
}

func dropJSONAttribute(t *testing.T, js, name string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		t.Fatal(err)
	}
	delete(m, name)
	return mustJSON(m)
}
