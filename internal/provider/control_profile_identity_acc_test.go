package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// A control profile's identity is its tenant's GUID and its control from the create on, through updates; an
// import block that names it by identity imports it with a no-op plan, and -generate-config-out works with it.
func TestAccControlProfileResource_identity(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	body := func(state string) string {
		return fmt.Sprintf("  control_id = \"OneAdmin\"\n  state      = %q\n", state)
	}
	identity := statecheck.ExpectIdentity(testProfileName, map[string]knownvalue.Check{
		"tenant_id": knownvalue.StringExact(env.tenantID(t)), "control_id": knownvalue.StringExact("OneAdmin"),
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   needsIdentity,
		Steps: []resource.TestStep{
			{Config: env.profileConfig(body("Reviewed")), ConfigStateChecks: []statecheck.StateCheck{identity,
				statecheck.ExpectIdentityValueMatchesState(testProfileName, tfjsonpath.New("control_id")),
				statecheck.ExpectIdentityValueMatchesState(testProfileName, tfjsonpath.New("tenant_id"))}},
			{Config: env.profileConfig(body("Ignored")), ConfigStateChecks: []statecheck.StateCheck{identity}},
			{ResourceName: testProfileName, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
			{ResourceName: testProfileName, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity, GenerateConfig: true},
		},
	})
}

// An import block's identity may name the tenant by a verified domain, or leave it out for the provider's
// tenant: the import sends no PATCH, the identity records the tenant's GUID, and the next plan is empty. A
// configured domain stays in tenant_id as written.
func TestAccControlProfileResource_importIdentity(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	const id = "IntegratedApps"
	if err := env.emu.PatchControlProfile(id, map[string]any{"state": "Reviewed", "comment": "Checked"}); err != nil {
		t.Fatal(err)
	}
	domain := env.emu.Tenant(env.config.TenantID).Domain()
	steps := func(identityTenant, tenantLine, stateTenant string) []resource.TestStep {
		cfg := env.providerBlock() + fmt.Sprintf(`
import {
  to       = securescore_control_profile.test
  identity = { %s control_id = %q }
}

resource "securescore_control_profile" "test" {
%s  control_id = %q
  state      = "Reviewed"
  comment    = "Checked"
}
`, identityTenant, id, tenantLine, id)
		return env.importByIdentitySteps(cfg, testProfileName,
			statecheck.ExpectIdentity(testProfileName, map[string]knownvalue.Check{
				"tenant_id": knownvalue.StringExact(env.config.TenantID), "control_id": knownvalue.StringExact(id),
			}),
			profileValue("tenant_id", knownvalue.StringExact(stateTenant)))
	}
	var all []resource.TestStep
	all = append(all, steps(fmt.Sprintf("tenant_id = %q,", domain), fmt.Sprintf("  tenant_id  = %q\n", domain), domain)...)
	all = append(all, steps("", "", env.config.TenantID)...)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   needsIdentity,
		Steps:                    all,
	})
}

// An identity that names no valid tenant fails the import, saying why.
func TestAccControlProfileResource_importIdentityInvalid(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	cfg := env.providerBlock() + `
import {
  to       = securescore_control_profile.test
  identity = { tenant_id = "not a tenant", control_id = "OneAdmin" }
}

resource "securescore_control_profile" "test" {
  control_id = "OneAdmin"
  state      = "Reviewed"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   needsIdentity,
		Steps:                    []resource.TestStep{{Config: cfg, ExpectError: regexp.MustCompile(`(?s)Invalid control profile identity.*tenant_id: "not a\s+tenant" is not accepted`)}},
	})
}
