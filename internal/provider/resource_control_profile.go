package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

var (
	_ resource.Resource                = (*controlProfileResource)(nil)
	_ resource.ResourceWithConfigure   = (*controlProfileResource)(nil)
	_ resource.ResourceWithImportState = (*controlProfileResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*controlProfileResource)(nil)
)

// NewControlProfileResource returns the securescore_control_profile resource.
func NewControlProfileResource() resource.Resource {
	return &controlProfileResource{}
}

type controlProfileResource struct {
	resourceBase
}

// controlProfileResourceModelV0 is the securescore_control_profile resource's state: the configuration, the
// decision fields and who changed the control last, and when. The full update history, the tenant id and the
// compliance information are left to the data sources (see controlProfileResourceAttributes for why).
type controlProfileResourceModelV0 struct {
	ID                types.String   `tfsdk:"id"`
	ControlID         types.String   `tfsdk:"control_id"`
	State             types.String   `tfsdk:"state"`
	AssignedTo        types.String   `tfsdk:"assigned_to"`
	Comment           types.String   `tfsdk:"comment"`
	VendorInformation types.Object   `tfsdk:"vendor_information"`
	ResetOnDestroy    types.Bool     `tfsdk:"reset_on_destroy"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
	controlProfileFacts
	UpdatedBy       types.String `tfsdk:"updated_by"`
	UpdatedDateTime types.String `tfsdk:"updated_date_time"`
}

// setFromGraph writes what the service returned into the resource's state.
func (m *controlProfileResourceModelV0) setFromGraph(ctx context.Context, p *graph.SecureScoreControlProfile) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(p.ID)
	m.State, m.AssignedTo, m.Comment = currentState(p)
	m.VendorInformation = vendorInformationValue(ctx, p.VendorInformation, &diags)
	m.controlProfileFacts.setFromGraph(p, &diags)
	m.UpdatedBy, m.UpdatedDateTime = types.StringNull(), types.StringNull()
	if u := newestStateUpdate(p.ControlStateUpdates); u != nil {
		m.UpdatedBy, m.UpdatedDateTime = types.StringPointerValue(u.UpdatedBy), dateTimeValue(u.UpdatedDateTime).StringValue
	}
	return diags
}

// clearReadOnly nulls every attribute only the service sets.
func (m *controlProfileResourceModelV0) clearReadOnly() {
	m.clear()
	m.UpdatedBy, m.UpdatedDateTime = types.StringNull(), types.StringNull()
}

// defaultVendorInformation is what the service itself records: provider SecureScore, vendor Microsoft.
var defaultVendorInformation = types.ObjectValueMust(vendorInformationType.AttrTypes, map[string]attr.Value{
	"provider":         types.StringValue("SecureScore"),
	"provider_version": types.StringNull(),
	"sub_provider":     types.StringNull(),
	"vendor":           types.StringValue("Microsoft"),
})

func (r *controlProfileResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_control_profile"
}

func (r *controlProfileResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := controlProfileResourceAttributes()
	attrs["id"] = schema.StringAttribute{
		MarkdownDescription: "The control profile's id, the same as `control_id`. Used for import.",
		Computed:            true,
	}
	attrs["control_id"] = schema.StringAttribute{
		MarkdownDescription: "The control's name, the id of its `secureScoreControlProfile`, e.g. `AdminMFAV2` or " +
			"`11770.MDA_Google_EnableTwoFactorAuth`. Changing it replaces the resource (the old control is reset first " +
			"unless `reset_on_destroy = false`).",
		Required:      true,
		Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
	attrs["state"] = schema.StringAttribute{
		MarkdownDescription: "The control's state: `Default`, `Ignored` (risk accepted: the control leaves the score), " +
			"`ThirdParty` (resolved through a third party: the control earns its points) or `Reviewed`. Required, because " +
			"every update sends the state: leaving it to a default would silently reset a state set elsewhere.",
		Required:   true,
		Validators: []validator.String{stringvalidator.OneOf(controlStates...)},
	}
	attrs["assigned_to"] = schema.StringAttribute{
		MarkdownDescription: "Who the control is assigned to, e.g. `secops@contoso.com`. Leave it out for nobody: " +
			"the update then sends an empty `assignedTo`, and an empty value from Graph reads as null, so no diff arises. " +
			"An empty string is not accepted.",
		Optional:   true,
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attrs["comment"] = schema.StringAttribute{
		MarkdownDescription: "A comment recorded with the change. Leave it out for none (sent as an empty `comment`; an empty " +
			"value from Graph reads as null). An empty string is not accepted.",
		Optional:   true,
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attrs["vendor_information"] = schema.SingleNestedAttribute{
		MarkdownDescription: "`vendorInformation` sent with every update. Defaults to what the service uses: provider " +
			"`SecureScore`, vendor `Microsoft`.",
		Optional: true,
		Computed: true,
		Default:  objectdefault.StaticValue(defaultVendorInformation),
		Attributes: map[string]schema.Attribute{
			"provider": schema.StringAttribute{
				MarkdownDescription: "`provider`: the product or service, e.g. `SecureScore`. Required by Graph.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"provider_version": schema.StringAttribute{
				MarkdownDescription: "`providerVersion`: the version of the provider.",
				Optional:            true,
			},
			"sub_provider": schema.StringAttribute{
				MarkdownDescription: "`subProvider`: the sub-component of the provider.",
				Optional:            true,
			},
			"vendor": schema.StringAttribute{
				MarkdownDescription: "`vendor`: the vendor, e.g. `Microsoft`. Required by Graph.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		},
	}
	attrs["reset_on_destroy"] = schema.BoolAttribute{
		MarkdownDescription: "Whether destroying the resource puts the control back to `Default` (one PATCH with state " +
			"`Default` and empty `assignedTo` and `comment`). With `false`, destroy only removes the resource from Terraform " +
			"state and the control keeps its state. Default `true`.",
		Optional: true,
		Computed: true,
		Default:  booldefault.StaticBool(true),
	}

	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages the state of one Microsoft Secure Score control (`microsoft.graph.secureScoreControlProfile`): " +
			"mark it resolved through a third party, ignored (risk accepted), reviewed or back to default, and assign it " +
			"with a comment.\n\n" +
			"Create and update send one `PATCH /security/secureScoreControlProfiles/{id}` with the documented body " +
			"(`assignedTo`, `comment`, `state`, `vendorInformation`) and `Prefer: return=representation`, and store the " +
			"response; only when Graph answers `204 No Content` is the profile read back with one `GET`. The service " +
			"records each update as a new `controlStateUpdates` entry, and the newest entry is the control's current state; " +
			"the resource keeps that entry's `updated_by` and `updated_date_time`, and the `securescore_control_profile` " +
			"data source exposes the whole history.\n\n" +
			"Destroy puts the control back to `Default` unless `reset_on_destroy = false`.",
		Attributes: attrs,
		Blocks: map[string]schema.Block{
			"timeouts": writeTimeoutsBlock(ctx, "How long the reset on destroy may take, retries included. Default `30m`."),
		},
	}
}

func (r *controlProfileResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("control_id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("reset_on_destroy"), true)...)
}

// ModifyPlan does in one Get/Set what a UseStateForUnknown plan modifier on every read-only attribute would do:
// an update keeps the state's values for what a PATCH does not change, so the plan shows only what changes. When
// nothing the PATCH sends changes (e.g. only reset_on_destroy or timeouts), the history attributes are kept too,
// so such a plan shows no "known after apply" and apply sends nothing. It replaces ~17 attribute-level
// modifiers; it runs only for plans that differ from state (not for a no-op plan), and keeps the rule in one place.
func (r *controlProfileResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	var plan, state controlProfileResourceModelV0
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !plan.ControlID.Equal(state.ControlID) {
		return // a new control_id replaces the resource: its values are another control's
	}
	plan.keepUnknownFrom(&state, !plan.needsPatch(&state))
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// keepUnknownFrom replaces the plan's unknown read-only values with state's. last_modified_date_time,
// updated_by and updated_date_time change with every PATCH, so they are kept only when withHistory is true.
func (m *controlProfileResourceModelV0) keepUnknownFrom(s *controlProfileResourceModelV0, withHistory bool) {
	keepString := func(p *types.String, v types.String) {
		if p.IsUnknown() {
			*p = v
		}
	}
	keepString(&m.ID, s.ID)
	keepString(&m.Title, s.Title)
	keepString(&m.Tier, s.Tier)
	keepString(&m.Service, s.Service)
	keepString(&m.ControlCategory, s.ControlCategory)
	keepString(&m.UserImpact, s.UserImpact)
	keepString(&m.ImplementationCost, s.ImplementationCost)
	keepString(&m.Remediation, s.Remediation)
	keepString(&m.RemediationImpact, s.RemediationImpact)
	keepString(&m.ActionURL, s.ActionURL)
	keepString(&m.ActionType, s.ActionType)
	if m.MaxScore.IsUnknown() {
		m.MaxScore = s.MaxScore
	}
	if m.Rank.IsUnknown() {
		m.Rank = s.Rank
	}
	if m.Deprecated.IsUnknown() {
		m.Deprecated = s.Deprecated
	}
	if m.Threats.IsUnknown() {
		m.Threats = s.Threats
	}
	if !withHistory {
		return
	}
	if m.LastModifiedDateTime.IsUnknown() {
		m.LastModifiedDateTime = s.LastModifiedDateTime
	}
	keepString(&m.UpdatedBy, s.UpdatedBy)
	keepString(&m.UpdatedDateTime, s.UpdatedDateTime)
}

// needsPatch reports whether anything the PATCH body carries differs from state.
func (m *controlProfileResourceModelV0) needsPatch(state *controlProfileResourceModelV0) bool {
	return !m.ControlID.Equal(state.ControlID) || !m.State.Equal(state.State) || !m.AssignedTo.Equal(state.AssignedTo) ||
		!m.Comment.Equal(state.Comment) || !m.VendorInformation.Equal(state.VendorInformation)
}

// update is the PATCH body for the model's configuration; null assigned_to/comment are sent as "".
func (m *controlProfileResourceModelV0) update(ctx context.Context) (graph.ControlProfileUpdate, diag.Diagnostics) {
	vi, diags := vendorInformationUpdate(ctx, m.VendorInformation)
	return graph.ControlProfileUpdate{
		AssignedTo:        m.AssignedTo.ValueString(),
		Comment:           m.Comment.ValueString(),
		State:             m.State.ValueString(),
		VendorInformation: vi,
	}, diags
}

func vendorInformationUpdate(ctx context.Context, obj types.Object) (graph.SecurityVendorInformation, diag.Diagnostics) {
	if !known(obj) {
		obj = defaultVendorInformation
	}
	var v vendorInformationModelV0
	diags := obj.As(ctx, &v, objectAsOptions)
	return graph.SecurityVendorInformation{
		Provider:        v.Provider.ValueStringPointer(),
		ProviderVersion: v.ProviderVersion.ValueStringPointer(),
		SubProvider:     v.SubProvider.ValueStringPointer(),
		Vendor:          v.Vendor.ValueStringPointer(),
	}, diags
}

func (r *controlProfileResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan controlProfileResourceModelV0
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, client := r.startWrite(ctx, plan.Timeouts.Create, &resp.Diagnostics)
	defer cancel()
	if client == nil {
		return
	}
	writeControlProfile(ctx, client, &plan, &resp.State, &resp.Diagnostics)
}

func (r *controlProfileResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state controlProfileResourceModelV0
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.needsPatch(&state) {
		// Only reset_on_destroy or timeouts changed: nothing to send (ModifyPlan kept every computed value known).
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	ctx, cancel, client := r.startWrite(ctx, plan.Timeouts.Update, &resp.Diagnostics)
	defer cancel()
	if client == nil {
		return
	}
	writeControlProfile(ctx, client, &plan, &resp.State, &resp.Diagnostics)
}

// writeControlProfile sends the one PATCH and stores the 200 response; a 204 is followed by one GET. Once the
// PATCH went through, state is always written, so a failed read-back never loses the change.
func writeControlProfile(ctx context.Context, client *graph.Client, plan *controlProfileResourceModelV0, state *tfsdk.State, diags *diag.Diagnostics) {
	id := plan.ControlID.ValueString()
	update, d := plan.update(ctx)
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	tflog.Debug(ctx, "Updating control profile", map[string]any{"id": id, "state": update.State})
	profile, err := client.UpdateControlProfile(ctx, id, update)
	if err != nil {
		diags.AddError("Unable to update the control profile", fmt.Sprintf("Control profile %q: %s", id, err))
		return
	}
	m := *plan
	m.ID = types.StringValue(id)
	if profile == nil {
		profile, err = client.GetControlProfile(ctx, id)
		if err != nil {
			m.clearReadOnly()
			diags.AddWarning("Control profile updated but not read back",
				fmt.Sprintf("Microsoft Graph accepted the update of control profile %q (204 No Content), but reading it back failed: %s\n\n"+
					"State holds the configured values; the read-only attributes are filled at the next refresh.", id, err))
			diags.Append(state.Set(ctx, &m)...)
			return
		}
	}
	diags.Append(m.setFromGraph(ctx, profile)...)
	diags.Append(state.Set(ctx, &m)...)
}

func (r *controlProfileResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	// Everything else in the new state comes from Graph, so only these four are read from the prior state:
	// converting the whole model by reflection took ~14% of a refresh's provider CPU.
	var state controlProfileResourceModelV0
	for _, a := range []struct {
		name   string
		target any
	}{{"id", &state.ID}, {"control_id", &state.ControlID}, {"reset_on_destroy", &state.ResetOnDestroy}, {"timeouts", &state.Timeouts}} {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(a.name), a.target)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil {
		resp.Diagnostics.AddWarning("Control profile not refreshed",
			"The securescore provider configuration holds values that are only known after apply, so the control profile was not read; the previous state is kept.")
		return
	}
	timeout, diags := state.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	id := state.ID.ValueString()
	if id == "" {
		id = state.ControlID.ValueString()
	}
	profile, err := r.data.client.GetControlProfile(ctx, id)
	if graph.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Control profile not found",
			fmt.Sprintf("Microsoft Graph returned 404 for control profile %q, so it was removed from Terraform state. "+
				"Microsoft retires controls from time to time; apply again to manage it if it comes back.", id))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to read the control profile", fmt.Sprintf("Control profile %q: %s", id, err))
		return
	}
	resp.Diagnostics.Append(state.setFromGraph(ctx, profile)...)
	if state.ControlID.IsNull() {
		state.ControlID = state.ID
	}
	if state.ResetOnDestroy.IsNull() {
		state.ResetOnDestroy = types.BoolValue(true)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *controlProfileResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state controlProfileResourceModelV0
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ControlID.ValueString()
	if !state.ResetOnDestroy.IsNull() && !state.ResetOnDestroy.ValueBool() {
		resp.Diagnostics.AddWarning("Control profile only removed from Terraform state",
			fmt.Sprintf("reset_on_destroy is false, so control profile %q keeps its state (%s) in Microsoft Secure Score; "+
				"nothing was sent to Microsoft Graph.", id, state.State.ValueString()))
		return
	}
	ctx, cancel, client := r.startWrite(ctx, state.Timeouts.Delete, &resp.Diagnostics)
	defer cancel()
	if client == nil {
		return
	}

	vi, diags := vendorInformationUpdate(ctx, state.VendorInformation)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Debug(ctx, "Resetting control profile to Default", map[string]any{"id": id})
	_, err := client.UpdateControlProfile(ctx, id, graph.ControlProfileUpdate{State: controlStateDefault, VendorInformation: vi})
	if graph.IsNotFound(err) {
		return // the control is gone: nothing left to reset
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to reset the control profile", fmt.Sprintf("Control profile %q: %s", id, err))
	}
}
