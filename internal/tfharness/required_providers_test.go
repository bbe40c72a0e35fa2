package tfharness

import "testing"

func TestRequiredProviders(t *testing.T) {
	got := RequiredProviders(ProviderSource, "registry.terraform.io/securescore/benchfloor")
	want := `terraform {
  required_providers {
    securescore = {
      source = "registry.terraform.io/securescore/securescore"
    }
    benchfloor = {
      source = "registry.terraform.io/securescore/benchfloor"
    }
  }
}
`
	if got != want {
		t.Errorf("RequiredProviders:\n%s\nwant:\n%s", got, want)
	}
}
