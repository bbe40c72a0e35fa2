package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"

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
	update, diags := d.update(ctx)
	if diags.HasError() {
		return fmt.Errorf("building the request: %v", diags)
	}
	_, err := client.UpdateControlProfile(ctx, id, update)
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
