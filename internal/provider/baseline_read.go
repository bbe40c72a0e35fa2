package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// read refreshes state from one list of the tenant's control profiles and reports whether it rewrote state. On
// an error state is left as it was: a control leaves state only on a GET's 404.
func (s *baselineServer) read(ctx context.Context, state baselineObject, diags *diag.Diagnostics) (rewritten bool) {
	data := s.data.Load()
	t, err := state.timeouts(ctx)
	if err != nil {
		diags.AddError("Unable to read the baseline's state", err.Error())
		return false
	}
	ctx, cancel, ok := (&resourceBase{data: data}).startRead(ctx, "baseline", t, diags)
	defer cancel()
	if !ok {
		return false
	}
	listing := listProfiles(ctx, data, controlsUsedBy(state), diags)
	if listing == nil {
		return false
	}
	tenant := tenantOf(data, listing)

	if state["controls"].IsNull() { // an import: every control that is not pristine
		if id := state.str("id"); !strings.EqualFold(id, tenant) && !strings.EqualFold(id, data.settings.TenantID) {
			diags.AddError("Baseline import id is another tenant",
				fmt.Sprintf("Import id %q is not the tenant this provider configuration signs in to (%s, %s). Import each tenant's "+
					"baseline through a provider configured for that tenant.", id, data.settings.TenantID, tenant))
			return false
		}
		found := map[string]controlDecision{}
		for id, p := range listing {
			if d := decisionOf(p); !d.equal(pristine) {
				found[id] = d
			}
		}
		state.setControls(found)
		state["reset_on_destroy"] = tftypes.NewValue(tftypes.Bool, true)
		state.setString("missing_controls", missingControlsError)
		state.setSkipped(nil)
		state.setString("id", tenant)
		return true
	}

	prior, _, d := state.decisions()
	diags.Append(d...)
	if d.HasError() {
		return false
	}
	skipped := state.skipped()
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
			p, err := data.client.GetControlProfile(ctx, id)
			if graph.IsNotFound(err) {
				diags.AddWarning("Control of the baseline not found",
					fmt.Sprintf("Microsoft Graph returned 404 for control profile %q of tenant %s, so it was removed from the baseline's "+
						"state. Microsoft retires controls from time to time, and a tenant that lost a licence loses its controls.", id, tenant))
				continue
			}
			if err != nil {
				diags.AddError("Unable to read the baseline", fmt.Sprintf("Control profile %q of tenant %s: %s\n\nTerraform state was not changed.", id, tenant, err))
				return false
			}
			d = decisionOf(p)
		}
		if d.equal(pd) {
			d = pd // the configuration's spelling of the state is kept
		}
		out[id] = d
	}
	state.setControls(out)
	state.setSkipped(stillSkipped)
	state.setString("id", tenant)
	return true
}

// controlsUsedBy are the listed controls whose values read takes: those of state, or every control for an import.
func controlsUsedBy(state baselineObject) controlsUsed {
	var controls map[string]tftypes.Value
	if state["controls"].IsNull() || state["controls"].As(&controls) != nil {
		return usingEveryControl()
	}
	return usingControls(sortedKeys(controls))
}

// listProfiles reads every control profile of the tenant through the shared snapshot (one paged list), current for
// the controls used; nil means diags says why.
func listProfiles(ctx context.Context, data *providerData, used controlsUsed, diags *diag.Diagnostics) map[string]*graph.SecureScoreControlProfile {
	listing, err := data.profiles.all(ctx, used)
	if err != nil {
		diags.AddError("Unable to list the tenant's control profiles",
			fmt.Sprintf("Listing the control profiles of tenant %s for the baseline: %s\n\nTerraform state was not changed.", data.settings.TenantID, err))
		return nil
	}
	return listing
}

// tenantOf is the tenant's GUID from the listed profiles, else the configured tenant (a GUID or a domain).
func tenantOf(data *providerData, listing map[string]*graph.SecureScoreControlProfile) string {
	for _, id := range sortedKeys(listing) {
		if t := listing[id].AzureTenantID; t != "" {
			return t
		}
	}
	return data.settings.TenantID
}
