package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// undecodedWrite reports whether err says a write was applied although its response did not decode; if so it
// adds a warning naming the parts of the body that did not decode, and the caller keeps the write in state.
func undecodedWrite(err error, what string, diags warningAdder) bool {
	var ue *graph.UndecodedWriteError
	if !errors.As(err, &ue) {
		return false
	}
	diags.AddWarning("Update applied, but its response did not decode",
		fmt.Sprintf("Microsoft Graph applied the update of %s (HTTP %d), but part of its response body did not decode:\n  - %s\n\n"+
			"The update is kept in Terraform state. Details: %s", what, ue.StatusCode, strings.Join(ue.Parts(), "\n  - "), err))
	return true
}

// warningAdder is what diagnostics offer for reporting a warning (the framework's and the raw resources' alike).
type warningAdder interface{ AddWarning(summary, detail string) }
