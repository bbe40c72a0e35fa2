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

// TestMultiTenantExample applies examples/multi-tenant (one baseline module, three provider aliases, one
// multi-tenant app) to the emulator's three tenants: each tenant gets the controls it has, the ones it lacks are
// skipped and listed, requests stay in their tenant, nothing is throttled, and the next plan is empty.
func TestMultiTenantExample(t *testing.T) {
	r := newRig(t, emulator.Config{Tenants: emulator.DefaultTenants(3)}, "",
		emulator.DefaultMultiTenantClientID, emulator.DefaultMultiTenantClientSecret)
	dir := copyExample(t, "multi-tenant")
	tenants := map[string]string{
		"contoso":   "00000000-0000-4000-8000-000000000001",
		"fabrikam":  "00000000-0000-4000-8000-000000000002",
		"northwind": "00000000-0000-4000-8000-000000000003",
	}
	vars, _ := json.Marshal(map[string]any{"tenant_ids": tenants})
	if err := os.WriteFile(filepath.Join(dir, "terraform.tfvars.json"), vars, 0o600); err != nil {
		t.Fatal(err)
	}
	r.run(dir, 0, "init", "-input=false", "-no-color")
	r.run(dir, 0, "apply", "-auto-approve", "-input=false", "-no-color")

	out := r.run(dir, 0, "output", "-json", "skipped_controls")
	var skipped map[string][]string
	if err := json.Unmarshal([]byte(out.Output), &skipped); err != nil {
		t.Fatalf("output %q: %v", out.Output, err)
	}
	wantSkipped := map[string][]string{"contoso": {}, "fabrikam": {"scid_2010"}, "northwind": {"mdo_safeattachments"}}
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
		tenants["contoso"]:   append(slices.Clone(all), "mdo_safeattachments", "scid_2010"),
		tenants["fabrikam"]:  append(slices.Clone(all), "mdo_safeattachments"),
		tenants["northwind"]: append(slices.Clone(all), "scid_2010"),
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
	r.no429()
	r.run(dir, 0, "plan", "-detailed-exitcode", "-input=false", "-no-color")
}
