package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// tenantFor is the tenant named, or nil with the reason in diags (also when the provider is not configured).
func tenantFor(tenants profileTenants, name string, diags *diagnostics) profileTenant {
	if tenants == nil {
		providerConfigured(nil, diags)
		return nil
	}
	return tenants(name, diags)
}

// write sends m's one PATCH and returns the new state from the 200 response; a 204 is followed by one GET. Once
// the PATCH went through, a state is always returned, so a failed read-back never loses the change. timeout is
// the timeouts block's entry for this write.
func (m *controlProfileResourceModelV2) write(ctx context.Context, t profileTenant, timeout tfString, diags *diagnostics) *controlProfileResourceModelV2 {
	id := m.ControlID.value()
	ctx, cancel, err := t.writeContext(ctx, id, timeoutOr(timeout, defaultWriteTimeout))
	defer cancel()
	if err != nil {
		diags.AddError(writeNotStartedSummary, err.Error())
		return nil
	}
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
	if out.TenantID.isUnknown() { // the provider's tenant, not resolved at plan: the answer's
		out.TenantID = tfString{}
		out.sameTenantAs(ctx, t, profile, diags)
	}
	if profile.Deprecated != nil && *profile.Deprecated {
		addDeprecatedWarning(diags, id)
	}
	return &out
}

// create is write for a control this resource has not changed yet: its decision is read first, as the prior
// decision (from the listing when several creates run at once, else one GET).
func (m *controlProfileResourceModelV2) create(ctx context.Context, t profileTenant, diags *diagnostics) *controlProfileResourceModelV2 {
	if m.PriorDecision.Object != valueKnown {
		rctx, cancel := t.readContext(ctx, m.createReadTimeout())
		p, err := t.read(rctx, m.ControlID.v)
		cancel()
		if err != nil {
			diags.AddError("Unable to read the control profile", fmt.Sprintf("Control profile %q in tenant %q, read for its "+
				"decision before Terraform changes it: %s\n\nNothing was changed; Terraform state is unchanged.", m.ControlID.v, t.tenantName(), err))
			return nil
		}
		m.PriorDecision = priorDecisionOf(decisionOf(p))
	}
	return m.write(ctx, t, m.Timeouts.Create, diags)
}

// destroy does to the control what on_destroy says (see destroyEffect), and reports whether the resource may
// leave state.
func (m *controlProfileResourceModelV2) destroy(ctx context.Context, t profileTenant, diags *diagnostics) bool {
	id := m.ControlID.v
	outcome, target := m.destroyEffect()
	current, _ := m.decision()
	switch outcome {
	case destroyKeeps, destroyPriorUnknown:
		why := `on_destroy is "keep"`
		if outcome == destroyPriorUnknown {
			why = priorUnknownNote
		}
		diags.AddWarning("Control profile only removed from Terraform state", fmt.Sprintf("Control %q keeps its decision (%s) "+
			"in %s: %s. Nothing was sent to Microsoft Graph.", id, describeDecision(current), tenantLabel(m.TenantID), why))
		return true
	case destroyRestored:
		tflog.Debug(ctx, "Control profile holds its prior decision already: nothing to restore", map[string]any{"id": id})
		return true
	}
	ctx, cancel, err := t.writeContext(ctx, id, timeoutOr(m.Timeouts.Delete, defaultWriteTimeout))
	defer cancel()
	if err != nil {
		diags.AddError(writeNotStartedSummary, err.Error()) // the resource stays in state
		return false
	}
	vi := m.VendorInformation
	if vi.Object != valueKnown {
		vi = serviceVendor
	}
	tflog.Debug(ctx, "Setting control profile on destroy", map[string]any{"id": id, "state": target.State, "on_destroy": m.OnDestroy.v})
	_, err = t.update(ctx, id, target.updateWith(vi.graphValue()))
	if graph.IsNotFound(err) || undecodedWrite(err, fmt.Sprintf("control profile %q", id), diags) {
		return true // the control is gone: nothing left to restore or reset
	}
	if err != nil {
		diags.AddError("Unable to restore or reset the control profile", controlUpdateError(id, err, "The resource stays in Terraform state."))
		return false
	}
	return true
}

// createReadTimeout bounds the reads a create makes before its PATCH (the plan's check that the control exists,
// the prior decision): a read's timeout, and never more than the create's, since they are part of it.
func (m *controlProfileResourceModelV2) createReadTimeout() time.Duration {
	return min(timeoutOr(m.Timeouts.Read, defaultReadTimeout), timeoutOr(m.Timeouts.Create, defaultWriteTimeout))
}
