package provider

import (
	"context"
	"fmt"
	"strings"
)

// planBaseline turns Terraform's proposed new state (plan) into the planned state, given the configuration and
// the prior state (nil on create). tenants is nil while the provider is not configured (its configuration holds
// values known only after apply): the plan is then made without the tenant, and apply checks it. It reports
// whether the baseline must be replaced because its tenant changed.
func planBaseline(ctx context.Context, tenants baselineTenants, config, prior, plan *baselineModelV1) (replace bool, ps diagnostics) {
	planDefaults(config, plan)
	// skipped_controls and prior_decisions follow from the controls and missing_controls (another tenant is a
	// replacement): a change of anything else (tenant_unavailable, on_destroy, timeouts) keeps them as state holds
	// them, so that it is planned and applied without the tenant; tenant_unavailable = "warn" can then be set for a
	// tenant that already refuses the application.
	changed := prior == nil || !baselineTable.equalOn(plan, prior, "controls", "missing_controls")
	if changed {
		plan.SkippedControls = tfUnknown[[]string]()
		plan.PriorDecisions = tfUnknown[map[string]*controlDecision]()
	}
	td, replace := planBaselineTenant(ctx, tenants, config, prior, plan, &ps)
	if td == nil || replace {
		return replace, ps
	}
	planControls(ctx, td, plan, prior, &ps)
	if prior != nil && plan.Controls.isKnown() && !ps.hasError() {
		var removed []string
		for id := range prior.managed() {
			if _, ok := plan.Controls.value()[id]; !ok {
				removed = append(removed, id)
			}
		}
		warnRelease(&ps, plan.OnDestroy, prior, removed, "Removing controls from the baseline")
	}
	return false, ps
}

// planDefaults fills the defaults of the optional attributes the configuration leaves null (Terraform proposes
// their prior values); on_destroy follows the deprecated reset_on_destroy when that is set.
func planDefaults(config, plan *baselineModelV1) {
	plan.setDefaults(config)
	if config.OnDestroy.isNull() {
		switch r := config.ResetOnDestroy; {
		case r.isNull():
		case r.isUnknown():
			plan.OnDestroy = tfUnknown[string]()
		default:
			plan.OnDestroy = tfKnown(onDestroyForReset(r.value()))
		}
	}
}

// planBaselineTenant plans tenant_id and id by the one tenant rule (planTenant in tenant_plan.go), and reports
// whether the baseline is replaced (skipped_controls and prior_decisions are then known after apply). It returns
// the tenant to plan the controls against: nil when they cannot be planned (the provider is not configured, the
// tenant is known only after apply, the baseline is replaced, or ps says why). A tenant that refuses the
// application, with tenant_unavailable = "warn", leaves the baseline as state holds it, with a warning.
func planBaselineTenant(ctx context.Context, tenants baselineTenants, config, prior, plan *baselineModelV1, ps *diagnostics) (baselineTenant, bool) {
	q := tenantQuery{noun: "Baseline", what: "The baseline", configuredUnknown: config.TenantID.isUnknown()}
	if config.TenantID.isKnown() {
		q.configured = config.TenantID.value()
	}
	if prior != nil {
		q.prior, q.priorGUID = prior.tenantName(), prior.ID.value()
		q.consequence = fmt.Sprintf("Destroy handles the controls of tenant %q as on_destroy = %q says, then the decisions are applied "+
			"to the new tenant.", q.prior, prior.OnDestroy.value())
	}
	var td baselineTenant
	var resolver tenantResolver // nil while the provider is not configured
	if tenants != nil && !q.configuredUnknown {
		t, err := tenants(q.configured)
		if err != nil {
			ps.addAttrError(attribute("tenant_id"), "No tenant for the baseline", err.Error())
			return nil, false
		}
		td, resolver = t, t
	}
	p, err := planTenant(ctx, resolver, q)
	switch {
	case err != nil && warnUnavailable(plan, td.tenantName(), err, ps):
		// Planned as state holds it; what only the tenant can tell stays as it was, or known after apply.
		plan.ID = prior.ID
		if !config.TenantID.isKnown() {
			plan.TenantID = prior.TenantID
		}
		return nil, false
	case err != nil:
		ps.addAttrError(attribute("tenant_id"), "Unable to check the baseline's tenant", err.Error())
		return nil, false
	}
	plan.TenantID, plan.ID = tfStringOrUnknown(p.value), tfStringOrUnknown(p.guid)
	if p.replace {
		ps.addAttrWarning(attribute("tenant_id"), p.summary, p.warning)
		plan.SkippedControls = tfUnknown[[]string]()
		plan.PriorDecisions = tfUnknown[map[string]*controlDecision]()
	}
	return td, p.replace
}

// planControls checks the planned controls against the other baselines of this walk and the tenant, and plans
// skipped_controls, prior_decisions and id.
func planControls(ctx context.Context, td baselineTenant, plan, prior *baselineModelV1, ps *diagnostics) {
	if !plan.Controls.isKnown() {
		plan.SkippedControls = tfUnknown[[]string]()
		plan.PriorDecisions = tfUnknown[map[string]*controlDecision]()
		return
	}
	want, unknown := plan.decisions()
	if conflicts := td.claim(want); len(conflicts) > 0 {
		ps.addAttrError(attribute("controls"), "Control managed by two baselines",
			fmt.Sprintf("Another securescore_baseline of this provider configuration (tenant %q) sets these controls differently: %s. "+
				"Each apply would undo the other; keep each control in one baseline.", td.tenantName(), quoted(conflicts)))
		return
	}
	keys := sortedKeys(plan.Controls.value())
	var defender []string
	for _, id := range keys {
		if isDefenderControl(id) {
			defender = append(defender, id)
		}
	}
	if len(unknown) == 0 && len(defender) == 0 && plan.ID.isKnown() && knownToState(prior, want) {
		// Every control was in the tenant at this command's refresh (read confirms a control the list lacks with a
		// GET and drops it on a 404): nothing can be missing, and nothing is skipped. Terraform plans again in the
		// apply walk, in a new plugin process; this spares that process a list of the whole tenant.
		plan.SkippedControls = tfKnown([]string{})
		plan.PriorDecisions = plannedPriors(prior, keys, nil)
		return
	}

	listing, err := td.list(ctx, usingControls(append(keys, unknown...)))
	if err != nil {
		if !warnUnavailable(plan, td.tenantName(), err, ps) {
			ps.addError("Unable to list the tenant's control profiles",
				fmt.Sprintf("Listing the control profiles of tenant %q for the baseline's plan: %s", td.tenantName(), err))
		}
		return
	}
	var missing []string
	for _, id := range keys {
		if _, listed := listing[id]; !listed && !isDefenderControl(id) {
			missing = append(missing, id)
		}
	}
	tenant := td.tenantName()
	if t := tenantOf(listing); t != "" {
		tenant = t
	}
	if len(missing)+len(defender) > 0 {
		warn := plan.MissingControls.value() == missingControlsWarn
		reportUnappliable(ps, warn, tenant, missing, defender, sortedKeys(listing))
		if !warn {
			return
		}
	}
	skip := skippedSet(append(missing, defender...))
	if plan.MissingControls.isUnknown() && len(skip) > 0 {
		return // skipped or refused at apply, once missing_controls is known
	}
	plan.SkippedControls = tfKnown(sortedKeys(skip))
	plan.PriorDecisions = plannedPriors(prior, keys, skip)
	if !plan.ID.isKnown() && tenantOf(listing) != "" {
		plan.ID = tfKnown(strings.ToLower(tenantOf(listing)))
	}
}

func skippedSet(ids []string) map[string]bool {
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out
}

// plannedPriors is prior_decisions after the apply of a plan holding keys: the prior state's entries for the
// controls it keeps; unknown when a control will be applied for the first time (its decision is read then).
func plannedPriors(prior *baselineModelV1, keys []string, skipped map[string]bool) tfValue[map[string]*controlDecision] {
	out := make(map[string]*controlDecision, len(keys))
	for _, id := range keys {
		var p *controlDecision
		had := false
		if prior != nil && prior.PriorDecisions.isKnown() {
			p, had = prior.PriorDecisions.value()[id]
		}
		switch {
		case had:
			out[id] = p
		case !skipped[id]:
			return tfUnknown[map[string]*controlDecision]()
		}
	}
	return tfKnown(out)
}

// knownToState reports whether the prior state (nil on create) holds every control of want, none of them skipped.
func knownToState(prior *baselineModelV1, want map[string]controlDecision) bool {
	if prior == nil || !prior.Controls.isKnown() || !prior.SkippedControls.isKnown() || !prior.PriorDecisions.isKnown() {
		return false
	}
	skipped := prior.skipped()
	for id := range want {
		if _, ok := prior.Controls.value()[id]; !ok || skipped[id] {
			return false
		}
	}
	return true
}

// planBaselineDestroy warns, in a destroy plan, with the controls that destroy will change in the tenant.
func planBaselineDestroy(prior *baselineModelV1) (ps diagnostics) {
	warnRelease(&ps, prior.OnDestroy, prior, sortedKeys(prior.managed()), "Destroying the baseline")
	return ps
}

// warnRelease warns with what releasing the controls ids of prior (destroy, or their removal from controls) will
// do in the tenant, as onDestroy says: which controls change, from what to what, and which keep their decision
// because the one to restore is not known.
func warnRelease(ps *diagnostics, onDestroy tfString, prior *baselineModelV1, ids []string, what string) {
	if len(ids) == 0 || !onDestroy.isKnown() {
		return
	}
	current := prior.managed()
	targets, unknownPrior := releaseTargets(onDestroy.value(), current, prior.PriorDecisions.value(), ids)
	var changes []string
	for _, id := range sortedKeys(targets) {
		if !current[id].equal(targets[id]) {
			changes = append(changes, fmt.Sprintf("  - %q: %s → %s", id, decisionText(current[id]), decisionText(targets[id])))
		}
	}
	tenant := prior.tenantName()
	if len(changes) > 0 {
		why := "back to its decision from before the baseline first changed it (on_destroy = \"restore\")"
		if onDestroy.value() == onDestroyReset {
			why = "back to Default (on_destroy = \"reset\")"
		}
		ps.addWarning(what+" changes controls in the tenant",
			fmt.Sprintf("%s of tenant %q puts %d control(s) %s:\n%s", what, tenant, len(changes), why, strings.Join(changes, "\n")))
	}
	if len(unknownPrior) > 0 {
		ps.addWarning(what+" leaves controls as they are",
			fmt.Sprintf("%s of tenant %q leaves %s as they are: on_destroy = \"restore\", but their decisions from before the baseline "+
				"are not known (prior_decisions holds null for them: the baseline's state was written by an earlier build). "+
				"Set on_destroy = \"reset\" to put them back to Default instead.", what, tenant, quoted(unknownPrior)))
	}
	if onDestroy.value() == onDestroyKeep {
		ps.addWarning(what+" leaves controls as they are",
			fmt.Sprintf("%s of tenant %q sends nothing for %s (on_destroy = \"keep\"): they keep their decisions in Microsoft Secure Score.",
				what, tenant, quoted(ids)))
	}
}

// reportUnappliable names the controls the baseline cannot apply: those the tenant lacks (with the control each
// most likely meant) and Defender for Endpoint controls. As warnings when they are skipped (missing_controls =
// "warn"), else as errors.
func reportUnappliable(ps *diagnostics, warn bool, tenant string, missing, defender, listed []string) {
	add, then := ps.addAttrError, " Remove them from controls, or set missing_controls = \"warn\" to skip them."
	missingSummary, defenderSummary := "Controls missing from the tenant", "Defender for Endpoint controls in the baseline"
	if warn {
		add, then = ps.addAttrWarning, " With missing_controls = \"warn\" they are skipped and listed in skipped_controls."
		missingSummary, defenderSummary = "Controls missing from the tenant are skipped", "Defender for Endpoint controls are skipped"
	}
	if len(missing) > 0 {
		detail := fmt.Sprintf("Tenant %q has no control %s (the set of controls depends on licences).", tenant, missingControlsText(missing, listed)) + then
		if warn {
			detail += " They are applied once the tenant has them."
		}
		add(attribute("controls"), missingSummary, detail)
	}
	if len(defender) > 0 {
		add(attribute("controls"), defenderSummary, defenderControlsText(defender)+then)
	}
}
