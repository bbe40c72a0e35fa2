package provider

import (
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// controlProfileResourceSchema is the resource's schema: its attributes from controlProfileAttributes.
func controlProfileResourceSchema() *tfprotov6.Schema {
	return &tfprotov6.Schema{Version: controlProfileSchemaVersion, Block: controlProfileAttributes.schema(
		"Manages the state of one Microsoft Secure Score control (`microsoft.graph.secureScoreControlProfile`): " +
			"mark it resolved through a third party, ignored (risk accepted), reviewed or back to default, and assign it " +
			"with a comment.\n\n" +
			"Create and update send one `PATCH /security/secureScoreControlProfiles/{id}` with the documented body " +
			"(`assignedTo`, `comment`, `state`, `vendorInformation`) and `Prefer: return=representation`, and store the " +
			"response; only when Graph answers `204 No Content` is the profile read back with one `GET`. The service " +
			"records each update as a new `controlStateUpdates` entry, and the newest entry is the control's current state; " +
			"the resource keeps that entry's `updated_by` and `updated_date_time`. The control's catalog facts (title, " +
			"max score, rank, tier, service, threats, remediation, ...) and the whole history are the " +
			"`securescore_control_profile` and `securescore_control_profiles` data sources'.\n\n" +
			"A refresh reads the tenant's control profiles with one paged list per Terraform command (`$top=1000`, " +
			"`@odata.nextLink` followed) instead of one `GET` per control, so a refresh of hundreds of controls stays " +
			"within Graph's limit of 4 concurrent Secure Score requests; a refresh of one control is one `GET`. A control " +
			"missing from the list is confirmed with a `GET` before it leaves state.\n\n" +
			"Destroy puts back the decision the control had before this resource first changed it, unless `on_destroy` " +
			"says otherwise; a destroy plan warns with what will change in the tenant. Import takes `<tenant>/<control_id>`, " +
			"or `<control_id>` for the provider's tenant.")}
}

// validate checks the configuration m beyond what the schema's types say (see attributeTable.validate).
func (m *controlProfileResourceModelV2) validate(diags *diagnostics) {
	controlProfileAttributes.validate(m, diags)
	if !m.OnDestroy.isNull() && !m.ResetOnDestroy.isNull() {
		conflictingResetOnDestroy(diags)
	}
}
