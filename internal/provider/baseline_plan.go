package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// plan turns Terraform's proposed new state into the planned state, given the configuration and the prior state
// (nil on create), in the framework's order: defaults, then "known after apply" for the computed attributes on any
// change (id keeps its prior value, as UseStateForUnknown did), then the baseline's own rules (planControls).
func (s *baselineServer) plan(ctx context.Context, plan, config, prior baselineObject, diags *diag.Diagnostics) {
	if config["reset_on_destroy"].IsNull() {
		plan["reset_on_destroy"] = tftypes.NewValue(tftypes.Bool, true)
	}
	if config["missing_controls"].IsNull() {
		plan.setString("missing_controls", missingControlsError)
	}
	if prior == nil || !plan.equal(prior) {
		plan["skipped_controls"] = tftypes.NewValue(baselineSkippedType, tftypes.UnknownValue)
		plan["id"] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
		if prior != nil && !prior["id"].IsNull() {
			plan["id"] = prior["id"]
		}
	}
	if data := s.data.Load(); data != nil { // else a provider configured only at apply: checked then
		planControls(ctx, data, plan, prior, diags)
	}
}

// equal reports whether every attribute of o equals o2's.
func (o baselineObject) equal(o2 baselineObject) bool {
	for name, v := range o {
		if !v.Equal(o2[name]) {
			return false
		}
	}
	return true
}

// planControls checks the planned controls against the other baselines of this walk and the tenant, and plans
// skipped_controls and id.
func planControls(ctx context.Context, data *providerData, plan, prior baselineObject, diags *diag.Diagnostics) {
	if !plan["controls"].IsKnown() {
		return
	}
	want, unknown, d := plan.decisions()
	diags.Append(d...)
	if d.HasError() {
		return
	}
	if conflicts := data.claims.claim(want); len(conflicts) > 0 {
		diags.AddAttributeError(controlsPath, "Control managed by two baselines",
			fmt.Sprintf("Another securescore_baseline of this provider configuration (tenant %s) sets these controls differently: %s. "+
				"Each apply would undo the other; keep each control in one baseline.", data.settings.TenantID, strings.Join(conflicts, ", ")))
		return
	}

	if len(unknown) == 0 && plan["id"].IsKnown() && knownToState(prior, want) {
		// Every control was in the tenant at this command's refresh (read confirms a control the list lacks with a
		// GET and drops it on a 404): nothing can be missing, and nothing is skipped. Terraform plans again in the
		// apply walk, in a new plugin process; this spares that process a list of the whole tenant.
		plan.setSkipped(nil)
		return
	}

	ctx, cancel := context.WithTimeout(data.logContext(ctx), defaultReadTimeout)
	defer cancel()
	checked := append(sortedKeys(want), unknown...)
	listing := listProfiles(ctx, data, usingControls(checked), diags)
	if listing == nil {
		return
	}
	var missing []string
	for _, id := range checked {
		if _, ok := listing[id]; !ok {
			missing = append(missing, id)
		}
	}
	slices.Sort(missing)
	var skipped []string
	if len(missing) > 0 {
		tenant := tenantOf(data, listing)
		if plan.str("missing_controls") == missingControlsWarn {
			skipped = missing
			diags.AddAttributeWarning(controlsPath, "Controls missing from the tenant are skipped",
				fmt.Sprintf("Tenant %s has no control %s (the set of controls depends on licences). With missing_controls = \"warn\" "+
					"they are skipped and listed in skipped_controls; they are applied once the tenant has them.", tenant, strings.Join(missing, ", ")))
		} else {
			diags.AddAttributeError(controlsPath, "Controls missing from the tenant",
				fmt.Sprintf("Tenant %s has no control %s (the set of controls depends on licences). Remove them from controls, or set "+
					"missing_controls = \"warn\" to skip the controls a tenant lacks.", tenant, strings.Join(missing, ", ")))
			return
		}
	}
	plan.setSkipped(skipped)
	if !plan["id"].IsKnown() {
		plan.setString("id", tenantOf(data, listing))
	}
}

// knownToState reports whether the prior state (nil on create) holds every control of want, none of them skipped.
func knownToState(prior baselineObject, want map[string]controlDecision) bool {
	if prior == nil || !isKnown(prior["controls"]) || !prior["skipped_controls"].IsKnown() {
		return false
	}
	var controls map[string]tftypes.Value
	if err := prior["controls"].As(&controls); err != nil {
		return false
	}
	wasSkipped := prior.skipped()
	for id := range want {
		if _, ok := controls[id]; !ok || wasSkipped[id] {
			return false
		}
	}
	return true
}
