package provider

import (
	"fmt"
	"strings"
)

// importedPrivate marks the state an import made, so that the read that follows it records the control's current
// decision as prior_decision: destroying a control that was imported and never changed leaves it alone.
var importedPrivate = []byte(`{"imported":true}`)

// importedControlProfile is the state an import of id starts from: `<tenant>/<control_id>`, or `<control_id>` for
// the provider's tenant. The read that follows fills in the rest.
func importedControlProfile(id string, diags *diagnostics) (controlProfileResourceModelV2, bool) {
	tenant, control, withTenant := strings.Cut(id, "/")
	if !withTenant {
		tenant, control = "", id
	}
	if control == "" {
		diags.AddError("Missing control profile id", fmt.Sprintf("Import id %q names no control. Import takes `<tenant>/<control_id>`, "+
			"e.g. `terraform import securescore_control_profile.mfa contoso.onmicrosoft.com/AdminMFAV2`, or `<control_id>` "+
			"for the provider's tenant.", id))
		return controlProfileResourceModelV2{}, false
	}
	m := controlProfileResourceModelV2{ID: tfKnown(control), ControlID: tfKnown(control), OnDestroy: tfKnown(onDestroyRestore)}
	if withTenant {
		if err := checkTenantID(tenant); err != nil {
			diags.AddError("Invalid import id", fmt.Sprintf("Import id %q: the tenant before the slash: %s.", id, err))
			return controlProfileResourceModelV2{}, false
		}
		if checkGUID(tenant) == nil {
			tenant = strings.ToLower(tenant)
		}
		m.TenantID = tfKnown(tenant)
	}
	return m, true
}
