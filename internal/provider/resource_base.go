package provider

import (
	"context"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// resourceBase is what every resource shares: its type name and the provider data Configure hands over.
type resourceBase struct {
	typeName string        // after the provider's type name, e.g. "_secure_score"
	data     *providerData // nil until the provider is configured with known values
}

func (r *resourceBase) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + r.typeName
}

func (r *resourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	data, err := providerDataFrom(req.ProviderData)
	if err != nil {
		resp.Diagnostics.AddError("Unexpected provider data", err.Error())
		return
	}
	r.data = data
}

// startWriteIn returns the tenant (tenant_id, "" = the provider's) and the context for one write of what (e.g.
// "the secure score") there (see startWrite): bounded by the configured timeout (one of the timeouts block's
// Create, Update or Delete), and by Terraform's stop request only after stopGrace, so a PATCH already sent can
// still reach state; after the stop request none starts. A nil tenant means diags holds the reason; cancel is
// never nil.
func (r *resourceBase) startWriteIn(ctx context.Context, tenant, what string, timeout func(context.Context, time.Duration) (time.Duration, diag.Diagnostics),
	diags *diag.Diagnostics) (context.Context, context.CancelFunc, *tenantData) {
	t := requireTenant(r.data, tenant, diags)
	if t == nil {
		return ctx, func() {}, nil
	}
	d, tdiags := timeout(ctx, defaultWriteTimeout)
	diags.Append(tdiags...)
	if tdiags.HasError() {
		return ctx, func() {}, nil
	}
	ctx, cancel, err := startWrite(ctx, r.data, what+" of "+t.label(), d)
	if err != nil {
		diags.AddError(writeNotStartedSummary, err.Error())
		return ctx, cancel, nil
	}
	return ctx, cancel, t
}

// startReadIn returns the tenant (tenant_id as state records it, "" = the provider's) and the context for one
// refresh, bounded by the timeouts block's Read. With a nil tenant there is nothing to read with: the provider's
// configuration is not known yet (a plan-time refresh; a warning says that what, e.g. "secure score", keeps its
// previous state), no tenant can be had, or the timeout is invalid (diags says why). cancel is never nil.
func (r *resourceBase) startReadIn(ctx context.Context, tenant, what string, t timeouts.Value, diags *diag.Diagnostics) (context.Context, context.CancelFunc, *tenantData) {
	if r.data == nil {
		diags.AddWarning(strings.ToUpper(what[:1])+what[1:]+" not refreshed",
			"The securescore provider configuration holds values that are only known after apply, so the "+what+" was not read; the previous state is kept.")
		return ctx, func() {}, nil
	}
	td := requireTenant(r.data, tenant, diags)
	if td == nil {
		return ctx, func() {}, nil
	}
	ctx, cancel, ok := readContext(ctx, r.data, t.Read, diags)
	if !ok {
		return ctx, cancel, nil
	}
	return ctx, cancel, td
}

// readContext is ctx with data's log masks, bounded by the read timeout that timeout returns (the timeouts
// block's Read of a resource or data source). With ok false diags says why; cancel is never nil.
func readContext(ctx context.Context, data *providerData, timeout func(context.Context, time.Duration) (time.Duration, diag.Diagnostics),
	diags *diag.Diagnostics) (_ context.Context, _ context.CancelFunc, ok bool) {
	d, tdiags := timeout(ctx, defaultReadTimeout)
	diags.Append(tdiags...)
	if tdiags.HasError() {
		return ctx, func() {}, false
	}
	ctx, cancel := startRead(ctx, data, d)
	return ctx, cancel, true
}

// writeTimeoutDescriptions describe the timeouts of a resource whose writes retry throttled requests.
var writeTimeoutDescriptions = struct{ create, read, update string }{
	create: "How long a create may take, retries of throttled requests included. Default `30m`.",
	read:   "How long a refresh may take, retries included. Default `5m`.",
	update: "How long an update may take, retries included. Default `30m`.",
}

// writeTimeoutsBlock is the timeouts block of a resource whose writes retry throttled requests; only what
// delete does differs between resources.
func writeTimeoutsBlock(ctx context.Context, deleteDescription string) schema.Block {
	return timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true,
		CreateDescription: writeTimeoutDescriptions.create,
		ReadDescription:   writeTimeoutDescriptions.read,
		UpdateDescription: writeTimeoutDescriptions.update,
		DeleteDescription: deleteDescription,
	})
}
