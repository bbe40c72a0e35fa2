package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// A graph_endpoint that refuses connections (a mistyped port, say) is reported with the host, the reason and the
// settings that choose it, as an unreachable login host is; signing in (against the emulator) still works.
func TestAccGraphEndpointUnreachableNamesSettings(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	closed := closedLoopbackURL(t)
	cfg := strings.Replace(env.providerBlock(), fmt.Sprintf("graph_endpoint = %q", env.url), fmt.Sprintf("graph_endpoint = %q", closed), 1) +
		"data \"securescore_control_profile\" \"test\" {\n  id = \"AdminMFAV2\"\n}\n"
	if !strings.Contains(cfg, closed) {
		t.Fatalf("the provider block has no graph_endpoint to replace:\n%s", cfg)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			ExpectError: regexp.MustCompile(`(?s)Microsoft\s+Graph\s+at\s+` + regexp.QuoteMeta(closed) + `\s+could\s+not\s+be\s+reached\s+\(connection\s+refused\).*` +
				`graph_endpoint\s+\(ARM_GRAPH_ENDPOINT\)`),
		}},
	})
}
