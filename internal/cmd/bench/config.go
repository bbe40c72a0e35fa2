package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/securescore/terraform-provider-securescore/internal/tfharness"
)

// workDirs are the working directories of one N: the provider, terraform_data and the two protocol floors.
type workDirs struct{ prov, base, floor, wide string }

// writeConfigs writes the configurations for ids; the first changed ids get a different comment (the 10% change
// phase).
func writeConfigs(d workDirs, ids []string, changed int) error {
	var m strings.Builder
	m.WriteString("locals {\n  profiles = {\n")
	for i, id := range ids {
		comment := "benchmark"
		if i < changed {
			comment = "benchmark, changed"
		}
		fmt.Fprintf(&m, "    %q = %q\n", id, comment)
	}
	m.WriteString("  }\n}\n")
	profiles := m.String()

	// The provider and the floor get the same arguments; terraform_data gets them as its input.
	plugin := func(source, resourceType, providerBlock string) string {
		return tfharness.RequiredProviders(source) + fmt.Sprintf(`%[2]s
resource %[1]q "p" {
  for_each    = local.profiles
  control_id  = each.key
  state       = "ThirdParty"
  assigned_to = "secops@contoso.onmicrosoft.com"
  comment     = each.value
}
`, resourceType, providerBlock)
	}
	prov := plugin(tfharness.ProviderSource, "securescore_control_profile",
		"\n# Credentials and endpoints come from ARM_* (the benchmark points them at the emulator).\nprovider \"securescore\" {}\n")
	floor := plugin(floorSource, "benchfloor_thing", "")
	wide := plugin(floorSource, "benchfloor_wide", "")
	base := `resource "terraform_data" "p" {
  for_each = local.profiles
  input = {
    control_id  = each.key
    state       = "ThirdParty"
    assigned_to = "secops@contoso.onmicrosoft.com"
    comment     = each.value
  }
}
`
	for dir, cfg := range map[string]string{d.prov: prov, d.base: base, d.floor: floor, d.wide: wide} {
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg+"\n"+profiles), 0o644); err != nil {
			return err
		}
	}
	return nil
}
