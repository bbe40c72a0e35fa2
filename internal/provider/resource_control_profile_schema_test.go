package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// A configuration as Terraform sends it: everything null but what the test sets.
func profileConfigValue(t *testing.T, change func(*controlProfileResourceModelV1)) *tfprotov6.DynamicValue {
	t.Helper()
	m := nullControlProfileModel()
	m.ControlID, m.State = types.StringValue("AdminMFAV2"), types.StringValue("Reviewed")
	change(&m)
	dv, err := m.toDynamicValue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return dv
}

func TestValidateControlProfileConfig(t *testing.T) {
	vendor := func(provider attr.Value) types.Object {
		return types.ObjectValueMust(vendorInformationType.AttrTypes, map[string]attr.Value{
			"provider": provider, "provider_version": types.StringNull(), "sub_provider": types.StringNull(), "vendor": types.StringValue("Microsoft")})
	}
	timeout := func(create string) timeouts.Value {
		return timeouts.Value{Object: types.ObjectValueMust(profileTimeoutsType.AttrTypes, map[string]attr.Value{
			"create": types.StringValue(create), "read": types.StringNull(), "update": types.StringNull(), "delete": types.StringNull()})}
	}
	for name, tc := range map[string]struct {
		change func(*controlProfileResourceModelV1)
		want   string // "" = valid
	}{
		"valid": {func(m *controlProfileResourceModelV1) {}, ""},
		"unknown values": {func(m *controlProfileResourceModelV1) {
			m.State, m.Comment = types.StringUnknown(), types.StringUnknown()
		}, ""},
		"state":              {func(m *controlProfileResourceModelV1) { m.State = types.StringValue("Resolved") }, `state value must be one of: ["Default" "Ignored" "ThirdParty" "Reviewed"], got: "Resolved"`},
		"empty comment":      {func(m *controlProfileResourceModelV1) { m.Comment = types.StringValue("") }, "comment string length must be at least 1"},
		"empty assigned_to":  {func(m *controlProfileResourceModelV1) { m.AssignedTo = types.StringValue("") }, "assigned_to string length must be at least 1"},
		"empty control_id":   {func(m *controlProfileResourceModelV1) { m.ControlID = types.StringValue("") }, "control_id string length must be at least 1"},
		"empty vendor field": {func(m *controlProfileResourceModelV1) { m.VendorInformation = vendor(types.StringValue("")) }, "vendor_information.provider string length"},
		"valid timeout":      {func(m *controlProfileResourceModelV1) { m.Timeouts = timeout("2h45m") }, ""},
		"bad timeout":        {func(m *controlProfileResourceModelV1) { m.Timeouts = timeout("ten minutes") }, `timeouts.create must be a duration`},
	} {
		diags := validateControlProfileConfig(context.Background(), profileConfigValue(t, tc.change))
		switch {
		case tc.want == "" && len(diags) > 0:
			t.Errorf("%s: unexpected %s: %s", name, diags[0].Summary, diags[0].Detail)
		case tc.want != "" && (len(diags) != 1 || !strings.Contains(diags[0].Detail, tc.want) || diags[0].Attribute == nil):
			t.Errorf("%s: want one error with an attribute path containing %q, got %d: %v", name, tc.want, len(diags), diags)
		}
	}
}

// The schema and the value type are written separately; Terraform rejects a provider whose values do not match.
func TestControlProfileSchemaMatchesValueType(t *testing.T) {
	s := controlProfileResourceSchema()
	got := map[string]bool{}
	for _, a := range s.Block.Attributes {
		if got[a.Name] {
			t.Errorf("attribute %s declared twice", a.Name)
		}
		got[a.Name] = true
		if a.Description == "" {
			t.Errorf("attribute %s has no description", a.Name)
		}
	}
	for _, b := range s.Block.BlockTypes {
		got[b.TypeName] = true
	}
	if len(got) != len(controlProfileResourceType.AttributeTypes) {
		t.Errorf("schema has %d attributes and blocks, value type %d", len(got), len(controlProfileResourceType.AttributeTypes))
	}
	for name := range controlProfileResourceType.AttributeTypes {
		if !got[name] {
			t.Errorf("value type attribute %s is not in the schema", name)
		}
	}
	if !s.ValueType().Equal(controlProfileResourceType) {
		t.Errorf("schema type %s differs from the value type %s", s.ValueType(), controlProfileResourceType)
	}
}
