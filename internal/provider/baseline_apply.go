package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/sync/errgroup"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// baselineFanOut is how many PATCHes one baseline apply has in flight: Graph's documented limit of 4 concurrent
// Secure Score requests per app and tenant. The client's own admission bounds the process as a whole.
const baselineFanOut = 4

// applyBaseline makes the tenant hold plan's controls and releases, as plan's on_destroy says, the controls of
// prior (nil for a create) that plan no longer holds. It returns the state to store: plan rewritten with what
// the tenant holds now (errors in ps name the controls that failed), or nil when nothing was sent and state is
// unchanged (ps says why).
func applyBaseline(ctx context.Context, td baselineTenant, plan, prior *baselineModelV1) (*baselineModelV1, diagnostics) {
	var ps diagnostics
	want, _ := plan.decisions()
	current := map[string]controlDecision{} // what the tenant holds, as far as this apply knows
	priors := map[string]*controlDecision{}
	if prior != nil {
		current = prior.managed()
		for id, p := range prior.PriorDecisions.value() {
			priors[id] = p
		}
	}
	var removed []string
	for id := range current {
		if _, ok := want[id]; !ok {
			removed = append(removed, id)
		}
	}
	release, unknownPrior := releaseTargets(plan.OnDestroy.value(), current, priors, removed)

	skipped := plan.skipped()
	needList := !plan.SkippedControls.isKnown() || !plan.ID.isKnown() || !plan.TenantID.isKnown()
	for id := range want {
		_, known := current[id]
		_, hasPrior := priors[id]
		needList = needList || (!skipped[id] && (!known || !hasPrior))
	}
	if needList {
		listing, err := td.list(ctx, usingControls(append(sortedKeys(want), removed...)))
		if err != nil {
			ps.addError("Unable to list the tenant's control profiles",
				fmt.Sprintf("Listing the control profiles of tenant %q for the baseline: %s\n\nNothing was sent; Terraform state was not changed.", td.tenantName(), err))
			return nil, ps
		}
		if !takeListing(plan, td, want, listing, current, priors, &ps) {
			return nil, ps
		}
		skipped = plan.skipped()
	}
	configured := map[string]controlDecision{} // a skipped control keeps its configured decision in state
	for id := range skipped {
		if d, ok := want[id]; ok {
			configured[id] = d
		}
		delete(want, id)
	}

	result, sent, failed, undecoded := converge(ctx, td, current, want, release)
	for id, d := range configured {
		result[id] = d
	}
	kept := map[string]*controlDecision{}
	for id := range result {
		if p, ok := priors[id]; ok {
			kept[id] = p
		}
	}
	plan.setDecisions(result)
	plan.SkippedControls = tfKnown(sortedKeys(skipped))
	plan.PriorDecisions = tfKnown(kept)

	tenant := plan.ID.value()
	warnUndecoded(&ps, tenant, undecoded)
	warnKept(&ps, tenant, plan.OnDestroy.value(), removed, unknownPrior)
	what := "update"
	if prior == nil {
		what = "apply"
	}
	addFailures(&ps, tenant, what, sent, failed, prior == nil)
	return plan, ps
}

// takeListing completes plan from the tenant's listing: its id and tenant_id, the controls to skip when the plan
// did not know them yet, and for each control new to the baseline the decision it holds now (current) and, the
// first time, the decision to restore (priors). It reports false, with an error in ps, when the listing is of
// another tenant or a control the tenant lacks must be refused.
func takeListing(plan *baselineModelV1, td baselineTenant, want map[string]controlDecision,
	listing map[string]*graph.SecureScoreControlProfile, current map[string]controlDecision, priors map[string]*controlDecision, ps *diagnostics) bool {
	if answer := strings.ToLower(tenantOf(listing)); answer != "" {
		if plan.ID.isKnown() && !sameTenant(plan.ID.value(), answer) {
			mismatchedTenant(ps, plan.ID.value(), answer, td.tenantName())
			return false
		}
		plan.ID = tfKnown(answer)
	}
	if !plan.TenantID.isKnown() && plan.ID.isKnown() {
		plan.TenantID = plan.ID
	}
	if !plan.SkippedControls.isKnown() {
		var skip []string
		for _, id := range sortedKeys(want) {
			if _, listed := listing[id]; !listed || isDefenderControl(id) {
				skip = append(skip, id)
			}
		}
		if len(skip) > 0 && plan.MissingControls.value() != missingControlsWarn {
			ps.addError("Controls the baseline cannot apply",
				fmt.Sprintf("Tenant %q has no control %s, or they are Microsoft Defender for Endpoint controls, which Graph does not "+
					"update. Nothing was sent. Remove them from controls, or set missing_controls = \"warn\" to skip them.",
					td.tenantName(), missingControlsText(skip, sortedKeys(listing))))
			return false
		}
		plan.SkippedControls = tfKnown(nonNil(skip))
	}
	skipped := plan.skipped()
	for id := range want {
		p, listed := listing[id]
		if skipped[id] || !listed {
			continue
		}
		if _, known := current[id]; !known {
			current[id] = decisionOf(p)
		}
		if _, ok := priors[id]; !ok {
			before := decisionOf(p)
			priors[id] = &before
		}
	}
	return true
}

// destroyBaseline releases every control of state as its on_destroy says. It returns the state to keep when
// some of them failed (those controls, with an error in ps), else nil: the baseline leaves state unless ps holds
// an error.
func destroyBaseline(ctx context.Context, td baselineTenant, state *baselineModelV1) (*baselineModelV1, diagnostics) {
	var ps diagnostics
	tenant := state.tenantName()
	current := state.managed()
	if state.OnDestroy.value() == onDestroyKeep {
		ps.addWarning("Baseline only removed from Terraform state",
			fmt.Sprintf("on_destroy is \"keep\", so the controls of the baseline of tenant %q keep their decisions in Microsoft "+
				"Secure Score; nothing was sent to Microsoft Graph.", tenant))
		return nil, ps
	}
	ids := sortedKeys(current)
	release, unknownPrior := releaseTargets(state.OnDestroy.value(), current, state.PriorDecisions.value(), ids)
	result, sent, failed, undecoded := converge(ctx, td, current, nil, release)
	warnUndecoded(&ps, tenant, undecoded)
	warnKept(&ps, tenant, state.OnDestroy.value(), nil, unknownPrior)
	if len(failed) == 0 {
		return nil, ps
	}
	addFailures(&ps, tenant, state.OnDestroy.value(), sent, failed, false)
	kept := map[string]*controlDecision{}
	for id := range result {
		if p, ok := state.PriorDecisions.value()[id]; ok {
			kept[id] = p
		}
	}
	state.setDecisions(result)
	state.SkippedControls = tfKnown([]string{})
	state.PriorDecisions = tfKnown(kept)
	return state, ps
}

// releaseTargets are the decisions the controls ids go back to as onDestroy says (restore: each one's prior
// decision; reset: Default; keep: none), and unknownPrior the controls restore leaves as they are because their
// prior decision is not known.
func releaseTargets(onDestroy string, current map[string]controlDecision, priors map[string]*controlDecision, ids []string) (
	targets map[string]controlDecision, unknownPrior []string) {
	targets = map[string]controlDecision{}
	for _, id := range ids {
		if _, managed := current[id]; !managed {
			continue
		}
		switch onDestroy {
		case onDestroyReset:
			targets[id] = pristine
		case onDestroyRestore:
			if p := priors[id]; p != nil {
				targets[id] = *p
			} else {
				unknownPrior = append(unknownPrior, id)
			}
		}
	}
	slices.Sort(unknownPrior)
	return targets, unknownPrior
}

// converge PATCHes every control of want whose current decision differs (or is not known), and every control
// of release whose current decision is not its target. It returns what the service holds afterwards for the
// controls that stay in the baseline, as far as this apply knows: a control of want whose PATCH succeeded holds
// what was sent, one that failed keeps current (and is left out when current has nothing for it); a released
// control leaves unless its PATCH failed. sent counts the PATCHes; failed names each control whose PATCH failed,
// with the error; undecoded the controls whose PATCH Graph applied but answered with a body that did not decode
// (applied all the same). No response is read back: a PATCH that succeeded set exactly what it sent.
func converge(ctx context.Context, td baselineTenant, current, want, release map[string]controlDecision) (
	result map[string]controlDecision, sent int, failed map[string]error, undecoded []string) {
	result = make(map[string]controlDecision, len(want))
	sends := map[string]controlDecision{}
	for id, d := range want {
		if cur, ok := current[id]; ok && cur.equal(d) {
			result[id] = d // already so; the configuration's spelling of the state is kept
			continue
		}
		sends[id] = d
	}
	for id, d := range release {
		if !current[id].equal(d) {
			sends[id] = d
		}
	}

	// Logged once here: terraform-plugin-log's masking mutates shared fields, so goroutines must not log with ctx.
	tflog.Debug(ctx, "Updating control profiles for a baseline", map[string]any{"ids": sortedKeys(sends)})
	var mu sync.Mutex
	failed = map[string]error{}
	var g errgroup.Group
	g.SetLimit(baselineFanOut)
	for _, id := range sortedKeys(sends) {
		d := sends[id]
		g.Go(func() error {
			err := ctx.Err()
			if err == nil {
				err = td.patch(ctx, id, d)
			}
			var ue *graph.UndecodedWriteError
			landed := errors.As(err, &ue)
			_, wanted := want[id]
			mu.Lock()
			defer mu.Unlock()
			switch {
			case landed:
				undecoded = append(undecoded, id)
				if wanted {
					result[id] = d
				}
			case err != nil && !wanted && graph.IsNotFound(err):
				// A control that no longer exists has nothing left to put back.
			case err != nil:
				failed[id] = err
				if cur, ok := current[id]; ok {
					result[id] = cur
				}
			case wanted:
				result[id] = d
			}
			return nil
		})
	}
	_ = g.Wait() // every goroutine returns nil: failures are collected, so one does not stop the others
	slices.Sort(undecoded)
	return result, len(sends), failed, undecoded
}

// warnUndecoded reports the PATCHes Graph applied although their answers did not decode: kept in state.
func warnUndecoded(ps *diagnostics, tenant string, ids []string) {
	if len(ids) > 0 {
		ps.addWarning("Controls updated, but Graph's answers did not decode",
			fmt.Sprintf("Microsoft Graph applied the PATCH of %s in tenant %q (a 2xx answer), but the body of its answer did not "+
				"decode. The decisions sent are in Terraform state; nothing is sent again for them.", quoted(ids), tenant))
	}
}

// warnKept reports the controls that left the baseline without a write: with on_destroy "keep" (removed from
// controls; destroy reports its own), or "restore" without a known prior decision.
func warnKept(ps *diagnostics, tenant, onDestroy string, removed, unknownPrior []string) {
	if onDestroy == onDestroyKeep && len(removed) > 0 {
		slices.Sort(removed)
		ps.addWarning("Controls left as they are",
			fmt.Sprintf("Removed from the baseline with on_destroy = \"keep\", %s keep their decisions in tenant %q; nothing was sent for them.", quoted(removed), tenant))
	}
	if len(unknownPrior) > 0 {
		ps.addWarning("Controls left as they are",
			fmt.Sprintf("on_destroy is \"restore\", but the decisions of %s from before the baseline are not known (the baseline's "+
				"state was written by an earlier build), so they keep their current decisions in tenant %q.", quoted(unknownPrior), tenant))
	}
}

// addFailures reports every failed control and what happened to state.
func addFailures(ps *diagnostics, tenant, what string, attempted int, failed map[string]error, afterCreate bool) {
	if len(failed) == 0 {
		return
	}
	var b strings.Builder
	var notSent []string
	for _, id := range sortedKeys(failed) {
		if ns := (*graph.NotSentError)(nil); errors.As(failed[id], &ns) && ns.Attempt == 1 {
			notSent = append(notSent, id) // said once below: a stop can leave hundreds
			continue
		}
		fmt.Fprintf(&b, "- %q: %s\n", id, failed[id])
	}
	if len(notSent) > 0 {
		fmt.Fprintf(&b, "- not sent, because Terraform asked the provider to stop (Ctrl-C) before their PATCH went out: %s\n", quoted(notSent))
	}
	detail := fmt.Sprintf("Microsoft Graph refused or did not complete the %s of %d of the %d controls changed in the baseline of tenant %q:\n\n%s\n"+
		"The controls that were changed are in Terraform state. The failed controls keep their previous state there, so the next "+
		"apply sends only them.", what, len(failed), attempted, tenant, b.String())
	if afterCreate {
		detail += "\n\nTerraform marks a resource whose creation reported an error as tainted, and would replace it at the next apply " +
			"(handling its controls first as on_destroy says). Run `terraform untaint` on the baseline first so that " +
			"the next apply finishes only the failed controls."
	}
	ps.addError(fmt.Sprintf("Unable to %s %d control(s) of the baseline", what, len(failed)), detail)
}

// writeTimeout is the timeouts block's entry for the write from prior to plan (nil: none): delete, create or
// update.
func writeTimeout(plan, prior *baselineModelV1) time.Duration {
	switch {
	case plan == nil:
		return timeoutOr(prior.Timeouts.Delete, defaultWriteTimeout)
	case prior == nil:
		return timeoutOr(plan.Timeouts.Create, defaultWriteTimeout)
	}
	return timeoutOr(plan.Timeouts.Update, defaultWriteTimeout)
}
