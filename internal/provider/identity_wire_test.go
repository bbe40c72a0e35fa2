package provider

import (
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// An identity written straight as msgpack reads back through tftypes, as Terraform reads it, with every attribute;
// decode gives the values back in the schema's order.
func TestStringIdentityRoundTrip(t *testing.T) {
	const tenant, control = "00000000-0000-0000-0000-000000000001", "AdminMFAV2"
	data, err := controlProfileIdentityOf(tenant, control)
	if err != nil {
		t.Fatal(err)
	}
	v, err := data.IdentityData.Unmarshal(controlProfileIdentity.objectType())
	if err != nil {
		t.Fatalf("tftypes cannot read the identity: %v", err)
	}
	want := tftypes.NewValue(controlProfileIdentity.objectType(), map[string]tftypes.Value{
		"tenant_id": tftypes.NewValue(tftypes.String, tenant), "control_id": tftypes.NewValue(tftypes.String, control),
	})
	if !v.Equal(want) {
		t.Errorf("identity %v, want %v", v, want)
	}
	gotTenant, gotControl, err := controlProfileFromIdentity(data)
	if err != nil || gotTenant != tenant || gotControl != control {
		t.Errorf("decoded %q, %q, %v", gotTenant, gotControl, err)
	}
}

// An import block may leave tenant_id out (the provider's tenant): it decodes as "". An identity with an empty
// value is never written.
func TestStringIdentityOptionalTenant(t *testing.T) {
	dv, err := tfprotov6.NewDynamicValue(baselineIdentity.objectType(), tftypes.NewValue(baselineIdentity.objectType(),
		map[string]tftypes.Value{"tenant_id": tftypes.NewValue(tftypes.String, nil)}))
	if err != nil {
		t.Fatal(err)
	}
	tenant, err := baselineFromIdentity(&tfprotov6.ResourceIdentityData{IdentityData: &dv})
	if err != nil || tenant != "" {
		t.Errorf("null tenant_id decoded as %q, %v; want \"\"", tenant, err)
	}
	if _, err := baselineIdentityOf(""); err == nil {
		t.Error("an identity without its tenant was written")
	}
}

// The schemas say which attribute an import needs: control_id, not tenant_id (the provider's by default).
func TestIdentitySchemas(t *testing.T) {
	for name, s := range map[string]*tfprotov6.ResourceIdentitySchema{
		controlProfileTypeName: controlProfileIdentity.schema(), baselineTypeName: baselineIdentity.schema(),
	} {
		var required, optional []string
		for _, a := range s.IdentityAttributes {
			if a.Description == "" || !a.Type.Is(tftypes.String) {
				t.Errorf("%s.%s: no description or not a string", name, a.Name)
			}
			if a.RequiredForImport {
				required = append(required, a.Name)
			}
			if a.OptionalForImport {
				optional = append(optional, a.Name)
			}
		}
		wantRequired := map[string][]string{controlProfileTypeName: {"control_id"}, baselineTypeName: nil}[name]
		if !slices.Equal(required, wantRequired) || !slices.Equal(optional, []string{"tenant_id"}) {
			t.Errorf("%s: required %v, optional %v; want %v and [tenant_id]", name, required, optional, wantRequired)
		}
	}
}

// UpgradeResourceIdentity reads an identity of the current version from its JSON and refuses any other version,
// saying what to do.
func TestStringIdentityUpgrade(t *testing.T) {
	resp := controlProfileIdentity.upgrade(&tfprotov6.UpgradeResourceIdentityRequest{Version: 0, RawIdentity: &tfprotov6.RawState{
		JSON: []byte(`{"tenant_id":"00000000-0000-0000-0000-000000000001","control_id":"OneAdmin"}`)}}, "control profile")
	if len(resp.Diagnostics) != 0 {
		t.Fatalf("diagnostics: %v", resp.Diagnostics[0])
	}
	tenant, control, err := controlProfileFromIdentity(resp.UpgradedIdentity)
	if err != nil || tenant != "00000000-0000-0000-0000-000000000001" || control != "OneAdmin" {
		t.Errorf("upgraded to %q, %q, %v", tenant, control, err)
	}
	resp = controlProfileIdentity.upgrade(&tfprotov6.UpgradeResourceIdentityRequest{Version: 3, RawIdentity: &tfprotov6.RawState{JSON: []byte(`{}`)}}, "control profile")
	if len(resp.Diagnostics) != 1 || !strings.Contains(resp.Diagnostics[0].Detail, "version 3") || resp.UpgradedIdentity != nil {
		t.Errorf("version 3: %+v", resp)
	}
}

// BenchmarkControlProfileIdentity: every refresh of a control returns its identity, so it is written straight as
// msgpack; the tftypes path is the alternative it replaces.
func BenchmarkControlProfileIdentity(b *testing.B) {
	const tenant, control = "00000000-0000-0000-0000-000000000001", "AdminMFAV2"
	b.Run("msgpack", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := controlProfileIdentityOf(tenant, control); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("tftypes", func(b *testing.B) {
		b.ReportAllocs()
		typ := controlProfileIdentity.objectType()
		for b.Loop() {
			v := tftypes.NewValue(typ, map[string]tftypes.Value{
				"tenant_id": tftypes.NewValue(tftypes.String, tenant), "control_id": tftypes.NewValue(tftypes.String, control),
			})
			if _, err := tfprotov6.NewDynamicValue(typ, v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
