package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

var (
	_ datasource.DataSource              = (*controlProfileDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*controlProfileDataSource)(nil)
)

// NewControlProfileDataSource returns the securescore_control_profile data source.
func NewControlProfileDataSource() datasource.DataSource {
	return &controlProfileDataSource{dataSourceBase{typeName: "_control_profile"}}
}

type controlProfileDataSource struct {
	dataSourceBase
}

// controlProfileDataSourceModelV0 is the securescore_control_profile data source.
type controlProfileDataSourceModelV0 struct {
	controlProfileModelV0
	dataSourceArgsV0
}

func (d *controlProfileDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := controlProfileDataSourceAttributes()
	attrs["tenant_id"] = tenantIDDataSourceAttribute()
	attrs["id"] = schema.StringAttribute{
		MarkdownDescription: "The control profile to read: the control's name, e.g. `AdminMFAV2` (some hold dots, e.g. " +
			"`11770.MDA_Google_EnableTwoFactorAuth`).",
		Required:   true,
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Microsoft Secure Score control profile (`microsoft.graph.secureScoreControlProfile`) of a " +
			"tenant (`tenant_id`, else the provider's) by id: " +
			"what the control is, what it is worth, what implementing it costs and changes, and its state history. " +
			"`state`, `assigned_to` and `comment` come from the newest `control_state_updates` entry.",
		Attributes: attrs,
		Blocks:     map[string]schema.Block{"timeouts": timeouts.Block(ctx)},
	}
}

func (d *controlProfileDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg controlProfileDataSourceModelV0
	d.read(ctx, req, resp, &cfg, func(ctx context.Context, tenant *tenantData, diags *diag.Diagnostics) *dataSourceAnswer {
		id := cfg.ID.ValueString()
		tflog.Debug(ctx, "Reading control profile", map[string]any{"id": id, "tenant": tenant.name})
		profile, err := tenant.client.GetControlProfile(ctx, id)
		if err != nil {
			diags.AddError("Unable to read the control profile", fmt.Sprintf("Control profile %q of %s: %s", id, tenant.label(), err))
			return nil
		}
		return &dataSourceAnswer{
			what:    fmt.Sprintf("Control profile %q", id),
			tenants: []string{profile.AzureTenantID},
			store:   func() diag.Diagnostics { return cfg.setFromGraph(profile) },
		}
	})
}
