package provider

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

const testScoresDataName = "data.securescore_secure_scores.test"

func scoresDataValue(p tfjsonpath.Path, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(testScoresDataName, p, v)
}

func scoresIndex(i int, attr string) tfjsonpath.Path {
	return tfjsonpath.New("secure_scores").AtSliceIndex(i).AtMapKey(attr)
}

func TestAccSecureScoresDataSource_top(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	ids := env.secureScoreIDs(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.resetJournal,
			Config:    env.providerBlock() + "data \"securescore_secure_scores\" \"test\" {\n  top = 3\n}\n",
			ConfigStateChecks: []statecheck.StateCheck{
				scoresDataValue(tfjsonpath.New("secure_scores"), knownvalue.ListSizeExact(3)),
				// Newest first.
				scoresDataValue(scoresIndex(0, "id"), knownvalue.StringExact(ids[0])),
				scoresDataValue(scoresIndex(1, "id"), knownvalue.StringExact(ids[1])),
				scoresDataValue(scoresIndex(2, "id"), knownvalue.StringExact(ids[2])),
				scoresDataValue(scoresIndex(0, "current_score"), knownvalue.NotNull()),
				scoresDataValue(scoresIndex(0, "max_score"), knownvalue.NotNull()),
				scoresDataValue(scoresIndex(0, "created_date_time"), knownvalue.NotNull()),
				scoresDataValue(scoresIndex(0, "licensed_user_count"), knownvalue.Int32Exact(50)),
			},
			Check: env.journal(func() error {
				reads := env.reads()
				if len(reads) == 0 {
					return fmt.Errorf("no list request in the journal")
				}
				for _, j := range reads {
					q, err := url.ParseQuery(j.Query)
					if err != nil {
						return err
					}
					if q.Get("$top") != "3" || !strings.Contains(q.Get("$select"), "currentScore") || strings.Contains(q.Get("$select"), "controlScores") {
						return fmt.Errorf("history listed with ?%s, want $top=3 and a $select without controlScores", j.Query)
					}
				}
				return nil
			}),
		}},
	})
}

// Without top the whole history is read, following @odata.nextLink past the emulator's page size.
func TestAccSecureScoresDataSource_followsNextLink(t *testing.T) {
	days := emulator.DefaultPageSize + 20
	env := newAccEnv(t, emulator.Config{HistoryDays: days})
	env.needsEmulator(t)
	ids := env.secureScoreIDs(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.resetJournal,
			Config:    env.providerBlock() + `data "securescore_secure_scores" "test" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				scoresDataValue(tfjsonpath.New("secure_scores"), knownvalue.ListSizeExact(days)),
				scoresDataValue(scoresIndex(0, "id"), knownvalue.StringExact(ids[0])),
				scoresDataValue(scoresIndex(days-1, "id"), knownvalue.StringExact(ids[days-1])),
			},
			Check: env.journal(func() error {
				var pages int
				for _, j := range env.reads() {
					if strings.Contains(j.Query, "skiptoken") {
						pages++
					}
				}
				if pages == 0 {
					return fmt.Errorf("no @odata.nextLink was followed: %d reads", len(env.reads()))
				}
				return nil
			}),
		}},
	})
}

func TestAccSecureScoresDataSource_filter(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	ids := env.secureScoreIDs(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.providerBlock() + fmt.Sprintf("data \"securescore_secure_scores\" \"test\" {\n  filter = \"id eq '%s'\"\n}\n", ids[4]),
			ConfigStateChecks: []statecheck.StateCheck{
				scoresDataValue(tfjsonpath.New("secure_scores"), knownvalue.ListSizeExact(1)),
				scoresDataValue(scoresIndex(0, "id"), knownvalue.StringExact(ids[4])),
			},
		}},
	})
}

func TestSecureScoreSummariesNewestFirst(t *testing.T) {
	day := func(s string) *graph.DateTimeOffset {
		d, err := graph.ParseDateTimeOffset(s)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	scores := []graph.SecureScore{
		{ID: "b", CreatedDateTime: day("2024-01-02T00:00:00Z")},
		{ID: "none"},
		{ID: "c", CreatedDateTime: day("2024-01-03T00:00:00Z")},
		{ID: "a", CreatedDateTime: day("2024-01-01T00:00:00Z")},
	}
	list, diags := secureScoreSummaries(context.Background(), scores)
	if diags.HasError() {
		t.Fatal(diags)
	}
	var got []secureScoreSummaryModelV0
	if d := list.ElementsAs(context.Background(), &got, false); d.HasError() {
		t.Fatal(d)
	}
	var ids string
	for _, s := range got {
		ids += s.ID.ValueString() + " "
	}
	if ids != "c b a none " {
		t.Fatalf("order %q, want newest first and undated last", ids)
	}
}
