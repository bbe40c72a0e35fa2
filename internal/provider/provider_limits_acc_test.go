package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// withMaxConcurrent adds max_concurrent_requests to the provider block.
func (e *accEnv) withMaxConcurrent(n int) string {
	return strings.TrimSuffix(e.providerBlock(), "}\n") + fmt.Sprintf("  max_concurrent_requests = %d\n}\n", n)
}

// A tenant whose app shares its budget (here Graph admits 1 request at a time): with max_concurrent_requests = 1
// the provider never has a second request in flight, although Terraform runs 10 operations at once. Without the
// attribute the emulator answers 429 and the zero-429 check of newAccEnv fails the test.
func TestAccProvider_maxConcurrentRequests(t *testing.T) {
	env := newAccEnv(t, emulator.Config{ControlProfiles: 12, Limits: emulator.Limits{MaxConcurrent: 1}})
	env.needsEmulator(t)
	env.emu.SetFaults(emulator.Faults{Latency: 30 * time.Millisecond})
	cfg := env.withMaxConcurrent(1) + `
resource "securescore_control_profile" "p" {
  count      = 12
  control_id = format("SyntheticControl%04d", count.index + 1)
  state      = "Reviewed"
  comment    = "one at a time"
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      env.withMaxConcurrent(5) + "\ndata \"securescore_secure_score\" \"x\" {}\n",
				ExpectError: regexp.MustCompile(`(?s)max_concurrent_requests.*between 1 and 4`),
			},
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(`securescore_control_profile.p[11]`, tfjsonpath.New("state"), knownvalue.StringExact("Reviewed")),
				},
				Check: func(*terraform.State) error {
					if n := len(env.writes()); n != 12 {
						return fmt.Errorf("%d PATCHes, want 12", n)
					}
					return env.expectEmulatorState("SyntheticControl0007", "Reviewed")()
				},
			},
		},
	})
}
