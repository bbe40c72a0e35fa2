package provider

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// Schema version 0 of securescore_baseline had id, controls, missing_controls, skipped_controls, timeouts and
// reset_on_destroy (optional and computed, default true), all with the types version 1 gives them; version 1
// adds tenant_id, on_destroy, tenant_unavailable and prior_decisions, and deprecates reset_on_destroy. So a
// version 0 value reads as a version 1 value whose new attributes are null, and upgradeBaselineV0 fills them.

// UpgradeResourceState reads state of version 0 or 1; attributes a later build stored are ignored.
func (s *baselineServer) UpgradeResourceState(_ context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	resp := &tfprotov6.UpgradeResourceStateResponse{}
	if req.RawState == nil {
		return resp, nil
	}
	if req.Version > baselineSchemaVersion || req.Version < 0 {
		resp.Diagnostics = errorDiagnostics("Unable to upgrade the baseline's state",
			fmt.Sprintf("The state is of schema version %d; this provider reads versions 0 to %d. It was written by a newer "+
				"provider version: use that version (or a newer one) again.", req.Version, baselineSchemaVersion))
		return resp, nil
	}
	m, err := decodeBaselineJSON(req.RawState.JSON)
	if err != nil || m == nil {
		if err == nil {
			err = errors.New("the stored state is null")
		}
		resp.Diagnostics = errorDiagnostics("Unable to read the baseline's state",
			fmt.Sprintf("The stored state (schema version %d) does not read as a baseline: %s", req.Version, err))
		return resp, nil
	}
	if req.Version == 0 {
		upgradeBaselineV0(m)
	}
	var ps diagnostics
	resp.UpgradedState = encodeOrReport(m, &ps)
	resp.Diagnostics = ps.proto()
	return resp, nil
}

// upgradeBaselineV0 fills what version 1 added: tenant_id is the id version 0 recorded (the tenant that
// answered), on_destroy follows reset_on_destroy (true, the default, is "reset"; false is "keep"), and the
// decisions from before the baseline are not known: null in prior_decisions, which restore leaves as they are.
func upgradeBaselineV0(m *baselineModelV1) {
	m.TenantID = m.ID
	m.OnDestroy = tfKnown(onDestroyForReset(!m.ResetOnDestroy.isKnown() || m.ResetOnDestroy.value()))
	m.ResetOnDestroy = tfBool{}
	priors := map[string]*controlDecision{}
	for id := range m.managed() {
		priors[id] = nil
	}
	m.PriorDecisions = tfKnown(priors)
	m.setDefaults(m) // the attributes version 0 did not have
}

// UpgradeResourceIdentity: the identity has one version so far (baseline_identity.go).
func (s *baselineServer) UpgradeResourceIdentity(_ context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return baselineIdentity.upgrade(req, "baseline"), nil
}

// MoveResourceState: a baseline takes no state moved from another resource type.
func (s *baselineServer) MoveResourceState(_ context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return &tfprotov6.MoveResourceStateResponse{Diagnostics: errorDiagnostics("Unable to move state into a baseline",
		fmt.Sprintf("securescore_baseline takes no state moved from another resource type (%s %s, schema version %s). Remove the "+
			"moved block and import the baseline by its tenant instead: `terraform import securescore_baseline.this <tenant>`.",
			req.SourceProviderAddress, req.SourceTypeName, strconv.FormatInt(req.SourceSchemaVersion, 10)))}, nil
}
