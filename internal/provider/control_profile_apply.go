package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// tenantFor is the tenant named, or nil with the reason in diags (also when the provider is not configured).
func tenantFor(tenants profileTenants, name string, diags *diagnostics) profileTenant {
	if tenants == nil {
		requireClient(nil, diags)
		return nil
	}
	return tenants(name, diags)
}

// write sends m's one PATCH and returns the new state from the 200 response; a 204 is followed by one GET. Once
// the PATCH went through, a state is always returned, so a failed read-back never loses the change. timeout is
// the timeouts block's entry for this write.
func (m *controlProfileResourceModelV1) write(ctx context.Context, t profileTenant, timeout tfString, diags *diagnostics) *controlProfileResourceModelV1 {
	d, err := timeoutOr(timeout, defaultWriteTimeout)
	if err != nil {
		diags.AddError("Invalid timeout", err.Error())
		return nil
	}
	ctx, cancel := t.writeContext(ctx, d)
	defer cancel()
	id := m.ControlID.value()
	body := m.update()
	tflog.Debug(ctx, "Updating control profile", map[string]any{"id": id, "state": body.State})
	profile, err := t.update(ctx, id, body)
	if undecodedWrite(err, fmt.Sprintf("control profile %q", id), diags) {
		profile, err = nil, nil // applied: read back below
	}
	if err != nil {
		diags.AddError("Unable to update the control profile", controlUpdateError(id, err, "Terraform state is unchanged."))
		return nil
	}
	out := *m
	out.ID = tfKnown(id)
	if profile == nil {
		if profile, err = t.get(ctx, id); err != nil {
			// Never null a value the plan kept known: Terraform would reject the result.
			controlProfileAttributes.nullUnknowns(&out)
			diags.AddWarning("Control profile updated but not read back",
				fmt.Sprintf("Microsoft Graph accepted the update of control profile %q, but reading it back failed: %s\n\n"+
					"State holds the planned values; the attributes only the service sets are empty until the next refresh.", id, err))
			return &out
		}
	}
	out.setFromGraph(profile)
	if profile.Deprecated != nil && *profile.Deprecated {
		addDeprecatedWarning(diags, id)
	}
	return &out
}

// destroy resets the control to Default unless reset_on_destroy is false, and reports whether the resource may
// leave state.
func (m *controlProfileResourceModelV1) destroy(ctx context.Context, t profileTenant, diags *diagnostics) bool {
	id := m.ControlID.value()
	if m.ResetOnDestroy.knownAs(false) {
		diags.AddWarning("Control profile only removed from Terraform state",
			fmt.Sprintf("reset_on_destroy is false, so control profile %q keeps its state (%s) in Microsoft Secure Score; "+
				"nothing was sent to Microsoft Graph.", id, m.State.value()))
		return true
	}
	d, err := timeoutOr(m.Timeouts.Delete, defaultWriteTimeout)
	if err != nil {
		diags.AddError("Invalid timeout", err.Error())
		return false
	}
	ctx, cancel := t.writeContext(ctx, d)
	defer cancel()
	vi := m.VendorInformation
	if vi.Object != valueKnown {
		vi = serviceVendor
	}
	tflog.Debug(ctx, "Resetting control profile to Default", map[string]any{"id": id})
	_, err = t.update(ctx, id, pristine.updateWith(vi.graphValue()))
	if graph.IsNotFound(err) || undecodedWrite(err, fmt.Sprintf("control profile %q", id), diags) {
		return true // the control is gone: nothing left to reset
	}
	if err != nil {
		diags.AddError("Unable to reset the control profile", controlUpdateError(id, err, "The resource stays in Terraform state."))
		return false
	}
	return true
}
