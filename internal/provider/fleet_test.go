package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/securescore/terraform-provider-securescore/internal/auth"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// fleetRig is one provider process (a protocol server configured once, as Terraform configures a plugin) that
// signs in with the emulator's multi-tenant application, against an emulator of three tenants with different
// licences: contoso (tenant 1, every control), fabrikam (2) and northwind (3).
type fleetRig struct {
	emu     *emulator.Emulator
	s       tfprotov6.ProviderServer
	schemas *tfprotov6.GetProviderSchemaResponse
}

// newFleetRig configures the provider with the given provider tenant ("" = none) and the tenants' configs.
func newFleetRig(t *testing.T, providerTenant string, tenants []emulator.TenantConfig) *fleetRig {
	t.Helper()
	emu, err := emulator.New(emulator.Config{Tenants: tenants})
	if err != nil {
		t.Fatal(err)
	}
	s, schemas, config := serveAgainst(t, emu, emulator.DefaultMultiTenantClientSecret, NewProtocol6Server("test"))
	// The multi-tenant application, in the provider's tenant if any: read from the environment at configuration.
	t.Setenv(envTenantID, providerTenant)
	t.Setenv(envClientID, emulator.DefaultMultiTenantClientID)
	conf, err := s.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{Config: config})
	if err != nil || hasErrors(conf.Diagnostics) {
		t.Fatalf("ConfigureProvider: %v %s", err, diagText(conf.Diagnostics))
	}
	return &fleetRig{emu: emu, s: s, schemas: schemas}
}

func hasErrors(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

func diagText(diags []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		fmt.Fprintf(&b, "%s: %s\n", d.Summary, d.Detail)
	}
	return b.String()
}

// listProfiles reads securescore_control_profiles in tenant ("" = the provider's) and returns the tenant the
// answer is of (the profiles' azureTenantId) and how many profiles it found, or the error diagnostics. The
// data source's tenant_id must be tenant as named, or the GUID when left out.
func (r *fleetRig) listProfiles(tenant string) (answered string, profiles int, errs string) {
	const name = "securescore_control_profiles"
	typ := r.schemas.DataSourceSchemas[name].ValueType()
	attrs := nullAttributes(typ)
	if tenant != "" {
		attrs["tenant_id"] = tftypes.NewValue(tftypes.String, tenant)
	}
	attrs["include_deprecated"] = tftypes.NewValue(tftypes.Bool, true)
	config, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		return "", 0, err.Error()
	}
	resp, err := r.s.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{TypeName: name, Config: &config})
	if err != nil {
		return "", 0, err.Error()
	}
	if hasErrors(resp.Diagnostics) {
		return "", 0, diagText(resp.Diagnostics)
	}
	v, err := resp.State.Unmarshal(typ)
	if err != nil {
		return "", 0, err.Error()
	}
	var got, first map[string]tftypes.Value
	var list []tftypes.Value
	var recorded string
	if err := v.As(&got); err != nil {
		return "", 0, err.Error()
	}
	_ = got["tenant_id"].As(&recorded)
	_ = got["control_profiles"].As(&list)
	if len(list) == 0 {
		return "", 0, "no control profiles"
	}
	_ = list[0].As(&first)
	_ = first["azure_tenant_id"].As(&answered)
	if (tenant != "" && recorded != tenant) || (tenant == "" && recorded != answered) {
		return "", 0, fmt.Sprintf("tenant_id %q recorded for %q (answered by %s)", recorded, tenant, answered)
	}
	return answered, len(list), ""
}

// tokensPerTenant counts the journal's token requests by tenant GUID.
func tokensPerTenant(emu *emulator.Emulator) map[string]int {
	out := map[string]int{}
	for _, j := range emu.Journal() {
		if j.Kind == "token" {
			out[j.Tenant]++
		}
	}
	return out
}

// One provider process reads three tenants, by domain and then also by GUID, from several goroutines at once:
// every read answers with its own tenant's controls (the emulator serves a Graph request the data of its token's
// tenant, and the tenants' licences give them different controls), and each tenant costs one token request,
// whichever name and however many readers. (A GUID used before the same tenant's domain costs a second token,
// which learns the domain's GUID: TestFleetGUIDThenDomainShareOneTenant.)
func TestFleetOneTokenPerTenantPerProcess(t *testing.T) {
	tenants := emulator.DefaultTenants(3)
	r := newFleetRig(t, tenants[0].Domain, tenants)
	want := map[string]int{} // GUID → controls
	for _, tc := range r.emu.Tenants() {
		want[tc.ID()] = len(tc.ControlProfileIDs())
	}
	if want[tenants[0].ID] == want[tenants[1].ID] || want[tenants[1].ID] == want[tenants[2].ID] {
		t.Fatalf("the tenants' control counts must differ for this test: %v", want)
	}
	read := func(names []string) {
		t.Helper()
		type result struct{ name, recorded, errs string }
		results := make(chan result, 2*len(names))
		var wg sync.WaitGroup
		for range 2 {
			for _, name := range names {
				wg.Go(func() {
					recorded, n, errs := r.listProfiles(name)
					if errs == "" && n != want[recorded] {
						errs = fmt.Sprintf("%d profiles, tenant %s has %d", n, recorded, want[recorded])
					}
					results <- result{name, recorded, errs}
				})
			}
		}
		wg.Wait()
		close(results)
		for res := range results {
			wantTenant := tenants[0].ID // "": the provider's
			for _, tc := range tenants {
				if strings.EqualFold(res.name, tc.ID) || strings.EqualFold(res.name, tc.Domain) {
					wantTenant = tc.ID
				}
			}
			if res.errs != "" || res.recorded != wantTenant {
				t.Errorf("tenant %q: recorded %q (want %q), %s", res.name, res.recorded, wantTenant, res.errs)
			}
		}
	}
	read([]string{"", tenants[1].Domain, tenants[2].Domain})
	var all []string
	for _, tc := range tenants {
		all = append(all, tc.Domain, strings.ToUpper(tc.ID))
	}
	read(append(all, ""))

	tokens := tokensPerTenant(r.emu)
	for _, tc := range tenants {
		if tokens[tc.ID] != 1 {
			t.Errorf("tenant %s: %d token requests in one process, want 1 (all: %v)", tc.Domain, tokens[tc.ID], tokens)
		}
	}
	t.Logf("token requests per tenant for %d reads of 3 tenants by 7 names: %v", 2*(3+len(all)+1), tokens)
}

// fleetData is providerData signed in with the emulator's multi-tenant application, as Configure builds it.
func fleetData(t *testing.T, tenants []emulator.TenantConfig, providerTenant string) (*emulator.Emulator, *providerData) {
	return fleetDataBehind(t, tenants, providerTenant, func(emu http.Handler) http.Handler { return emu })
}

// fleetDataBehind is fleetData with the emulator behind the handler wrap makes.
func fleetDataBehind(t *testing.T, tenants []emulator.TenantConfig, providerTenant string, wrap func(http.Handler) http.Handler) (*emulator.Emulator, *providerData) {
	t.Helper()
	emu, err := emulator.New(emulator.Config{Tenants: tenants})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(wrap(emu))
	t.Cleanup(srv.Close)
	s, diags := resolveSettings(securescoreProviderModelV0{}, fakeEnv(map[string]string{envTenantID: providerTenant,
		envClientID: emulator.DefaultMultiTenantClientID, envClientSecret: emulator.DefaultMultiTenantClientSecret,
		envGraphEndpoint: srv.URL, envAuthorityHost: srv.URL}))
	if diags.HasError() {
		t.Fatal(diags)
	}
	data, err := newProviderData(s, "fleet-test")
	if err != nil {
		t.Fatal(err)
	}
	return emu, data
}

// A tenant named by GUID first and by its domain later is still one tenant: the domain's sign-in (one more token
// request, the only way to learn which GUID a domain is) finds the GUID's data, and both names share it, with its
// token, listing, claims and request budget.
func TestFleetGUIDThenDomainShareOneTenant(t *testing.T) {
	tenants := emulator.DefaultTenants(2)
	emu, data := fleetData(t, tenants, tenants[0].ID)
	ctx := context.Background()
	byGUID, err := data.tenant(tenants[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := byGUID.profiles.all(ctx, usingEveryControl()); err != nil {
		t.Fatal(err)
	}
	byDomain, err := data.tenant(strings.ToUpper(tenants[1].Domain))
	if err != nil || byDomain != byGUID {
		t.Fatalf("GUID and domain lead to different tenant data (%v)", err)
	}
	if id, err := byDomain.guid(ctx); err != nil || id != tenants[1].ID {
		t.Errorf("guid %q, %v", id, err)
	}
	if tokens := tokensPerTenant(emu); tokens[tenants[1].ID] != 2 {
		t.Errorf("token requests for the tenant: %d, want 2 (its GUID's, then the one that learns its domain's GUID)", tokens[tenants[1].ID])
	}
}

// tenant() hands out one tenantData per tenant, names compared without case, and refuses names that are not
// tenants; guid() of a GUID needs no request.
func TestProviderDataTenant(t *testing.T) {
	tenants := emulator.DefaultTenants(2)
	emu, data := fleetData(t, tenants, strings.ToUpper(tenants[0].ID))
	own, err := data.tenant("")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{tenants[0].ID, strings.ToUpper(tenants[0].ID), tenants[0].Domain} {
		if got, err := data.tenant(name); err != nil || got != own {
			t.Errorf("%q: another tenantData than the provider's (%v)", name, err)
		}
	}
	if data.client != own.client || data.profiles != own.profiles || data.claims != own.claims {
		t.Error("the provider's own client, listing and claims are not its tenant's")
	}
	other, err := data.tenant(tenants[1].ID)
	if err != nil || other == own || other.client == own.client || other.profiles == own.profiles || other.claims == own.claims {
		t.Fatalf("tenant 2 shares tenant 1's data (%v)", err)
	}
	before := len(emu.Journal())
	if id, err := other.guid(context.Background()); err != nil || id != tenants[1].ID || len(emu.Journal()) != before {
		t.Errorf("guid of a GUID: %q %v, %d requests", id, err, len(emu.Journal())-before)
	}
	if _, err := data.tenant("not a tenant"); err == nil || !strings.Contains(err.Error(), `tenant_id "not a tenant"`) {
		t.Errorf("a bad name: %v", err)
	}
}

// A provider block without tenant_id serves resources that name their tenants, and tells one that does not where
// to set it.
func TestFleetProviderWithoutTenant(t *testing.T) {
	tenants := emulator.DefaultTenants(2)
	r := newFleetRig(t, "", tenants)
	if recorded, _, errs := r.listProfiles(tenants[1].Domain); errs != "" || recorded != tenants[1].ID {
		t.Fatalf("named tenant: %q %s", recorded, errs)
	}
	_, _, errs := r.listProfiles("")
	if !strings.Contains(errs, "No tenant for this resource") || !strings.Contains(errs, "tenant_id on the resource") ||
		!strings.Contains(errs, "tenant_id in the provider block (or ARM_TENANT_ID)") {
		t.Errorf("a data source naming no tenant: %s", errs)
	}
	if got := tokensPerTenant(r.emu); got[tenants[0].ID] != 0 || got[tenants[1].ID] != 1 {
		t.Errorf("token requests %v: only the named tenant signs in", got)
	}
}

// A tenant that withdrew consent fails its own reads, with an error that names it and gives the admin-consent URL;
// the other tenants of the process are not held up.
func TestFleetConsentWithdrawnFailsOnlyThatTenant(t *testing.T) {
	tenants := emulator.DefaultTenants(3)
	tenants[2].NoConsent = true
	r := newFleetRig(t, tenants[0].ID, tenants)
	for _, name := range []string{tenants[2].ID, tenants[2].ID, tenants[2].Domain, tenants[2].Domain} {
		_, _, errs := r.listProfiles(name)
		consentURL := "/" + name + "/adminconsent?client_id=" + emulator.DefaultMultiTenantClientID
		if !strings.Contains(errs, `tenant "`+name+`"`) || !strings.Contains(errs, consentURL) || !strings.Contains(errs, "AADSTS700016") {
			t.Errorf("the refused tenant's error should name it, its consent URL and Entra's code:\n%s", errs)
		}
	}
	// The refusal answers for the tenant's name: its other readers cost no more token requests. (A refused domain
	// cannot be learned to be the GUID: each name is refused once.)
	if n := tokensPerTenant(r.emu)[tenants[2].ID]; n != 2 {
		t.Errorf("%d token requests for the refused tenant by two names, want 2", n)
	}
	for _, tc := range tenants[:2] {
		if recorded, _, errs := r.listProfiles(tc.ID); errs != "" || recorded != tc.ID {
			t.Errorf("tenant %s: %q %s", tc.Domain, recorded, errs)
		}
	}
}

// Each tenant has its own admission slots (Graph's 4 concurrent requests per app per tenant): with tenant 1's four
// slots held by requests the service has not answered, and a fifth request of tenant 1 waiting for a slot, a
// request of tenant 2 goes out and is answered.
func TestFleetTenantsHaveTheirOwnRequestSlots(t *testing.T) {
	tenants := emulator.DefaultTenants(2)
	release := make(chan struct{})
	var mu sync.Mutex
	arrived := map[string]int{} // tenant → Graph requests that reached the service
	arrivedCh := make(chan string, 16)
	_, data := fleetDataBehind(t, tenants, tenants[0].ID, func(emu http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.URL.Path, "/security/") {
				tid, _ := auth.TokenTenant(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
				mu.Lock()
				arrived[tid]++
				mu.Unlock()
				arrivedCh <- tid
				if tid == tenants[0].ID {
					<-release // tenant 1's requests hold their slots until released
				}
			}
			emu.ServeHTTP(w, r)
		})
	})
	ctx := context.Background()
	busy, err := data.tenant(tenants[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	other, err := data.tenant(tenants[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range graph.MaxConcurrentRequests + 1 {
		wg.Go(func() {
			if _, err := busy.client.ListSecureScores(ctx, graph.ListOptions{Top: 1, Limit: 1}); err != nil {
				t.Error(err)
			}
		})
	}
	for range graph.MaxConcurrentRequests {
		if got := <-arrivedCh; got != tenants[0].ID {
			t.Fatalf("a request of tenant %s arrived first", got)
		}
	}
	// Tenant 1's slots are all held, and its fifth request waits for one; tenant 2's request is not held up. (The
	// deadline only turns a wait for tenant 1's slots, which would never end, into a failure.)
	bounded, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if _, err := other.client.ListSecureScores(bounded, graph.ListOptions{Top: 1, Limit: 1}); err != nil {
		close(release)
		t.Fatalf("tenant 2's request waited on tenant 1's slots: %v", err)
	}
	mu.Lock()
	held, answered := arrived[tenants[0].ID], arrived[tenants[1].ID]
	mu.Unlock()
	close(release)
	wg.Wait()
	if held != graph.MaxConcurrentRequests || answered != 1 {
		t.Errorf("while tenant 1 held its slots: %d of its requests reached the service (want %d), tenant 2's %d (want 1)",
			held, graph.MaxConcurrentRequests, answered)
	}
}
