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

// startRead returns the tenant to read (tenant_id, else the provider's) and ctx bounded by the configured read
// timeout. A nil tenant means diags holds the reason; cancel is never nil.
func (d *dataSourceBase) startRead(ctx context.Context, tenantID types.String, t timeouts.Value, diags *diag.Diagnostics) (context.Context, context.CancelFunc, *tenantData) {
	tenant := requireTenant(d.data, tenantID.ValueString(), diags)
	if tenant == nil {
		return ctx, func() {}, nil
	}
	ctx, cancel, ok := readContext(ctx, d.data, t.Read, diags)
	if !ok {
		return ctx, cancel, nil
	}
	return ctx, cancel, tenant
}

// readTenant is the tenant_id a data source records: the tenant Graph answered for (azureTenantId of each
// element; elements without one are not counted), which must be the tenant asked, else t's GUID when the answer
// names none. With ok false diags says why and nothing is to be recorded.
func readTenant(ctx context.Context, t *tenantData, what string, answered []string, diags *diag.Diagnostics) (_ types.String, ok bool) {
	id, err := t.guid(ctx)
	for _, a := range answered {
		if a == "" {
			continue
		}
		if err == nil && !strings.EqualFold(a, id) {
			diags.AddError("Answer from another tenant", answeredTenantError(what, id, a).Error())
			return types.StringNull(), false
		}
		if err != nil {
			id, err = strings.ToLower(a), nil // the answer says which tenant it is
		}
	}
	if err != nil {
		diags.AddError("Unable to read the tenant's id", err.Error())
		return types.StringNull(), false
	}
	return types.StringValue(id), true
}

// tenantIDDataSourceAttribute is the tenant_id argument of every data source.
func tenantIDDataSourceAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "The tenant to read, a GUID or a verified domain such as `contoso.onmicrosoft.com`. Defaults to the " +
			"provider's tenant. After the read it holds the tenant's GUID as Microsoft Graph reports it (`azureTenantId`); an " +
			"answer of another tenant is an error.",
		Optional:   true,
		Computed:   true,
		Validators: []validator.String{tenantIDValidator()},
	}
}
