package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

const testScoreDataName = "data.securescore_secure_score.test"

func scoreDataValue(p tfjsonpath.Path, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(testScoreDataName, p, v)
}

func TestAccSecureScoreDataSource_current(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	id := env.currentID(t)
	cs := func(attr string) tfjsonpath.Path {
		return tfjsonpath.New("control_scores").AtSliceIndex(0).AtMapKey(attr)
	}
	acs := func(i int, attr string) tfjsonpath.Path {
		return tfjsonpath.New("average_comparative_scores").AtSliceIndex(i).AtMapKey(attr)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.providerBlock() + `data "securescore_secure_score" "test" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				scoreDataValue(tfjsonpath.New("id"), knownvalue.StringExact(id)),
				scoreDataValue(tfjsonpath.New("azure_tenant_id"), knownvalue.StringExact(env.config.TenantID)),
				scoreDataValue(tfjsonpath.New("current_score"), knownvalue.NotNull()),
				scoreDataValue(tfjsonpath.New("max_score"), knownvalue.NotNull()),
				scoreDataValue(tfjsonpath.New("licensed_user_count"), knownvalue.Int32Exact(50)),
				scoreDataValue(tfjsonpath.New("created_date_time"), knownvalue.NotNull()),
				scoreDataValue(tfjsonpath.New("enabled_services"), knownvalue.SetPartial([]knownvalue.Check{knownvalue.StringExact("HasExchange")})),
				scoreDataValue(tfjsonpath.New("vendor_information").AtMapKey("provider"), knownvalue.StringExact("SecureScore")),
				// The seed's first control, AdminMFAV2, is fully implemented and reports users.
				scoreDataValue(cs("control_name"), knownvalue.StringExact("AdminMFAV2")),
				scoreDataValue(cs("control_category"), knownvalue.StringExact("Identity")),
				scoreDataValue(cs("score"), knownvalue.Float64Exact(10)),
				scoreDataValue(cs("score_in_percentage"), knownvalue.Float64Exact(100)),
				scoreDataValue(cs("on"), knownvalue.Bool(true)),
				scoreDataValue(cs("count"), knownvalue.Int64Exact(50)),
				scoreDataValue(cs("total"), knownvalue.Int64Exact(50)),
				scoreDataValue(cs("implementation_status"), knownvalue.StringExact("You have 50 of 50 users protected.")),
				scoreDataValue(cs("last_synced"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))),
				scoreDataValue(acs(0, "basis"), knownvalue.StringExact("AllTenants")),
				scoreDataValue(acs(0, "identity_score"), knownvalue.NotNull()),
				scoreDataValue(acs(0, "apps_score_max"), knownvalue.NotNull()),
				scoreDataValue(acs(0, "seat_size_range_lower_value"), knownvalue.Null()),
				scoreDataValue(acs(1, "basis"), knownvalue.StringExact("TotalSeats")),
				scoreDataValue(acs(1, "seat_size_range_lower_value"), knownvalue.Int64Exact(1)),
				scoreDataValue(acs(1, "seat_size_range_upper_value"), knownvalue.Int64Exact(100)),
				// Graph's "-1" (not available) comes through as a number.
				scoreDataValue(acs(2, "infrastructure_score"), knownvalue.Float64Exact(-1)),
			},
			Check: env.journal(func() error {
				for _, j := range env.emu.Journal() {
					if j.Kind == "read" && j.Query != "$top=1" {
						return fmt.Errorf("the current score was read with %s?%s, want ?$top=1", j.Path, j.Query)
					}
				}
				return nil
			}),
		}},
	})
}

func TestAccSecureScoreDataSource_byID(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	ids := env.emu.Config().HistoryDays
	if ids < 2 {
		t.Fatal("the emulator needs at least two days of history")
	}
	list := env.secureScoreIDs(t)
	yesterday := list[1]
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: env.providerBlock() + fmt.Sprintf("data \"securescore_secure_score\" \"test\" {\n  id = %q\n}\n", yesterday),
				ConfigStateChecks: []statecheck.StateCheck{
					scoreDataValue(tfjsonpath.New("id"), knownvalue.StringExact(yesterday)),
					scoreDataValue(tfjsonpath.New("control_scores"), knownvalue.NotNull()),
				},
			},
			{
				Config:      env.providerBlock() + "data \"securescore_secure_score\" \"test\" {\n  id = \"no-such-score\"\n}\n",
				ExpectError: regexp.MustCompile(`(?s)Unable to read the secure score.*404`),
			},
		},
	})
}

// secureScoreIDs are the emulator's score ids, newest first.
func (e *accEnv) secureScoreIDs(t *testing.T) []string {
	t.Helper()
	cur := e.emu.CurrentSecureScoreID()
	s, ok := e.emu.SecureScore(cur)
	if !ok {
		t.Fatalf("current score %s not found", cur)
	}
	tenant := fmt.Sprint(s["azureTenantId"])
	created := fmt.Sprint(s["createdDateTime"])
	day, err := parseDay(created)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for d := 0; d < e.emu.Config().HistoryDays; d++ {
		out = append(out, tenant+"_"+day.AddDate(0, 0, -d).Format("2006-01-02"))
	}
	return out
}

func parseDay(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("createdDateTime %q: %w", s, err)
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
}
