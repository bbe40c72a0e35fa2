package exampletest

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
	"github.com/securescore/terraform-provider-securescore/internal/tfharness"
)

// copyMultiTenantExample copies examples/multi-tenant (its .tf and .json files, no .terraform or state) into a
// temporary directory.
func copyMultiTenantExample(t *testing.T) string {
	t.Helper()
	root, err := tfharness.RepoRoot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(root, "examples", "multi-tenant")
	dst := t.TempDir()
	err = filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if d.Name() == ".terraform" || strings.HasPrefix(d.Name(), "terraform.tfstate") {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if ext := filepath.Ext(p); ext != ".tf" && ext != ".json" {
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

// copyFile copies one file of the repository (a path relative to its root, or to this package for testdata) to dst.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	if !filepath.IsAbs(src) && !strings.HasPrefix(src, "testdata") {
		root, err := tfharness.RepoRoot(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		src = filepath.Join(root, src)
	}
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// The emulator's three tenants, by the names the examples use.
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

// fabrikamException is the exception examples/multi-tenant/terraform.tfvars.example gives fabrikam.
var fabrikamException = map[string]any{
	"BlockLegacyAuthentication": map[string]any{"state": "Reviewed", "assigned_to": "it@fabrikam.com", "comment": "Blocking planned for Q3"},
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

// fleetVars is the tenants variable of examples/multi-tenant: every tenant by GUID except fabrikam, named by its
// domain, with its exception; extra sets more attributes per tenant (tenant_unavailable).
func fleetVars(names []string, extra map[string]map[string]any) map[string]any {
	tenants := map[string]any{}
	for _, name := range names {
		t := map[string]any{"tenant_id": exampleTenants[name], "assigned_to": exampleAssignees[name]}
		if name == "fabrikam" {
			t["tenant_id"], t["exceptions"] = "fabrikam.onmicrosoft.com", fabrikamException
		}
		maps.Copy(t, extra[name])
		tenants[name] = t
	}
	return map[string]any{"tenants": tenants}
}

var allTenants = []string{"contoso", "fabrikam", "northwind"}

// TestMultiTenantExample applies examples/multi-tenant (one provider block, one module instance per tenant with
// tenant_id, a shared baseline merged with per-tenant exceptions) to the emulator's three tenants, under
// Terraform and OpenTofu alike. Then: a tenant that withdrew consent, with tenant_unavailable = "warn", warns and
// leaves the fleet's plan empty, and with "error" fails it naming the tenant and the consent URL; and retiring a
// tenant is removing it from the map: its decisions go back to those from before the baseline, in its tenant only.
func TestMultiTenantExample(t *testing.T) {
	r := newMultiTenantRig(t)
	dir := copyMultiTenantExample(t)
	writeVars(t, dir, fleetVars(allTenants, nil))
	r.run(dir, 0, "init", "-input=false", "-no-color")
	prior := r.decisions(exampleTenants["northwind"])
	r.applyBaselineToThreeTenants(dir)

	// Every write went out with a token of the tenant it was meant for: a tenant's contact names it.
	misdirected := r.emu.MisdirectedRequests(func(j emulator.JournalEntry) string {
		for name, addr := range exampleAssignees {
			if j.Kind == "write" && strings.Contains(j.Body, addr) {
				return exampleTenants[name]
			}
		}
		return ""
	})
	for _, j := range misdirected {
		t.Errorf("%s %s carried a token of tenant %s: %s", j.Method, j.Path, j.TokenTenant, j.Body)
	}

	// northwind withdraws consent: with the default, tenant_unavailable = "error", its refusal fails the fleet's
	// plan, naming it and where its administrator grants consent again.
	if err := r.emu.Tenant(exampleTenants["northwind"]).WithdrawConsent(emulator.Withdrawal{How: emulator.DeleteApp}); err != nil {
		t.Fatal(err)
	}
	out := r.run(dir, 1, "plan", "-input=false", "-no-color").Output
	if !strings.Contains(out, exampleTenants["northwind"]) || !strings.Contains(out, "/adminconsent?client_id="+emulator.DefaultMultiTenantClientID) {
		t.Errorf("the plan with northwind unavailable does not fail naming it and its admin-consent URL:\n%s", out)
	}
	// The guide's way out: tenant_unavailable = "warn" for northwind, recorded by an apply without refresh, which
	// needs nothing of northwind; from then on the fleet's plans warn about northwind and are otherwise empty.
	warn := map[string]map[string]any{"northwind": {"tenant_unavailable": "warn"}}
	writeVars(t, dir, fleetVars(allTenants, warn))
	before := len(r.emu.Journal())
	r.run(dir, 0, "apply", "-refresh=false", "-auto-approve", "-input=false", "-no-color")
	for _, j := range r.emu.Journal()[before:] {
		if j.Kind == "write" {
			t.Errorf("recording tenant_unavailable = \"warn\" sent %s %s to tenant %s", j.Method, j.Path, j.Tenant)
		}
	}
	out = r.run(dir, 0, "plan", "-detailed-exitcode", "-input=false", "-no-color").Output
	if !regexp.MustCompile(`Warning: Tenant unavailable[\s\S]*` + exampleTenants["northwind"] + `[\s\S]*AADSTS700016`).MatchString(out) {
		t.Errorf("the plan with northwind unavailable and tenant_unavailable = \"warn\" does not warn naming it and why:\n%s", out)
	}
	// Consent is back: "error" again, and the plan is empty.
	r.emu.Tenant(exampleTenants["northwind"]).RestoreConsent()
	writeVars(t, dir, fleetVars(allTenants, nil))
	r.run(dir, 0, "apply", "-auto-approve", "-input=false", "-no-color")
	r.run(dir, 0, "plan", "-detailed-exitcode", "-input=false", "-no-color")

	// Retiring northwind: drop it from the map and apply.
	before = len(r.emu.Journal())
	writeVars(t, dir, fleetVars([]string{"contoso", "fabrikam"}, nil))
	r.run(dir, 0, "apply", "-auto-approve", "-input=false", "-no-color")
	for _, j := range r.emu.Journal()[before:] {
		if j.Kind == "write" && j.Tenant != exampleTenants["northwind"] {
			t.Errorf("retiring northwind wrote to tenant %s: %s %s", j.Tenant, j.Path, j.Body)
		}
	}
	if got := r.decisions(exampleTenants["northwind"]); !maps.Equal(got, prior) {
		t.Errorf("northwind after retiring: %v, want the decisions from before the baseline %v", got, prior)
	}
	r.run(dir, 0, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	r.no429()
}

// TestMultiTenantAliasesExample applies examples/multi-tenant/aliases: contoso through a provider alias with its
// own app registration (the emulator's single-tenant app, which exists in contoso only), the other tenants through
// the one provider block and the multi-tenant app. Each tenant's requests carry its own app's tokens.
func TestMultiTenantAliasesExample(t *testing.T) {
	r := newMultiTenantRig(t)
	cfg := r.emu.Config()
	dir := filepath.Join(copyMultiTenantExample(t), "aliases")
	tenants := map[string]any{}
	for _, name := range allTenants {
		tenants[name] = map[string]any{"tenant_id": exampleTenants[name], "assigned_to": exampleAssignees[name]}
	}
	writeVars(t, dir, map[string]any{"tenants": tenants,
		"contoso_app": map[string]any{"client_id": cfg.ClientID, "client_secret": cfg.ClientSecret}})
	r.run(dir, 0, "init", "-input=false", "-no-color")
	r.run(dir, 0, "apply", "-auto-approve", "-input=false", "-no-color")
	r.run(dir, 0, "plan", "-detailed-exitcode", "-input=false", "-no-color")

	traffic := r.emu.TrafficByTenant()
	for name, id := range exampleTenants {
		want := emulator.DefaultMultiTenantClientID
		if name == "contoso" {
			want = cfg.ClientID
		}
		tt := traffic[id]
		if tt.Writes == 0 || !slices.Equal(tt.Apps, []string{want}) {
			t.Errorf("%s: %d writes by apps %v, want writes by %s only", name, tt.Writes, tt.Apps, want)
		}
	}
	for name, id := range exampleTenants {
		if got := r.assignee(id, "AdminMFAV2"); got != exampleAssignees[name] {
			t.Errorf("%s: AdminMFAV2 assigned to %q, want %q", name, got, exampleAssignees[name])
		}
	}
	r.no429()
}

// TestMultiTenantMigrationFromAliases applies the example as it was before tenant_id (one alias and module block
// per tenant, testdata/aliases-before), then moves to examples/multi-tenant's one provider block the two ways the
// guide gives: with examples/multi-tenant/migrate/moved.tf, or with migrate/reimport.tf (removed and import
// blocks). Either apply sends no PATCH, and the next plan is empty.
func TestMultiTenantMigrationFromAliases(t *testing.T) {
	for _, way := range []string{"moved.tf", "reimport.tf"} {
		t.Run(strings.TrimSuffix(way, ".tf"), func(t *testing.T) {
			r := newMultiTenantRig(t)
			dir := copyMultiTenantExample(t)
			fleet, err := os.ReadFile(filepath.Join(dir, "main.tf"))
			if err != nil {
				t.Fatal(err)
			}
			copyFile(t, "testdata/aliases-before/main.tf", filepath.Join(dir, "main.tf"))
			tenants := map[string]any{}
			for _, name := range allTenants {
				tenants[name] = map[string]any{"tenant_id": exampleTenants[name], "assigned_to": exampleAssignees[name]}
			}
			writeVars(t, dir, map[string]any{"tenants": tenants})
			r.run(dir, 0, "init", "-input=false", "-no-color")
			r.run(dir, 0, "apply", "-auto-approve", "-input=false", "-no-color")
			applied := map[string]map[string]string{}
			for _, id := range exampleTenants {
				applied[id] = r.decisions(id)
			}

			if err := os.WriteFile(filepath.Join(dir, "main.tf"), fleet, 0o644); err != nil {
				t.Fatal(err)
			}
			copyFile(t, filepath.Join(dir, "migrate", way), filepath.Join(dir, "migrate.tf"))
			r.run(dir, 0, "init", "-input=false", "-no-color")
			before := len(r.emu.Journal())
			out := r.run(dir, 0, "apply", "-auto-approve", "-input=false", "-no-color").Output
			for _, j := range r.emu.Journal()[before:] {
				if j.Kind == "write" {
					t.Errorf("the migration sent %s %s to tenant %s: %s", j.Method, j.Path, j.Tenant, j.Body)
				}
			}
			// Moving changes nothing; importing records the baselines' settings (missing_controls, the controls the
			// tenant lacks) in state, an update of state only: no PATCH went out either way (above).
			want := "0 added, 0 changed, 0 destroyed"
			if way == "reimport.tf" {
				want = "3 imported, 0 added, 3 changed, 0 destroyed"
			}
			if !strings.Contains(out, want) {
				t.Errorf("the migration's apply did not end with %q:\n%s", want, out)
			}
			r.run(dir, 0, "plan", "-detailed-exitcode", "-input=false", "-no-color")
			for _, id := range exampleTenants {
				if got := r.decisions(id); !maps.Equal(got, applied[id]) {
					t.Errorf("tenant %s after the migration: %v, want %v", id, got, applied[id])
				}
			}
			st, err := r.tf.Show(t.Context(), dir)
			if err != nil {
				t.Fatal(err)
			}
			var addrs []string
			for _, res := range st.Resources {
				addrs = append(addrs, res.Address)
			}
			if len(addrs) != 0 {
				t.Errorf("root module resources after the migration: %v, want none (all in module.tenant)", addrs)
			}
			r.no429()
		})
	}
}

// TestMultiTenantShards applies examples/multi-tenant/shards in two workspaces, shard-0 and shard-1: each tenant
// of tenants.json is managed by exactly one shard, its writes reach only its tenant, each shard's next plan is
// empty, and a workspace that names no shard fails the plan saying how to pick one.
func TestMultiTenantShards(t *testing.T) {
	r := newMultiTenantRig(t)
	dir := filepath.Join(copyMultiTenantExample(t), "shards")
	r.run(dir, 0, "init", "-input=false", "-no-color")
	out := r.run(dir, 1, "plan", "-input=false", "-no-color").Output
	if !strings.Contains(out, "workspace select -or-create shard-0") {
		t.Errorf("the default workspace's plan does not say how to pick a shard:\n%s", out)
	}
	shardOf := map[string]string{}
	for _, shard := range []string{"shard-0", "shard-1"} {
		r.run(dir, 0, "workspace", "select", "-or-create", shard)
		before := len(r.emu.Journal())
		r.run(dir, 0, "apply", "-auto-approve", "-input=false", "-no-color")
		var mine []string
		if err := json.Unmarshal([]byte(r.run(dir, 0, "output", "-json", "tenants").Output), &mine); err != nil {
			t.Fatal(err)
		}
		written := map[string]bool{}
		for _, j := range r.emu.Journal()[before:] {
			if j.Kind == "write" {
				written[j.Tenant] = true
			}
		}
		for _, name := range mine {
			if prev, dup := shardOf[name]; dup {
				t.Errorf("%s is in %s and %s", name, prev, shard)
			}
			shardOf[name] = shard
			if !written[exampleTenants[name]] {
				t.Errorf("%s: %s was not written", shard, name)
			}
			delete(written, exampleTenants[name])
		}
		if len(written) > 0 {
			t.Errorf("%s wrote to tenants outside it: %v", shard, slices.Collect(maps.Keys(written)))
		}
	}
	if len(shardOf) != 3 {
		t.Errorf("shards hold %v, want each of the three tenants once", shardOf)
	}
	for _, shard := range []string{"shard-0", "shard-1"} {
		r.run(dir, 0, "workspace", "select", shard)
		r.run(dir, 0, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	}
	if got := r.state(exampleTenants["fabrikam"], "BlockLegacyAuthentication"); got != "Reviewed" {
		t.Errorf("fabrikam's exception from tenants.json: BlockLegacyAuthentication is %q, want Reviewed", got)
	}
	r.no429()
}

// applyBaselineToThreeTenants applies the multi-tenant example in dir (initialised): each tenant gets the controls
// it has, the ones it lacks are skipped and listed, fabrikam's exception replaces the shared decision in fabrikam
// only, each tenant's AdminMFAV2 goes to its own contact, nothing is throttled, and the next plan is empty.
func (r *rig) applyBaselineToThreeTenants(dir string) {
	t := r.t
	t.Helper()
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
		if got := r.state(tenant, "OneAdmin"); got != "Ignored" {
			t.Errorf("tenant %s: OneAdmin is %q, want the shared Ignored", tenant, got)
		}
	}
	for name, tenant := range exampleTenants {
		if got := r.assignee(tenant, "AdminMFAV2"); got != exampleAssignees[name] {
			t.Errorf("tenant %s: AdminMFAV2 assigned to %q, want %q", name, got, exampleAssignees[name])
		}
		wantBLA := "ThirdParty"
		if name == "fabrikam" {
			wantBLA = "Reviewed"
		}
		if got := r.state(tenant, "BlockLegacyAuthentication"); got != wantBLA {
			t.Errorf("tenant %s: BlockLegacyAuthentication is %q, want %q", name, got, wantBLA)
		}
	}
	r.no429()
	r.run(dir, 0, "plan", "-detailed-exitcode", "-input=false", "-no-color")
}

// latest is a control's newest controlStateUpdates entry in a tenant of the emulator (nil: none).
func (r *rig) latest(tenant, control string) map[string]any {
	p, ok := r.emu.Tenant(tenant).ControlProfile(control)
	if !ok {
		return nil
	}
	ups, _ := p["controlStateUpdates"].([]any)
	if len(ups) == 0 {
		return nil
	}
	last, _ := ups[len(ups)-1].(map[string]any)
	return last
}

func (r *rig) state(tenant, control string) string {
	s, _ := r.latest(tenant, control)["state"].(string)
	return s
}

func (r *rig) assignee(tenant, control string) string {
	s, _ := r.latest(tenant, control)["assignedTo"].(string)
	return s
}

// decisions are a tenant's controls' current decisions (state|assignee|comment), for comparing before and after.
func (r *rig) decisions(tenant string) map[string]string {
	out := map[string]string{}
	for _, id := range r.emu.Tenant(tenant).ControlProfileIDs() {
		l := r.latest(tenant, id)
		s, _ := l["state"].(string)
		a, _ := l["assignedTo"].(string)
		c, _ := l["comment"].(string)
		if s == "" {
			s = "Default" // no update yet
		}
		out[id] = strings.ToLower(s) + "|" + a + "|" + c
	}
	return out
}
