package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

const testProfileDataName = "data.securescore_control_profile.test"

func profileDataValue(p tfjsonpath.Path, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(testProfileDataName, p, v)
}

func TestAccControlProfileDataSource_basic(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	cfg := func(id string) string {
		return env.providerBlock() + "data \"securescore_control_profile\" \"test\" {\n  id = \"" + id + "\"\n}\n"
	}
	first := tfjsonpath.New("control_state_updates").AtSliceIndex(0)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg("AdminMFAV2"),
				ConfigStateChecks: []statecheck.StateCheck{
					profileDataValue(tfjsonpath.New("id"), knownvalue.StringExact("AdminMFAV2")),
					profileDataValue(tfjsonpath.New("title"), knownvalue.StringExact("Ensure multifactor authentication is enabled for all users in administrative roles")),
					profileDataValue(tfjsonpath.New("max_score"), knownvalue.Float64Exact(10)),
					profileDataValue(tfjsonpath.New("rank"), knownvalue.Int32Exact(1)),
					profileDataValue(tfjsonpath.New("tier"), knownvalue.StringExact("Core")),
					profileDataValue(tfjsonpath.New("service"), knownvalue.StringExact("AzureAD")),
					profileDataValue(tfjsonpath.New("control_category"), knownvalue.StringExact("Identity")),
					profileDataValue(tfjsonpath.New("user_impact"), knownvalue.StringExact("Low")),
					profileDataValue(tfjsonpath.New("implementation_cost"), knownvalue.StringExact("Low")),
					profileDataValue(tfjsonpath.New("action_type"), knownvalue.StringExact("Config")),
					profileDataValue(tfjsonpath.New("action_url"), knownvalue.StringRegexp(regexp.MustCompile(`^https://`))),
					profileDataValue(tfjsonpath.New("remediation"), knownvalue.NotNull()),
					profileDataValue(tfjsonpath.New("remediation_impact"), knownvalue.NotNull()),
					profileDataValue(tfjsonpath.New("threats"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("Account Breach"), knownvalue.StringExact("Elevation of Privilege"),
					})),
					profileDataValue(tfjsonpath.New("deprecated"), knownvalue.Bool(false)),
					profileDataValue(tfjsonpath.New("last_modified_date_time"), knownvalue.Null()),
					// An untouched control: one entry, all null but state Default.
					profileDataValue(tfjsonpath.New("state"), knownvalue.StringExact("Default")),
					profileDataValue(tfjsonpath.New("assigned_to"), knownvalue.Null()),
					profileDataValue(tfjsonpath.New("control_state_updates"), knownvalue.ListSizeExact(1)),
					profileDataValue(first.AtMapKey("state"), knownvalue.StringExact("Default")),
					profileDataValue(first.AtMapKey("updated_by"), knownvalue.Null()),
					profileDataValue(tfjsonpath.New("compliance_information").AtSliceIndex(0).AtMapKey("certification_name"), knownvalue.StringExact("ISO 27001:2013")),
					profileDataValue(tfjsonpath.New("compliance_information").AtSliceIndex(0).AtMapKey("certification_controls").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("A.9.4.2")),
					profileDataValue(tfjsonpath.New("vendor_information").AtMapKey("vendor"), knownvalue.StringExact("Microsoft")),
				},
			},
			{
				// Someone assigned the control in the portal: the newest entry is the current state.
				PreConfig: func() {
					if err := env.emu.PatchControlProfile("11770.MDA_Google_EnableTwoFactorAuth", map[string]any{
						"state": "Reviewed", "assignedTo": "gws-admins@contoso.com", "comment": "Waiting for the Workspace rollout",
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg("11770.MDA_Google_EnableTwoFactorAuth"),
				ConfigStateChecks: []statecheck.StateCheck{
					profileDataValue(tfjsonpath.New("id"), knownvalue.StringExact("11770.MDA_Google_EnableTwoFactorAuth")),
					profileDataValue(tfjsonpath.New("state"), knownvalue.StringExact("Reviewed")),
					profileDataValue(tfjsonpath.New("assigned_to"), knownvalue.StringExact("gws-admins@contoso.com")),
					profileDataValue(tfjsonpath.New("comment"), knownvalue.StringExact("Waiting for the Workspace rollout")),
					profileDataValue(tfjsonpath.New("control_state_updates"), knownvalue.ListSizeExact(2)),
					profileDataValue(tfjsonpath.New("control_state_updates").AtSliceIndex(1).AtMapKey("updated_by"), knownvalue.NotNull()),
					profileDataValue(tfjsonpath.New("last_modified_date_time"), knownvalue.NotNull()),
				},
			},
			{
				Config:      cfg("NoSuchControl"),
				ExpectError: regexp.MustCompile(`(?s)Unable to read the control profile.*404`),
			},
		},
	})
}
