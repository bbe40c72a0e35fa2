package provider

import (
	"context"
	"fmt"
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
					expectUnknownElement(baselineName, "controls", "OneAdmin"),
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

// expectUnknownElement checks that the planned element key of the map attribute attr is unknown: wholly (as
// Terraform before 1.14 reports it) or in every attribute (as 1.14 reports an object of a known type whose
// values are not known yet).
func expectUnknownElement(address, attr, key string) plancheck.PlanCheck {
	return planCheckFunc(func(req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
		for _, rc := range req.Plan.ResourceChanges {
			if rc.Address != address || rc.Change == nil {
				continue
			}
			unknown, _ := rc.Change.AfterUnknown.(map[string]any)
			elems, _ := unknown[attr].(map[string]any)
			switch v := elems[key].(type) {
			case bool:
				if v {
					return
				}
			case map[string]any:
				all := len(v) > 0
				for _, u := range v {
					all = all && u == true
				}
				if all {
					return
				}
			}
			resp.Error = fmt.Errorf("%s: %s[%q] is not planned as unknown (after_unknown: %v)", address, attr, key, elems[key])
			return
		}
		resp.Error = fmt.Errorf("%s is not in the plan", address)
	})
}

// planCheckFunc is a plan check written as a function.
type planCheckFunc func(plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse)

var _ plancheck.PlanCheck = planCheckFunc(nil)

func (f planCheckFunc) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	f(req, resp)
}
