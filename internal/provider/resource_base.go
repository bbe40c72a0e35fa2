package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// resourceBase is what every resource shares: the provider data Configure hands over.
type resourceBase struct {
	data *providerData // nil until the provider is configured with known values
}

func (r *resourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, err := providerDataFrom(req.ProviderData)
	if err != nil {
		resp.Diagnostics.AddError("Unexpected provider data", err.Error())
		return
	}
	r.data = data
}

// writeTimeoutsBlock is the timeouts block of a resource whose writes retry throttled requests; only what
// delete does differs between resources.
func writeTimeoutsBlock(ctx context.Context, deleteDescription string) schema.Block {
	return timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true,
		CreateDescription: "How long a create may take, retries of throttled requests included. Default `30m`.",
		ReadDescription:   "How long a refresh may take, retries included. Default `5m`.",
		UpdateDescription: "How long an update may take, retries included. Default `30m`.",
		DeleteDescription: deleteDescription,
	})
}
