package provider

import "github.com/hashicorp/terraform-plugin-go/tfprotov6"

// baselineDescription is the resource's description (docs/resources/baseline.md starts with it).
const baselineDescription = "Holds the decisions for many Microsoft Secure Score controls of one tenant in one " +
	"resource: which controls are resolved through a third party, ignored (risk accepted), reviewed or back to default, " +
	"with an assignee and a comment. The tenant is the provider's, or the one `tenant_id` names, so one provider " +
	"configuration can hold the baselines of a fleet of tenants (see the multi-tenant guide).\n\n" +
	"The resource is **not authoritative**: controls that are not in `controls` are never touched. A control removed " +
	"from `controls` is handled as destroy handles every control, as `on_destroy` says: by default it goes back to the " +
	"decision it had before this baseline first changed it (`prior_decisions`), so destroy never erases a decision " +
	"that predates Terraform; `reset` puts it back to `Default`, `keep` leaves it as it is. A plan that destroys the " +
	"baseline or removes controls warns with the controls that will change in the tenant, and to what.\n\n" +
	"A refresh reads the tenant's control profiles with one paged list (`$top=1000`, `@odata.nextLink` followed), never " +
	"one `GET` per control, and the plan shows the change of each control. An apply sends one " +
	"`PATCH /security/secureScoreControlProfiles/{id}` for each control that differs, at most 4 at a time (Graph's " +
	"limit of concurrent Secure Score requests per app and tenant), and reads nothing back. When some of them fail, the " +
	"controls that changed are written to state and the error names every failed control with the reason; the next " +
	"apply sends only those. A `PATCH` that Graph applied but whose answer did not decode is kept in state, with a warning.\n\n" +
	"Controls are checked against the tenant at plan: a control the tenant does not have fails the plan, naming the " +
	"control a wrong case or a small typo most likely meant; so does a Microsoft Defender for Endpoint control " +
	"(`scid_…`), which Graph refuses to update (change those in the Microsoft Defender portal). With " +
	"`missing_controls = \"warn\"` both are skipped with a warning instead, and listed in `skipped_controls`.\n\n" +
	"Import by tenant (`terraform import securescore_baseline.this <tenant id or domain>` or an `import` block) reads every " +
	"control whose newest update is not a pristine `Default` (a state other than `Default`, an assignee or a comment), " +
	"except Defender for Endpoint controls, and records those decisions as `prior_decisions`: so " +
	"`terraform plan -generate-config-out=baseline.tf` writes the tenant's decisions (and `tenant_id`) as HCL, and " +
	"destroying the imported baseline leaves every control Terraform did not change as it was.\n\n" +
	"~> A control must be managed by one resource only: not by two baselines, nor by a baseline and a " +
	"`securescore_control_profile`. Terraform does not tell a provider about other resources, so this is only detected " +
	"when two baselines of one provider configuration ask different things of the same control (an error at plan)."

// baselineResourceSchema is the resource's schema, derived from baselineTable.
func baselineResourceSchema() *tfprotov6.Schema {
	return &tfprotov6.Schema{Version: baselineSchemaVersion, Block: baselineTable.schema(baselineDescription)}
}
