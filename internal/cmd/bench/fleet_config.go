package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/securescore/terraform-provider-securescore/internal/tfharness"
)

// fleetDirs are the working directories of one fleet size: the two ways of managing it and the floor.
type fleetDirs struct{ tenantID, aliases, floor string }

// fleetTenant is one tenant of a fleet: its key in the configuration and its GUID.
type fleetTenant struct{ key, id string }

// writeFleetConfigs writes the three configurations of a fleet: every tenant holds one baseline of the given
// controls; the first changed controls get another state in every tenant (the 10% change phase: the shared
// baseline changes).
func writeFleetConfigs(d fleetDirs, tenants []fleetTenant, controls []string, changed int) error {
	locals := controlStatesLocal("controls", controls, changed)

	var m strings.Builder
	m.WriteString("locals {\n  tenants = {\n")
	for _, t := range tenants {
		fmt.Fprintf(&m, "    %q = %q\n", t.key, t.id)
	}
	m.WriteString("  }\n}\n")
	tenantMap := m.String()

	// Each tenant's decisions are assigned to the tenant's own contact, as a fleet's are.
	const controlsOf = `  controls = { for id, state in local.controls : id => {
    state       = state
    assigned_to = "secops@%s.example.com"
    comment     = "benchmark"
  } }
`
	oneBlock := func(source, resourceType, providerBlock string) string {
		return tfharness.RequiredProviders(source) + providerBlock + tenantMap + fmt.Sprintf(`
resource %q "t" {
  for_each  = local.tenants
  tenant_id = each.value
`, resourceType) + fmt.Sprintf(controlsOf, "${each.key}") + "}\n"
	}

	var a strings.Builder
	a.WriteString(tfharness.RequiredProviders(tfharness.ProviderSource))
	a.WriteString("\n# Today's way: one provider configuration (one plugin process) per tenant. Client id, secret and endpoints\n# come from ARM_* (the benchmark points them at the emulator).\n")
	for _, t := range tenants {
		fmt.Fprintf(&a, `
provider "securescore" {
  alias     = %[1]q
  tenant_id = %[2]q
}

resource "securescore_baseline" %[1]q {
  provider = securescore.%[1]s
`, t.key, t.id)
		fmt.Fprintf(&a, controlsOf, t.key)
		a.WriteString("}\n")
	}

	providerBlock := "\n# One provider configuration for every tenant: each baseline names its tenant. Client id, secret and endpoints\n# come from ARM_* (the benchmark points them at the emulator); no tenant is set on the provider.\nprovider \"securescore\" {}\n\n"
	configs := map[string]string{
		d.tenantID: oneBlock(tfharness.ProviderSource, "securescore_baseline", providerBlock),
		d.aliases:  a.String(),
		d.floor:    oneBlock(floorSource, "benchfloor_baseline", "\n"),
	}
	for dir, cfg := range configs {
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg+"\n"+locals), 0o644); err != nil {
			return err
		}
	}
	return nil
}
