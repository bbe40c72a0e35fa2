package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
)

// plan turns Terraform's proposed new state (m) into the planned state, given the configuration, the prior state
// (nil on create) and the provider's tenants (nil before the provider is configured with known values). It
// returns the attributes whose change replaces the resource; warnings, and errors such as a control the tenant
// does not have, go to diags.
//
// Terraform proposes the prior values for every attribute the configuration leaves null, so what is left is:
// defaults (vendor_information, on_destroy), the tenant, "known after apply" for what the service will set, the
// prior decision of a control about to be changed for the first time, and for an update, "known after apply" only
// for what every PATCH changes (the history) and only if a PATCH is due. A change of on_destroy or timeouts alone
// therefore shows no unknown values and sends nothing.
func (m *controlProfileResourceModelV2) plan(ctx context.Context, config, prior *controlProfileResourceModelV2, tenants profileTenants, diags *diagnostics) (replace []string) {
	if config.VendorInformation.Object == valueNull {
		m.VendorInformation = serviceVendor
	}
	m.planOnDestroy(config)
	replace = m.planTenant(ctx, config, prior, tenants, diags)
	if prior != nil && m.ControlID != prior.ControlID {
		replace = append(replace, "control_id")
	}
	switch {
	case prior == nil || len(replace) > 0:
		controlProfileAttributes.setEach(m, serviceOnly, valueUnknown) // a new control: none of the old values apply
		m.PriorDecision = priorDecision{Object: valueUnknown}          // read by the create, just before its PATCH
		m.checkControlExists(ctx, config, tenants, diags)
		if prior != nil {
			prior.warnDestroy("Replacing", diags)
		}
	case m.needsPatch(prior):
		controlProfileAttributes.setEach(m, changedByWrites, valueUnknown)
	}
	if m.ControlID.isKnown() {
		var t profileTenant // an update: what the refresh before it read says of deprecation
		if prior != nil && len(replace) == 0 && tenants != nil {
			t = tenants(prior.TenantID.value(), &diagnostics{})
		}
		controlPlanWarnings(ctx, m.ControlID.v, t, diags)
	}
	return replace
}

// planOnDestroy fills in on_destroy (default restore, or what the deprecated reset_on_destroy says) and
// reset_on_destroy, which mirrors it.
func (m *controlProfileResourceModelV2) planOnDestroy(config *controlProfileResourceModelV2) {
	switch {
	case !config.OnDestroy.isNull():
	case config.ResetOnDestroy.isUnknown():
		m.OnDestroy = tfUnknown[string]()
	case config.ResetOnDestroy.isKnown():
		m.OnDestroy = tfKnown(onDestroyForReset(config.ResetOnDestroy.value()))
	default:
		m.OnDestroy = tfKnown(onDestroyRestore)
	}
	if config.ResetOnDestroy.isNull() {
		m.ResetOnDestroy = resetOnDestroyFor(m.OnDestroy)
	}
}

// resetOnDestroyFor is what the deprecated reset_on_destroy records for onDestroy.
func resetOnDestroyFor(onDestroy tfString) tfBool {
	switch {
	case onDestroy.isUnknown():
		return tfUnknown[bool]()
	case onDestroy == tfKnown(onDestroyReset):
		return tfKnown(true)
	case onDestroy == tfKnown(onDestroyKeep):
		return tfKnown(false)
	}
	return tfBool{}
}

// planTenant plans tenant_id by the one tenant rule (planTenant in tenant_plan.go), and returns "tenant_id" when the
// resource is replaced. State written before 0.2.0 holds no tenant: it is planned as a create's, and stays null
// when the tenant cannot be learned now (the next read records it).
func (m *controlProfileResourceModelV2) planTenant(ctx context.Context, config, prior *controlProfileResourceModelV2, tenants profileTenants, diags *diagnostics) (replace []string) {
	q := tenantQuery{noun: "Control profile", configured: config.TenantID.value(), configuredUnknown: config.TenantID.isUnknown()}
	if prior != nil && prior.TenantID.isKnown() {
		q.prior, q.what = prior.TenantID.v, fmt.Sprintf("The control profile of control %q", prior.ControlID.v)
		q.consequence = fmt.Sprintf("The control in tenant %q is handled as on_destroy = %q says, and control %q is set in the new tenant.",
			q.prior, prior.OnDestroy.orElse(onDestroyRestore), m.ControlID.v)
		if tenants != nil {
			q.priorGUIDOf = func(ctx context.Context) (string, error) { return tenantGUIDOf(ctx, tenants, q.prior) }
		}
	}
	var t tenantResolver // nil while the provider is not configured
	if tenants != nil && !q.configuredUnknown {
		found := tenants(q.configured, diags)
		if found == nil {
			return nil
		}
		t = found
	}
	p, err := planTenant(ctx, t, q)
	if err != nil {
		diags.addAttrError(attribute("tenant_id"), "Unable to check the control profile's tenant", err.Error())
		return nil
	}
	switch {
	case p.value != "":
		m.TenantID = tfKnown(p.value)
	case prior != nil && prior.TenantID.isNull() && !q.configuredUnknown:
		m.TenantID = tfString{}
	default:
		m.TenantID = tfUnknown[string]()
	}
	if !p.replace {
		return nil
	}
	diags.addAttrWarning(attribute("tenant_id"), p.summary, p.warning)
	return []string{"tenant_id"}
}

// tenantGUIDOf is the GUID of the tenant named.
func tenantGUIDOf(ctx context.Context, tenants profileTenants, name string) (string, error) {
	var diags diagnostics
	if t := tenants(name, &diags); t != nil {
		return t.guid(ctx)
	}
	if len(diags) == 0 {
		return "", fmt.Errorf("tenant %q cannot be reached", name)
	}
	return "", errors.New(diags[0].detail)
}

// checkControlExists fails the plan of a control the tenant does not have, naming the nearest ids it has, from
// the tenant's shared listing (one list per process, whatever the number of controls). It checks nothing while
// the provider, the tenant or the id is not known yet: the apply's PATCH then answers 404.
//
// The prior decision is not planned from the listing: Terraform plans again at apply and requires known values to
// stay, so a decision changed in the portal between plan and apply would fail the apply. The create reads it.
func (m *controlProfileResourceModelV2) checkControlExists(ctx context.Context, config *controlProfileResourceModelV2, tenants profileTenants, diags *diagnostics) {
	if tenants == nil || !m.ControlID.isKnown() || config.TenantID.isUnknown() || diags.hasError() {
		return // nothing to check against yet, or the tenant's error is reported already
	}
	t := tenants(config.TenantID.value(), diags)
	if t == nil {
		return
	}
	ctx, cancel := t.readContext(ctx, m.createReadTimeout())
	defer cancel()
	id := m.ControlID.v
	profiles, err := t.list(ctx)
	if err != nil {
		diags.AddError("Unable to check the control", fmt.Sprintf("Listing the control profiles of tenant %q to find control %q failed: %s", t.tenantName(), id, err))
		return
	}
	p, ok := profiles[id]
	if !ok { // Graph takes ids in any case
		for other, q := range profiles {
			if strings.EqualFold(other, id) {
				p, ok = q, true
				break
			}
		}
	}
	if !ok {
		diags.addAttrError(attribute("control_id"), "Unknown control", fmt.Sprintf("Tenant %q has no control %q.%s "+
			"The securescore_control_profiles data source lists the tenant's controls; a control of a product the tenant "+
			"has no licence for is missing from it.", t.tenantName(), id, didYouMean(suggestControlID(id, maps.Keys(profiles)))))
		return
	}
	if p.Deprecated != nil && *p.Deprecated {
		addDeprecatedWarning(diags, id)
	}
}

// destroyOutcome is what destroying a control profile does to the control.
type destroyOutcome uint8

const (
	destroyWrites       destroyOutcome = iota // one PATCH puts the control to the target decision
	destroyKeeps                              // on_destroy = "keep": nothing is sent
	destroyPriorUnknown                       // restore without a known prior decision: nothing is sent
	destroyRestored                           // restore, and the control holds its prior decision already
)

// destroyEffect is what destroying m does to the control, and the decision a PATCH then sets.
func (m *controlProfileResourceModelV2) destroyEffect() (destroyOutcome, controlDecision) {
	switch m.OnDestroy.orElse(onDestroyRestore) {
	case onDestroyKeep:
		return destroyKeeps, controlDecision{}
	case onDestroyReset:
		return destroyWrites, pristine
	}
	prior, known := m.PriorDecision.decision()
	current, _ := m.decision()
	switch {
	case !known:
		return destroyPriorUnknown, controlDecision{}
	case prior.equal(current):
		return destroyRestored, prior
	}
	return destroyWrites, prior
}

// priorUnknownNote says why a restore without a known prior decision sends nothing.
const priorUnknownNote = "its decision from before Terraform is not known (state written before version 0.2.0), and a " +
	`decision that may predate Terraform is never erased; set on_destroy = "reset" to put it back to Default instead`

// warnDestroy warns, in a plan that destroys (or replaces) m, what will change in the tenant.
func (m *controlProfileResourceModelV2) warnDestroy(verb string, diags *diagnostics) {
	outcome, target := m.destroyEffect()
	current, _ := m.decision()
	switch outcome {
	case destroyWrites:
		diags.AddWarning("Control will change in the tenant", fmt.Sprintf("%s securescore_control_profile of control %q sets it "+
			"in %s to %s (on_destroy = %q); it is %s now.", verb, m.ControlID.v, tenantLabel(m.TenantID), describeDecision(target),
			m.OnDestroy.orElse(onDestroyRestore), describeDecision(current)))
	case destroyPriorUnknown:
		diags.AddWarning("Control left as it is", fmt.Sprintf("%s securescore_control_profile of control %q leaves it in %s as "+
			"it is (%s): %s.", verb, m.ControlID.v, tenantLabel(m.TenantID), describeDecision(current), priorUnknownNote))
	}
}

// tenantLabel names the tenant of a state for messages.
func tenantLabel(tenantID tfString) string {
	if tenantID.isKnown() {
		return fmt.Sprintf("tenant %q", tenantID.v)
	}
	return "the provider's tenant"
}

// describeDecision is d in words: state "Ignored", assigned to "x", comment "y".
func describeDecision(d controlDecision) string {
	out := fmt.Sprintf("state %q", d.State)
	if d.AssignedTo == "" {
		out += ", no assignee"
	} else {
		out += fmt.Sprintf(", assigned to %q", d.AssignedTo)
	}
	if d.Comment == "" {
		return out + ", no comment"
	}
	return out + fmt.Sprintf(", comment %q", d.Comment)
}
