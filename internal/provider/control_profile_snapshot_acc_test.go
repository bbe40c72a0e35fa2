package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// profileReads sorts the journal's Graph reads of control profiles: list pages, per-control GETs (by id) and
// 429 answers.
type profileReads struct {
	pages, throttled int
	gets             []string
}

func (e *accEnv) profileReads() profileReads {
	var r profileReads
	const set = "/security/secureScoreControlProfiles"
	for _, j := range e.emu.Journal() {
		i := strings.Index(j.Path, set)
		if j.Kind != "read" || i < 0 {
			continue
		}
		prefix := j.Path[:i+len(set)]
		if j.Status == 429 {
			r.throttled++
		}
		if id, ok := strings.CutPrefix(j.Path, prefix+"/"); ok {
			r.gets = append(r.gets, id)
		} else {
			r.pages++
		}
	}
	return r
}

func (e *accEnv) profilesConfig(n int) string {
	return e.providerBlock() + fmt.Sprintf(`
resource "securescore_control_profile" "many" {
  count      = %d
  control_id = format("SyntheticControl%%04d", count.index + 1)
  state      = "Reviewed"
}
`, n)
}

// A refresh of N controls reads them with one list per plugin process (ceil(N/1000) pages) plus at most one GET
// (the first read, before others arrive), never one GET per control, and no 429s.
func TestAccControlProfileResource_refreshReadsOneList(t *testing.T) {
	const n = 50
	env := newAccEnv(t, emulator.Config{ControlProfiles: n})
	env.needsEmulator(t)
	cfg := env.profilesConfig(n)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig:          env.resetJournal,
				RefreshState:       true,
				ExpectNonEmptyPlan: false,
				Check: func(*terraform.State) error {
					r := env.profileReads()
					// One refresh: one plugin process reads.
					if r.pages != 1 || len(r.gets) > 1 || r.throttled != 0 {
						return fmt.Errorf("refresh of %d controls: %d list pages, GETs %v, %d answered 429; want 1 page, at most 1 GET, no 429",
							n, r.pages, r.gets, r.throttled)
					}
					return nil
				},
			},
		},
	})
}

// A control that drops out of the list is confirmed with exactly one GET before it leaves state; the others
// are still served by the list.
func TestAccControlProfileResource_missingFromListConfirmedByGet(t *testing.T) {
	const n = 20
	env := newAccEnv(t, emulator.Config{ControlProfiles: n})
	env.needsEmulator(t)
	const gone = "SyntheticControl0007"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: env.profilesConfig(n)},
			{
				PreConfig: func() {
					env.resetJournal()
					if !env.emu.DeleteControlProfile(gone) {
						t.Fatalf("DeleteControlProfile(%s) found nothing", gone)
					}
				},
				RefreshState: true,
				// The plan after the refresh would create it again, and fails: the tenant no longer has it.
				ExpectError: regexp.MustCompile(`(?s)Unknown control.*"` + gone + `"`),
				Check: func(s *terraform.State) error {
					if _, ok := s.RootModule().Resources["securescore_control_profile.many.6"]; ok {
						return fmt.Errorf("%s is still in state after its 404", gone)
					}
					if len(s.RootModule().Resources) != n-1 {
						return fmt.Errorf("%d resources in state, want %d", len(s.RootModule().Resources), n-1)
					}
					r := env.profileReads()
					confirm := 0
					for _, id := range r.gets {
						if id == gone {
							confirm++
						}
					}
					if r.pages != 1 || confirm != 1 || len(r.gets) > 2 || r.throttled != 0 {
						return fmt.Errorf("%d list pages, GETs %v, %d answered 429; want 1 page and exactly one GET of %s (plus at most the first read's)",
							r.pages, r.gets, r.throttled, gone)
					}
					return nil
				},
			},
		},
	})
}

// Import blocks read through the same path: several controls imported in one plan cost one list, not a GET each.
func TestAccControlProfileResource_importBlocksReadOneList(t *testing.T) {
	const n = 12
	env := newAccEnv(t, emulator.Config{ControlProfiles: n})
	env.needsEmulator(t)
	var b strings.Builder
	b.WriteString(env.providerBlock())
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, `
import {
  to = securescore_control_profile.c%[1]d
  id = "SyntheticControl%04[1]d"
}
resource "securescore_control_profile" "c%[1]d" {
  control_id = "SyntheticControl%04[1]d"
  state      = "Default"
}
`, i)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.resetJournal,
			Config:    b.String(),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("securescore_control_profile.c1", plancheck.ResourceActionNoop),
			}},
			Check: env.journal(func() error {
				if w := env.writes(); len(w) != 0 {
					return fmt.Errorf("importing controls already in the configured state sent %d writes", len(w))
				}
				return nil
			}),
		}},
	})
	// The step runs plan and apply in separate plugin processes: each reads with one list and at most one GET.
	r := env.profileReads()
	if r.pages == 0 || len(r.gets) > r.pages || r.throttled != 0 || len(r.gets)+r.pages >= n {
		t.Fatalf("import of %d controls: %d list pages, GETs %v, %d answered 429; want a list per plan, at most one GET each",
			n, r.pages, r.gets, r.throttled)
	}
}

// twoBaselinesConfig is baseline a over controls 1..aCount in aState, and, when bCount > 0, baseline b over the
// next bCount controls as ThirdParty.
func (e *accEnv) twoBaselinesConfig(aCount int, aState string, bCount int) string {
	cfg := e.providerBlock() + fmt.Sprintf(`
resource "securescore_baseline" "a" {
  controls = { for i in range(1, %d) : format("SyntheticControl%%04d", i) => { state = %q } }
}
`, aCount+1, aState)
	if bCount > 0 {
		cfg += fmt.Sprintf(`
resource "securescore_baseline" "b" {
  controls = { for i in range(%d, %d) : format("SyntheticControl%%04d", i) => { state = "ThirdParty" } }
}
`, aCount+1, aCount+bCount+1)
	}
	return cfg
}

// Baseline a updates 40 controls while baseline b (5 other controls) is created in the same apply: b's list of the
// tenant is not made stale by a's writes, which it does not use, so the apply succeeds with every control PATCHed
// once and no control read one by one. Before, any write during b's list made it stale, and a's PATCHes going on
// through the second list failed b with "The control profiles changed while they were listed".
func TestAccBaseline_concurrentApplyOfOtherControls(t *testing.T) {
	const aCount, bCount = 40, 5
	env := newAccEnv(t, emulator.Config{ControlProfiles: aCount + bCount})
	env.needsEmulator(t)
	mark := &journalMark{emu: env.emu}
	want := map[string]string{}
	for i := 1; i <= aCount+bCount; i++ {
		st := "Ignored"
		if i > aCount {
			st = "ThirdParty"
		}
		want[fmt.Sprintf("SyntheticControl%04d", i)] = st + "||"
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: env.twoBaselinesConfig(aCount, "Reviewed", 0)},
			{
				PreConfig: func() {
					mark.set()
					// Every request takes a while, so a's PATCHes (4 at a time) span b's plan and apply.
					env.emu.SetFaults(emulator.Faults{Latency: 50 * time.Millisecond})
				},
				Config: env.twoBaselinesConfig(aCount, "Ignored", bCount),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("securescore_baseline.a", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("securescore_baseline.b", plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("securescore_baseline.a", tfjsonpath.New("controls").AtMapKey("SyntheticControl0040").AtMapKey("state"),
						knownvalue.StringExact("Ignored")),
					statecheck.ExpectKnownValue("securescore_baseline.b", tfjsonpath.New("controls").AtMapKey("SyntheticControl0045").AtMapKey("state"),
						knownvalue.StringExact("ThirdParty")),
					statecheck.ExpectKnownValue("securescore_baseline.b", tfjsonpath.New("skipped_controls"), knownvalue.ListSizeExact(0)),
				},
				Check: mark.expectWire(want),
			},
		},
	})
}
