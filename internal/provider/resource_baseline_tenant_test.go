package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// A baseline's tenant: recorded in state, read from there, never changed silently (issue 20 #1, issue 19 §1),
// and what a tenant that refuses the application does with tenant_unavailable (issue 19 §2).

const (
	contosoID  = emulator.DefaultTenantID
	fabrikamID = "00000000-0000-4000-8000-000000000002"
)

// serveEmulator starts another emulator for a test (beside accEnv's), stopped at cleanup.
func serveEmulator(t *testing.T, cfg emulator.Config) (*emulator.Emulator, string) {
	t.Helper()
	emu, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { expectNoLimitRefusals(t, emu) })
	return emu, srv.URL
}

// providerAt is a provider block signing in to tenant with clientID/secret at url.
func providerAt(tenant, clientID, secret, url string) string {
	return requiredProviders + fmt.Sprintf(`provider "securescore" {
  tenant_id      = %q
  client_id      = %q
  client_secret  = %q
  graph_endpoint = %q
  authority_host = %q
}
`, tenant, clientID, secret, url, url)
}

// noWrites checks that emu received no PATCH.
func noWrites(emu *emulator.Emulator) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, j := range emu.Journal() {
			if j.Kind == "write" {
				return fmt.Errorf("a PATCH was sent: %s %s", j.Method, j.Path)
			}
		}
		return nil
	}
}

// TestAccBaseline_answerOfAnotherTenant: the baseline names its tenant by domain, and the domain now leads to
// another tenant (the provider points at a second emulator where contoso.onmicrosoft.com is another GUID). The
// refresh reads the tenant of state and refuses the other tenant's answer, leaving state as it was; before the
// fix it took the other tenant's decisions as drift and planned to write them there.
func TestAccBaseline_answerOfAnotherTenant(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	const other = "00000000-0000-4000-8000-0000000000ff"
	emuB, urlB := serveEmulator(t, emulator.Config{Tenants: []emulator.TenantConfig{{ID: other, Domain: emulator.DefaultTenantDomain}}})
	config := func(url string) string {
		return baselineConfig(providerAt(emulator.DefaultTenantDomain, env.config.ClientID, env.config.ClientSecret, url),
			`    AdminMFAV2 = { state = "Ignored" }`, fmt.Sprintf("  tenant_id = %q", emulator.DefaultTenantDomain))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(env.url),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(baselineName, tfjsonpath.New("id"), knownvalue.StringExact(contosoID)),
					statecheck.ExpectKnownValue(baselineName, tfjsonpath.New("tenant_id"), knownvalue.StringExact(emulator.DefaultTenantDomain)),
				},
			},
			{
				Config:      config(urlB),
				ExpectError: regexp.MustCompile(`(?s)Baseline answered by another tenant.*` + contosoID + `.*` + other + `.*state was not\s+changed`),
				Check:       noWrites(emuB),
			},
			{ // state is still the first tenant's: back at it, nothing to do
				Config:   config(env.url),
				PlanOnly: true,
			},
		},
	})
	if err := noWrites(emuB)(nil); err != nil {
		t.Error(err)
	}
}

// TestAccBaseline_providerTenantChanged: the provider moves from tenant A to tenant B under a baseline that sets
// no tenant_id. The refresh reads tenant A (state's); the plan replaces the baseline, with a warning: destroy
// restores tenant A's controls, create applies the decisions to tenant B. Before the fix the plan was an in-place
// update that wrote tenant B and left tenant A's decisions unmanaged.
func TestAccBaseline_providerTenantChanged(t *testing.T) {
	env := newAccEnv(t, emulator.Config{Tenants: emulator.DefaultTenants(2)})
	env.needsEmulator(t)
	if _, err := tenantsReachable(t, env, contosoID, fabrikamID); err != nil {
		t.Fatalf("one provider configuration must reach both tenants: %v", err)
	}
	contoso, fabrikam := env.emu.Tenant(contosoID), env.emu.Tenant(fabrikamID)
	config := func(tenant string) string {
		return baselineConfig(providerAt(tenant, emulator.DefaultMultiTenantClientID, emulator.DefaultMultiTenantClientSecret, env.url),
			`    AdminMFAV2 = { state = "Ignored" }`, "")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(contosoID),
				Check:  expectDecision(t, contoso, "AdminMFAV2", controlDecision{State: "Ignored"}),
			},
			{
				Config: config(fabrikamID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(baselineName, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(baselineName, tfjsonpath.New("tenant_id"), knownvalue.StringExact(fabrikamID)),
					statecheck.ExpectKnownValue(baselineName, tfjsonpath.New("id"), knownvalue.StringExact(fabrikamID)),
				},
				Check: resource.ComposeTestCheckFunc(
					expectDecision(t, contoso, "AdminMFAV2", pristine), // restored: it was Default before
					expectDecision(t, fabrikam, "AdminMFAV2", controlDecision{State: "Ignored"}),
				),
			},
		},
	})
}

// tenantsReachable asks a provider configured (through the protocol, as Terraform configures it) for tenant
// from whether it reaches tenant other.
func tenantsReachable(t *testing.T, env *accEnv, from, other string) (*tenantData, error) {
	t.Helper()
	ctx := context.Background()
	s, ok := NewProtocol6Server("test")().(*protocolServer)
	if !ok {
		t.Fatal("NewProtocol6Server does not serve a *protocolServer")
	}
	schemas, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	pt := schemas.Provider.ValueType()
	attrs := nullAttributes(pt)
	for name, v := range map[string]string{"tenant_id": from, "client_id": emulator.DefaultMultiTenantClientID,
		"client_secret": emulator.DefaultMultiTenantClientSecret, "graph_endpoint": env.url, "authority_host": env.url} {
		attrs[name] = tftypes.NewValue(tftypes.String, v)
	}
	pc, err := tfprotov6.NewDynamicValue(pt, tftypes.NewValue(pt, attrs))
	if err != nil {
		t.Fatal(err)
	}
	conf, err := s.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &pc})
	mustNoDiagnostics(t, err, conf.Diagnostics)
	data := s.raw[baselineTypeName].(*baselineServer).data.Load()
	if data == nil {
		t.Fatal("the provider was not configured")
	}
	return data.tenant(other)
}

// TestAccBaseline_tenantUnavailable: a customer withdraws the multi-tenant application's consent (the provider
// points at a second emulator where fabrikam has none). With tenant_unavailable = "warn" the refresh keeps the
// baseline's state and the plan is empty; by default the refresh fails, naming the Entra error.
func TestAccBaseline_tenantUnavailable(t *testing.T) {
	env := newAccEnv(t, emulator.Config{Tenants: emulator.DefaultTenants(2)})
	env.needsEmulator(t)
	withdrawn := emulator.DefaultTenants(2)
	withdrawn[1].NoConsent = true
	emuB, urlB := serveEmulator(t, emulator.Config{Tenants: withdrawn})
	config := func(url, extra string) string {
		return baselineConfig(providerAt(fabrikamID, emulator.DefaultMultiTenantClientID, emulator.DefaultMultiTenantClientSecret, url),
			`    AdminMFAV2 = { state = "Reviewed", comment = "fleet baseline" }`, extra)
	}
	kept := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(baselineName, tfjsonpath.New("id"), knownvalue.StringExact(fabrikamID)),
		controlState("AdminMFAV2", "state", knownvalue.StringExact("Reviewed")),
	}
	const warn = `  tenant_unavailable = "warn"`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config(env.url, warn), ConfigStateChecks: kept},
			{ // consent withdrawn: state kept, no change planned
				Config:            config(urlB, warn),
				ConfigStateChecks: kept,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: noWrites(emuB),
			},
			{Config: config(env.url, warn), PlanOnly: true}, // consent back: destroy runs there
		},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config(env.url, "")},
			{
				Config:      config(urlB, ""),
				ExpectError: regexp.MustCompile(`AADSTS700016`),
			},
			{Config: config(env.url, ""), PlanOnly: true},
		},
	})
	if err := noWrites(emuB)(nil); err != nil {
		t.Error(err)
	}
}
