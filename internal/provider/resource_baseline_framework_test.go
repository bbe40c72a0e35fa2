package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

var (
	_ resource.Resource                = (*baselineResource)(nil)
	_ resource.ResourceWithConfigure   = (*baselineResource)(nil)
	_ resource.ResourceWithImportState = (*baselineResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*baselineResource)(nil)
)

// newBaselineFrameworkResource returns securescore_baseline on terraform-plugin-framework.
func newBaselineFrameworkResource() resource.Resource {
	return &baselineResource{resourceBase{typeName: "_baseline"}}
}

// baselineResource is securescore_baseline written on terraform-plugin-framework, as it was served before
// baselineServer, kept only to measure against it (BenchmarkBaseline*Framework) and to check that both answer
// alike (baseline_server_test.go).
type baselineResource struct {
	resourceBase
}

func (r *baselineResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	d := schemaDescriptions(baselineResourceSchema()) // the same words as the raw schema
	resp.Schema = schema.Schema{
		Version:             0,
		MarkdownDescription: d[""],
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: d["id"],
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"controls": schema.MapNestedAttribute{
				MarkdownDescription: d["controls"],
				Required:            true,
				Validators:          []validator.Map{mapvalidator.KeysAre(nonEmpty...)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"state": schema.StringAttribute{
						MarkdownDescription: d["controls.state"],
						Required:            true,
						Validators:          []validator.String{stringvalidator.OneOfCaseInsensitive(controlStates...)},
					},
					"assigned_to": schema.StringAttribute{
						MarkdownDescription: d["controls.assigned_to"],
						Optional:            true,
						Validators:          nonEmpty,
					},
					"comment": schema.StringAttribute{
						MarkdownDescription: d["controls.comment"],
						Optional:            true,
						Validators:          nonEmpty,
					},
				}},
			},
			"reset_on_destroy": schema.BoolAttribute{
				MarkdownDescription: d["reset_on_destroy"],
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
			},
			"missing_controls": schema.StringAttribute{
				MarkdownDescription: d["missing_controls"],
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(missingControlsError),
				Validators:          []validator.String{stringvalidator.OneOf(missingControlsError, missingControlsWarn)},
			},
			"skipped_controls": schema.SetAttribute{
				MarkdownDescription: d["skipped_controls"],
				Computed:            true,
				ElementType:         types.StringType,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": writeTimeoutsBlock(ctx, d["timeouts.delete"]),
		},
	}
}

func (r *baselineResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if err := checkTenantID(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid baseline import id", "Import a baseline by the tenant id the provider is configured for: "+err.Error())
		return
	}
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// tenantOf is the tenant's GUID from the listed profiles, else the configured tenant (a GUID or a domain).
func (r *baselineResource) tenantOf(listing map[string]*graph.SecureScoreControlProfile) string {
	for _, id := range sortedKeys(listing) {
		if t := listing[id].AzureTenantID; t != "" {
			return t
		}
	}
	return r.data.settings.TenantID
}

// list reads every control profile of the tenant through the shared snapshot (one paged list).
func (r *baselineResource) list(ctx context.Context, diags *diag.Diagnostics) map[string]*graph.SecureScoreControlProfile {
	listing, err := r.data.profiles.all(ctx, usingEveryControl())
	if err != nil {
		diags.AddError("Unable to list the tenant's control profiles",
			fmt.Sprintf("Listing the control profiles of tenant %s for the baseline: %s\n\nTerraform state was not changed.", r.data.settings.TenantID, err))
		return nil
	}
	return listing
}

func (r *baselineResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return // destroy, or a provider configured only at apply: checked then
	}
	var plan baselineResourceModelV0
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.Controls.IsUnknown() {
		return
	}
	want, unknown, diags := decisions(ctx, plan.Controls)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	if conflicts := r.data.claims.claim(want); len(conflicts) > 0 {
		resp.Diagnostics.AddAttributeError(path.Root("controls"), "Control managed by two baselines",
			fmt.Sprintf("Another securescore_baseline of this provider configuration (tenant %s) sets these controls differently: %s. "+
				"Each apply would undo the other; keep each control in one baseline.", r.data.settings.TenantID, strings.Join(conflicts, ", ")))
		return
	}

	if len(unknown) == 0 && !plan.ID.IsUnknown() && r.knownToState(ctx, req.State, want, &resp.Diagnostics) {
		// Every control was in the tenant at this command's refresh (Read confirms a control the list lacks with a
		// GET and drops it on a 404): nothing can be missing, and nothing is skipped. Terraform plans again in the
		// apply walk, in a new plugin process; this spares that process a list of the whole tenant.
		plan.SkippedControls = idSet(nil)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("skipped_controls"), plan.SkippedControls)...)
		return
	}

	ctx, cancel := context.WithTimeout(r.data.logContext(ctx), defaultReadTimeout)
	defer cancel()
	listing := r.list(ctx, &resp.Diagnostics)
	if listing == nil {
		return
	}
	var missing []string
	for _, id := range append(sortedKeys(want), unknown...) {
		if _, ok := listing[id]; !ok {
			missing = append(missing, id)
		}
	}
	slices.Sort(missing)
	skipped := []string{}
	if len(missing) > 0 {
		tenant := r.tenantOf(listing)
		if plan.MissingControls.ValueString() == missingControlsWarn {
			skipped = missing
			resp.Diagnostics.AddAttributeWarning(path.Root("controls"), "Controls missing from the tenant are skipped",
				fmt.Sprintf("Tenant %s has no control %s (the set of controls depends on licences). With missing_controls = \"warn\" "+
					"they are skipped and listed in skipped_controls; they are applied once the tenant has them.", tenant, strings.Join(missing, ", ")))
		} else {
			resp.Diagnostics.AddAttributeError(path.Root("controls"), "Controls missing from the tenant",
				fmt.Sprintf("Tenant %s has no control %s (the set of controls depends on licences). Remove them from controls, or set "+
					"missing_controls = \"warn\" to skip the controls a tenant lacks.", tenant, strings.Join(missing, ", ")))
			return
		}
	}
	plan.SkippedControls = idSet(skipped)
	if plan.ID.IsUnknown() {
		plan.ID = types.StringValue(r.tenantOf(listing))
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// knownToState reports whether the prior state holds every control of want, none of them skipped.
func (r *baselineResource) knownToState(ctx context.Context, state tfsdk.State, want map[string]controlDecision, diags *diag.Diagnostics) bool {
	if state.Raw.IsNull() {
		return false
	}
	var controls types.Map
	var skipped types.Set
	diags.Append(state.GetAttribute(ctx, path.Root("controls"), &controls)...)
	diags.Append(state.GetAttribute(ctx, path.Root("skipped_controls"), &skipped)...)
	if diags.HasError() || controls.IsNull() || controls.IsUnknown() || skipped.IsUnknown() {
		return false
	}
	prior := controls.Elements()
	wasSkipped := setIDs(skipped)
	for id := range want {
		if _, ok := prior[id]; !ok || wasSkipped[id] {
			return false
		}
	}
	return true
}

func (r *baselineResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state baselineResourceModelV0
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := r.startRead(ctx, "baseline", state.Timeouts, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	listing := r.list(ctx, &resp.Diagnostics)
	if listing == nil {
		return
	}
	tenant := r.tenantOf(listing)

	if state.Controls.IsNull() { // an import: every control that is not pristine
		if id := state.ID.ValueString(); !strings.EqualFold(id, tenant) && !strings.EqualFold(id, r.data.settings.TenantID) {
			resp.Diagnostics.AddError("Baseline import id is another tenant",
				fmt.Sprintf("Import id %q is not the tenant this provider configuration signs in to (%s, %s). Import each tenant's "+
					"baseline through a provider configured for that tenant.", id, r.data.settings.TenantID, tenant))
			return
		}
		found := map[string]controlDecision{}
		for id, p := range listing {
			if d := decisionOf(p); !d.equal(pristine) {
				found[id] = d
			}
		}
		state.Controls = controlsValue(found)
		state.ResetOnDestroy = types.BoolValue(true)
		state.MissingControls = types.StringValue(missingControlsError)
		state.SkippedControls = idSet(nil)
		state.ID = types.StringValue(tenant)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}

	prior, _, diags := decisions(ctx, state.Controls)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	skipped := setIDs(state.SkippedControls)
	out := map[string]controlDecision{}
	var stillSkipped []string
	for _, id := range sortedKeys(prior) {
		pd := prior[id]
		var d controlDecision
		switch p, listed := listing[id]; {
		case listed:
			d = decisionOf(p)
		case skipped[id]:
			out[id] = pd // still missing: keeps the configured decision
			stillSkipped = append(stillSkipped, id)
			continue
		default:
			// Never drop a control from state on a list alone: confirm with a GET.
			p, err := r.data.client.GetControlProfile(ctx, id)
			if graph.IsNotFound(err) {
				resp.Diagnostics.AddWarning("Control of the baseline not found",
					fmt.Sprintf("Microsoft Graph returned 404 for control profile %q of tenant %s, so it was removed from the baseline's "+
						"state. Microsoft retires controls from time to time, and a tenant that lost a licence loses its controls.", id, tenant))
				continue
			}
			if err != nil {
				resp.Diagnostics.AddError("Unable to read the baseline", fmt.Sprintf("Control profile %q of tenant %s: %s\n\nTerraform state was not changed.", id, tenant, err))
				return
			}
			d = decisionOf(p)
		}
		if d.equal(pd) {
			d = pd // the configuration's spelling of the state is kept
		}
		out[id] = d
	}
	state.Controls = controlsValue(out)
	state.SkippedControls = idSet(stillSkipped)
	state.ID = types.StringValue(tenant)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *baselineResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan baselineResourceModelV0
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, client := r.startWrite(ctx, plan.Timeouts.Create, &resp.Diagnostics)
	defer cancel()
	if client == nil {
		return
	}
	r.apply(ctx, client, &plan, map[string]controlDecision{}, nil, true, &resp.Diagnostics)
	if plan.Controls.IsUnknown() {
		return // the listing failed: nothing was sent
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *baselineResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state baselineResourceModelV0
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, client := r.startWrite(ctx, plan.Timeouts.Update, &resp.Diagnostics)
	defer cancel()
	if client == nil {
		return
	}
	prior, _, diags := decisions(ctx, state.Controls)
	resp.Diagnostics.Append(diags...)
	want, _, diags := decisions(ctx, plan.Controls)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	for id := range setIDs(state.SkippedControls) {
		delete(prior, id) // their values are the configuration's, not the service's
	}
	var reset, left []string
	for _, id := range sortedKeys(prior) {
		if _, ok := want[id]; ok {
			continue
		}
		if plan.ResetOnDestroy.ValueBool() {
			reset = append(reset, id)
		} else {
			left = append(left, id)
		}
	}
	if len(left) > 0 {
		resp.Diagnostics.AddWarning("Controls only removed from the baseline",
			fmt.Sprintf("reset_on_destroy is false, so %s keep their state in Microsoft Secure Score; nothing was sent for them.", strings.Join(left, ", ")))
	}
	r.apply(ctx, client, &plan, prior, reset, false, &resp.Diagnostics)
	if plan.Controls.IsUnknown() {
		return // the listing failed: nothing was sent, the state stays
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// apply makes the service hold plan's controls, given what it is known to hold (current) and the controls to put
// back to Default, and rewrites plan into the new state. Controls of plan that current does not know are read from
// one list first. On a failed list, plan.Controls is set unknown and nothing is sent.
func (r *baselineResource) apply(ctx context.Context, client controlProfileWriter, plan *baselineResourceModelV0,
	current map[string]controlDecision, reset []string, create bool, diags *diag.Diagnostics) {
	want, _, d := decisions(ctx, plan.Controls)
	diags.Append(d...)
	if d.HasError() {
		plan.Controls = types.MapUnknown(fwBaselineControlType)
		return
	}
	skipped := setIDs(plan.SkippedControls)
	needList := plan.SkippedControls.IsUnknown() || plan.ID.IsUnknown()
	for id := range want {
		if _, ok := current[id]; !ok && !skipped[id] {
			needList = true
		}
	}
	tenant := plan.ID.ValueString()
	if needList {
		listing := r.list(ctx, diags)
		if listing == nil {
			plan.Controls = types.MapUnknown(fwBaselineControlType)
			return
		}
		tenant = r.tenantOf(listing)
		plan.ID = types.StringValue(tenant)
		if plan.SkippedControls.IsUnknown() && plan.MissingControls.ValueString() == missingControlsWarn {
			for id := range want {
				if _, ok := listing[id]; !ok {
					skipped[id] = true
				}
			}
		}
		for id := range want {
			if p, ok := listing[id]; ok {
				if _, known := current[id]; !known {
					current[id] = decisionOf(p)
				}
			}
		}
	}
	configured := map[string]controlDecision{} // a skipped control keeps its configured decision in state
	for id := range skipped {
		if d, ok := want[id]; ok {
			configured[id] = d
		}
		delete(want, id)
	}
	result, sent, failed := converge(ctx, client, r.data.profiles, current, want, reset)
	for id := range skipped {
		result[id] = configured[id]
	}
	plan.Controls = controlsValue(result)
	plan.SkippedControls = idSet(sortedKeys(skipped))
	what := "update"
	if create {
		what = "apply"
	}
	addFailures(diags, tenant, what, sent, failed, create)
}

func (r *baselineResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state baselineResourceModelV0
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !state.ResetOnDestroy.IsNull() && !state.ResetOnDestroy.ValueBool() {
		resp.Diagnostics.AddWarning("Baseline only removed from Terraform state",
			fmt.Sprintf("reset_on_destroy is false, so the controls of the baseline of tenant %s keep their state in Microsoft Secure Score; "+
				"nothing was sent to Microsoft Graph.", state.ID.ValueString()))
		return
	}
	ctx, cancel, client := r.startWrite(ctx, state.Timeouts.Delete, &resp.Diagnostics)
	defer cancel()
	if client == nil {
		return
	}
	prior, _, diags := decisions(ctx, state.Controls)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	for id := range setIDs(state.SkippedControls) {
		delete(prior, id)
	}
	result, sent, failed := converge(ctx, client, r.data.profiles, prior, nil, sortedKeys(prior))
	if len(failed) == 0 {
		return
	}
	addFailures(&resp.Diagnostics, state.ID.ValueString(), "reset", sent, failed, false)
	state.Controls = controlsValue(result)
	state.SkippedControls = idSet(nil)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// baselineResourceModelV0 is the securescore_baseline resource (schema version 0).
type baselineResourceModelV0 struct {
	ID              types.String   `tfsdk:"id"`
	Controls        types.Map      `tfsdk:"controls"` // control id → object of fwBaselineControlType
	ResetOnDestroy  types.Bool     `tfsdk:"reset_on_destroy"`
	MissingControls types.String   `tfsdk:"missing_controls"`
	SkippedControls types.Set      `tfsdk:"skipped_controls"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

var fwBaselineControlType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"state": types.StringType, "assigned_to": types.StringType, "comment": types.StringType,
}}

func (d controlDecision) value() attr.Value {
	opt := func(s string) types.String {
		if s == "" {
			return types.StringNull()
		}
		return types.StringValue(s)
	}
	return types.ObjectValueMust(fwBaselineControlType.AttrTypes, map[string]attr.Value{
		"state": types.StringValue(d.State), "assigned_to": opt(d.AssignedTo), "comment": opt(d.Comment),
	})
}

// decisions reads a known controls map; elements with unknown values are left out and reported in unknown.
// It reads the values directly rather than through ElementsAs: reflection over a map of a thousand objects
// cost a baseline's plan and apply more than the rest of the provider's own work (BenchmarkBaselinePlan).
func decisions(_ context.Context, m types.Map) (known map[string]controlDecision, unknown []string, diags diag.Diagnostics) {
	known = map[string]controlDecision{}
	if m.IsNull() || m.IsUnknown() {
		return known, nil, nil
	}
	for id, v := range m.Elements() {
		o, ok := v.(types.Object)
		if !ok {
			diags.AddError("Unexpected baseline control value", fmt.Sprintf("Control %q of controls is a %T, not an object.", id, v))
			return nil, nil, diags
		}
		if o.IsNull() {
			diags.AddError("Null baseline control", fmt.Sprintf("Control %q of controls is null; give it a state, or leave it out.", id))
			return nil, nil, diags
		}
		if o.IsUnknown() {
			unknown = append(unknown, id)
			continue
		}
		attrs := o.Attributes()
		state, assignedTo, comment := stringAttr(attrs["state"]), stringAttr(attrs["assigned_to"]), stringAttr(attrs["comment"])
		if state.IsUnknown() || assignedTo.IsUnknown() || comment.IsUnknown() {
			unknown = append(unknown, id)
			continue
		}
		known[id] = controlDecision{State: state.ValueString(), AssignedTo: assignedTo.ValueString(), Comment: comment.ValueString()}
	}
	slices.Sort(unknown)
	return known, unknown, diags
}

// stringAttr is an object attribute as a string value; a missing attribute reads as null.
func stringAttr(v attr.Value) types.String {
	if s, ok := v.(types.String); ok {
		return s
	}
	return types.StringNull()
}

// controlsValue is the controls attribute holding ds.
func controlsValue(ds map[string]controlDecision) types.Map {
	elems := make(map[string]attr.Value, len(ds))
	for id, d := range ds {
		elems[id] = d.value()
	}
	return types.MapValueMust(fwBaselineControlType, elems)
}

// idSet is a set attribute of the sorted ids.
func idSet(ids []string) types.Set {
	elems := make([]attr.Value, 0, len(ids))
	for _, id := range ids {
		elems = append(elems, types.StringValue(id))
	}
	return types.SetValueMust(types.StringType, elems)
}

// setIDs are the ids in a known set attribute.
func setIDs(s types.Set) map[string]bool {
	out := map[string]bool{}
	if s.IsNull() || s.IsUnknown() {
		return out
	}
	for _, v := range s.Elements() {
		if str, ok := v.(types.String); ok && !str.IsNull() && !str.IsUnknown() {
			out[str.ValueString()] = true
		}
	}
	return out
}

// baselineFrameworkProvider is the provider with securescore_baseline served by the framework (baselineResource)
// and no other resource; Configure is the provider's own.
type baselineFrameworkProvider struct {
	*securescoreProvider
}

func (p *baselineFrameworkProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{newBaselineFrameworkResource}
}

// newBaselineFrameworkServer serves the provider with the framework baseline, as NewProtocol6Server serves it raw.
func newBaselineFrameworkServer(version string) func() tfprotov6.ProviderServer {
	return providerserver.NewProtocol6(&baselineFrameworkProvider{securescoreProvider: newProvider(version, nil)})
}

// schemaDescriptions is every description of a schema by path: "" for the resource, "a" and "a.b" for
// attributes and nested attributes, "block.a" for a block's attributes.
func schemaDescriptions(s *tfprotov6.Schema) map[string]string {
	out := map[string]string{"": s.Block.Description}
	var walk func(prefix string, attrs []*tfprotov6.SchemaAttribute)
	walk = func(prefix string, attrs []*tfprotov6.SchemaAttribute) {
		for _, a := range attrs {
			out[prefix+a.Name] = a.Description
			if a.NestedType != nil {
				walk(prefix+a.Name+".", a.NestedType.Attributes)
			}
		}
	}
	walk("", s.Block.Attributes)
	for _, b := range s.Block.BlockTypes {
		walk(b.TypeName+".", b.Block.Attributes)
	}
	return out
}
