package provider

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

var _ tfprotov6.ResourceServer = (*controlProfileServer)(nil)

// controlProfileTypeName is the resource's type name.
const controlProfileTypeName = "securescore_control_profile"

// controlProfileServer serves securescore_control_profile on terraform-plugin-go rather than the framework.
// Configurations manage hundreds of these, and at that scale the framework's generic per-instance work (schema
// walks, reflection, plan modification of every attribute) took about 60% of the provider's CPU on every plan and
// refresh; here each RPC decodes the value once, applies this resource's few rules and encodes the result once.
// Measured again on the slim schema v1 (issue 13's A/B against controlProfileResource, the same resource on the
// framework): about 5x the CPU and 4x the allocations per instance (BenchmarkControlProfilePlanInstance*), and
// 1.1-2.3x the wall time and 1.6-6x the peak memory in no-op plans and refreshes of 300 and 1000 controls.
// The rest of the provider stays on the framework (see protocolServer).
type controlProfileServer struct {
	rawResourceConfig
	profiles atomic.Pointer[controlProfileSnapshot] // reads; one per configured client (see control_profile_snapshot.go)
}

func newControlProfileServer() *controlProfileServer { return &controlProfileServer{} }

// configure takes what the provider's Configure produced.
func (s *controlProfileServer) configure(data *providerData, deferred bool) {
	var snapshot *controlProfileSnapshot
	if data != nil {
		snapshot = data.profiles
	}
	s.profiles.Store(snapshot)
	s.store(data, deferred)
}

// controlProfileResourceModelV1 is the securescore_control_profile resource's state (schema version 1): the
// configuration, id, and who changed the control last and when. The catalog facts (title, max_score, ...) and
// the full history are the data sources' (see controlProfileResourceAttributes for why; version 0 held the facts,
// see control_profile_upgrade.go).
type controlProfileResourceModelV1 struct {
	ID                types.String   `tfsdk:"id"`
	ControlID         types.String   `tfsdk:"control_id"`
	State             types.String   `tfsdk:"state"`
	AssignedTo        types.String   `tfsdk:"assigned_to"`
	Comment           types.String   `tfsdk:"comment"`
	VendorInformation types.Object   `tfsdk:"vendor_information"`
	ResetOnDestroy    types.Bool     `tfsdk:"reset_on_destroy"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
	UpdatedBy         types.String   `tfsdk:"updated_by"`
	UpdatedDateTime   types.String   `tfsdk:"updated_date_time"`
}

// setFromGraph writes what the service returned into the resource's state.
func (m *controlProfileResourceModelV1) setFromGraph(p *graph.SecureScoreControlProfile) {
	m.ID = types.StringValue(p.ID)
	prior := m.State
	m.State, m.AssignedTo, m.Comment = currentState(p)
	m.State = controlStateInSpelling(prior, m.State)
	m.VendorInformation = vendorInformationValue(p.VendorInformation)
	m.UpdatedBy, m.UpdatedDateTime = types.StringNull(), types.StringNull()
	if u := newestStateUpdate(p.ControlStateUpdates); u != nil {
		m.UpdatedBy, m.UpdatedDateTime = types.StringPointerValue(u.UpdatedBy), dateTimeValue(u.UpdatedDateTime).StringValue
	}
}

// markReadOnlyUnknown makes every attribute only the service sets "known after apply".
func (m *controlProfileResourceModelV1) markReadOnlyUnknown() {
	m.setEach(readOnly, tftypes.UnknownValue)
}

// markHistoryUnknown makes what every PATCH changes "known after apply".
func (m *controlProfileResourceModelV1) markHistoryUnknown() {
	m.setEach(setByPatch, tftypes.UnknownValue)
}

// defaultVendorInformation is what the service itself records: provider SecureScore, vendor Microsoft.
var defaultVendorInformation = types.ObjectValueMust(vendorInformationType.AttrTypes, map[string]attr.Value{
	"provider":         types.StringValue("SecureScore"),
	"provider_version": types.StringNull(),
	"sub_provider":     types.StringNull(),
	"vendor":           types.StringValue("Microsoft"),
})

// plan turns Terraform's proposed new state (m) into the planned state, given the configuration and the prior
// state (nil on create). It reports whether control_id changed, which replaces the resource.
//
// Terraform proposes the prior values for every attribute the configuration leaves null, so what is left is:
// defaults for vendor_information and reset_on_destroy, "known after apply" for what the service will set, and
// for an update, "known after apply" only for what every PATCH changes (the history) and only if a PATCH is due.
// A change of reset_on_destroy or timeouts alone therefore shows no unknown values and sends nothing.
func (m *controlProfileResourceModelV1) plan(config, prior *controlProfileResourceModelV1) (requiresReplace bool) {
	if config.VendorInformation.IsNull() {
		m.VendorInformation = defaultVendorInformation
	}
	if config.ResetOnDestroy.IsNull() {
		m.ResetOnDestroy = types.BoolValue(true)
	}
	switch {
	case prior == nil:
		m.markReadOnlyUnknown()
	case !m.ControlID.Equal(prior.ControlID):
		m.markReadOnlyUnknown() // another control: none of the old values apply
		return true
	case m.needsPatch(prior):
		m.markHistoryUnknown()
	}
	return false
}

// needsPatch reports whether anything the PATCH body carries differs from state.
func (m *controlProfileResourceModelV1) needsPatch(state *controlProfileResourceModelV1) bool {
	return !m.ControlID.Equal(state.ControlID) || !sameControlState(m.State, state.State) || !m.AssignedTo.Equal(state.AssignedTo) ||
		!m.Comment.Equal(state.Comment) || !m.VendorInformation.Equal(state.VendorInformation)
}

// update is the PATCH body for the model's configuration; null assigned_to/comment are sent as "".
func (m *controlProfileResourceModelV1) update(ctx context.Context) (graph.ControlProfileUpdate, diag.Diagnostics) {
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

func (s *controlProfileServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return &tfprotov6.ValidateResourceConfigResponse{Diagnostics: validateControlProfileConfig(ctx, req.Config)}, nil
}

func (s *controlProfileServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp := &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private}
	if resp.Deferred = s.deferral(req.ClientCapabilities != nil && req.ClientCapabilities.DeferralAllowed); resp.Deferred != nil {
		return resp, nil
	}
	var state controlProfileResourceModelV1
	if null, err := decodeControlProfile(ctx, req.CurrentState, &state); err != nil || null {
		if err != nil {
			resp.Diagnostics = errorDiagnostics("Unable to read the control profile's state", err.Error())
		}
		return resp, nil
	}
	var diags diag.Diagnostics
	switch gone := s.read(ctx, &state, &diags); {
	case gone:
		resp.NewState = nullControlProfileValue()
	case !diags.HasError():
		if dv, err := state.toDynamicValue(ctx); err != nil {
			diags.AddError("Unable to encode the control profile's state", err.Error())
		} else {
			resp.NewState = dv
		}
	}
	resp.Diagnostics = toProtoDiagnostics(diags)
	return resp, nil
}

// read refreshes state from Graph and reports whether the control is gone (a 404). On any other error state is
// left as it was: nothing leaves Terraform state but a control that no longer exists.
func (s *controlProfileServer) read(ctx context.Context, state *controlProfileResourceModelV1, diags *diag.Diagnostics) (gone bool) {
	profiles := s.profiles.Load()
	if profiles == nil {
		diags.AddWarning("Control profile not refreshed",
			"The securescore provider configuration holds values that are only known after apply, so the control profile was not read; the previous state is kept.")
		return false
	}
	timeout, d := state.Timeouts.Read(ctx, defaultReadTimeout)
	diags.Append(d...)
	if diags.HasError() {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	id := state.ID.ValueString()
	if id == "" {
		id = state.ControlID.ValueString()
	}
	profile, err := profiles.read(ctx, id)
	if graph.IsNotFound(err) {
		diags.AddWarning("Control profile not found",
			fmt.Sprintf("Microsoft Graph returned 404 for control profile %q, so it was removed from Terraform state. "+
				"Microsoft retires controls from time to time; apply again to manage it if it comes back.", id))
		return true
	}
	if err != nil {
		diags.AddError("Unable to read the control profile", fmt.Sprintf("Control profile %q: %s", id, err))
		return false
	}
	state.setFromGraph(profile)
	if state.ControlID.IsNull() {
		state.ControlID = state.ID
	}
	if state.ResetOnDestroy.IsNull() {
		state.ResetOnDestroy = types.BoolValue(true)
	}
	return false
}

func (s *controlProfileServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp := &tfprotov6.PlanResourceChangeResponse{PlannedState: req.ProposedNewState, PlannedPrivate: req.PriorPrivate}
	if resp.Deferred = s.deferral(req.ClientCapabilities != nil && req.ClientCapabilities.DeferralAllowed); resp.Deferred != nil {
		return resp, nil
	}
	var plan, config, prior controlProfileResourceModelV1
	proposedNull, err := decodeControlProfile(ctx, req.ProposedNewState, &plan)
	if err != nil || proposedNull {
		if err != nil {
			resp.Diagnostics = errorDiagnostics("Unable to plan the control profile", err.Error())
		}
		return resp, nil // destroy: the planned state is null
	}
	if _, err := decodeControlProfile(ctx, req.Config, &config); err != nil {
		resp.Diagnostics = errorDiagnostics("Unable to plan the control profile", err.Error())
		return resp, nil
	}
	priorNull, err := decodeControlProfile(ctx, req.PriorState, &prior)
	if err != nil {
		resp.Diagnostics = errorDiagnostics("Unable to plan the control profile", err.Error())
		return resp, nil
	}
	priorPtr := &prior
	if priorNull {
		priorPtr = nil
	}
	if plan.plan(&config, priorPtr) {
		resp.RequiresReplace = []*tftypes.AttributePath{tftypes.NewAttributePath().WithAttributeName("control_id")}
	}
	if resp.PlannedState, err = plan.toDynamicValue(ctx); err != nil {
		resp.Diagnostics = errorDiagnostics("Unable to plan the control profile", err.Error())
		return resp, nil
	}
	if known(plan.ControlID) {
		resp.Diagnostics = toProtoDiagnostics(controlPlanWarnings(ctx, plan.ControlID.ValueString(), s.profiles.Load()))
	}
	return resp, nil
}

func (s *controlProfileServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp := &tfprotov6.ApplyResourceChangeResponse{Private: req.PlannedPrivate}
	var plan, prior controlProfileResourceModelV1
	plannedNull, err := decodeControlProfile(ctx, req.PlannedState, &plan)
	if err != nil {
		resp.NewState, resp.Diagnostics = req.PriorState, errorDiagnostics("Unable to apply the control profile", err.Error())
		return resp, nil
	}
	priorNull, err := decodeControlProfile(ctx, req.PriorState, &prior)
	if err != nil {
		resp.NewState, resp.Diagnostics = req.PriorState, errorDiagnostics("Unable to apply the control profile", err.Error())
		return resp, nil
	}

	var diags diag.Diagnostics
	var written *controlProfileResourceModelV1
	switch {
	case plannedNull:
		resp.NewState = nullControlProfileValue()
		if !priorNull && !s.delete(ctx, &prior, &diags) {
			resp.NewState = req.PriorState // the reset failed: the resource stays
		}
	case priorNull:
		resp.NewState = nullControlProfileValue() // until the PATCH succeeds
		written = s.write(ctx, &plan, plan.Timeouts.Create, &diags)
	default:
		resp.NewState = req.PriorState // until the PATCH succeeds
		if !plan.needsPatch(&prior) {
			// Only reset_on_destroy or timeouts changed: nothing to send (the plan kept every read-only value).
			written = &plan
		} else {
			written = s.write(ctx, &plan, plan.Timeouts.Update, &diags)
		}
	}
	if written != nil {
		if dv, err := written.toDynamicValue(ctx); err != nil {
			diags.AddError("Unable to encode the control profile's state", err.Error())
		} else {
			resp.NewState = dv
		}
	}
	resp.Diagnostics = toProtoDiagnostics(diags)
	return resp, nil
}

// write sends the one PATCH and returns the new state from the 200 response; a 204 is followed by one GET. Once
// the PATCH went through, a state is always returned, so a failed read-back never loses the change.
func (s *controlProfileServer) write(ctx context.Context, plan *controlProfileResourceModelV1, timeout func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), diags *diag.Diagnostics) *controlProfileResourceModelV1 {
	base := resourceBase{data: s.data.Load()}
	ctx, cancel, client := base.startWrite(ctx, timeout, diags)
	defer cancel()
	if client == nil {
		return nil
	}
	id := plan.ControlID.ValueString()
	update, d := plan.update(ctx)
	diags.Append(d...)
	if diags.HasError() {
		return nil
	}
	tflog.Debug(ctx, "Updating control profile", map[string]any{"id": id, "state": update.State})
	profile, err := client.UpdateControlProfile(ctx, id, update)
	s.profiles.Load().invalidate(id)
	if undecodedWrite(err, fmt.Sprintf("control profile %q", id), diags) {
		profile, err = nil, nil // applied: read back below
	}
	if err != nil {
		diags.AddError("Unable to update the control profile", controlUpdateError(id, err, "Terraform state is unchanged."))
		return nil
	}
	m := *plan
	m.ID = types.StringValue(id)
	if profile == nil {
		profile, err = client.GetControlProfile(ctx, id)
		if err != nil {
			// Never null a value the plan kept known: Terraform would reject the result.
			diags.Append(m.nullUnknowns(ctx)...)
			diags.AddWarning("Control profile updated but not read back",
				fmt.Sprintf("Microsoft Graph accepted the update of control profile %q, but reading it back failed: %s\n\n"+
					"State holds the planned values; the attributes only the service sets are empty until the next refresh.", id, err))
			return &m
		}
	}
	m.setFromGraph(profile)
	if profile.Deprecated != nil && *profile.Deprecated {
		addDeprecatedWarning(diags, id)
	}
	return &m
}

// delete resets the control to Default unless reset_on_destroy is false, and reports whether the resource may
// leave state.
func (s *controlProfileServer) delete(ctx context.Context, state *controlProfileResourceModelV1, diags *diag.Diagnostics) bool {
	id := state.ControlID.ValueString()
	if !state.ResetOnDestroy.IsNull() && !state.ResetOnDestroy.ValueBool() {
		diags.AddWarning("Control profile only removed from Terraform state",
			fmt.Sprintf("reset_on_destroy is false, so control profile %q keeps its state (%s) in Microsoft Secure Score; "+
				"nothing was sent to Microsoft Graph.", id, state.State.ValueString()))
		return true
	}
	base := resourceBase{data: s.data.Load()}
	ctx, cancel, client := base.startWrite(ctx, state.Timeouts.Delete, diags)
	defer cancel()
	if client == nil {
		return false
	}
	vi, d := vendorInformationUpdate(ctx, state.VendorInformation)
	diags.Append(d...)
	if diags.HasError() {
		return false
	}
	tflog.Debug(ctx, "Resetting control profile to Default", map[string]any{"id": id})
	_, err := client.UpdateControlProfile(ctx, id, graph.ControlProfileUpdate{State: controlStateDefault, VendorInformation: vi})
	s.profiles.Load().invalidate(id)
	if graph.IsNotFound(err) || undecodedWrite(err, fmt.Sprintf("control profile %q", id), diags) {
		return true // the control is gone: nothing left to reset
	}
	if err != nil {
		diags.AddError("Unable to reset the control profile", controlUpdateError(id, err, "The resource stays in Terraform state."))
		return false
	}
	return true
}

func (s *controlProfileServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	resp := &tfprotov6.ImportResourceStateResponse{}
	if resp.Deferred = s.deferral(req.ClientCapabilities != nil && req.ClientCapabilities.DeferralAllowed); resp.Deferred != nil {
		// As the framework does: an unknown object, imported once the provider is configured.
		dv, err := tfprotov6.NewDynamicValue(controlProfileResourceType, tftypes.NewValue(controlProfileResourceType, tftypes.UnknownValue))
		if err != nil {
			resp.Diagnostics = errorDiagnostics("Unable to import the control profile", err.Error())
			return resp, nil
		}
		resp.ImportedResources = []*tfprotov6.ImportedResource{{TypeName: controlProfileTypeName, State: &dv}}
		return resp, nil
	}
	if req.ID == "" {
		resp.Diagnostics = errorDiagnostics("Missing control profile id",
			"Import needs the control's name, e.g. `terraform import securescore_control_profile.mfa AdminMFAV2`.")
		return resp, nil
	}
	m := nullControlProfileModel()
	m.ID, m.ControlID, m.ResetOnDestroy = types.StringValue(req.ID), types.StringValue(req.ID), types.BoolValue(true)
	dv, err := m.toDynamicValue(ctx)
	if err != nil {
		resp.Diagnostics = errorDiagnostics("Unable to import the control profile", err.Error())
		return resp, nil
	}
	resp.ImportedResources = []*tfprotov6.ImportedResource{{TypeName: controlProfileTypeName, State: dv}}
	return resp, nil
}

func (s *controlProfileServer) MoveResourceState(context.Context, *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return &tfprotov6.MoveResourceStateResponse{Diagnostics: errorDiagnostics("Unable to move resource state",
		"securescore_control_profile cannot take state moved from another resource type. Import the control instead.")}, nil
}

func (s *controlProfileServer) schema() *tfprotov6.Schema { return controlProfileResourceSchema() }
