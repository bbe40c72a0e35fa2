package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var (
	_ resource.Resource                 = (*controlProfileResource)(nil)
	_ resource.ResourceWithConfigure    = (*controlProfileResource)(nil)
	_ resource.ResourceWithImportState  = (*controlProfileResource)(nil)
	_ resource.ResourceWithModifyPlan   = (*controlProfileResource)(nil)
	_ resource.ResourceWithUpgradeState = (*controlProfileResource)(nil)
	_ provider.Provider                 = (*benchFrameworkProvider)(nil)
)

// controlProfileResource is securescore_control_profile written on terraform-plugin-framework, kept only to
// measure against controlProfileServer (BenchmarkControlProfilePlanInstanceFramework): the same schema, rules
// and Graph calls, with the framework doing the protocol. The A/B of issue 13 measured it at several times the
// raw server's CPU per instance, so the resource stays on terraform-plugin-go (see controlProfileServer).
type controlProfileResource struct {
	resourceBase
}

// ops is the shared read/write code bound to this resource's provider data.
func (r *controlProfileResource) ops() *controlProfileServer {
	s := &controlProfileServer{}
	if r.data != nil {
		s.data.Store(r.data)
		s.profiles.Store(r.data.profiles)
	}
	return s
}

func (r *controlProfileResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = controlProfileTypeName
}

func (r *controlProfileResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	raw := controlProfileResourceSchema()
	desc := map[string]string{}
	for _, a := range raw.Block.Attributes {
		desc[a.Name] = a.Description
	}
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	resp.Schema = schema.Schema{
		Version:             controlProfileSchemaVersion,
		MarkdownDescription: raw.Block.Description,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{MarkdownDescription: desc["id"], Computed: true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"control_id": schema.StringAttribute{MarkdownDescription: desc["control_id"], Required: true, Validators: nonEmpty,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"state": schema.StringAttribute{MarkdownDescription: desc["state"], Required: true,
				Validators: []validator.String{stringvalidator.OneOf(controlStates...)}},
			"assigned_to": schema.StringAttribute{MarkdownDescription: desc["assigned_to"], Optional: true, Validators: nonEmpty},
			"comment":     schema.StringAttribute{MarkdownDescription: desc["comment"], Optional: true, Validators: nonEmpty},
			"vendor_information": schema.SingleNestedAttribute{MarkdownDescription: desc["vendor_information"], Optional: true, Computed: true,
				Default: objectdefault.StaticValue(defaultVendorInformation),
				Attributes: map[string]schema.Attribute{
					"provider":         schema.StringAttribute{MarkdownDescription: "`provider`: the product or service, e.g. `SecureScore`. Required by Graph.", Required: true, Validators: nonEmpty},
					"provider_version": schema.StringAttribute{MarkdownDescription: "`providerVersion`: the version of the provider.", Optional: true},
					"sub_provider":     schema.StringAttribute{MarkdownDescription: "`subProvider`: the sub-component of the provider.", Optional: true},
					"vendor":           schema.StringAttribute{MarkdownDescription: "`vendor`: the vendor, e.g. `Microsoft`. Required by Graph.", Required: true, Validators: nonEmpty},
				}},
			"reset_on_destroy": schema.BoolAttribute{MarkdownDescription: desc["reset_on_destroy"], Optional: true, Computed: true,
				Default: booldefault.StaticBool(true)},
			"updated_by":        schema.StringAttribute{MarkdownDescription: desc["updated_by"], Computed: true},
			"updated_date_time": schema.StringAttribute{MarkdownDescription: desc["updated_date_time"], Computed: true},
		},
		Blocks: map[string]schema.Block{
			"timeouts": writeTimeoutsBlock(ctx, "How long the reset on destroy may take, retries included. Default `30m`."),
		},
	}
}

// ModifyPlan keeps every value only the service sets when no PATCH is due (only reset_on_destroy or timeouts
// changed): the framework marks them unknown on any change.
func (r *controlProfileResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || req.State.Raw.IsNull() || req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	var plan, prior controlProfileResourceModelV1
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() || plan.needsPatch(&prior) {
		return
	}
	keep := prior
	keep.ResetOnDestroy, keep.Timeouts = plan.ResetOnDestroy, plan.Timeouts
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &keep)...)
}

func (r *controlProfileResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state controlProfileResourceModelV1
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.ops().read(ctx, &state, &resp.Diagnostics) {
		resp.State.RemoveResource(ctx)
		return
	}
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	}
}

func (r *controlProfileResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan controlProfileResourceModelV1
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if written := r.ops().write(ctx, &plan, plan.Timeouts.Create, &resp.Diagnostics); written != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, written)...)
	}
}

func (r *controlProfileResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior controlProfileResourceModelV1
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	resp.State.Raw = req.State.Raw // until the PATCH succeeds
	if resp.Diagnostics.HasError() {
		return
	}
	written := &plan // only reset_on_destroy or timeouts changed: nothing to send
	if plan.needsPatch(&prior) {
		written = r.ops().write(ctx, &plan, plan.Timeouts.Update, &resp.Diagnostics)
	}
	if written != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, written)...)
	}
}

func (r *controlProfileResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state controlProfileResourceModelV1
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.ops().delete(ctx, &state, &resp.Diagnostics)
}

func (r *controlProfileResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" {
		resp.Diagnostics.AddError("Missing control profile id",
			"Import needs the control's name, e.g. `terraform import securescore_control_profile.mfa AdminMFAV2`.")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("control_id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("reset_on_destroy"), types.BoolValue(true))...)
}

func (r *controlProfileResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	return map[int64]resource.StateUpgrader{0: {StateUpgrader: func(_ context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
		v, err := upgradeControlProfileState(0, req.RawState)
		if err != nil {
			resp.Diagnostics.AddError("Unable to read the control profile's state", err.Error())
			return
		}
		dv, err := tfprotov6.NewDynamicValue(controlProfileResourceType, v)
		if err != nil {
			resp.Diagnostics.AddError("Unable to read the control profile's state", err.Error())
			return
		}
		resp.DynamicValue = &dv
	}}}
}

// BenchmarkControlProfilePlanInstanceFramework is BenchmarkControlProfilePlanInstance with the resource
// served by terraform-plugin-framework (controlProfileResource) instead of controlProfileServer.
func BenchmarkControlProfilePlanInstanceFramework(b *testing.B) {
	ctx := context.Background()
	raw, config := benchControlProfileServer(b)
	state := benchRawState(b, raw, config)
	_, data := benchEmulator(b, 1)
	s := providerserver.NewProtocol6(&benchFrameworkProvider{securescoreProvider: newProvider("bench", nil), data: data})()
	schemas, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	pcfg, err := tfprotov6.NewDynamicValue(schemas.Provider.ValueType(), tftypes.NewValue(schemas.Provider.ValueType(), nil))
	if err != nil {
		b.Fatal(err)
	}
	cr, err := s.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &pcfg})
	mustNoDiagnostics(b, err, cr.Diagnostics)

	benchPlanInstance(b, s, state, config)
}

// benchFrameworkProvider serves only the framework control profile, configured with data.
type benchFrameworkProvider struct {
	*securescoreProvider
	data *providerData
}

func (p *benchFrameworkProvider) Configure(_ context.Context, _ provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	resp.ResourceData, resp.DataSourceData = p.data, p.data
}

func (p *benchFrameworkProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return &controlProfileResource{} }}
}
