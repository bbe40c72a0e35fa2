package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// readBackScore reads once what a PATCH answered without a usable body (204, or a body that did not decode)
// changed. On failure it warns and returns nil: state is then built from the plan, since the PATCH landed.
func readBackScore(ctx context.Context, what string, read func(context.Context) (*graph.SecureScore, error), diags *diag.Diagnostics) *graph.SecureScore {
	tflog.Info(ctx, "Reading the secure score back: the PATCH was answered without a usable body")
	score, err := read(ctx)
	if err == nil {
		return score
	}
	diags.AddWarning("Secure score updated but not read back",
		fmt.Sprintf("Microsoft Graph accepted the update of %s, but reading it back failed: %s\n\n"+
			"State holds the planned values; the attributes only the service sets are empty until the next refresh.", what, err))
	return nil
}

// currentSecureScore is the tenant's current score: the newest, GET /security/secureScores?$top=1.
func currentSecureScore(ctx context.Context, client *graph.Client) (*graph.SecureScore, error) {
	score, err := newestSecureScore(ctx, client)
	if err == nil && score == nil {
		err = fmt.Errorf("GET /security/secureScores?$top=1 returned no secure score")
	}
	return score, err
}
