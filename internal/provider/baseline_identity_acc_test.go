package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// A baseline's identity is its tenant's GUID from the create on, through updates; an import block that names it by
// identity imports it with a no-op plan, and -generate-config-out works with it.
func TestAccBaseline_identity(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	identity := statecheck.ExpectIdentity(baselineName, map[string]knownvalue.Check{"tenant_id": knownvalue.StringExact(env.config.TenantID)})
	p := env.providerBlock()
	cfg := baselineConfig(p, `    AdminMFAV2 = { state = "Reviewed" }`, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   needsIdentity,
		Steps: []resource.TestStep{
			{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{identity,
				statecheck.ExpectIdentityValueMatchesStateAtPath(baselineName, tfjsonpath.New("tenant_id"), tfjsonpath.New("id"))}},
			{Config: baselineConfig(p, `    AdminMFAV2 = { state = "ThirdParty" }`, ""), ConfigStateChecks: []statecheck.StateCheck{identity}},
			{ResourceName: baselineName, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
			{ResourceName: baselineName, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity, GenerateConfig: true},
		},
	})
}

// An import block's identity may name the tenant by a verified domain, or leave it out for the provider's: the
// import sends no PATCH, records the GUID in the identity and in id, and the next plan is empty.
func TestAccBaseline_importIdentity(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	tenant := env.emu.Tenant(env.config.TenantID)
	if err := tenant.PatchControlProfile("AdminMFAV2", map[string]any{"state": "ThirdParty", "comment": "Duo"}); err != nil {
		t.Fatal(err)
	}
	domain := tenant.Domain()
	controls := ""
	for _, id := range nonPristine(t, tenant) {
		d := profileDecision(t, tenant, id)
		controls += fmt.Sprintf("    %q = { state = %q", id, d.State)
		if d.Comment != "" {
			controls += fmt.Sprintf(", comment = %q", d.Comment)
		}
		if d.AssignedTo != "" {
			controls += fmt.Sprintf(", assigned_to = %q", d.AssignedTo)
		}
		controls += " }\n"
	}
	step := func(identity, tenantID, stateTenant string) []resource.TestStep {
		cfg := baselineConfig(env.providerBlock()+fmt.Sprintf(`
import {
  to       = securescore_baseline.this
  identity = { %s }
}
`, identity), controls, tenantID)
		return env.importByIdentitySteps(cfg, baselineName,
			statecheck.ExpectIdentity(baselineName, map[string]knownvalue.Check{"tenant_id": knownvalue.StringExact(env.config.TenantID)}),
			statecheck.ExpectKnownValue(baselineName, tfjsonpath.New("id"), knownvalue.StringExact(env.config.TenantID)),
			statecheck.ExpectKnownValue(baselineName, tfjsonpath.New("tenant_id"), knownvalue.StringExact(stateTenant)))
	}
	var steps []resource.TestStep
	steps = append(steps, step(fmt.Sprintf("tenant_id = %q", domain), fmt.Sprintf("  tenant_id = %q", domain), domain)...)
	steps = append(steps, step("", "", env.config.TenantID)...)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   needsIdentity,
		Steps:                    steps,
	})
}
