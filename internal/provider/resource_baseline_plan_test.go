package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// What a plan knows about the controls, and what an apply does with what it could not know.

// TestAccBaseline_defenderControls (issue 20 #6): a Microsoft Defender for Endpoint control (scid_…) fails the
// plan with the portal to use instead; with missing_controls = "warn" it is skipped and listed, never sent, and
// the baseline is created without an error (so never tainted for it).
func TestAccBaseline_defenderControls(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	mark := &journalMark{emu: env.emu}
	p := env.providerBlock()
	controls := `    AdminMFAV2 = { state = "Reviewed" }
    scid_2010  = { state = "ThirdParty" }`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:   mark.set,
				Config:      baselineConfig(p, controls, ""),
				ExpectError: regexp.MustCompile(`(?s)Defender for Endpoint controls in the baseline.*"scid_2010".*Microsoft\s+Defender\s+portal`),
			},
			{
				Config: baselineConfig(p, controls, `  missing_controls = "warn"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(baselineName, tfjsonpath.New("skipped_controls"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("scid_2010")})),
					controlState("scid_2010", "state", knownvalue.StringExact("ThirdParty")),
				},
				Check: mark.expectWire(map[string]string{"AdminMFAV2": "Reviewed||"}),
			},
			{ // not tainted, and no change: the skipped control stays skipped
				Config: baselineConfig(p, controls, `  missing_controls = "warn"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

// TestAccBaseline_unknownControlValue (issue 20 #8): a control whose value another resource gives, known only
// after apply, plans as unknown (before the fix: "Missing Configuration for Required Attribute") and is applied.
func TestAccBaseline_unknownControlValue(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	tenant := env.emu.Tenant(env.config.TenantID)
	config := env.providerBlock() + `
resource "terraform_data" "decision" {
  input = { state = "Ignored", assigned_to = "secops@contoso.com", comment = "from another resource" }
}

resource "securescore_baseline" "this" {
  controls = {
    AdminMFAV2 = { state = "Reviewed" }
    OneAdmin   = terraform_data.decision.output
  }
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(baselineName, tfjsonpath.New("controls").AtMapKey("OneAdmin")),
					plancheck.ExpectKnownValue(baselineName, tfjsonpath.New("controls").AtMapKey("AdminMFAV2").AtMapKey("state"), knownvalue.StringExact("Reviewed")),
				}},
				Check: expectDecision(t, tenant, "OneAdmin", controlDecision{State: "Ignored", AssignedTo: "secops@contoso.com", Comment: "from another resource"}),
			},
		},
	})
}

// TestAccBaseline_writeLandedUndecoded (issue 20 #3): Graph applies the PATCHes of a create but answers with
// bodies that do not decode. The baseline is created with what was sent, with a warning, not tainted: the next
// plan is empty and nothing is sent again.
func TestAccBaseline_writeLandedUndecoded(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	tenant := env.emu.Tenant(env.config.TenantID)
	mark := &journalMark{emu: env.emu}
	config := baselineConfig(env.providerBlock(), `    AdminMFAV2 = { state = "Ignored" }
    OneAdmin   = { state = "ThirdParty", comment = "PAM" }`, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					env.emu.SetFaults(emulator.Faults{OddTypes: 2})
					mark.set()
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					controlState("AdminMFAV2", "state", knownvalue.StringExact("Ignored")),
					controlState("OneAdmin", "comment", knownvalue.StringExact("PAM")),
				},
				Check: resource.ComposeTestCheckFunc(
					mark.expectWire(map[string]string{"AdminMFAV2": "Ignored||", "OneAdmin": "ThirdParty||PAM"}),
					expectDecision(t, tenant, "AdminMFAV2", controlDecision{State: "Ignored"}),
				),
			},
			{
				PreConfig: mark.set,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: mark.expectWire(map[string]string{}),
			},
		},
	})
}
