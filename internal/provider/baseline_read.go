package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// readBaseline refreshes state from one list of its tenant's control profiles (the tenant state records, not the
// provider's current one) and reports whether it rewrote state. On an error, an answer from another tenant, or
// an unavailable tenant with tenant_unavailable = "warn", state is left as it was: a control leaves state only
// on a GET's 404.
func readBaseline(ctx context.Context, tenants baselineTenants, state *baselineModelV1) (rewritten bool, ps diagnostics) {
	td, err := tenants(state.tenantName())
	if err != nil {
		ps.addError("No tenant for the baseline", err.Error())
		return false, ps
	}
	listing, err := td.list(ctx, state.controlsUsed())
	if err != nil {
		if !warnUnavailable(state, td.tenantName(), err, &ps) {
			ps.addError("Unable to list the tenant's control profiles",
				fmt.Sprintf("Listing the control profiles of tenant %q for the baseline: %s\n\nTerraform state was not changed.", td.tenantName(), err))
		}
		return false, ps
	}
	answer := tenantOf(listing)
	if answer == "" {
		answer, _ = td.guid(ctx)
	}
	if state.ID.isKnown() && answer != "" && !sameTenant(state.ID.value(), answer) {
		mismatchedTenant(&ps, state.ID.value(), answer, td.tenantName())
		return false, ps
	}

	if state.Controls.isNull() {
		readImported(state, listing, &ps)
	} else if !refreshControls(ctx, td, state, listing, &ps) {
		return false, ps
	}
	if answer != "" {
		state.ID = tfKnown(strings.ToLower(answer))
	}
	if !state.TenantID.isKnown() {
		state.TenantID = state.ID // state written before tenant_id: the tenant that answered
	}
	return true, ps
}

// readImported fills an imported baseline (only its tenant is set): every control whose decision is not a
// pristine Default, that decision also recorded as the one to restore, so that destroying the imported baseline
// leaves alone every control Terraform did not change. Defender for Endpoint controls are left out: Graph does
// not update them.
func readImported(state *baselineModelV1, listing map[string]*graph.SecureScoreControlProfile, ps *diagnostics) {
	found := map[string]controlDecision{}
	priors := map[string]*controlDecision{}
	var defender []string
	for id, p := range listing {
		d := decisionOf(p)
		switch {
		case d.equal(pristine):
		case isDefenderControl(id):
			defender = append(defender, id)
		default:
			found[id], priors[id] = d, &d
		}
	}
	if len(defender) > 0 {
		slices.Sort(defender)
		ps.addWarning("Defender for Endpoint controls not imported",
			"Not imported into the baseline, because Microsoft Graph does not update them: "+defenderControlsText(defender))
	}
	state.setDecisions(found)
	state.PriorDecisions = tfKnown(priors)
	state.SkippedControls = tfKnown([]string{})
	state.setDefaults(nullBaselineModel())
}

// refreshControls reads each control of state from the listing. A control the list lacks is confirmed with a
// GET, and leaves state (with its prior decision) only on a 404; a skipped control keeps its configured decision
// while the tenant still lacks it (a Defender for Endpoint control stays skipped). It reports false on an error.
func refreshControls(ctx context.Context, td baselineTenant, state *baselineModelV1,
	listing map[string]*graph.SecureScoreControlProfile, ps *diagnostics) bool {
	configured, _ := state.decisions()
	skipped := state.skipped()
	out := make(map[string]controlDecision, len(configured))
	var stillSkipped []string
	for _, id := range sortedKeys(configured) {
		was := configured[id]
		p, listed := listing[id]
		if skipped[id] && (!listed || isDefenderControl(id)) {
			out[id] = was
			stillSkipped = append(stillSkipped, id)
			continue
		}
		if !listed {
			// Never drop a control from state on a list alone: confirm with a GET.
			got, err := td.get(ctx, id)
			if graph.IsNotFound(err) {
				ps.addWarning("Control of the baseline not found",
					fmt.Sprintf("Microsoft Graph returned 404 for control profile %q of tenant %q, so it was removed from the baseline's "+
						"state. Microsoft retires controls from time to time, and a tenant that lost a licence loses its controls.", id, td.tenantName()))
				if state.PriorDecisions.isKnown() {
					delete(state.PriorDecisions.value(), id)
				}
				continue
			}
			if err != nil {
				ps.addError("Unable to read the baseline",
					fmt.Sprintf("Control profile %q of tenant %q: %s\n\nTerraform state was not changed.", id, td.tenantName(), err))
				return false
			}
			p = got
		}
		d := decisionOf(p)
		if d.equal(was) {
			d = was // the configuration's spelling of the state is kept
		}
		out[id] = d
	}
	state.setDecisions(out)
	state.SkippedControls = tfKnown(nonNil(stillSkipped))
	return true
}
