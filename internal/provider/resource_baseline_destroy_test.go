package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// Destroy never erases a decision that predates Terraform (issue 20 #2): each control goes back to the decision
// it had before the baseline first changed it, and removing a key does the same for that control.

// ciso is a decision made in the portal before Terraform managed the control.
var ciso = controlDecision{State: "Ignored", AssignedTo: "ciso@contoso.com", Comment: "Risk accepted by CISO"}

func priorCheck(d controlDecision) knownvalue.Check {
	opt := func(s string) knownvalue.Check {
		if s == "" {
			return knownvalue.Null()
		}
		return knownvalue.StringExact(s)
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"state": knownvalue.StringExact(d.State), "assigned_to": opt(d.AssignedTo), "comment": opt(d.Comment),
	})
}

// TestAccBaseline_destroyRestoresEarlierDecisions: OneAdmin was "Risk accepted by CISO" before the baseline set it
// Reviewed; removing it from the baseline puts the CISO's decision back, and destroy puts AdminMFAV2 back to
// Default (its decision before), and sends nothing for a control already at its earlier decision.
func TestAccBaseline_destroyRestoresEarlierDecisions(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	tenant := env.emu.Tenant(env.config.TenantID)
	if err := tenant.PatchControlProfile("OneAdmin", map[string]any{"state": ciso.State, "assignedTo": ciso.AssignedTo, "comment": ciso.Comment}); err != nil {
		t.Fatal(err)
	}
	mark := &journalMark{emu: env.emu}
	p := env.providerBlock()
	const (
		mfa = `    AdminMFAV2 = { state = "ThirdParty", comment = "Duo" }`
		one = `    OneAdmin   = { state = "Reviewed" }`
	)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(
			mark.expectWire(map[string]string{"AdminMFAV2": "Default||"}),
			expectDecision(t, tenant, "AdminMFAV2", pristine),
			expectDecision(t, tenant, "OneAdmin", ciso),
		),
		Steps: []resource.TestStep{
			{
				Config: baselineConfig(p, mfa+"\n"+one, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(baselineName, tfjsonpath.New("prior_decisions"), knownvalue.MapExact(map[string]knownvalue.Check{
						"AdminMFAV2": priorCheck(pristine), "OneAdmin": priorCheck(ciso),
					})),
				},
				Check: expectDecision(t, tenant, "OneAdmin", controlDecision{State: "Reviewed"}),
			},
			{ // OneAdmin leaves the baseline: the CISO's decision comes back
				PreConfig: mark.set,
				Config:    baselineConfig(p, mfa, ""),
				Check: resource.ComposeTestCheckFunc(
					mark.expectWire(map[string]string{"OneAdmin": "Ignored|ciso@contoso.com|Risk accepted by CISO"}),
					expectDecision(t, tenant, "OneAdmin", ciso),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(baselineName, tfjsonpath.New("prior_decisions"), knownvalue.MapExact(map[string]knownvalue.Check{
						"AdminMFAV2": priorCheck(pristine),
					})),
				},
			},
			{ // the destroy that follows sends one PATCH (checked by CheckDestroy)
				PreConfig: mark.set,
				Config:    baselineConfig(p, mfa, ""),
				PlanOnly:  true,
			},
		},
	})
}

// TestAccBaseline_destroyAfterImportLeavesUntouchedControls: a baseline imported (import block) with one control
// changed by the configuration. Destroy puts that control back to its imported decision and sends nothing for
// the controls Terraform never changed: "Risk accepted by CISO" survives.
func TestAccBaseline_destroyAfterImportLeavesUntouchedControls(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	tenant := env.emu.Tenant(env.config.TenantID)
	for id, d := range map[string]controlDecision{"OneAdmin": ciso, "AdminMFAV2": {State: "ThirdParty", Comment: "Duo"}} {
		if err := tenant.PatchControlProfile(id, map[string]any{"state": d.State, "assignedTo": d.AssignedTo, "comment": d.Comment}); err != nil {
			t.Fatal(err)
		}
	}
	mark := &journalMark{emu: env.emu}
	config := env.providerBlock() + fmt.Sprintf(`
import {
  to = securescore_baseline.this
  id = %q
}

resource "securescore_baseline" "this" {
  tenant_id = %q
  controls = {
    OneAdmin   = { state = "Ignored", assigned_to = "ciso@contoso.com", comment = "Risk accepted by CISO" }
    AdminMFAV2 = { state = "Reviewed", comment = "Duo replaced by Entra MFA" }
  }
}
`, env.config.TenantID, env.config.TenantID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(
			mark.expectWire(map[string]string{"AdminMFAV2": "ThirdParty||Duo"}),
			expectDecision(t, tenant, "OneAdmin", ciso),
		),
		Steps: []resource.TestStep{
			{
				PreConfig: mark.set,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(baselineName, plancheck.ResourceActionUpdate),
				}},
				Check: mark.expectWire(map[string]string{"AdminMFAV2": "Reviewed||Duo replaced by Entra MFA"}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(baselineName, tfjsonpath.New("prior_decisions").AtMapKey("OneAdmin"), priorCheck(ciso)),
					statecheck.ExpectKnownValue(baselineName, tfjsonpath.New("prior_decisions").AtMapKey("AdminMFAV2"),
						priorCheck(controlDecision{State: "ThirdParty", Comment: "Duo"})),
				},
			},
			{
				PreConfig: mark.set,
				Config:    config,
				PlanOnly:  true,
			},
		},
	})
}
