package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// writeConfigs writes the provider and terraform_data configurations for ids; the first changed ids get a
// different comment (the 10% change phase).
func writeConfigs(provDir, baseDir string, ids []string, changed int) error {
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

	prov := `terraform {
  required_providers {
    securescore = {
      source = "securescore/securescore"
    }
  }
}

# Credentials and endpoints come from ARM_* (the benchmark points them at the emulator).
provider "securescore" {}

resource "securescore_control_profile" "p" {
  for_each    = local.profiles
  control_id  = each.key
  state       = "ThirdParty"
  assigned_to = "secops@contoso.onmicrosoft.com"
  comment     = each.value
}
`
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
	if err := os.WriteFile(filepath.Join(provDir, "main.tf"), []byte(prov+"\n"+profiles), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(baseDir, "main.tf"), []byte(base+"\n"+profiles), 0o644)
}
