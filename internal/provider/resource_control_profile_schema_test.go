package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// profileConfigValue is a configuration as Terraform sends it: everything null but what the test sets.
func profileConfigValue(t *testing.T, change func(*controlProfileResourceModelV2)) *tfprotov6.DynamicValue {
	t.Helper()
	m := controlProfileResourceModelV2{ControlID: tfKnown("AdminMFAV2"), State: tfKnown("Reviewed")}
	change(&m)
	dv, err := controlProfileAttributes.encode(&m)
	if err != nil {
		t.Fatal(err)
	}
	return dv
}

func TestValidateControlProfileConfig(t *testing.T) {
	vendor := func(provider tfString) vendorInformation {
		return vendorInformation{Object: valueKnown, Provider: provider, Vendor: tfKnown("Microsoft")}
	}
	timeout := func(create string) resourceTimeouts {
		return resourceTimeouts{Object: valueKnown, Create: tfKnown(create)}
	}
	for name, tc := range map[string]struct {
		change func(*controlProfileResourceModelV2)
		path   string // of the one error; "" = valid
		want   string
	}{
		"valid": {func(m *controlProfileResourceModelV2) {}, "", ""},
		"unknown values": {func(m *controlProfileResourceModelV2) {
			m.State, m.Comment = tfUnknown[string](), tfUnknown[string]()
		}, "", ""},
		"state":              {func(m *controlProfileResourceModelV2) { m.State = tfKnown("Resolved") }, "state", `"Resolved" is not a control state; expected "Default", "Ignored", "ThirdParty" or "Reviewed"`},
		"empty comment":      {func(m *controlProfileResourceModelV2) { m.Comment = tfKnown("") }, "comment", "an empty string is not accepted"},
		"empty assigned_to":  {func(m *controlProfileResourceModelV2) { m.AssignedTo = tfKnown("") }, "assigned_to", "an empty string is not accepted"},
		"empty control_id":   {func(m *controlProfileResourceModelV2) { m.ControlID = tfKnown("") }, "control_id", "an empty string"},
		"empty vendor field": {func(m *controlProfileResourceModelV2) { m.VendorInformation = vendor(tfKnown("")) }, "vendor_information.provider", "empty"},
		"valid timeout":      {func(m *controlProfileResourceModelV2) { m.Timeouts = timeout("2h45m") }, "", ""},
		"bad timeout":        {func(m *controlProfileResourceModelV2) { m.Timeouts = timeout("ten minutes") }, "timeouts.create", `"ten minutes" is not a duration`},
	} {
		resp, err := newControlProfileServer().ValidateResourceConfig(context.Background(),
			&tfprotov6.ValidateResourceConfigRequest{TypeName: controlProfileTypeName, Config: profileConfigValue(t, tc.change)})
		if err != nil {
			t.Fatal(err)
		}
		diags := resp.Diagnostics
		switch {
		case tc.path == "" && len(diags) > 0:
			t.Errorf("%s: unexpected %s: %s", name, diags[0].Summary, diags[0].Detail)
		case tc.path != "" && (len(diags) != 1 || !strings.Contains(diags[0].Detail, tc.want) ||
			!diags[0].Attribute.Equal(attrPathOf(strings.Split(tc.path, ".")...).proto())):
			t.Errorf("%s: want one error at %s containing %q, got %d: %v", name, tc.path, tc.want, len(diags), diags)
		}
	}
}
