package exampletest

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
	"github.com/securescore/terraform-provider-securescore/internal/tfharness"
)

// The whole-tenant-into-code sequence of Terraform 1.14: `terraform query -generate-config-out` writes an import
// block (by identity) and a resource for every listed object, the apply imports them without a PATCH, and the next
// plan is empty.

var terraformVersion = regexp.MustCompile(`^Terraform v(\d+)\.(\d+)\.`)

// needsQuery skips a test unless the CLI has `terraform query` (Terraform 1.14 and later), saying why.
func needsQuery(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("these tests drive terraform and a built provider; set TF_ACC=1 (make test does)")
	}
	if acc.OpenTofu {
		t.Skipf("%s has no `query` command and no list resources; make test-terraform-next runs this test", acc.Version)
	}
	m := terraformVersion.FindStringSubmatch(acc.Version)
	if m == nil {
		t.Fatalf("cannot read the Terraform version from %q", acc.Version)
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	if major < 1 || (major == 1 && minor < 14) {
		t.Skipf("%s has no `query` command (Terraform 1.14 added it); make test-terraform-next runs this test", acc.Version)
	}
}

// queryDir writes main.tf (the provider, from the environment) and query.tfquery.hcl (list) into a fresh directory,
// initialised.
func (r *rig) queryDir(list string) string {
	r.t.Helper()
	dir := r.t.TempDir()
	main := `terraform {
  required_providers {
    securescore = { source = "securescore/securescore" }
  }
}

provider "securescore" {}
`
	for name, body := range map[string]string{"main.tf": main, "query.tfquery.hcl": list} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			r.t.Fatal(err)
		}
	}
	r.run(dir, 0, "init", "-input=false", "-no-color")
	return dir
}

// queryGenerate runs `terraform query -generate-config-out=generated.tf` in dir and returns the file.
func (r *rig) queryGenerate(dir string) string {
	r.t.Helper()
	started := time.Now()
	res := r.run(dir, 0, "query", "-generate-config-out=generated.tf", "-no-color")
	r.t.Logf("terraform query -generate-config-out took %s", time.Since(started).Round(time.Millisecond))
	b, err := os.ReadFile(filepath.Join(dir, "generated.tf"))
	if err != nil {
		r.t.Fatalf("no generated configuration: %v\n%s", err, res.Output)
	}
	return string(b)
}

// journalKinds counts the journal's entries from index from on by kind; reads are split into list pages and GETs
// of one control profile.
func (r *rig) journalKinds(from int) (tokens, lists, gets, writes int) {
	for _, j := range r.emu.Journal()[from:] {
		switch {
		case j.Kind == "token":
			tokens++
		case j.Kind == "write":
			writes++
		case j.Kind == "read" && strings.Contains(j.Path, "/secureScoreControlProfiles/"):
			gets++
		case j.Kind == "read":
			lists++
		}
	}
	return tokens, lists, gets, writes
}

// A tenant of 300 controls, five of them decided in the portal: the query lists them with one sign-in and one
// list request (no GET per control), generates 300 import blocks by identity and 300 resources, the apply
// imports them with no PATCH, and the next plan is empty.
func TestQueryGenerateConfigControlProfiles(t *testing.T) {
	needsQuery(t)
	const n = 300
	r := newRig(t, emulator.Config{ControlProfiles: n}, emulator.DefaultTenantID, "", "")
	cfg := r.emu.Config()
	r.tf.Env = append(r.tf.Env, "ARM_CLIENT_ID="+cfg.ClientID, "ARM_CLIENT_SECRET="+cfg.ClientSecret)
	tenant := r.emu.Tenant(cfg.TenantID)
	decided := map[string]map[string]any{
		"SyntheticControl0001": {"state": "Ignored", "comment": "Accepted by the CISO"},
		"SyntheticControl0002": {"state": "ThirdParty", "assignedTo": "secops@contoso.com"},
		"SyntheticControl0150": {"state": "Reviewed"},
		"SyntheticControl0299": {"state": "thirdParty", "comment": "Duo"},
		"SyntheticControl0300": {"state": "Default", "assignedTo": "it@contoso.com"},
	}
	for id, props := range decided {
		if err := tenant.PatchControlProfile(id, props); err != nil {
			t.Fatal(err)
		}
	}
	dir := r.queryDir(`list "securescore_control_profile" "tenant" {
  provider = securescore
  limit    = 1000
}
`)
	mark := len(r.emu.Journal())
	gen := r.queryGenerate(dir)
	if tokens, lists, gets, writes := r.journalKinds(mark); tokens != 1 || lists != 1 || gets != 0 || writes != 0 {
		t.Errorf("the query made %d token requests, %d list requests, %d GETs and %d PATCHes; want 1, 1, 0 and 0", tokens, lists, gets, writes)
	}
	if imports, resources := strings.Count(gen, "import {"), strings.Count(gen, `resource "securescore_control_profile"`); imports != n || resources != n {
		t.Errorf("generated %d import blocks and %d resources, want %d of each", imports, resources, n)
	}
	for _, want := range []string{"identity = {", `tenant_id  = "` + cfg.TenantID + `"`, `control_id = "SyntheticControl0299"`,
		`"Accepted by the CISO"`, `"secops@contoso.com"`, `"it@contoso.com"`} {
		if !strings.Contains(gen, want) {
			t.Errorf("the generated configuration lacks %s", want)
		}
	}
	r.importAndPlanEmptyTimed(dir)
}

// The baselines of a fleet of three tenants, one named by its domain: the query signs in to each and lists each
// tenant's controls once, generates one baseline per tenant with its decisions, the apply imports them with no
// PATCH, and the next plan is empty.
func TestQueryGenerateConfigBaselines(t *testing.T) {
	needsQuery(t)
	r := newMultiTenantRig(t)
	for tenant, id := range exampleTenants {
		if err := r.emu.Tenant(id).PatchControlProfile("AdminMFAV2", map[string]any{"state": "ThirdParty",
			"comment": "MFA through the " + tenant + " identity provider"}); err != nil {
			t.Fatal(err)
		}
	}
	dir := r.queryDir(`list "securescore_baseline" "fleet" {
  provider = securescore
  config {
    tenant_ids = ["` + exampleTenants["contoso"] + `", "fabrikam.onmicrosoft.com", "` + exampleTenants["northwind"] + `"]
  }
}
`)
	mark := len(r.emu.Journal())
	gen := r.queryGenerate(dir)
	if tokens, lists, gets, writes := r.journalKinds(mark); tokens != 3 || lists != 3 || gets != 0 || writes != 0 {
		t.Errorf("the query made %d token requests, %d list requests, %d GETs and %d PATCHes; want 3, 3, 0 and 0", tokens, lists, gets, writes)
	}
	if n := strings.Count(gen, `resource "securescore_baseline"`); n != 3 {
		t.Errorf("generated %d baselines, want 3:\n%s", n, gen)
	}
	for tenant, id := range exampleTenants {
		for _, want := range []string{`tenant_id = "` + id + `"`, `"MFA through the ` + tenant + ` identity provider"`} {
			if !strings.Contains(gen, want) {
				t.Errorf("the generated configuration lacks %s:\n%s", want, gen)
			}
		}
	}
	r.importAndPlanEmptyTimed(dir)
}

// importAndPlanEmptyTimed is importAndPlanEmpty, logging how long the import took and what it read.
func (r *rig) importAndPlanEmptyTimed(dir string) {
	r.t.Helper()
	mark := len(r.emu.Journal())
	started := time.Now()
	r.importAndPlanEmpty(dir)
	tokens, lists, gets, _ := r.journalKinds(mark)
	r.t.Logf("apply (import) and the next plan took %s: %d token requests, %d list requests, %d GETs",
		time.Since(started).Round(time.Millisecond), tokens, lists, gets)
}

// The documented list blocks (examples/list-resources) run as written against the emulator's three tenants (the
// provider's being contoso), each finding something.
func TestListResourceExamples(t *testing.T) {
	needsQuery(t)
	root, err := tfharness.RepoRoot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(root, "examples", "list-resources", "*", "*.tfquery.hcl"))
	if err != nil || len(files) < 3 {
		t.Fatalf("found %d list resource examples (%v), want the 3 documented", len(files), err)
	}
	r := newMultiTenantRig(t)
	r.tf.Env = append(r.tf.Env, "ARM_TENANT_ID="+exampleTenants["contoso"]) // the provider's tenant, for blocks that name none
	if err := r.emu.Tenant(exampleTenants["contoso"]).PatchControlProfile("OneAdmin", map[string]any{"state": "Ignored"}); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		typeName := filepath.Base(filepath.Dir(f))
		res := r.run(r.queryDir(string(b)), 0, "query", "-no-color")
		if !regexp.MustCompile(`(?m)^list\.` + typeName + `\.\w+\s+\S*tenant_id=`).MatchString(res.Output) {
			t.Errorf("%s found nothing:\n%s", f, res.Output)
		}
		t.Logf("%s:\n%s", filepath.Base(f), res.Output)
	}
	r.no429()
}
