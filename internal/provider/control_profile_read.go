package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// read refreshes m from Graph, in the tenant state records, and reports whether the control is gone (a 404). On
// any other error m is left as it was: nothing leaves Terraform state but a control that no longer exists. The
// read right after an import records the control's current decision as its prior decision.
func (m *controlProfileResourceModelV2) read(ctx context.Context, tenants profileTenants, imported bool, diags *diagnostics) (gone bool) {
	if tenants == nil {
		diags.AddWarning("Control profile not refreshed",
			"The securescore provider configuration holds values that are only known after apply, so the control profile was not read; the previous state is kept.")
		return false
	}
	t := tenants(m.TenantID.value(), diags)
	if t == nil {
		return false
	}
	ctx, cancel := t.readContext(ctx, timeoutOr(m.Timeouts.Read, defaultReadTimeout))
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
	if !m.sameTenantAs(ctx, t, profile, diags) {
		return false
	}
	m.setFromGraph(profile)
	if m.ControlID.isNull() {
		m.ControlID = m.ID
	}
	if imported {
		m.PriorDecision = priorDecisionOf(decisionOf(profile))
	}
	return false
}

// sameTenantAs checks that Graph answered for the tenant state records (an error naming both if not), and records
// the answer's tenant in state that has none yet (written before version 0.2.0, or imported by control id alone).
func (m *controlProfileResourceModelV2) sameTenantAs(ctx context.Context, t profileTenant, p *graph.SecureScoreControlProfile, diags *diagnostics) bool {
	answer := strings.ToLower(p.AzureTenantID)
	if m.TenantID.isNull() {
		if answer == "" {
			answer, _ = t.guid(ctx)
		}
		if answer != "" {
			m.TenantID = tfKnown(answer)
		}
		return true
	}
	want := m.TenantID.v
	if checkGUID(want) != nil { // a domain: compare its GUID, when it can be had
		guid, err := t.guid(ctx)
		if err != nil {
			return true
		}
		want = guid
	}
	if answer == "" || strings.EqualFold(want, answer) {
		return true
	}
	diags.AddError("Control profile of another tenant", fmt.Sprintf("Microsoft Graph answered the read of control profile %q "+
		"for tenant %q, but state records tenant %q, so the answer was not used: Terraform state is unchanged. A control is "+
		"never moved to another tenant silently; check which tenant the provider signs in to.", p.ID, answer, m.TenantID.v))
	return false
}
