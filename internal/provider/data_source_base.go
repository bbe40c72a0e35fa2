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
