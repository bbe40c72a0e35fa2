package exampletest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// TestBaselineImportGenerateConfig proves the whole-tenant-into-code sequence with the terraform CLI: an import
// block by tenant id, `plan -generate-config-out` writes every decided control as HCL, the apply imports without a
// change, and the next plan is empty.
func TestBaselineImportGenerateConfig(t *testing.T) {
	r := newRig(t, emulator.Config{}, emulator.DefaultTenantID, "", "")
	cfg := r.emu.Config()
	r.tf.Env = append(r.tf.Env, "ARM_CLIENT_ID="+cfg.ClientID, "ARM_CLIENT_SECRET="+cfg.ClientSecret)
	tenant := r.emu.Tenant(cfg.TenantID)
	for id, props := range map[string]map[string]any{
		"AdminMFAV2":                           {"state": "ThirdParty", "comment": "Duo"},
		"OneAdmin":                             {"state": "Default", "assignedTo": "secops@contoso.com"},
		"11770.MDA_Google_EnableTwoFactorAuth": {"state": "Ignored"},
	} {
		if err := tenant.PatchControlProfile(id, props); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	main := `terraform {
  required_providers {
    securescore = { source = "securescore/securescore" }
  }
}

provider "securescore" {}

import {
  to = securescore_baseline.this
  id = "` + cfg.TenantID + `"
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(main), 0o600); err != nil {
		t.Fatal(err)
	}
	r.run(dir, 0, "init", "-input=false", "-no-color")
	r.run(dir, 0, "plan", "-generate-config-out=baseline.tf", "-input=false", "-no-color")
	b, err := os.ReadFile(filepath.Join(dir, "baseline.tf"))
	if err != nil {
		t.Fatal(err)
	}
	gen := string(b)
	for _, want := range []string{`resource "securescore_baseline" "this"`, `AdminMFAV2`, `"Duo"`, `"secops@contoso.com"`,
		`"11770.MDA_Google_EnableTwoFactorAuth"`, `"Ignored"`} {
		if !strings.Contains(gen, want) {
			t.Errorf("generated configuration lacks %s:\n%s", want, gen)
		}
	}
	before := len(r.emu.Journal())
	r.run(dir, 0, "apply", "-auto-approve", "-input=false", "-no-color")
	r.run(dir, 0, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	for _, j := range r.emu.Journal()[before:] {
		if j.Kind == "write" {
			t.Errorf("importing sent a PATCH: %s %s", j.Path, j.Body)
		}
	}
	r.no429()
}
