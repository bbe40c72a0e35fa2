package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// patchSecureScore sends patch to the tenant's current score (PATCH /security/secureScores), the write of both
// create and update. With ok true the PATCH landed: score is its answer, else the score read back, else nil (a
// warning says state holds the plan), and the caller writes state. With ok false an error says what failed,
// ending with stateNote, what the caller did to state (e.g. "Terraform state is unchanged.").
func patchSecureScore(ctx context.Context, tenant *tenantData, patch map[string]any, stateNote string, diags *diag.Diagnostics) (_ *graph.SecureScore, ok bool) {
	what := "the secure score of " + tenant.label()
	tflog.Info(ctx, "Updating the tenant's secure score (PATCH /security/secureScores)", map[string]any{"tenant": tenant.name, "properties": patchKeys(patch)})
	started := time.Now()
	score, err := tenant.client.UpdateSecureScores(ctx, patch)
	if undecodedWrite(err, what, diags) {
		score, err = nil, nil // applied: read back below
	}
	if err != nil {
		diags.AddError("Unable to update the secure score", fmt.Sprintf("%s: %s\n\n%s", strings.ToUpper(what[:1])+what[1:], err, stateNote))
		return nil, false
	}
	tflog.Info(ctx, "Updated the tenant's secure score", map[string]any{"tenant": tenant.name, "duration": time.Since(started).String()})
	if score == nil {
		score = readBackScore(ctx, what, func(ctx context.Context) (*graph.SecureScore, error) {
			return currentSecureScore(ctx, tenant.client)
		}, diags)
	}
	return score, true
}
