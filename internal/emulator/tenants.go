package emulator

// Several tenants (directories) in one emulator: their configuration, the control subsets their
// licences give them, lookups by GUID or domain, the multi-tenant application consented in each,
// and the Tenant handle tests use to reach one tenant's data.

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Defaults of the multi-tenant application (Config.MultiTenantClientID).
const (
	DefaultMultiTenantClientID     = "33333333-3333-4333-8333-333333333333"
	DefaultMultiTenantClientSecret = "emulator-multitenant-secret"
)

// TenantConfig is one tenant the emulator serves. Each tenant has its own control profiles, scores
// and history, and its own part of the state file.
type TenantConfig struct {
	ID string `json:"id"` // tenant GUID; required except for the first tenant (default Config.TenantID)
	// Domain is accepted in the token URL in place of ID; default "contoso.onmicrosoft.com" for the
	// first tenant, "tenantN.onmicrosoft.com" for the N-th.
	Domain string `json:"domain,omitempty"`
	// Unlicensed names services (a controlProfile's "service": AzureAD, EXO, IP, MDATP, Intune, MDO,
	// MCAS, Teams, Azure) the tenant holds no licence for: their controls are absent, and the
	// matching enabledServices flags (HasMDATP, HasInTune, …) too.
	Unlicensed []string `json:"unlicensed,omitempty"`
	// MissingControls are further control ids the tenant lacks.
	MissingControls []string `json:"missingControls,omitempty"`
	// NoConsent: the multi-tenant application has no admin consent here, so it gets AADSTS700016
	// for this tenant as on Entra ID (until Tenant.RestoreConsent; see consent.go).
	NoConsent bool `json:"noConsent,omitempty"`
}

// defaultTenantNames and defaultLicences shape DefaultTenants; tenants past the names are
// "tenantN" and take the licence profiles in turn.
var (
	defaultTenantNames = []string{"contoso", "fabrikam", "northwind"}
	defaultLicences    = [][]string{nil, {"MDATP", "Intune"}, {"MDO", "MCAS"}, {"Azure"}}
)

// DefaultTenants returns n deterministic tenants. Tenant 1 is DefaultTenantID
// (contoso.onmicrosoft.com) with every control; tenant 2 (…0002, fabrikam.onmicrosoft.com) has no
// Defender for Endpoint (MDATP) or Intune licence; tenant 3 (…0003, northwind.onmicrosoft.com) no
// Defender for Office (MDO) or Defender for Cloud Apps (MCAS); tenant N > 3 is
// "00000000-0000-4000-8000-<N as 12 digits>", tenantN.onmicrosoft.com, with the four licence
// profiles in turn.
func DefaultTenants(n int) []TenantConfig {
	out := make([]TenantConfig, n)
	for i := range out {
		name := fmt.Sprintf("tenant%d", i+1)
		if i < len(defaultTenantNames) {
			name = defaultTenantNames[i]
		}
		out[i] = TenantConfig{
			ID:         fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1),
			Domain:     name + ".onmicrosoft.com",
			Unlicensed: slices.Clone(defaultLicences[i%len(defaultLicences)]),
		}
	}
	return out
}

// serviceFlags are the enabledServices entries a licence brings.
var serviceFlags = map[string]string{"EXO": "HasExchange", "Intune": "HasInTune", "MCAS": "HasCloudAppSecurity", "MDATP": "HasMDATP", "Teams": "HasTeams"}

// knownServices are the services of the realistic and synthetic seed controls.
func knownServices() []string {
	set := map[string]bool{}
	for _, c := range append(slices.Clone(seedControls), syntheticControls(5)...) {
		set[c.service] = true
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// resolveTenants fills cfg.Tenants (one tenant from TenantID/TenantDomain when empty), their
// defaults, and TenantID/TenantDomain from the first tenant.
func (cfg *Config) resolveTenants() error {
	if len(cfg.Tenants) == 0 {
		cfg.Tenants = []TenantConfig{{ID: cfg.TenantID, Domain: cfg.TenantDomain}}
	}
	tenants := make([]TenantConfig, len(cfg.Tenants)) // a private copy: the caller's slice stays as given
	copy(tenants, cfg.Tenants)
	first := &tenants[0]
	for _, c := range []struct{ name, top, own string }{{"TenantID", cfg.TenantID, first.ID}, {"TenantDomain", cfg.TenantDomain, first.Domain}} {
		if c.top != "" && c.own != "" && !strings.EqualFold(c.top, c.own) {
			return fmt.Errorf("emulator: Config.%s %q differs from the first tenant's %q; set one of them", c.name, c.top, c.own)
		}
	}
	if first.ID == "" {
		first.ID = cmp.Or(cfg.TenantID, DefaultTenantID)
	}
	if first.Domain == "" {
		first.Domain = cmp.Or(cfg.TenantDomain, DefaultTenantDomain)
	}
	services := knownServices()
	seen := map[string]int{}
	for i := range tenants {
		tc := &tenants[i]
		if tc.ID == "" {
			return fmt.Errorf("emulator: Tenants[%d] has no ID", i)
		}
		if tc.Domain == "" {
			tc.Domain = fmt.Sprintf("tenant%d.onmicrosoft.com", i+1)
		}
		for _, name := range []string{tc.ID, tc.Domain} {
			if j, dup := seen[strings.ToLower(name)]; dup {
				return fmt.Errorf("emulator: Tenants[%d] and Tenants[%d] are both %q", j, i, name)
			}
			seen[strings.ToLower(name)] = i
		}
		for _, s := range tc.Unlicensed {
			if !slices.ContainsFunc(services, func(k string) bool { return strings.EqualFold(k, s) }) {
				return fmt.Errorf("emulator: Tenants[%d] (%s): unknown service %q in Unlicensed (known: %s)", i, tc.ID, s, strings.Join(services, ", "))
			}
		}
	}
	cfg.Tenants = tenants
	cfg.TenantID, cfg.TenantDomain = first.ID, first.Domain
	return nil
}

// has reports whether the tenant's licences give it control c.
func (tc *TenantConfig) has(c seedControl) bool {
	eq := func(want string) func(string) bool { return func(s string) bool { return strings.EqualFold(s, want) } }
	return !slices.ContainsFunc(tc.Unlicensed, eq(c.service)) && !slices.ContainsFunc(tc.MissingControls, eq(c.id))
}

// controls is the tenant's subset of the seed set.
func (tc *TenantConfig) controls(all []seedControl) []seedControl {
	var out []seedControl
	for _, c := range all {
		if tc.has(c) {
			out = append(out, c)
		}
	}
	return out
}

// enabledServices is the secureScore enabledServices list without the unlicensed services' flags.
func (tc *TenantConfig) enabledServices() []any {
	out := make([]any, 0, len(seedEnabledServices))
	for _, f := range seedEnabledServices {
		licensed := true
		for _, s := range tc.Unlicensed {
			if strings.EqualFold(serviceFlags[canonicalService(s)], str(f)) {
				licensed = false
			}
		}
		if licensed {
			out = append(out, f)
		}
	}
	return out
}

func canonicalService(s string) string {
	for k := range serviceFlags {
		if strings.EqualFold(k, s) {
			return k
		}
	}
	return s
}

// seedControlSet is the full control set every tenant draws from.
func (cfg *Config) seedControlSet() []seedControl {
	if cfg.ControlProfiles > 0 {
		return syntheticControls(cfg.ControlProfiles)
	}
	return seedControls
}

// tenantByName finds a served tenant by GUID or domain, case-insensitively; nil when none.
// The index is fixed after New, so no lock is needed.
func (e *Emulator) tenantByName(name string) *state { return e.tenantIndex[strings.ToLower(name)] }

// tenantByID finds a served tenant by GUID only (a token's tid); nil when none.
func (e *Emulator) tenantByID(id string) *state {
	if t := e.tenantByName(id); t != nil && strings.EqualFold(t.TenantID, id) {
		return t
	}
	return nil
}

// Tenant is direct access to one tenant's data, for tests. Emulator's own accessors
// (SecureScore, ControlProfile, …) act on the first tenant.
type Tenant struct {
	e  *Emulator
	st *state
}

// Tenant returns the served tenant with that GUID or domain, or nil.
func (e *Emulator) Tenant(idOrDomain string) *Tenant {
	if st := e.tenantByName(idOrDomain); st != nil {
		return &Tenant{e: e, st: st}
	}
	return nil
}

// Tenants returns every served tenant, the first (default) tenant first.
func (e *Emulator) Tenants() []*Tenant {
	out := make([]*Tenant, len(e.tenants))
	for i, st := range e.tenants {
		out[i] = &Tenant{e: e, st: st}
	}
	return out
}

func (e *Emulator) defaultTenant() *Tenant { return &Tenant{e: e, st: e.st} }

// ID is the tenant GUID.
func (t *Tenant) ID() string { return t.st.TenantID }

// Domain is the tenant's domain.
func (t *Tenant) Domain() string { return t.st.cfg.Domain }

// MissingControlIDs are the controls of the seed set (realistic, or Config.ControlProfiles
// synthetic ones) this tenant's licences leave out, in seed order.
func (t *Tenant) MissingControlIDs() []string {
	var out []string
	for _, c := range t.e.cfg.seedControlSet() {
		if !t.st.cfg.has(c) {
			out = append(out, c.id)
		}
	}
	return out
}

// tenantView is one tenant as GET /_emulator/tenants shows it.
type tenantView struct {
	ID                  string      `json:"id"`
	Domain              string      `json:"domain"`
	Unlicensed          []string    `json:"unlicensed"`
	MissingControls     []string    `json:"missingControls"`
	MultiTenantConsent  bool        `json:"multiTenantConsent"`
	Withdrawal          *Withdrawal `json:"withdrawal,omitempty"` // how the consent was withdrawn, when it was
	ControlProfileCount int         `json:"controlProfileCount"`
}

func (e *Emulator) tenantsView() []tenantView {
	out := make([]tenantView, 0, len(e.tenants))
	for _, t := range e.Tenants() {
		c := t.consentView()
		out = append(out, tenantView{
			ID: t.ID(), Domain: t.Domain(), Unlicensed: slices.Clone(t.st.cfg.Unlicensed), MissingControls: t.MissingControlIDs(),
			MultiTenantConsent: c.Consented, Withdrawal: c.Withdrawal, ControlProfileCount: len(t.ControlProfileIDs()),
		})
	}
	return out
}
