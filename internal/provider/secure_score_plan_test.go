package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The secure score plans its tenant by the one rule (planTenant): before the provider is configured, tenant_id
// left out or naming state's tenant (by name or GUID) keeps it; another tenant_id, or one known only after apply,
// replaces the resource with a warning naming state's tenant (before the one rule there was no warning).
func TestSecureScorePlanTenant(t *testing.T) {
	ctx := context.Background()
	var schema resource.SchemaResponse
	(&secureScoreResource{}).Schema(ctx, resource.SchemaRequest{}, &schema)
	typ := schema.Schema.Type().TerraformType(ctx)
	withTenant := func(v tftypes.Value, id string) tftypes.Value {
		attrs := nullAttributes(typ)
		attrs["tenant_id"] = v
		if id != "" {
			attrs["id"] = tftypes.NewValue(tftypes.String, id)
		}
		return tftypes.NewValue(typ, attrs)
	}
	const contoso = "contoso.onmicrosoft.com"
	for _, tc := range []struct {
		name        string
		configured  tftypes.Value
		wantReplace bool
		wantTenant  types.String
		wantWarning string // "" = none
	}{
		{name: "left out: state's kept", configured: tftypes.NewValue(tftypes.String, nil), wantTenant: types.StringValue(contoso)},
		{name: "state's GUID: kept, as configured", configured: tftypes.NewValue(tftypes.String, tenantA), wantTenant: types.StringValue(tenantA)},
		{name: "another tenant: replaced", configured: tftypes.NewValue(tftypes.String, tenantB), wantReplace: true,
			wantTenant: types.StringValue(tenantB), wantWarning: "Secure score replaced: its tenant cannot be checked yet"},
		{name: "known only after apply: replaced", configured: tftypes.NewValue(tftypes.String, tftypes.UnknownValue), wantReplace: true,
			wantTenant: types.StringUnknown(), wantWarning: "Secure score replaced: its tenant is known only after apply"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			state := secureScoreResourceModelV2{TenantID: types.StringValue(contoso)}
			state.ID = types.StringValue(tenantA)
			resp := resource.ModifyPlanResponse{Plan: tfsdk.Plan{Schema: schema.Schema, Raw: withTenant(tftypes.NewValue(tftypes.String, contoso), tenantA)}} // as proposed
			(&secureScoreResource{}).planTenant(ctx, tfsdk.Config{Schema: schema.Schema, Raw: withTenant(tc.configured, "")}, &state, &resp)
			if resp.Diagnostics.HasError() {
				t.Fatalf("diagnostics: %v", resp.Diagnostics)
			}
			var tenant, id types.String
			resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("tenant_id"), &tenant)...)
			resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("id"), &id)...)
			if !tenant.Equal(tc.wantTenant) || (len(resp.RequiresReplace) > 0) != tc.wantReplace {
				t.Errorf("planned tenant_id %s, replace %v; want %s, %v", tenant, resp.RequiresReplace, tc.wantTenant, tc.wantReplace)
			}
			if wantID := types.StringValue(tenantA); !tc.wantReplace && !id.Equal(wantID) {
				t.Errorf("planned id %s, want state's %s", id, wantID)
			}
			var warnings []string
			for _, d := range resp.Diagnostics.Warnings() {
				warnings = append(warnings, d.Summary()+": "+d.Detail())
			}
			got := strings.Join(warnings, "\n")
			if (got == "") != (tc.wantWarning == "") || !strings.Contains(got, tc.wantWarning) ||
				(tc.wantWarning != "" && !strings.Contains(got, `records tenant "`+contoso+`" (GUID `+tenantA+`)`)) {
				t.Errorf("warnings %q, want %q naming state's tenant", got, tc.wantWarning)
			}
		})
	}
}
