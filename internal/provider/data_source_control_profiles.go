package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

var (
	_ datasource.DataSource              = (*controlProfilesDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*controlProfilesDataSource)(nil)
)

// NewControlProfilesDataSource returns the securescore_control_profiles data source.
func NewControlProfilesDataSource() datasource.DataSource {
	return &controlProfilesDataSource{dataSourceBase{typeName: "_control_profiles"}}
}

type controlProfilesDataSource struct {
	dataSourceBase
}

// controlProfilesDataSourceModelV0 is the securescore_control_profiles data source.
type controlProfilesDataSourceModelV0 struct {
	dataSourceArgsV0
	ControlCategory   types.String `tfsdk:"control_category"`
	Service           types.String `tfsdk:"service"`
	Tier              types.String `tfsdk:"tier"`
	IncludeDeprecated types.Bool   `tfsdk:"include_deprecated"`
	IDs               types.List   `tfsdk:"ids"`
	ControlProfiles   types.List   `tfsdk:"control_profiles"`
}

func (d *controlProfilesDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	filter := func(prop, example string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("Only profiles whose `%s` equals this value, e.g. `%s` (sent as `$filter=%s eq '…'`).", prop, example, prop),
			Optional:            true,
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists a tenant's (`tenant_id`, else the provider's) Microsoft Secure Score control profiles (`GET /security/secureScoreControlProfiles`), " +
			"following `@odata.nextLink` to the end, in the order Graph returns them. `control_category`, `service` and `tier` " +
			"are sent to Graph as one `$filter` of `eq` clauses; deprecated controls are left out on the provider's side unless " +
			"`include_deprecated = true`.",
		Attributes: map[string]schema.Attribute{
			"tenant_id":        tenantIDDataSourceAttribute(),
			"control_category": filter("controlCategory", "Identity"),
			"service":          filter("service", "AzureAD"),
			"tier":             filter("tier", "Core"),
			"include_deprecated": schema.BoolAttribute{
				MarkdownDescription: "Whether deprecated controls (no longer counted in the score) are included. Default `false`.",
				Optional:            true,
			},
			"ids": schema.ListAttribute{
				MarkdownDescription: "The ids of the profiles found, in the same order as `control_profiles` (handy for `for_each`).",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"control_profiles": schema.ListNestedAttribute{
				MarkdownDescription: "The profiles found.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: controlProfileDataSourceAttributes()},
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeouts.Block(ctx)},
	}
}

// serverFilter is the $filter for the configured string filters, "" when none is set.
func (m *controlProfilesDataSourceModelV0) serverFilter() string {
	var clauses []string
	for _, f := range []struct {
		prop string
		v    types.String
	}{{"controlCategory", m.ControlCategory}, {"service", m.Service}, {"tier", m.Tier}} {
		if known(f.v) {
			clauses = append(clauses, fmt.Sprintf("%s eq '%s'", f.prop, strings.ReplaceAll(f.v.ValueString(), "'", "''")))
		}
	}
	return strings.Join(clauses, " and ")
}

func (d *controlProfilesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg controlProfilesDataSourceModelV0
	d.read(ctx, req, resp, &cfg, func(ctx context.Context, tenant *tenantData, diags *diag.Diagnostics) *dataSourceAnswer {
		filter := cfg.serverFilter()
		tflog.Debug(ctx, "Listing control profiles", map[string]any{"filter": filter, "tenant": tenant.name})
		list, err := tenant.client.ListControlProfiles(ctx, graph.ListOptions{Filter: filter})
		if err != nil {
			diags.AddError("Unable to list control profiles", fmt.Sprintf("The control profiles of %s: %s", tenant.label(), err))
			return nil
		}
		answered := make([]string, len(list.Value))
		for i := range list.Value {
			answered[i] = list.Value[i].AzureTenantID
		}
		return &dataSourceAnswer{what: "The control profile list", tenants: answered, store: func() diag.Diagnostics {
			return cfg.setFromGraph(ctx, list.Value)
		}}
	})
}

// setFromGraph writes the profiles listed, deprecated ones left out unless include_deprecated, and their ids.
func (m *controlProfilesDataSourceModelV0) setFromGraph(ctx context.Context, listed []graph.SecureScoreControlProfile) diag.Diagnostics {
	var diags diag.Diagnostics
	includeDeprecated := m.IncludeDeprecated.ValueBool()
	profiles := make([]controlProfileModelV0, 0, len(listed))
	ids := make([]string, 0, len(listed))
	for i := range listed {
		p := &listed[i]
		if !includeDeprecated && p.Deprecated != nil && *p.Deprecated {
			continue
		}
		var profile controlProfileModelV0
		diags.Append(profile.setFromGraph(p)...)
		profiles = append(profiles, profile)
		ids = append(ids, p.ID)
	}
	if diags.HasError() {
		return diags
	}
	var d diag.Diagnostics
	m.ControlProfiles, d = types.ListValueFrom(ctx, controlProfileType, profiles)
	diags.Append(d...)
	m.IDs, d = types.ListValueFrom(ctx, types.StringType, ids)
	diags.Append(d...)
	return diags
}
