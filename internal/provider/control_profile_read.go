package provider

import (
	"context"
	"fmt"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// read refreshes m from Graph and reports whether the control is gone (a 404). On any other error m is left as
// it was: nothing leaves Terraform state but a control that no longer exists.
func (m *controlProfileResourceModelV1) read(ctx context.Context, tenants profileTenants, diags *diagnostics) (gone bool) {
	if tenants == nil {
		diags.AddWarning("Control profile not refreshed",
			"The securescore provider configuration holds values that are only known after apply, so the control profile was not read; the previous state is kept.")
		return false
	}
	t := tenants("", diags)
	if t == nil {
		return false
	}
	timeout, err := timeoutOr(m.Timeouts.Read, defaultReadTimeout)
	if err != nil {
		diags.attributeError([]string{"timeouts", "read"}, "Invalid read timeout", err.Error())
		return false
	}
	ctx, cancel := t.readContext(ctx, timeout)
	defer cancel()

	id := m.ID.value()
	if id == "" {
		id = m.ControlID.value()
	}
	profile, err := t.read(ctx, id)
	if graph.IsNotFound(err) {
		diags.AddWarning("Control profile not found",
			fmt.Sprintf("Microsoft Graph returned 404 for control profile %q, so it was removed from Terraform state. "+
				"Microsoft retires controls from time to time; apply again to manage it if it comes back.", id))
		return true
	}
	if err != nil {
		diags.AddError("Unable to read the control profile", fmt.Sprintf("Control profile %q: %s\n\nTerraform state is unchanged.", id, err))
		return false
	}
	m.setFromGraph(profile)
	if m.ControlID.isNull() {
		m.ControlID = m.ID
	}
	if m.ResetOnDestroy.isNull() {
		m.ResetOnDestroy = tfKnown(true)
	}
	return false
}
