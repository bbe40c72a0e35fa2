package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// defenderControlPrefix starts the ids of Microsoft Defender for Endpoint controls (service MDATP), which this API
// cannot update: tools that drive it in production report a 400, and the controls are changed in the Defender portal.
const defenderControlPrefix = "scid_"

func isDefenderControl(id string) bool {
	return strings.HasPrefix(strings.ToLower(id), defenderControlPrefix)
}

// controlPlanWarnings warns, at plan, about controls this resource cannot usefully manage: Defender for Endpoint
// controls (refused by the API) and deprecated controls (no longer counted in the score).
func controlPlanWarnings(ctx context.Context, id string, t profileTenant, diags *diagnostics) {
	if id == "" {
		return
	}
	if isDefenderControl(id) {
		diags.AddWarning("Microsoft Defender for Endpoint control",
			fmt.Sprintf("Control %q is a Microsoft Defender for Endpoint control (ids scid_…, service MDATP). Microsoft Graph "+
				"refuses updates of these controls (400 Bad Request); change its state in the Microsoft Defender portal "+
				"(Vulnerability management > Security recommendations) instead. Applying this resource is expected to fail.", id))
	}
	// What the refresh before this plan read; no request of its own, so a plan costs what it did (a control
	// being created is warned about when its PATCH answers).
	if t == nil { // the provider is not configured: nothing was read
		return
	}
	if deprecated, ok := t.deprecated(id); ok && deprecated {
		addDeprecatedWarning(diags, id)
	} else if !ok {
		tflog.Debug(ctx, "Not known at plan whether the control is deprecated (not read yet)", map[string]any{"id": id})
	}
}

func addDeprecatedWarning(diags *diagnostics, id string) {
	diags.AddWarning("Deprecated control",
		fmt.Sprintf("Control %q is deprecated: it no longer counts in the secure score, so its state changes nothing in the "+
			"score. Consider removing it from the configuration.", id))
}

// controlUpdateError explains a failed control-profile PATCH: for a Defender for Endpoint control refused with 400,
// where it is changed instead.
func controlUpdateError(id string, err error, stateNote string) string {
	detail := fmt.Sprintf("Control profile %q: %s", id, err)
	var ge *graph.Error
	if errors.As(err, &ge) && ge.StatusCode == http.StatusBadRequest && isDefenderControl(id) {
		detail += fmt.Sprintf("\n\n%q is a Microsoft Defender for Endpoint control (scid_…): Microsoft Graph does not update these "+
			"controls. Change its state in the Microsoft Defender portal (Vulnerability management > Security recommendations), "+
			"and remove it from this configuration.", id)
	}
	return detail + "\n\n" + stateNote
}
