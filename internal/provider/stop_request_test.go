package provider

import (
	"context"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// Under load Terraform may send ApplyResourceChange after StopProvider (Ctrl-C); terraform-plugin-go cancels only
// the calls already running, so without the recorded stop such a write would start and PATCH after Ctrl-C. Each
// resource is planned, the provider is asked to stop, and the apply that follows sends nothing, says so naming
// the object, and leaves state as it was.
func TestWriteAfterStopProviderIsNotStarted(t *testing.T) {
	ctx := context.Background()
	emu, err := emulator.New(emulator.Config{})
	if err != nil {
		t.Fatal(err)
	}
	s, schemas, providerConfig := serveAgainst(t, emu, emu.Config().ClientSecret, NewProtocol6Server("test"))
	conf, err := s.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: providerConfig})
	mustNoDiagnostics(t, err, conf.Diagnostics)
	control := emu.ControlProfileIDs()[0]
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	typeOf := func(name string) tftypes.Type { return schemas.ResourceSchemas[name].ValueType() }
	dynamic := func(typ tftypes.Type, attrs map[string]tftypes.Value) *tfprotov6.DynamicValue {
		v := tftypes.NewValue(typ, nil)
		if attrs != nil {
			v = tftypes.NewValue(typ, attrs)
		}
		dv, err := tfprotov6.NewDynamicValue(typ, v)
		if err != nil {
			t.Fatal(err)
		}
		return &dv
	}
	configOf := func(name string, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
		attrs := nullAttributes(typeOf(name))
		for k, v := range set {
			attrs[k] = v
		}
		return dynamic(typeOf(name), attrs)
	}
	controlType := typeOf(baselineTypeName).(tftypes.Object).AttributeTypes["controls"].(tftypes.Map).ElementType
	creates := []struct {
		typeName string
		config   *tfprotov6.DynamicValue
		names    string // what the error names
	}{
		{controlProfileTypeName, configOf(controlProfileTypeName, map[string]tftypes.Value{"control_id": str(control), "state": str("Ignored")}),
			`control profile "` + control + `" in tenant "`},
		{baselineTypeName, configOf(baselineTypeName, map[string]tftypes.Value{"controls": tftypes.NewValue(tftypes.Map{ElementType: controlType},
			map[string]tftypes.Value{control: tftypes.NewValue(controlType, map[string]tftypes.Value{"state": str("Ignored"),
				"assigned_to": tftypes.NewValue(tftypes.String, nil), "comment": tftypes.NewValue(tftypes.String, nil)})})}),
			`the baseline of tenant "`},
		{"securescore_secure_score", configOf("securescore_secure_score", map[string]tftypes.Value{
			"active_user_count": tftypes.NewValue(tftypes.Number, big.NewFloat(23))}), `the secure score of tenant "`},
	}
	planned := make([]*tfprotov6.DynamicValue, len(creates))
	for i, c := range creates {
		null := dynamic(typeOf(c.typeName), nil)
		plan, err := s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: c.typeName, PriorState: null,
			ProposedNewState: c.config, Config: c.config})
		mustNoDiagnostics(t, err, plan.Diagnostics)
		planned[i] = plan.PlannedState
	}

	if _, err := s.StopProvider(ctx, &tfprotov6.StopProviderRequest{}); err != nil {
		t.Fatal(err)
	}
	for i, c := range creates {
		null := dynamic(typeOf(c.typeName), nil)
		resp, err := s.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: c.typeName, PriorState: null,
			PlannedState: planned[i], Config: c.config})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityError ||
			resp.Diagnostics[0].Summary != writeNotStartedSummary || !strings.Contains(resp.Diagnostics[0].Detail, c.names) ||
			!strings.Contains(resp.Diagnostics[0].Detail, "nothing was sent to Microsoft Graph and Terraform state is unchanged") {
			t.Errorf("%s: diagnostics %s, want one error %q naming %s", c.typeName, diagText(resp.Diagnostics), writeNotStartedSummary, c.names)
		}
		if v, err := resp.NewState.Unmarshal(typeOf(c.typeName)); err != nil || !v.IsNull() {
			t.Errorf("%s: a new state was returned (%v), want none", c.typeName, err)
		}
	}
	for _, j := range emu.Journal() {
		if j.Method == "PATCH" {
			t.Errorf("PATCH %s sent after StopProvider", j.Path)
		}
	}
}
