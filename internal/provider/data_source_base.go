package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// dataSourceBase is what every data source shares: its type name, the provider data Configure hands over, and
// the start of Read.
type dataSourceBase struct {
	typeName string // after the provider's type name, e.g. "_secure_score"
	data     *providerData
}

func (d *dataSourceBase) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + d.typeName
}

func (d *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	data, err := providerDataFrom(req.ProviderData)
	if err != nil {
		resp.Diagnostics.AddError("Unexpected provider data", err.Error())
		return
	}
	d.data = data
}

// dataSourceArgsV0 are the arguments every data source takes, embedded in each one's model: the tenant to read
// and the read timeout.
type dataSourceArgsV0 struct {
	TenantID types.String   `tfsdk:"tenant_id"`
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (a *dataSourceArgsV0) args() *dataSourceArgsV0 { return a }

// dataSourceModel is a data source's model: what Read decodes the configuration into and saves as state.
type dataSourceModel interface{ args() *dataSourceArgsV0 }

// dataSourceAnswer is what a data source read from Graph, before it is known to be the tenant's.
type dataSourceAnswer struct {
	what    string                  // names what was read in errors, e.g. `Control profile "AdminMFAV2"`
	tenants []string                // the azureTenantId of each element read
	store   func() diag.Diagnostics // writes the answer into the model
}

// read is the Read of every data source. It decodes the configuration into cfg, then fetch asks Graph, in the
// tenant (tenant_id, else the provider's) and within the read timeout; a nil answer means fetch added the reason
// to diags. The answer is stored and cfg saved as state only when it is the tenant's (readTenant), with tenant_id
// as configured, else the tenant's GUID.
func (d *dataSourceBase) read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse, cfg dataSourceModel,
	fetch func(context.Context, *tenantData, *diag.Diagnostics) *dataSourceAnswer) {
	resp.Diagnostics.Append(req.Config.Get(ctx, cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	args := cfg.args()
	tenant := requireTenant(d.data, args.TenantID.ValueString(), &resp.Diagnostics)
	if tenant == nil {
		return
	}
	ctx, cancel, ok := readContext(ctx, d.data, args.Timeouts.Read, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	answer := fetch(ctx, tenant, &resp.Diagnostics)
	if answer == nil {
		return
	}
	if args.TenantID, ok = readTenant(ctx, tenant, args.TenantID, answer.what, answer.tenants, &resp.Diagnostics); !ok {
		return
	}
	resp.Diagnostics.Append(answer.store()...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

// readTenant checks that Graph answered for the tenant asked (azureTenantId of each element; elements without one
// are not counted) and returns the tenant_id a data source records: as configured (Terraform keeps a configured
// value as written), else the tenant's GUID. With ok false diags says why and nothing is to be recorded.
func readTenant(ctx context.Context, t *tenantData, configured types.String, what string, answered []string, diags *diag.Diagnostics) (_ types.String, ok bool) {
	id, err := t.guid(ctx)
	for _, a := range answered {
		if a == "" {
			continue
		}
		if err != nil {
			id, err = strings.ToLower(a), nil // the first answer says which tenant it is; the others must agree
		}
		if !strings.EqualFold(a, id) {
			diags.AddError("Answer from another tenant", answeredTenantError(what, id, a).Error()+".")
			return types.StringNull(), false
		}
	}
	switch {
	case configured.ValueString() != "":
		return configured, true
	case err != nil:
		diags.AddError("Unable to read the tenant's id", err.Error())
		return types.StringNull(), false
	}
	return types.StringValue(id), true
}

// tenantIDDataSourceAttribute is the tenant_id argument of every data source.
func tenantIDDataSourceAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "The tenant to read, a GUID or a verified domain such as `contoso.onmicrosoft.com`. Defaults to the " +
			"provider's tenant, and then holds the tenant's GUID (`azureTenantId`). An answer of another tenant than the one " +
			"asked is an error.",
		Optional:   true,
		Computed:   true,
		Validators: []validator.String{tenantIDValidator()},
	}
}
