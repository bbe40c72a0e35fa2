package faultmatrix

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
	"github.com/securescore/terraform-provider-securescore/internal/tfharness"
)

// The fleet: one provider block, one securescore_baseline per tenant (for_each, tenant_id), the multi-tenant
// application signing in to every tenant from one plugin process.

const baselineType = "securescore_baseline"

// fleetRig is a rig whose emulator serves several tenants, and whose terraform signs in as the multi-tenant
// application with no tenant of its own: every baseline names its tenant.
type fleetRig struct {
	*rig
	tenants []emulator.TenantConfig
}

// fleetTenants are n tenants with every control of the seed (none unlicensed), so that one baseline fits all.
func fleetTenants(n int) []emulator.TenantConfig {
	tenants := emulator.DefaultTenants(n)
	for i := range tenants {
		tenants[i].Unlicensed = nil
	}
	return tenants
}

func newFleetRig(t *testing.T, cfg emulator.Config) *fleetRig {
	t.Helper()
	r := newRig(t, cfg)
	r.tf.Env = acc.Install.Env(os.Environ(),
		"ARM_CLIENT_ID="+r.cfg.MultiTenantClientID, "ARM_CLIENT_SECRET="+r.cfg.MultiTenantClientSecret,
		"ARM_GRAPH_ENDPOINT="+r.srv.URL, "ARM_ACTIVE_DIRECTORY_AUTHORITY_HOST="+r.srv.URL)
	return &fleetRig{rig: r, tenants: r.cfg.Tenants}
}

// key is the configuration's name of tenant i, and contact the address its decisions are assigned to, which
// names the tenant in every PATCH body.
func key(i int) string          { return fmt.Sprintf("t%02d", i+1) }
func contact(key string) string { return "secops@" + key + ".example.com" }

// writeFleetConfig writes main.tf: one baseline per tenant holding controls (id -> state), with extra HCL in the
// resource body.
func (f *fleetRig) writeFleetConfig(controls map[string]string, extra string) {
	f.t.Helper()
	var b strings.Builder
	b.WriteString(tfharness.RequiredProviders(tfharness.ProviderSource))
	b.WriteString("\nprovider \"securescore\" {}\n\nlocals {\n  tenants = {\n")
	for i, tc := range f.tenants {
		fmt.Fprintf(&b, "    %q = %q\n", key(i), tc.ID)
	}
	b.WriteString("  }\n  controls = {\n")
	for _, id := range slices.Sorted(maps.Keys(controls)) {
		fmt.Fprintf(&b, "    %q = %q\n", id, controls[id])
	}
	fmt.Fprintf(&b, `  }
}

resource %q "t" {
  for_each  = local.tenants
  tenant_id = each.value
  controls = { for id, state in local.controls : id => {
    state       = state
    assigned_to = "secops@${each.key}.example.com"
    comment     = "fleet"
  } }
%s}
`, baselineType, extra)
	if err := os.WriteFile(filepath.Join(f.dir, "main.tf"), []byte(b.String()), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

// baselines are the baselines in terraform's state, by tenant key.
func (f *fleetRig) baselines() map[string]tfharness.StateResource {
	f.t.Helper()
	st, err := f.tf.Show(f.t.Context(), f.dir)
	if err != nil {
		f.t.Fatal(err)
	}
	return st.ByType(baselineType)
}

// decision is a control's newest decision in a tenant of the emulator.
func (f *fleetRig) decision(tenant, id string) profile {
	f.t.Helper()
	obj, ok := f.emu.Tenant(tenant).ControlProfile(id)
	if !ok {
		f.t.Fatalf("tenant %s has no control profile %s", tenant, id)
	}
	p, _ := latestDecision(obj)
	return p
}

// assertTenantApplied checks that tenant i's baseline is in state with every control of want, and that the
// emulator holds each of them, assigned to the tenant's own contact.
func (f *fleetRig) assertTenantApplied(st map[string]tfharness.StateResource, i int, want map[string]string) {
	f.t.Helper()
	k := key(i)
	res, ok := st[k]
	if !ok {
		f.t.Errorf("tenant %s (%s): no baseline in state", k, f.tenants[i].ID)
		return
	}
	controls, _ := res.Values["controls"].(map[string]any)
	for id, state := range want {
		c, _ := controls[id].(map[string]any)
		if c == nil || !strings.EqualFold(str(c["state"]), state) {
			f.t.Errorf("tenant %s: %s in state is %v, want %s", k, id, c, state)
		}
		if got := f.decision(f.tenants[i].ID, id); !strings.EqualFold(got.State, state) || got.AssignedTo != contact(k) {
			f.t.Errorf("tenant %s: %s in the emulator is %+v, want %s assigned to %s", k, id, got, state, contact(k))
		}
	}
	if !strings.EqualFold(str(res.Values["id"]), f.tenants[i].ID) {
		f.t.Errorf("tenant %s: id %v, want %s", k, res.Values["id"], f.tenants[i].ID)
	}
}

// assertOwnTokens checks, from the journal, that every PATCH carried a token issued for the tenant it was meant for
// (its body names the tenant's contact), and that every Graph request carried a token of a tenant of the fleet.
func (f *fleetRig) assertOwnTokens() {
	f.t.Helper()
	byContact := map[string]string{}
	for i, tc := range f.tenants {
		byContact[contact(key(i))] = tc.ID
	}
	misdirected := f.emu.MisdirectedRequests(func(j emulator.JournalEntry) string {
		for addr, tenant := range byContact {
			if j.Kind == "write" && strings.Contains(j.Body, addr) {
				return tenant
			}
		}
		return ""
	})
	for _, j := range misdirected {
		f.t.Errorf("%s %s, meant for another tenant, carried a token of tenant %s: %s", j.Method, j.Path, j.TokenTenant, j.Body)
	}
	writes := 0
	for _, j := range f.emu.Journal() {
		if j.Kind == "write" {
			writes++
		}
		if (j.Kind == "read" || j.Kind == "write") && j.TokenTenant == "" {
			f.t.Errorf("%s %s carried no token of a tenant of the emulator", j.Method, j.Path)
		}
	}
	if writes == 0 {
		f.t.Error("no PATCH in the journal: nothing was checked")
	}
}

var fleetControls = map[string]string{
	"SyntheticControl0001": "ThirdParty", "SyntheticControl0002": "Ignored", "SyntheticControl0003": "Reviewed",
	"SyntheticControl0004": "ThirdParty", "SyntheticControl0005": "ThirdParty", "SyntheticControl0006": "Ignored",
	"SyntheticControl0007": "Reviewed", "SyntheticControl0008": "ThirdParty",
}

// One tenant withdraws the application's consent in the middle of a fleet apply, while its PATCHes are under way:
// the other tenants finish and are in state, the error names the tenant and its admin-consent URL, the changes
// that landed in that tenant before the withdrawal are in state, every request went out with its own tenant's
// token, and once consent is back the next apply sends only what is left.
//
// The withdrawal comes at a known point: a gate lets 2 of that tenant's PATCHes land and holds the rest; once one
// is held and the 2 let through are answered, consent is withdrawn (its tokens expire at once) and the gate
// answers the held ones 503 (nothing landed), so the provider's retry meets the withdrawal whatever the machine's
// speed.
func TestFleetConsentWithdrawnMidApply(t *testing.T) {
	f := newFleetRig(t, emulator.Config{Tenants: fleetTenants(5), ControlProfiles: 10})
	f.writeFleetConfig(fleetControls, "")
	f.init()
	victim := f.tenants[2]
	const landing = 2
	gate := f.w.holdTenantWritesAfter(victim.ID, landing)
	t.Cleanup(f.w.openWrites)

	p, err := f.tf.Start(t.Context(), f.dir, args()...)
	if err != nil {
		t.Fatal(err)
	}
	// The bound only catches a hang. The PATCHes the gate let through must have been answered before the
	// withdrawal, or a slow machine has them meet it and be refused.
	landedSoFar := func() int {
		n := 0
		for _, j := range f.emu.Journal() {
			if j.Kind == "write" && j.Tenant == victim.ID && j.Status >= 200 && j.Status < 300 {
				n++
			}
		}
		return n
	}
	waitFor(t, 5*time.Minute, "a PATCH of the victim tenant to be held, and the ones let through answered", func() bool {
		return gate.holding.Load() > 0 && landedSoFar() == landing
	})
	if err := f.emu.Tenant(victim.ID).WithdrawConsent(emulator.Withdrawal{How: emulator.DeleteApp}); err != nil {
		t.Fatal(err)
	}
	f.w.openWrites()
	res, _ := p.Wait()
	if res.ExitCode == 0 {
		t.Fatalf("the apply succeeded although tenant %s withdrew consent mid-way:\n%s", victim.ID, tailOf(res.Output))
	}
	if !strings.Contains(res.Output, victim.ID) || !strings.Contains(res.Output, "AADSTS700016") ||
		!strings.Contains(res.Output, "/"+victim.ID+"/adminconsent?client_id="+f.cfg.MultiTenantClientID) {
		t.Errorf("the error does not name tenant %s, its refusal and its admin-consent URL:\n%s", victim.ID, tailOf(res.Output))
	}

	st := f.baselines()
	for i, tc := range f.tenants {
		if tc.ID != victim.ID {
			f.assertTenantApplied(st, i, fleetControls)
		}
	}
	// What landed in the victim tenant is in state; nothing else of it is claimed.
	landed := map[string]bool{}
	for _, j := range f.emu.Journal() {
		if j.Kind == "write" && j.Tenant == victim.ID && j.Status >= 200 && j.Status < 300 {
			landed[j.Path[strings.LastIndexByte(j.Path, '/')+1:]] = true
		}
	}
	if len(landed) != landing {
		t.Errorf("%d PATCHes landed in tenant %s, want the %d the gate let through", len(landed), victim.ID, landing)
	}
	vk := key(2)
	controls, _ := st[vk].Values["controls"].(map[string]any)
	for id := range landed {
		if _, ok := controls[id]; !ok {
			t.Errorf("tenant %s: %s was PATCHed and answered, but is not in state (state holds %v)", vk, id, slices.Sorted(maps.Keys(controls)))
		}
	}
	f.assertOwnTokens()
	traffic := f.emu.TrafficByTenant()
	for _, tc := range f.tenants {
		if tt := traffic[tc.ID]; tc.ID != victim.ID && (tt.Failed > 0 || tt.TokenFailures > 0) {
			t.Errorf("tenant %s, which kept its consent, saw failures: %+v", tc.ID, tt)
		}
	}

	// Consent is back: finishing the victim's baseline (untainted, as the baseline's docs say) sends only the rest.
	f.emu.Tenant(victim.ID).RestoreConsent()
	f.mustRun(2*time.Minute, "untaint", "-no-color", baselineType+`.t["`+vk+`"]`)
	before := len(f.emu.Journal())
	f.mustRun(3*time.Minute, args()...)
	again := map[string]bool{}
	for _, j := range f.emu.Journal()[before:] {
		if j.Kind == "write" {
			id := j.Path[strings.LastIndexByte(j.Path, '/')+1:]
			if j.Tenant != victim.ID || landed[id] {
				t.Errorf("the second apply PATCHed %s in tenant %s, want only the victim's controls that had not landed", id, j.Tenant)
			}
			again[id] = true
		}
	}
	if len(again) != len(fleetControls)-landing {
		t.Errorf("the second apply PATCHed %d controls, want %d", len(again), len(fleetControls)-landing)
	}
	f.assertFleetConverged()
}

// One tenant's token endpoint fails (503, as Entra answers during an incident) from the apply walk on: its first
// token request, the plan's, is answered, and every later one fails, so the outage meets that tenant's apply
// whatever the machine's speed (each plugin process signs in to a tenant once). That tenant's baseline fails, with
// an error naming it, bounded by its timeouts, and nothing of it is in state; the other tenants are applied
// and in state, with no failed token request of their own. Once the endpoint answers again, the next apply
// finishes the fleet.
func TestFleetTokenEndpointFailsForOneTenant(t *testing.T) {
	f := newFleetRig(t, emulator.Config{Tenants: fleetTenants(4), ControlProfiles: 10})
	// The apply walk plans again before it applies: the read timeout bounds that plan's sign-in, create the apply's.
	f.writeFleetConfig(fleetControls, "  timeouts {\n    create = \"15s\"\n    read   = \"15s\"\n  }\n")
	f.init()
	victim := f.tenants[1]
	var once sync.Once
	outage := func(path string) {
		if strings.Contains(path, "/"+victim.ID+"/") {
			once.Do(func() {
				f.emu.Tenant(victim.ID).SetFaults(emulator.Faults{TokenUnavailable: 1_000_000, TokenStatus: http.StatusServiceUnavailable})
			})
		}
	}
	f.w.afterToken.Store(&outage)
	res := f.run(5*time.Minute, args()...)
	t.Logf("the apply ended after %s", res.Duration.Round(time.Millisecond))
	if res.ExitCode == 0 {
		t.Fatalf("the apply succeeded although tenant %s's token endpoint failed:\n%s", victim.ID, tailOf(res.Output))
	}
	// The wait for the token ends at the resource's deadline, before the token request's own retries do. Reached
	// through the graph client, the error then gives the endpoint's last answer (the 503); a read waiting on the
	// tenant's shared list reports its deadline only. It names the tenant either way.
	if !regexp.MustCompile(`tenant\s+"` + victim.ID + `"`).MatchString(res.Output) {
		t.Errorf("the error does not name tenant %s:\n%s", victim.ID, tailOf(res.Output))
	}
	st := f.baselines()
	if _, ok := st[key(1)]; ok {
		t.Errorf("tenant %s could not sign in to apply, yet its baseline is in state", victim.ID)
	}
	for i, tc := range f.tenants {
		if tc.ID != victim.ID {
			f.assertTenantApplied(st, i, fleetControls)
		}
	}
	traffic := f.emu.TrafficByTenant()
	if tt := traffic[victim.ID]; tt.TokenFailures == 0 || tt.Writes != 0 {
		t.Errorf("tenant %s: %+v; want failed token requests and no PATCH", victim.ID, tt)
	}
	for _, tc := range f.tenants {
		if tt := traffic[tc.ID]; tc.ID != victim.ID && (tt.TokenFailures != 0 || tt.Failed != 0) {
			t.Errorf("tenant %s, whose endpoint answered, saw failures: %+v", tc.ID, tt)
		}
	}
	f.assertOwnTokens()

	f.w.afterToken.Store(nil)
	f.emu.Tenant(victim.ID).SetFaults(emulator.Faults{})
	f.mustRun(3*time.Minute, args()...)
	f.assertFleetConverged()
}

// A 429 storm in one tenant (60% of its Graph requests refused) during a fleet apply: every tenant is applied, the
// storm's tenant after its retries, and the journal shows that no other tenant saw a single 429: each tenant's
// request slots and pacing are its own.
func TestFleetThrottleStormInOneTenant(t *testing.T) {
	f := newFleetRig(t, emulator.Config{Tenants: fleetTenants(5), ControlProfiles: 10})
	f.writeFleetConfig(fleetControls, "")
	f.init()
	storm := f.tenants[3]
	f.emu.Tenant(storm.ID).SetFaults(emulator.Faults{ThrottleRate: 0.6, RetryAfter: "0.2"})
	f.mustRun(5*time.Minute, args()...)

	traffic := f.emu.TrafficByTenant()
	if tt := traffic[storm.ID]; tt.Throttled == 0 {
		t.Errorf("tenant %s saw no 429: the storm did not happen (%+v)", storm.ID, tt)
	}
	for _, tc := range f.tenants {
		tt := traffic[tc.ID]
		if tc.ID != storm.ID && (tt.Throttled != 0 || tt.Failed != 0) {
			t.Errorf("tenant %s, outside the storm, saw %d 429s and %d failures", tc.ID, tt.Throttled, tt.Failed)
		}
		if tt.Writes < len(fleetControls) {
			t.Errorf("tenant %s: %d PATCHes, want at least %d", tc.ID, tt.Writes, len(fleetControls))
		}
	}
	t.Logf("storm tenant %s: %+v", storm.ID, traffic[storm.ID])
	st := f.baselines()
	for i := range f.tenants {
		f.assertTenantApplied(st, i, fleetControls)
	}
	f.assertOwnTokens()
	f.emu.Tenant(storm.ID).SetFaults(emulator.Faults{})
	f.mustRun(2*time.Minute, "plan", "-detailed-exitcode", "-input=false", "-no-color")
}

// Two tenants whose licences differ share one baseline with missing_controls = "warn": each tenant skips and lists
// the controls it lacks, is PATCHed for exactly the others, with its own tokens, and the next plan is empty.
func TestFleetDifferentControlSets(t *testing.T) {
	tenants := emulator.DefaultTenants(3)[1:] // fabrikam: no Defender for Endpoint or Intune; northwind: no Defender for Office or Cloud Apps
	tenants[0].Unlicensed, tenants[1].Unlicensed = []string{"MDATP", "Intune"}, []string{"MDO", "MCAS"}
	f := newFleetRig(t, emulator.Config{Tenants: tenants})
	controls := map[string]string{"AdminMFAV2": "Reviewed", "OneAdmin": "Ignored",
		"intune_windows_compliance_policy": "ThirdParty", "mdo_safeattachments": "ThirdParty"}
	f.writeFleetConfig(controls, "  missing_controls = \"warn\"\n")
	f.init()
	res := f.run(3*time.Minute, args()...)
	if res.ExitCode != 0 {
		t.Fatalf("apply: exit %d\n%s", res.ExitCode, tailOf(res.Output))
	}
	if !strings.Contains(res.Output, "Controls missing from the tenant are skipped") {
		t.Errorf("the apply does not warn about the skipped controls:\n%s", tailOf(res.Output))
	}
	lacks := map[string]string{key(0): "intune_windows_compliance_policy", key(1): "mdo_safeattachments"}
	st := f.baselines()
	written := map[string][]string{}
	for _, j := range f.emu.Journal() {
		if j.Kind == "write" {
			written[j.Tenant] = append(written[j.Tenant], j.Path[strings.LastIndexByte(j.Path, '/')+1:])
		}
	}
	for i, tc := range f.tenants {
		k := key(i)
		skipped, _ := st[k].Values["skipped_controls"].([]any)
		if len(skipped) != 1 || skipped[0] != lacks[k] {
			t.Errorf("tenant %s (%s): skipped_controls %v, want [%s]", k, tc.ID, skipped, lacks[k])
		}
		var want []string
		for id := range controls {
			if id != lacks[k] {
				want = append(want, id)
			}
		}
		slices.Sort(want)
		got := written[tc.ID]
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("tenant %s: PATCHed %v, want %v", k, got, want)
		}
	}
	f.assertOwnTokens()
	f.mustRun(2*time.Minute, "plan", "-detailed-exitcode", "-input=false", "-no-color")
}

// bearerTenant is the tid claim of a request's bearer token ("" without one). The test reads it unverified: the
// emulator verifies every token it serves.
func bearerTenant(req *http.Request) string {
	tok, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return ""
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var claims struct {
		TID string `json:"tid"`
	}
	if json.Unmarshal(payload, &claims) != nil {
		return ""
	}
	return claims.TID
}

// assertFleetConverged checks that every tenant's baseline holds fleetControls in state and that a plan is empty.
func (f *fleetRig) assertFleetConverged() {
	f.t.Helper()
	st := f.baselines()
	for i := range f.tenants {
		f.assertTenantApplied(st, i, fleetControls)
	}
	f.mustRun(2*time.Minute, "plan", "-detailed-exitcode", "-input=false", "-no-color")
}
