package provider

import (
	"bytes"
	"context"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var _ tfprotov6.ResourceServer = (*controlProfileServer)(nil)

// controlProfileTypeName is the resource's type name.
const controlProfileTypeName = "securescore_control_profile"

// controlProfileServer serves securescore_control_profile on terraform-plugin-go rather than the framework.
// Configurations manage hundreds of these, and at that scale the framework's generic per-instance work (schema
// walks, reflection, plan modification of every attribute) took about 60% of the provider's CPU on every plan and
// refresh; here each RPC decodes the value once into the plain-Go model, applies this resource's few rules (the
// core: control_profile_plan.go, _read.go, _apply.go) and encodes the result once.
// Measured again on the slim schema v1 (issue 13's A/B against controlProfileResource, the same core served by
// the framework): about 5x the CPU and 4x the allocations per instance (BenchmarkControlProfilePlanInstance*), and
// 1.1-2.3x the wall time and 1.6-6x the peak memory in no-op plans and refreshes of 300 and 1000 controls.
// The rest of the provider stays on the framework (see protocolServer).
type controlProfileServer struct {
	rawResourceConfig
}

func newControlProfileServer() *controlProfileServer { return &controlProfileServer{} }

// configure takes what the provider's Configure produced.
func (s *controlProfileServer) configure(data *providerData, deferred bool) { s.store(data, deferred) }

func (s *controlProfileServer) schema() *tfprotov6.Schema { return controlProfileResourceSchema() }

// tenants are the tenants of the configured provider; nil before it is configured with known values.
func (s *controlProfileServer) tenants() profileTenants { return liveTenants(s.data.Load()) }

func (s *controlProfileServer) ValidateResourceConfig(_ context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	var config controlProfileResourceModelV2
	var diags diagnostics
	if null, err := controlProfileAttributes.decode(req.Config, &config); err != nil {
		diags.AddError("Unable to read the control profile's configuration", err.Error())
	} else if !null {
		config.validate(&diags)
	}
	return &tfprotov6.ValidateResourceConfigResponse{Diagnostics: diags.proto()}, nil
}

func (s *controlProfileServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp := &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private, NewIdentity: req.CurrentIdentity}
	if resp.Deferred = s.deferral(req.ClientCapabilities != nil && req.ClientCapabilities.DeferralAllowed); resp.Deferred != nil {
		return resp, nil
	}
	var state controlProfileResourceModelV2
	var diags diagnostics
	if null, err := controlProfileAttributes.decode(req.CurrentState, &state); err != nil || null {
		if err != nil {
			diags.AddError("Unable to read the control profile's state", err.Error())
		}
		resp.Diagnostics = diags.proto()
		return resp, nil
	}
	imported := bytes.Equal(req.Private, importedPrivate)
	switch gone := state.read(ctx, s.tenants(), imported, &diags); {
	case gone:
		resp.NewState, resp.NewIdentity = controlProfileAttributes.null(), nil
	case !diags.hasError():
		resp.NewState = s.encode(&state, &diags, req.CurrentState)
		resp.NewIdentity = s.identityOf(ctx, &state, req.CurrentIdentity)
		if imported {
			resp.Private = nil // the prior decision is recorded
		}
	}
	resp.Diagnostics = diags.proto()
	return resp, nil
}

func (s *controlProfileServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp := &tfprotov6.PlanResourceChangeResponse{PlannedState: req.ProposedNewState, PlannedPrivate: req.PriorPrivate}
	if resp.Deferred = s.deferral(req.ClientCapabilities != nil && req.ClientCapabilities.DeferralAllowed); resp.Deferred != nil {
		return resp, nil
	}
	var plan, config, prior controlProfileResourceModelV2
	var diags diagnostics
	proposedNull, err := controlProfileAttributes.decode(req.ProposedNewState, &plan)
	var priorNull bool
	if err == nil {
		priorNull, err = controlProfileAttributes.decode(req.PriorState, &prior)
	}
	if err == nil && !proposedNull {
		_, err = controlProfileAttributes.decode(req.Config, &config)
	}
	switch {
	case err != nil:
		diags.AddError("Unable to plan the control profile", err.Error())
	case proposedNull: // destroy: the planned state is null
		if !priorNull {
			prior.warnDestroy("Destroying", &diags)
		}
	default:
		priorPtr := &prior
		if priorNull {
			priorPtr = nil
		}
		for _, name := range plan.plan(ctx, &config, priorPtr, s.tenants(), &diags) {
			resp.RequiresReplace = append(resp.RequiresReplace, tftypes.NewAttributePath().WithAttributeName(name))
		}
		resp.PlannedState = s.encode(&plan, &diags, req.ProposedNewState)
		kept := req.PriorIdentity
		if len(resp.RequiresReplace) > 0 {
			kept = nil // replaced: the new object's identity, once it is known
		}
		resp.PlannedIdentity = s.identityOf(ctx, &plan, kept)
	}
	resp.Diagnostics = diags.proto()
	return resp, nil
}

func (s *controlProfileServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp := &tfprotov6.ApplyResourceChangeResponse{NewState: req.PriorState, Private: req.PlannedPrivate}
	var plan, prior controlProfileResourceModelV2
	var diags diagnostics
	plannedNull, err := controlProfileAttributes.decode(req.PlannedState, &plan)
	var priorNull bool
	if err == nil {
		priorNull, err = controlProfileAttributes.decode(req.PriorState, &prior)
	}
	if err != nil {
		diags.AddError("Unable to apply the control profile", err.Error())
		resp.Diagnostics = diags.proto()
		return resp, nil
	}
	// An update or destroy goes to the tenant state records; a create to the planned one (unknown: the provider's).
	tenants := s.tenants()
	var written *controlProfileResourceModelV2
	switch {
	case plannedNull:
		if priorNull {
			resp.NewState = controlProfileAttributes.null()
		} else if t := tenantFor(tenants, prior.TenantID.value(), &diags); t != nil && prior.destroy(ctx, t, &diags) {
			resp.NewState = controlProfileAttributes.null()
		} // else the restore or reset failed: the resource stays
	case priorNull:
		resp.NewState = controlProfileAttributes.null() // until the PATCH succeeds
		if t := tenantFor(tenants, plan.TenantID.value(), &diags); t != nil {
			written = plan.create(ctx, t, &diags)
		}
	case !plan.needsPatch(&prior):
		written = &plan // only on_destroy or timeouts changed: nothing to send (the plan kept every read-only value)
	default:
		if t := tenantFor(tenants, prior.TenantID.value(), &diags); t != nil {
			written = plan.write(ctx, t, plan.Timeouts.Update, &diags)
		}
	}
	if written != nil {
		if written.ResetOnDestroy.isUnknown() { // on_destroy came from a value only known at apply
			written.ResetOnDestroy = resetOnDestroyFor(written.OnDestroy)
		}
		resp.NewState = s.encode(written, &diags, resp.NewState)
		resp.NewIdentity = s.identityOf(ctx, written, req.PlannedIdentity)
	}
	resp.Diagnostics = diags.proto()
	return resp, nil
}

func (s *controlProfileServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	resp := &tfprotov6.ImportResourceStateResponse{}
	if resp.Deferred = s.deferral(req.ClientCapabilities != nil && req.ClientCapabilities.DeferralAllowed); resp.Deferred != nil {
		// As the framework does: an unknown object, imported once the provider is configured.
		unknown := tfprotov6.DynamicValue{MsgPack: msgpackUnknown}
		resp.ImportedResources = []*tfprotov6.ImportedResource{{TypeName: controlProfileTypeName, State: &unknown}}
		return resp, nil
	}
	var diags diagnostics
	id, ok := importID(req, &diags)
	var m controlProfileResourceModelV2
	if ok {
		m, ok = importedControlProfile(id, &diags)
	}
	if ok {
		resp.ImportedResources = []*tfprotov6.ImportedResource{{TypeName: controlProfileTypeName, State: s.encode(&m, &diags, nil),
			Private: importedPrivate, Identity: s.identityOf(ctx, &m, req.Identity)}}
	}
	resp.Diagnostics = diags.proto()
	return resp, nil
}

func (s *controlProfileServer) MoveResourceState(context.Context, *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	var diags diagnostics
	diags.AddError("Unable to move resource state",
		"securescore_control_profile cannot take state moved from another resource type. Import the control instead.")
	return &tfprotov6.MoveResourceStateResponse{Diagnostics: diags.proto()}, nil
}

// encode is m as a wire value, or else (with the error in diags).
func (s *controlProfileServer) encode(m *controlProfileResourceModelV2, diags *diagnostics, orElse *tfprotov6.DynamicValue) *tfprotov6.DynamicValue {
	dv, err := controlProfileAttributes.encode(m)
	if err != nil {
		diags.AddError("Unable to encode the control profile's state", err.Error())
		return orElse
	}
	return dv
}
