package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var (
	_ resource.Resource                   = (*controlProfileResource)(nil)
	_ resource.ResourceWithConfigure      = (*controlProfileResource)(nil)
	_ resource.ResourceWithImportState    = (*controlProfileResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*controlProfileResource)(nil)
	_ resource.ResourceWithUpgradeState   = (*controlProfileResource)(nil)
	_ resource.ResourceWithValidateConfig = (*controlProfileResource)(nil)
	_ provider.Provider                   = (*benchFrameworkProvider)(nil)
)

// controlProfileResource is securescore_control_profile served by terraform-plugin-framework, kept only to
// measure against controlProfileServer (BenchmarkControlProfilePlanInstanceFramework): a thin shell that hands the
// framework's values to the same core (plan, read, write, destroy), with the framework doing the protocol. The
// A/B of issue 13 measured it at several times the raw server's CPU per instance, so the resource stays on
// terraform-plugin-go (see controlProfileServer).
type controlProfileResource struct {
	resourceBase
}

func (r *controlProfileResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = controlProfileTypeName
}

// Schema is the table's, in the framework's terms.
func (r *controlProfileResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	raw := controlProfileResourceSchema()
	resp.Schema = schema.Schema{Version: raw.Version, MarkdownDescription: raw.Block.Description,
		Attributes: map[string]schema.Attribute{}, Blocks: map[string]schema.Block{}}
	for i := range controlProfileAttributes.attrs {
		a := &controlProfileAttributes.attrs[i]
		if a.block {
			resp.Schema.Blocks[a.name] = schema.SingleNestedBlock{MarkdownDescription: a.description, Attributes: frameworkAttributes(a.attrs)}
		} else {
			resp.Schema.Attributes[a.name] = frameworkAttribute(a)
		}
	}
}

func frameworkAttributes(attrs []profileAttribute) map[string]schema.Attribute {
	out := map[string]schema.Attribute{}
	for i := range attrs {
		out[attrs[i].name] = frameworkAttribute(&attrs[i])
	}
	return out
}

func frameworkAttribute(a *profileAttribute) schema.Attribute {
	required, optional := a.use == attrRequired, a.use == attrOptional || a.use == attrOptionalComputed
	computed := a.use == attrOptionalComputed || a.use == attrComputed
	switch {
	case a.value != nil && a.value.tfType().Is(tftypes.String):
		return schema.StringAttribute{MarkdownDescription: a.description, Required: required, Optional: optional, Computed: computed,
			DeprecationMessage: a.deprecation}
	case a.value != nil && a.value.tfType().Is(tftypes.Bool):
		return schema.BoolAttribute{MarkdownDescription: a.description, Required: required, Optional: optional, Computed: computed,
			DeprecationMessage: a.deprecation}
	}
	return schema.SingleNestedAttribute{MarkdownDescription: a.description, Required: required, Optional: optional, Computed: computed,
		DeprecationMessage: a.deprecation, Attributes: frameworkAttributes(a.attrs)}
}

// fromFramework is a framework value as the core's model.
func fromFramework(v tftypes.Value, diags *diag.Diagnostics) (m controlProfileResourceModelV2, null bool) {
	null, err := controlProfileAttributes.fromTerraform(v, &m)
	if err != nil {
		diags.AddError("Unable to read the control profile", err.Error())
	}
	return m, null
}

// toFramework reports the core's diagnostics to the framework.
func toFramework(from diagnostics, to *diag.Diagnostics) {
	for _, d := range from {
		switch {
		case d.warning:
			to.AddWarning(d.summary, d.detail)
		case d.path != nil:
			to.AddAttributeError(path.Root(d.path[0].name), d.summary, d.detail)
		default:
			to.AddError(d.summary, d.detail)
		}
	}
}

func (r *controlProfileResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if m, null := fromFramework(req.Config.Raw, &resp.Diagnostics); !null && !resp.Diagnostics.HasError() {
		var d diagnostics
		m.validate(&d)
		toFramework(d, &resp.Diagnostics)
	}
}

// ModifyPlan plans with the core from what Terraform proposes: the configuration, and the prior value of every
// computed attribute the configuration leaves null (the framework has marked those unknown by then).
func (r *controlProfileResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	config, _ := fromFramework(req.Config.Raw, &resp.Diagnostics)
	_, plannedNull := fromFramework(req.Plan.Raw, &resp.Diagnostics)
	prior, priorNull := fromFramework(req.State.Raw, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	var d diagnostics
	defer func() { toFramework(d, &resp.Diagnostics) }()
	if plannedNull {
		if !priorNull {
			prior.warnDestroy("Destroying", &d)
		}
		return
	}
	proposed, priorPtr := config, &prior
	if priorNull {
		priorPtr = nil
	} else {
		for i := range controlProfileAttributes.attrs {
			a := &controlProfileAttributes.attrs[i]
			if (a.use == attrOptionalComputed || a.use == attrComputed) && a.state(&config) == valueNull {
				copyAttribute(a, &proposed, &prior)
			}
		}
	}
	for _, name := range proposed.plan(ctx, &config, priorPtr, liveTenants(r.data), &d) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root(name))
	}
	resp.Plan.Raw = controlProfileAttributes.toTerraform(&proposed)
}

// copyAttribute sets a's value in dst to its value in src.
func copyAttribute(a *profileAttribute, dst, src *controlProfileResourceModelV2) {
	if a.value != nil {
		a.value.copyValue(dst, src)
	} else {
		*a.object(dst) = *a.object(src)
		for i := range a.attrs {
			copyAttribute(&a.attrs[i], dst, src)
		}
	}
}

func (r *controlProfileResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, _ := fromFramework(req.State.Raw, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	imported, fd := req.Private.GetKey(ctx, "imported")
	resp.Diagnostics.Append(fd...)
	var d diagnostics
	gone := state.read(ctx, liveTenants(r.data), imported != nil, &d)
	toFramework(d, &resp.Diagnostics)
	switch {
	case gone:
		resp.State.RemoveResource(ctx)
	case !d.hasError():
		resp.State.Raw = controlProfileAttributes.toTerraform(&state)
		if imported != nil {
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, "imported", nil)...)
		}
	}
}

func (r *controlProfileResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, _ := fromFramework(req.Plan.Raw, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	var d diagnostics
	if t := tenantFor(liveTenants(r.data), plan.TenantID.value(), &d); t != nil {
		if written := plan.create(ctx, t, &d); written != nil {
			resp.State.Raw = controlProfileAttributes.toTerraform(written)
		}
	}
	toFramework(d, &resp.Diagnostics)
}

func (r *controlProfileResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, _ := fromFramework(req.Plan.Raw, &resp.Diagnostics)
	prior, _ := fromFramework(req.State.Raw, &resp.Diagnostics)
	resp.State.Raw = req.State.Raw // until the PATCH succeeds
	if resp.Diagnostics.HasError() {
		return
	}
	var d diagnostics
	written := &plan // only what no PATCH carries changed: nothing to send
	if plan.needsPatch(&prior) {
		written = nil
		if t := tenantFor(liveTenants(r.data), prior.TenantID.value(), &d); t != nil {
			written = plan.write(ctx, t, plan.Timeouts.Update, &d)
		}
	}
	if written != nil {
		resp.State.Raw = controlProfileAttributes.toTerraform(written)
	}
	toFramework(d, &resp.Diagnostics)
}

func (r *controlProfileResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, _ := fromFramework(req.State.Raw, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	var d diagnostics
	if t := tenantFor(liveTenants(r.data), state.TenantID.value(), &d); t != nil {
		state.destroy(ctx, t, &d)
	}
	toFramework(d, &resp.Diagnostics)
}

func (r *controlProfileResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var d diagnostics
	if m, ok := importedControlProfile(req.ID, &d); ok {
		resp.State.Raw = controlProfileAttributes.toTerraform(&m)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, "imported", []byte("true"))...)
	}
	toFramework(d, &resp.Diagnostics)
}

func (r *controlProfileResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	upgrader := func(version int64) resource.StateUpgrader {
		return resource.StateUpgrader{StateUpgrader: func(_ context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
			m, _, err := upgradeControlProfileState(version, req.RawState)
			if err == nil {
				resp.DynamicValue, err = controlProfileAttributes.encode(&m)
			}
			if err != nil {
				resp.Diagnostics.AddError("Unable to read the control profile's state", err.Error())
			}
		}}
	}
	return map[int64]resource.StateUpgrader{0: upgrader(0), 1: upgrader(1)}
}

// BenchmarkControlProfilePlanInstanceFramework is BenchmarkControlProfilePlanInstance with the resource
// served by terraform-plugin-framework (controlProfileResource) instead of controlProfileServer.
func BenchmarkControlProfilePlanInstanceFramework(b *testing.B) {
	ctx := context.Background()
	raw, config, _ := benchControlProfileServer(b)
	state := benchRawState(b, raw, config)
	emu, data := benchEmulator(b, 1)
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

	before := len(emu.Journal())
	benchPlanInstance(b, s, state, config)
	b.ReportMetric(float64(len(emu.Journal())-before)/float64(b.N), "requests/op")
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
