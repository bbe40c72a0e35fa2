package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// needsIdentity skips a test below Terraform 1.12, the first with resource identity, saying so.
var needsIdentity = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)}

// expectNoWrites checks that the journal since its last reset holds no PATCH; what names the operation.
func (e *accEnv) expectNoWrites(what string) resource.TestCheckFunc {
	return e.journal(func() error {
		if w := e.writes(); len(w) != 0 {
			return fmt.Errorf("%s sent %d PATCHes, want none: %s %s %s", what, len(w), w[0].Method, w[0].Path, w[0].Body)
		}
		return nil
	})
}

// importByIdentitySteps apply cfg, whose import block names address by identity: a no-op import that sends no
// PATCH and passes checks; then an empty plan; then a destroy, which sends nothing either (what the import read is
// what the resource restores, and a secure score is only removed from state).
func (e *accEnv) importByIdentitySteps(cfg, address string, checks ...statecheck.StateCheck) []resource.TestStep {
	return []resource.TestStep{
		{
			PreConfig: e.resetJournal,
			Config:    cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop),
			}},
			ConfigStateChecks: checks,
			Check:             e.expectNoWrites("importing"),
		},
		{Config: cfg, ConfigPlanChecks: expectEmptyPlan()},
		{PreConfig: e.resetJournal, Config: cfg, Destroy: true, Check: e.expectNoWrites("destroying what was imported")},
	}
}
