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

// The secure score's identity is its tenant's GUID from the create on, and an import block that names it by
// identity imports the score with a no-op plan (plugin-testing checks the plan and that the imported identity
// matches).
func TestAccSecureScoreResource_identity(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	cfg := env.resourceConfig(`  licensed_user_count = 44`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   needsIdentity,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(testResourceName, map[string]knownvalue.Check{
						"tenant_id": knownvalue.StringExact(env.tenantID(t)),
					}),
					statecheck.ExpectIdentityValueMatchesStateAtPath(testResourceName, tfjsonpath.New("tenant_id"), tfjsonpath.New("id")),
				},
			},
			{Config: cfg, ResourceName: testResourceName, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
			{Config: cfg, ResourceName: testResourceName, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity,
				GenerateConfig: true},
		},
	})
}

// An import block's identity may name the tenant by a verified domain: the import sends no PATCH, state keeps
// tenant_id as configured (the domain), and the identity records the tenant's GUID; the next plan is empty, and
// destroy only removes the score from state.
func TestAccSecureScoreResource_importIdentityByDomain(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	domain := env.emu.Tenant(env.config.TenantID).Domain()
	cfg := env.providerBlock() + fmt.Sprintf(`
import {
  to       = securescore_secure_score.test
  identity = { tenant_id = %q }
}

resource "securescore_secure_score" "test" {
  tenant_id = %q
}
`, domain, domain)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   needsIdentity,
		Steps: env.importByIdentitySteps(cfg, testResourceName,
			statecheck.ExpectIdentity(testResourceName, map[string]knownvalue.Check{"tenant_id": knownvalue.StringExact(env.config.TenantID)}),
			stateValue("tenant_id", knownvalue.StringExact(domain)),
			stateValue("id", knownvalue.StringExact(env.config.TenantID))),
	})
}

// An identity whose tenant_id is neither a GUID nor a domain fails the import and says what it takes.
func TestAccSecureScoreResource_importIdentityInvalid(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	cfg := env.providerBlock() + `
import {
  to       = securescore_secure_score.test
  identity = { tenant_id = "not a tenant" }
}

resource "securescore_secure_score" "test" {}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   needsIdentity,
		Steps:                    []resource.TestStep{{Config: cfg, ExpectError: regexp.MustCompile(`(?s)Invalid secure score identity.*"not a tenant" is not\s+accepted`)}},
	})
}
