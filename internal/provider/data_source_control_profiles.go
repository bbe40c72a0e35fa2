package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
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
	TenantID          types.String   `tfsdk:"tenant_id"`
	ControlCategory   types.String   `tfsdk:"control_category"`
	Service           types.String   `tfsdk:"service"`
	Tier              types.String   `tfsdk:"tier"`
	IncludeDeprecated types.Bool     `tfsdk:"include_deprecated"`
	IDs               types.List     `tfsdk:"ids"`
	ControlProfiles   types.List     `tfsdk:"control_profiles"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
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
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, tenant := d.startRead(ctx, cfg.TenantID, cfg.Timeouts, &resp.Diagnostics)
	defer cancel()
	if tenant == nil {
		return
	}

	filter := cfg.serverFilter()
	tflog.Debug(ctx, "Listing control profiles", map[string]any{"filter": filter, "tenant": tenant.name})
	list, err := tenant.client.ListControlProfiles(ctx, graph.ListOptions{Filter: filter})
	if err != nil {
		resp.Diagnostics.AddError("Unable to list control profiles", fmt.Sprintf("The control profiles of %s: %s", tenant.label(), err))
		return
	}
	answered := make([]string, len(list.Value))
	for i := range list.Value {
		answered[i] = list.Value[i].AzureTenantID
	}
	var ok bool
	if cfg.TenantID, ok = readTenant(ctx, tenant, cfg.TenantID, "The control profile list", answered, &resp.Diagnostics); !ok {
		return
	}
	includeDeprecated := cfg.IncludeDeprecated.ValueBool()
	profiles := make([]controlProfileModelV0, 0, len(list.Value))
	ids := make([]string, 0, len(list.Value))
	for i := range list.Value {
		p := &list.Value[i]
		if !includeDeprecated && p.Deprecated != nil && *p.Deprecated {
			continue
		}
		var m controlProfileModelV0
		resp.Diagnostics.Append(m.setFromGraph(p)...)
		profiles = append(profiles, m)
		ids = append(ids, p.ID)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	controlProfiles, diags := types.ListValueFrom(ctx, controlProfileType, profiles)
	cfg.ControlProfiles = controlProfiles
	resp.Diagnostics.Append(diags...)
	cfg.IDs, diags = types.ListValueFrom(ctx, types.StringType, ids)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
