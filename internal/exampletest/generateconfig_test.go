package exampletest

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// TestBaselineImportGenerateConfig proves the whole-tenant-into-code sequence with the CLI: an import block by
// tenant id, `plan -generate-config-out` writes every decided control as HCL, the apply imports without a change,
// and the next plan is empty.
func TestBaselineImportGenerateConfig(t *testing.T) {
	r, dir := newImportRig(t, map[string]map[string]any{
		"AdminMFAV2":        {"state": "ThirdParty", "comment": "Duo"},
		"OneAdmin":          {"state": "Default", "assignedTo": "secops@contoso.com"},
		"MFARegistrationV2": {"state": "Ignored"},
		"scid_2010":         {"state": "Ignored"}, // a Defender for Endpoint control: Graph does not update it, so it is not imported
	})
	gen := r.generateConfig(dir, 0)
	for _, want := range []string{`resource "securescore_baseline" "this"`, `AdminMFAV2`, `"Duo"`, `"secops@contoso.com"`,
		`MFARegistrationV2`, `"Ignored"`, `tenant_id`, `on_destroy`} {
		if !strings.Contains(gen, want) {
			t.Errorf("generated configuration lacks %s:\n%s", want, gen)
		}
	}
	if strings.Contains(gen, "scid_2010") {
		t.Errorf("generated configuration holds the Defender for Endpoint control scid_2010:\n%s", gen)
	}
	r.importAndPlanEmpty(dir)
}

// dottedControlID is a real control id that is not an HCL identifier: as a map key it must be quoted.
const dottedControlID = "11770.MDA_Google_EnableTwoFactorAuth"

var unquotedDottedKey = regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(dottedControlID) + `\s*=`)

// TestBaselineImportGenerateConfigQuotedKey imports a tenant whose decided controls include an id that is not an
// HCL identifier: the generated configuration quotes it and the sequence ends in an empty plan. OpenTofu (up to at
// least 1.12.6) writes such map keys unquoted, which cannot be bridged from the provider; there the test checks
// the documented workaround (quote the key by hand) and then skips with the reason.
func TestBaselineImportGenerateConfigQuotedKey(t *testing.T) {
	r, dir := newImportRig(t, map[string]map[string]any{
		dottedControlID: {"state": "Ignored"},
		"AdminMFAV2":    {"state": "ThirdParty", "comment": "Duo"},
	})
	gen := r.generateConfig(dir, -1)
	if acc.OpenTofu && unquotedDottedKey.MatchString(gen) {
		fixed := unquotedDottedKey.ReplaceAllStringFunc(gen, func(m string) string {
			return strings.Replace(m, dottedControlID, `"`+dottedControlID+`"`, 1)
		})
		if err := os.WriteFile(filepath.Join(dir, "baseline.tf"), []byte(fixed), 0o600); err != nil {
			t.Fatal(err)
		}
		r.importAndPlanEmpty(dir)
		t.Skipf("%s writes map keys that are not HCL identifiers unquoted in -generate-config-out "+
			"(OpenTofu issue 3978), so the generated %s key does not parse; quoting it by hand, as the baseline "+
			"docs say, was checked to import with an empty next plan", acc.Version, dottedControlID)
	}
	if !strings.Contains(gen, `"`+dottedControlID+`"`) || unquotedDottedKey.MatchString(gen) {
		t.Fatalf("generated configuration does not quote %s:\n%s", dottedControlID, gen)
	}
	r.importAndPlanEmpty(dir)
}

// newImportRig records decisions in the emulator's default tenant and writes a configuration that imports the
// tenant's baseline by tenant id into a fresh directory, initialised.
func newImportRig(t *testing.T, decisions map[string]map[string]any) (*rig, string) {
	r := newRig(t, emulator.Config{}, emulator.DefaultTenantID, "", "")
	cfg := r.emu.Config()
	r.tf.Env = append(r.tf.Env, "ARM_CLIENT_ID="+cfg.ClientID, "ARM_CLIENT_SECRET="+cfg.ClientSecret)
	tenant := r.emu.Tenant(cfg.TenantID)
	for id, props := range decisions {
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
	return r, dir
}

// generateConfig runs plan -generate-config-out=baseline.tf and returns the file. want is the exit code the plan
// must end with, or -1 for any (the caller judges the file).
func (r *rig) generateConfig(dir string, want int) string {
	r.t.Helper()
	args := []string{"plan", "-generate-config-out=baseline.tf", "-input=false", "-no-color"}
	var out string
	if want >= 0 {
		out = r.run(dir, want, args...).Output
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		res, err := r.tf.Run(ctx, dir, args...)
		if res == nil {
			r.t.Fatalf("terraform %v: %v", args, err)
		}
		out = res.Output
	}
	b, err := os.ReadFile(filepath.Join(dir, "baseline.tf"))
	if err != nil {
		r.t.Fatalf("no generated configuration: %v\n%s", err, out)
	}
	return string(b)
}

// importAndPlanEmpty applies the import with the generated configuration in dir, checks that it sent no PATCH,
// and that the next plan is empty.
func (r *rig) importAndPlanEmpty(dir string) {
	r.t.Helper()
	before := len(r.emu.Journal())
	r.run(dir, 0, "apply", "-auto-approve", "-input=false", "-no-color")
	r.run(dir, 0, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	for _, j := range r.emu.Journal()[before:] {
		if j.Kind == "write" {
			r.t.Errorf("importing sent a PATCH: %s %s", j.Path, j.Body)
		}
	}
	r.no429()
}
