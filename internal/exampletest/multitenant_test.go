package exampletest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
	"github.com/securescore/terraform-provider-securescore/internal/tfharness"
)

// copyExample copies an example directory (without .terraform, state or lock files) into a temporary one.
func copyExample(t *testing.T, name string) string {
	t.Helper()
	root, err := tfharness.RepoRoot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(root, "examples", name)
	dst := t.TempDir()
	err = filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if d.Name() == ".terraform" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !strings.HasSuffix(p, ".tf") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// The emulator's three tenants, by the names the examples' tenant_ids use.
var exampleTenants = map[string]string{
	"contoso":   "00000000-0000-4000-8000-000000000001",
	"fabrikam":  "00000000-0000-4000-8000-000000000002",
	"northwind": "00000000-0000-4000-8000-000000000003",
}

// exampleAssignees is who handles each tenant's decisions: the module assigns AdminMFAV2 to that tenant's own.
var exampleAssignees = map[string]string{
	"contoso":   "secops@contoso.com",
	"fabrikam":  "secops@fabrikam.com",
	"northwind": "secops@northwind.com",
}

func newMultiTenantRig(t *testing.T) *rig {
	return newRig(t, emulator.Config{Tenants: emulator.DefaultTenants(3)}, "",
		emulator.DefaultMultiTenantClientID, emulator.DefaultMultiTenantClientSecret)
}

// writeVars writes terraform.tfvars.json (both CLIs read it) into dir.
func writeVars(t *testing.T, dir string, vars map[string]any) {
	t.Helper()
	b, _ := json.Marshal(vars)
	if err := os.WriteFile(filepath.Join(dir, "terraform.tfvars.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestMultiTenantExample applies examples/multi-tenant (one baseline module, three provider aliases, one
// multi-tenant app) to the emulator's three tenants, under Terraform and OpenTofu alike.
func TestMultiTenantExample(t *testing.T) {
	r := newMultiTenantRig(t)
	dir := copyExample(t, "multi-tenant")
	writeVars(t, dir, map[string]any{"tenant_ids": exampleTenants, "assignees": exampleAssignees})
	r.applyBaselineToThreeTenants(dir)
}

// TestMultiTenantExampleOpenTofu applies examples/multi-tenant/opentofu (one provider block with for_each over the
// tenants, one module block with for_each) the same way, then retires a tenant in the two steps the example
// documents: its baseline is reset through its still-configured provider instance, and dropping the instance
// afterwards plans nothing.
func TestMultiTenantExampleOpenTofu(t *testing.T) {
	if !acc.OpenTofu {
		t.Skipf("examples/multi-tenant/opentofu uses for_each on provider blocks, which OpenTofu 1.9+ has and %s "+
			"does not; make test-opentofu runs it", acc.Version)
	}
	r := newMultiTenantRig(t)
	dir := filepath.Join(copyExample(t, "multi-tenant"), "opentofu")
	writeVars(t, dir, map[string]any{"tenant_ids": exampleTenants, "assignees": exampleAssignees})
	r.applyBaselineToThreeTenants(dir)

	before := len(r.emu.Journal())
	writeVars(t, dir, map[string]any{"tenant_ids": exampleTenants, "assignees": exampleAssignees, "retired_tenants": []string{"northwind"}})
	r.run(dir, 0, "apply", "-auto-approve", "-input=false", "-no-color")
	var reset []string
	for _, j := range r.emu.Journal()[before:] {
		if j.Kind != "write" {
			continue
		}
		_, id, _ := strings.Cut(j.Path, "/secureScoreControlProfiles/")
		if j.Tenant != exampleTenants["northwind"] || !strings.Contains(j.Body, `"state":"Default"`) {
			t.Errorf("retiring northwind sent %s %s to tenant %s: %s", j.Method, id, j.Tenant, j.Body)
		}
		reset = append(reset, id)
	}
	slices.Sort(reset)
	if want := []string{"AdminMFAV2", "BlockLegacyAuthentication", "OneAdmin", "intune_windows_compliance_policy"}; !slices.Equal(reset, want) {
		t.Errorf("retiring northwind reset %v, want %v", reset, want)
	}

	rest := map[string]string{"contoso": exampleTenants["contoso"], "fabrikam": exampleTenants["fabrikam"]}
	writeVars(t, dir, map[string]any{"tenant_ids": rest, "assignees": exampleAssignees})
	r.run(dir, 0, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	r.no429()
}

// applyBaselineToThreeTenants applies the multi-tenant example in dir: each tenant gets the controls it has, the
// ones it lacks are skipped and listed, requests stay in their tenant, nothing is throttled, and the next plan is
// empty.
func (r *rig) applyBaselineToThreeTenants(dir string) {
	t := r.t
	t.Helper()
	r.run(dir, 0, "init", "-input=false", "-no-color")
	r.run(dir, 0, "apply", "-auto-approve", "-input=false", "-no-color")

	out := r.run(dir, 0, "output", "-json", "skipped_controls")
	var skipped map[string][]string
	if err := json.Unmarshal([]byte(out.Output), &skipped); err != nil {
		t.Fatalf("output %q: %v", out.Output, err)
	}
	wantSkipped := map[string][]string{"contoso": {}, "fabrikam": {"intune_windows_compliance_policy"}, "northwind": {"mdo_safeattachments"}}
	for name, want := range wantSkipped {
		if got := skipped[name]; !slices.Equal(got, want) {
			t.Errorf("%s skipped %v, want %v", name, got, want)
		}
	}

	writes := map[string][]string{}
	for _, j := range r.emu.Journal() {
		if j.Kind == "write" {
			_, id, _ := strings.Cut(j.Path, "/secureScoreControlProfiles/")
			writes[j.Tenant] = append(writes[j.Tenant], id)
		}
	}
	all := []string{"AdminMFAV2", "BlockLegacyAuthentication", "OneAdmin"}
	want := map[string][]string{
		exampleTenants["contoso"]:   append(slices.Clone(all), "intune_windows_compliance_policy", "mdo_safeattachments"),
		exampleTenants["fabrikam"]:  append(slices.Clone(all), "mdo_safeattachments"),
		exampleTenants["northwind"]: append(slices.Clone(all), "intune_windows_compliance_policy"),
	}
	for tenant, ids := range want {
		got := writes[tenant]
		slices.Sort(got)
		slices.Sort(ids)
		if !slices.Equal(got, ids) {
			t.Errorf("tenant %s: PATCHed %v, want %v", tenant, got, ids)
		}
		st, _ := r.emu.Tenant(tenant).ControlProfile("OneAdmin")
		if b, _ := json.Marshal(st); !strings.Contains(string(b), `"Break-glass accounts, risk accepted"`) {
			t.Errorf("tenant %s: OneAdmin not set: %s", tenant, b)
		}
	}
	// Each tenant's AdminMFAV2 is assigned to that tenant's own contact, not one address for every customer.
	for name, tenant := range exampleTenants {
		p, _ := r.emu.Tenant(tenant).ControlProfile("AdminMFAV2")
		ups, _ := p["controlStateUpdates"].([]any)
		var got string
		if len(ups) > 0 {
			last, _ := ups[len(ups)-1].(map[string]any)
			got, _ = last["assignedTo"].(string)
		}
		if want := exampleAssignees[name]; got != want {
			t.Errorf("tenant %s: AdminMFAV2 assigned to %q, want %q", name, got, want)
		}
	}
	r.no429()
	r.run(dir, 0, "plan", "-detailed-exitcode", "-input=false", "-no-color")
}
