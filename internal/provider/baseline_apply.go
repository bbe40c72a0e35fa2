package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/sync/errgroup"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// baselineFanOut is how many PATCHes one baseline apply has in flight: Graph's documented limit of 4 concurrent
// Secure Score requests per app and tenant. The client's own admission bounds the process as a whole.
const baselineFanOut = 4

// controlProfileWriter is what a baseline apply needs from the Graph client.
type controlProfileWriter interface {
	UpdateControlProfile(ctx context.Context, id string, update graph.ControlProfileUpdate) (*graph.SecureScoreControlProfile, error)
}

var _ controlProfileWriter = (*graph.Client)(nil)

// converge PATCHes every control of want whose current decision differs (or is not known), and puts every
// control of reset back to Default unless it already is. It returns what the service holds afterwards for
// the controls of want and those of reset that are not back to Default, as far as this apply knows: a control
// whose PATCH succeeded holds what was sent, one that failed keeps current (and is left out when current has
// nothing for it). sent counts the PATCHes; failed names each control whose PATCH failed, with the error. No response is read back:
// a PATCH that succeeded set exactly what it sent.
func converge(ctx context.Context, client controlProfileWriter, profiles *controlProfileSnapshot,
	current, want map[string]controlDecision, reset []string) (result map[string]controlDecision, sent int, failed map[string]error) {
	result = map[string]controlDecision{}
	sends := map[string]controlDecision{}
	for id, d := range want {
		if cur, ok := current[id]; ok && cur.equal(d) {
			result[id] = d // already so; the configuration's spelling of the state is kept
			continue
		}
		sends[id] = d
	}
	for _, id := range reset {
		if cur, ok := current[id]; ok && cur.equal(pristine) {
			continue
		}
		sends[id] = pristine
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
				err = patchControl(ctx, client, id, d)
				profiles.invalidate(id) // a failed PATCH may have landed too
			}
			_, wanted := want[id]
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil && !wanted && graph.IsNotFound(err):
				// A control that no longer exists has nothing left to reset.
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
	return result, len(sends), failed
}

func patchControl(ctx context.Context, client controlProfileWriter, id string, d controlDecision) error {
	_, err := client.UpdateControlProfile(ctx, id, d.update())
	return err
}

// addFailures reports every failed control and what happened to state.
func addFailures(diags *diag.Diagnostics, tenant, what string, attempted int, failed map[string]error, afterCreate bool) {
	if len(failed) == 0 {
		return
	}
	var b strings.Builder
	for _, id := range sortedKeys(failed) {
		fmt.Fprintf(&b, "- %s: %s\n", id, failed[id])
	}
	detail := fmt.Sprintf("Microsoft Graph refused or did not complete the %s of %d of the %d controls changed in the baseline of tenant %s:\n\n%s\n"+
		"The controls that were changed are in Terraform state. The failed controls keep their previous state there, so the next "+
		"apply sends only them.", what, len(failed), attempted, tenant, b.String())
	if afterCreate {
		detail += "\n\nTerraform marks a resource whose creation reported an error as tainted, and would replace it at the next apply " +
			"(resetting its controls first when reset_on_destroy is true). Run `terraform untaint` on the baseline first so that " +
			"the next apply finishes only the failed controls."
	}
	diags.AddError(fmt.Sprintf("Unable to %s %d control(s) of the baseline", what, len(failed)), detail)
}

// startWrite bounds a write of o by the timeouts block's entry that timeout picks (Create, Update or Delete);
// client is nil when the write cannot start, with diags saying why.
func (s *baselineServer) startWrite(ctx context.Context, o baselineObject,
	timeout func(timeouts.Value, context.Context, time.Duration) (time.Duration, diag.Diagnostics), summary string,
	diags *diag.Diagnostics) (_ context.Context, _ context.CancelFunc, _ *providerData, client *graph.Client) {
	data := s.data.Load()
	t, err := o.timeouts(ctx)
	if err != nil {
		diags.AddError(summary, err.Error())
		return ctx, func() {}, data, nil
	}
	pick := func(ctx context.Context, d time.Duration) (time.Duration, diag.Diagnostics) {
		return timeout(t, ctx, d)
	}
	ctx, cancel, client := (&resourceBase{data: data}).startWrite(ctx, pick, diags)
	return ctx, cancel, data, client
}

// create applies a new baseline's plan and reports whether plan is now the state to store (with errors too,
// when some controls failed).
func (s *baselineServer) create(ctx context.Context, plan baselineObject, diags *diag.Diagnostics) bool {
	ctx, cancel, data, client := s.startWrite(ctx, plan, timeouts.Value.Create, "Unable to apply the baseline", diags)
	defer cancel()
	if client == nil {
		return false
	}
	want, _, d := plan.decisions()
	diags.Append(d...)
	if d.HasError() {
		return false
	}
	return applyPlan(ctx, data, client, plan, want, map[string]controlDecision{}, nil, true, diags)
}

// update applies the plan of a baseline that prior holds, putting the controls removed from it back to Default
// (reset_on_destroy), and reports whether plan is now the state to store.
func (s *baselineServer) update(ctx context.Context, plan, prior baselineObject, diags *diag.Diagnostics) bool {
	ctx, cancel, data, client := s.startWrite(ctx, plan, timeouts.Value.Update, "Unable to apply the baseline", diags)
	defer cancel()
	if client == nil {
		return false
	}
	current, _, d := prior.decisions()
	diags.Append(d...)
	want, _, d2 := plan.decisions()
	diags.Append(d2...)
	if diags.HasError() {
		return false
	}
	for id := range prior.skipped() {
		delete(current, id) // their values are the configuration's, not the service's
	}
	resetOnDestroy := resetOnDestroyOf(plan)
	var reset, left []string
	for _, id := range sortedKeys(current) {
		if _, ok := want[id]; ok {
			continue
		}
		if resetOnDestroy {
			reset = append(reset, id)
		} else {
			left = append(left, id)
		}
	}
	if len(left) > 0 {
		diags.AddWarning("Controls only removed from the baseline",
			fmt.Sprintf("reset_on_destroy is false, so %s keep their state in Microsoft Secure Score; nothing was sent for them.", strings.Join(left, ", ")))
	}
	return applyPlan(ctx, data, client, plan, want, current, reset, false, diags)
}

// resetOnDestroyOf is reset_on_destroy; null and unknown read as false, as the framework's ValueBool does.
func resetOnDestroyOf(o baselineObject) bool {
	var b bool
	if isKnown(o["reset_on_destroy"]) {
		_ = o["reset_on_destroy"].As(&b)
	}
	return b
}

// applyPlan makes the service hold plan's controls (want, as the caller decoded them), given what it is known to
// hold (current) and the controls to put back to Default, and rewrites plan into the new state. Controls of plan
// that current does not know are read from one list first. It reports false when that list failed: nothing was
// sent and plan is not a state.
func applyPlan(ctx context.Context, data *providerData, client controlProfileWriter, plan baselineObject,
	want, current map[string]controlDecision, reset []string, create bool, diags *diag.Diagnostics) bool {
	skipped := plan.skipped()
	needList := !plan["skipped_controls"].IsKnown() || !plan["id"].IsKnown()
	for id := range want {
		if _, ok := current[id]; !ok && !skipped[id] {
			needList = true
		}
	}
	tenant := plan.str("id")
	if needList {
		listing := listProfiles(ctx, data, usingControls(sortedKeys(want)), diags)
		if listing == nil {
			return false
		}
		tenant = tenantOf(data, listing)
		plan.setString("id", tenant)
		if !plan["skipped_controls"].IsKnown() && plan.str("missing_controls") == missingControlsWarn {
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
	result, sent, failed := converge(ctx, client, data.profiles, current, want, reset)
	for id := range skipped {
		result[id] = configured[id]
	}
	plan.setControls(result)
	plan.setSkipped(sortedKeys(skipped))
	what := "update"
	if create {
		what = "apply"
	}
	addFailures(diags, tenant, what, sent, failed, create)
	return true
}

// delete puts every control of state back to Default unless reset_on_destroy is false. It returns the state to
// keep when some resets failed (the controls not reset, with an error), else nil: the baseline leaves state
// unless diags holds an error.
func (s *baselineServer) delete(ctx context.Context, state baselineObject, diags *diag.Diagnostics) baselineObject {
	if rod := state["reset_on_destroy"]; isKnown(rod) && !resetOnDestroyOf(state) {
		diags.AddWarning("Baseline only removed from Terraform state",
			fmt.Sprintf("reset_on_destroy is false, so the controls of the baseline of tenant %s keep their state in Microsoft Secure Score; "+
				"nothing was sent to Microsoft Graph.", state.str("id")))
		return nil
	}
	ctx, cancel, data, client := s.startWrite(ctx, state, timeouts.Value.Delete, "Unable to destroy the baseline", diags)
	defer cancel()
	if client == nil {
		return nil
	}
	prior, _, d := state.decisions()
	diags.Append(d...)
	if d.HasError() {
		return nil
	}
	for id := range state.skipped() {
		delete(prior, id)
	}
	result, sent, failed := converge(ctx, client, data.profiles, prior, nil, sortedKeys(prior))
	if len(failed) == 0 {
		return nil
	}
	addFailures(diags, state.str("id"), "reset", sent, failed, false)
	state.setControls(result)
	state.setSkipped(nil)
	return state
}
