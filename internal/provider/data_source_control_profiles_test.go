package provider

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

const testProfilesDataName = "data.securescore_control_profiles.test"

func profilesDataValue(p tfjsonpath.Path, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(testProfilesDataName, p, v)
}

// profileIDs reads the data source's ids from state.
func profileIDs(s *terraform.State) (map[string]bool, error) {
	r, ok := s.RootModule().Resources[testProfilesDataName]
	if !ok {
		return nil, fmt.Errorf("%s not in state", testProfilesDataName)
	}
	out := map[string]bool{}
	for k, v := range r.Primary.Attributes {
		if len(k) > 4 && k[:4] == "ids." && k != "ids.#" {
			out[v] = true
		}
	}
	return out, nil
}

func expectIDs(want, notWant []string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		ids, err := profileIDs(s)
		if err != nil {
			return err
		}
		for _, id := range want {
			if !ids[id] {
				return fmt.Errorf("ids lack %s: %v", id, ids)
			}
		}
		for _, id := range notWant {
			if ids[id] {
				return fmt.Errorf("ids hold %s: %v", id, ids)
			}
		}
		return nil
	}
}

func TestAccControlProfilesDataSource_filters(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	lastFilter := func(want string) resource.TestCheckFunc {
		return env.journal(func() error {
			reads := env.reads()
			if len(reads) == 0 {
				return fmt.Errorf("no list request")
			}
			q, err := url.ParseQuery(reads[len(reads)-1].Query)
			if err != nil {
				return err
			}
			if got := q.Get("$filter"); got != want {
				return fmt.Errorf("$filter = %q, want %q", got, want)
			}
			return nil
		})
	}
	cfg := func(body string) string {
		return env.providerBlock() + "data \"securescore_control_profiles\" \"test\" {\n" + body + "\n}\n"
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: env.resetJournal,
				Config:    cfg(`  control_category = "Identity"`),
				ConfigStateChecks: []statecheck.StateCheck{
					profilesDataValue(tfjsonpath.New("control_profiles").AtSliceIndex(0).AtMapKey("id"), knownvalue.StringExact("AdminMFAV2")),
					profilesDataValue(tfjsonpath.New("control_profiles").AtSliceIndex(0).AtMapKey("control_category"), knownvalue.StringExact("Identity")),
					profilesDataValue(tfjsonpath.New("control_profiles").AtSliceIndex(0).AtMapKey("state"), knownvalue.StringExact("Default")),
					profilesDataValue(tfjsonpath.New("control_profiles").AtSliceIndex(0).AtMapKey("deprecated"), knownvalue.Bool(false)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					expectIDs([]string{"AdminMFAV2", "MFARegistrationV2", "BlockLegacyAuthentication", "OneAdmin"}, []string{"AdminMFA", "MFARegistration", "DLPEnabled"}),
					lastFilter("controlCategory eq 'Identity'"),
				),
			},
			{
				PreConfig: env.resetJournal,
				Config: cfg(`  control_category   = "Identity"
  include_deprecated = true`),
				Check: expectIDs([]string{"AdminMFAV2", "AdminMFA", "MFARegistration"}, nil),
			},
			{
				PreConfig: env.resetJournal,
				Config: cfg(`  service = "MCAS"
  tier    = "Core"`),
				ConfigStateChecks: []statecheck.StateCheck{
					profilesDataValue(tfjsonpath.New("ids"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("11770.MDA_Google_EnableTwoFactorAuth")})),
				},
				Check: lastFilter("service eq 'MCAS' and tier eq 'Core'"),
			},
			{
				PreConfig: env.resetJournal,
				Config:    cfg(`  control_category = "No'Such"`),
				ConfigStateChecks: []statecheck.StateCheck{
					profilesDataValue(tfjsonpath.New("control_profiles"), knownvalue.ListSizeExact(0)),
				},
				Check: lastFilter("controlCategory eq 'No''Such'"),
			},
		},
	})
}

// Every page is read: with more synthetic profiles than a page holds, the list follows @odata.nextLink.
func TestAccControlProfilesDataSource_allPages(t *testing.T) {
	n := emulator.DefaultPageSize*2 + 5
	env := newAccEnv(t, emulator.Config{ControlProfiles: n})
	env.needsEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.resetJournal,
			Config:    env.providerBlock() + `data "securescore_control_profiles" "test" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				profilesDataValue(tfjsonpath.New("ids"), knownvalue.ListSizeExact(n)),
				profilesDataValue(tfjsonpath.New("control_profiles"), knownvalue.ListSizeExact(n)),
			},
			Check: env.journal(func() error {
				if got := len(env.reads()); got != 3 {
					return fmt.Errorf("%d list requests for %d profiles, want 3 pages", got, n)
				}
				return nil
			}),
		}},
	})
}
