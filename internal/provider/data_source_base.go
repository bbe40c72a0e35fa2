package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
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

// startRead returns the Graph client and ctx bounded by the configured read timeout. A nil client means diags
// holds the reason; cancel is never nil.
func (d *dataSourceBase) startRead(ctx context.Context, t timeouts.Value, diags *diag.Diagnostics) (context.Context, context.CancelFunc, *graph.Client) {
	client := requireClient(d.data, diags)
	if client == nil {
		return ctx, func() {}, nil
	}
	ctx, cancel, ok := readContext(ctx, d.data, t.Read, diags)
	if !ok {
		return ctx, cancel, nil
	}
	return ctx, cancel, client
}
