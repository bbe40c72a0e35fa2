package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/securescore/terraform-provider-securescore/internal/tfharness"
)

// workDirs are the working directories of one N: the per-control resources, one securescore_baseline,
// terraform_data and the protocol floors (N narrow, N wide, one holding every control).
type workDirs struct{ prov, baseline, data, floor, wide, floorOne string }

func (d workDirs) all() []string {
	return []string{d.prov, d.baseline, d.data, d.floor, d.wide, d.floorOne}
}

// changedState is the state the 10% change phase gives the first tenth of the controls.
const changedState = "Reviewed"

// controlStatesLocal is a locals block whose map name holds every id's state: ThirdParty, and changedState for
// the first changed ids.
func controlStatesLocal(name string, ids []string, changed int) string {
	var m strings.Builder
	fmt.Fprintf(&m, "locals {\n  %s = {\n", name)
	for i, id := range ids {
		state := "ThirdParty"
		if i < changed {
			state = changedState
		}
		fmt.Fprintf(&m, "    %q = %q\n", id, state)
	}
	m.WriteString("  }\n}\n")
	return m.String()
}

// writeConfigs writes the configurations for ids; the first changed ids get another state (the 10% change
// phase: 10% of the resources, and 10% of the baseline's keys).
func writeConfigs(d workDirs, ids []string, changed int) error {
	profiles := controlStatesLocal("profiles", ids, changed)

	// Every configuration gets the same arguments; terraform_data gets them as its input.
	perControl := func(source, resourceType, providerBlock string) string {
		return tfharness.RequiredProviders(source) + fmt.Sprintf(`%[2]s
resource %[1]q "p" {
  for_each    = local.profiles
  control_id  = each.key
  state       = each.value
  assigned_to = "secops@contoso.onmicrosoft.com"
  comment     = "benchmark"
}
`, resourceType, providerBlock)
	}
	oneResource := func(source, resourceType, providerBlock string) string {
		return tfharness.RequiredProviders(source) + fmt.Sprintf(`%[2]s
resource %[1]q "b" {
  controls = { for id, state in local.profiles : id => {
    state       = state
    assigned_to = "secops@contoso.onmicrosoft.com"
    comment     = "benchmark"
  } }
}
`, resourceType, providerBlock)
	}
	providerBlock := "\n# Credentials and endpoints come from ARM_* (the benchmark points them at the emulator).\nprovider \"securescore\" {}\n"
	configs := map[string]string{
		d.prov:     perControl(tfharness.ProviderSource, "securescore_control_profile", providerBlock),
		d.baseline: oneResource(tfharness.ProviderSource, "securescore_baseline", providerBlock),
		d.floor:    perControl(floorSource, "benchfloor_thing", ""),
		d.wide:     perControl(floorSource, "benchfloor_wide", ""),
		d.floorOne: oneResource(floorSource, "benchfloor_baseline", ""),
		d.data: `resource "terraform_data" "p" {
  for_each = local.profiles
  input = {
    control_id  = each.key
    state       = each.value
    assigned_to = "secops@contoso.onmicrosoft.com"
    comment     = "benchmark"
  }
}
`,
	}
	for dir, cfg := range configs {
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg+"\n"+profiles), 0o644); err != nil {
			return err
		}
	}
	return nil
}
