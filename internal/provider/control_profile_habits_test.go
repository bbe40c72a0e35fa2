package provider

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// A state in any case is accepted and sent as written; state keeps the configuration's spelling whatever case the
// service answers in (here lower camel case), so no change is planned afterwards.
func TestAccControlProfile_stateAnyCase(t *testing.T) {
	env := newAccEnv(t, emulator.Config{StateCase: emulator.StateCaseLowerCamel})
	env.needsEmulator(t)
	cfg := func(state string) string {
		return env.profileConfig(`
  control_id = "BlockLegacyAuthentication"
  state      = "` + state + `"`)
	}
	sentState := func(want string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			w := env.writes()
			if len(w) == 0 {
				return nil
			}
			var body struct{ State string }
			if err := json.Unmarshal([]byte(w[len(w)-1].Body), &body); err != nil || body.State != want {
				t.Errorf("PATCH sent state %q (%v), want %q", body.State, err, want)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            cfg("ThirdParty"),
				ConfigStateChecks: []statecheck.StateCheck{profileValue("state", knownvalue.StringExact("ThirdParty"))},
				Check: resource.ComposeTestCheckFunc(sentState("ThirdParty"), func(*terraform.State) error {
					return env.expectEmulatorState("BlockLegacyAuthentication", "thirdParty")()
				}),
			},
			{Config: cfg("ThirdParty"), ConfigPlanChecks: expectEmptyPlan()},
			{
				Config:            cfg("ignored"),
				ConfigStateChecks: []statecheck.StateCheck{profileValue("state", knownvalue.StringExact("ignored"))},
				Check:             sentState("ignored"),
			},
			{Config: cfg("ignored"), ConfigPlanChecks: expectEmptyPlan()},
			// Another spelling of the same state is recorded in state without a request, and then plans nothing.
			{
				PreConfig:         env.resetJournal,
				Config:            cfg("IGNORED"),
				ConfigStateChecks: []statecheck.StateCheck{profileValue("state", knownvalue.StringExact("IGNORED"))},
				Check: func(*terraform.State) error {
					if w := env.writes(); len(w) != 0 {
						t.Errorf("a change of case sent %d PATCH(es)", len(w))
					}
					return nil
				},
			},
			{Config: cfg("IGNORED"), ConfigPlanChecks: expectEmptyPlan()},
		},
	})
}

// The service refuses Defender for Endpoint controls with a bare 400; the error names the control and the portal.
func TestAccControlProfile_defenderControlRefused(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.profileConfig(`
  control_id = "scid_2010"
  state      = "Ignored"`),
			ExpectError: regexp.MustCompile(`(?s)"scid_2010".*statusCode=BadRequest.*Microsoft Defender for Endpoint control.*Defender\s+portal`),
		}},
	})
}

// Plan warnings: a Defender for Endpoint control (by its id) and a deprecated control (once a read has seen it).
func TestControlPlanWarnings(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	snap := newControlProfileSnapshot(stallClient(t, env))
	tenant := liveTenant{tenant: &tenantData{profiles: snap}}
	summaries := func(id string) string {
		var diags diagnostics
		controlPlanWarnings(context.Background(), id, tenant, &diags)
		var out []string
		for _, d := range diags {
			out = append(out, d.summary+": "+d.detail)
		}
		return strings.Join(out, "\n")
	}
	if got := summaries("AdminMFA"); got != "" {
		t.Errorf("AdminMFA warned before any read: %q", got)
	}
	for _, id := range []string{"AdminMFA", "AdminMFAV2"} {
		if _, err := snap.read(context.Background(), id); err != nil {
			t.Fatal(err)
		}
	}
	if got := summaries("AdminMFA"); !strings.Contains(got, "Deprecated control") || !strings.Contains(got, "no longer counts in the secure score") {
		t.Errorf("AdminMFA: %q", got)
	}
	if got := summaries("scid_2010"); !strings.Contains(got, "Microsoft Defender for Endpoint control") || !strings.Contains(got, "Defender portal") {
		t.Errorf("scid_2010: %q", got)
	}
	if got := summaries("AdminMFAV2"); got != "" {
		t.Errorf("AdminMFAV2 warned: %q", got)
	}
	var unconfigured diagnostics
	if controlPlanWarnings(context.Background(), "scid_2010", nil, &unconfigured); len(unconfigured) != 1 {
		t.Errorf("unconfigured provider: %v", unconfigured)
	}
}
