package provider

// Acceptance tests of one provider configuration serving several tenants (issue 19): the multi-tenant emulator
// serves each Graph request the data of its token's tenant, so a request's effect in a tenant, and the journal's
// tenant of each request (its token's tid), show which token it carried.

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// fleetAcc is an emulator of three tenants (contoso, fabrikam, northwind) behind a handler the test may wrap, and
// a count of the provider processes Terraform configured.
type fleetAcc struct {
	emu        *emulator.Emulator
	tenants    []emulator.TenantConfig
	url        string
	configures atomic.Int32
	rewrite    atomic.Pointer[[2]string] // when set, Graph answers have the first string replaced by the second
}

func newFleetAcc(t *testing.T, mod func(tenants []emulator.TenantConfig)) *fleetAcc {
	t.Helper()
	for _, v := range authEnvVars {
		t.Setenv(v, "")
	}
	f := &fleetAcc{tenants: emulator.DefaultTenants(3)}
	if mod != nil {
		mod(f.tenants)
	}
	emu, err := emulator.New(emulator.Config{Tenants: f.tenants, IdentityHeader: "acc-identity-header"})
	if err != nil {
		t.Fatal(err)
	}
	f.emu = emu
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { expectNoLimitRefusals(t, emu) })
	f.url = srv.URL
	return f
}

// serve is the emulator, with Graph answers rewritten while rewrite is set (a service answering for another tenant).
func (f *fleetAcc) serve(w http.ResponseWriter, r *http.Request) {
	rw := f.rewrite.Load()
	if rw == nil || !strings.Contains(r.URL.Path, "/security/") {
		f.emu.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	f.emu.ServeHTTP(rec, r)
	for k, v := range rec.Header() {
		if k != "Content-Length" {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(bytes.ReplaceAll(rec.Body.Bytes(), []byte(rw[0]), []byte(rw[1])))
}

// factories serve the provider in-process and count ConfigureProvider calls: one per provider process.
func (f *fleetAcc) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"securescore": func() (tfprotov6.ProviderServer, error) {
			return &configureCounter{ProviderServer: NewProtocol6Server("test")(), n: &f.configures}, nil
		},
	}
}

type configureCounter struct {
	tfprotov6.ProviderServer
	n *atomic.Int32
}

func (c *configureCounter) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	c.n.Add(1)
	return c.ProviderServer.ConfigureProvider(ctx, req)
}

// provider is one provider block for the fleet: the emulator's multi-tenant application, signing in to tenant
// ("" = no tenant_id).
func (f *fleetAcc) provider(tenant string) string {
	line := ""
	if tenant != "" {
		line = fmt.Sprintf("  tenant_id      = %q\n", tenant)
	}
	return requiredProviders + fmt.Sprintf(`provider "securescore" {
%s  client_id      = %q
  client_secret  = %q
  graph_endpoint = %q
  authority_host = %q
}
`, line, emulator.DefaultMultiTenantClientID, emulator.DefaultMultiTenantClientSecret, f.url, f.url)
}

func (f *fleetAcc) tenant(i int) emulator.TenantConfig { return f.tenants[i] }

// activeUsers is the activeUserCount of a tenant's current secure score in the emulator.
func (f *fleetAcc) activeUsers(i int) string {
	t := f.emu.Tenant(f.tenants[i].ID)
	s, _ := t.SecureScore(t.CurrentSecureScoreID())
	return fmt.Sprint(s["activeUserCount"])
}

// expectRequestsInTheirTenants checks the journal: every Graph request was answered for a tenant of the
// emulator (its token was valid there); each write of activeUserCount n went to the tenant expected for n; and no
// tenant had more token requests than Terraform started provider processes (one per tenant per process).
func (f *fleetAcc) expectRequestsInTheirTenants(t *testing.T, writes map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		tokens := map[string]int{}
		for _, j := range f.emu.Journal() {
			switch j.Kind {
			case "token":
				tokens[j.Tenant]++
			case "read", "write":
				if j.Tenant == "" || j.Status == http.StatusUnauthorized {
					return fmt.Errorf("%s %s carried no valid token of a tenant (status %d)", j.Method, j.Path, j.Status)
				}
			}
			if j.Kind != "write" {
				continue
			}
			for n, tenant := range writes {
				if strings.Contains(j.Body, `"activeUserCount":`+n) && j.Tenant != tenant {
					return fmt.Errorf("the write of activeUserCount %s went to tenant %s, want %s", n, j.Tenant, tenant)
				}
			}
		}
		processes := int(f.configures.Load())
		for tenant, n := range tokens {
			if n > processes {
				return fmt.Errorf("tenant %s: %d token requests in %d provider processes: more than one per process", tenant, n, processes)
			}
		}
		t.Logf("token requests per tenant %v over %d provider processes", tokens, processes)
		return nil
	}
}

func fleetState(addr, attr string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), v)
}

// One provider block manages the secure scores of two tenants and reads a third: a tenant named by domain is kept
// as written in tenant_id and known by its GUID in id, every request goes to its own tenant with that tenant's token, each tenant
// signs in once per process; import takes a domain; changing a resource's tenant, or the provider's tenant under a
// resource that names none, replaces the resource instead of moving it.
func TestAccFleet_oneProviderBlockManyTenants(t *testing.T) {
	f := newFleetAcc(t, nil)
	contoso, fabrikam, northwind := f.tenant(0), f.tenant(1), f.tenant(2)
	resources := func(fabrikamTenant string) string {
		return fmt.Sprintf(`
resource "securescore_secure_score" "contoso" {
  active_user_count = 11
}

resource "securescore_secure_score" "fabrikam" {
  tenant_id         = %q
  active_user_count = 22
}

data "securescore_secure_score" "northwind" {
  tenant_id = %q
}

data "securescore_control_profiles" "fabrikam" {
  tenant_id          = %q
  include_deprecated = true
}
`, fabrikamTenant, northwind.ID, fabrikam.Domain)
	}
	cfg := f.provider(contoso.ID) + resources(fabrikam.Domain)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// A domain is kept as written, and id is planned as its tenant's GUID.
					plancheck.ExpectKnownValue("securescore_secure_score.fabrikam", tfjsonpath.New("id"), knownvalue.StringExact(fabrikam.ID)),
					plancheck.ExpectKnownValue("securescore_secure_score.contoso", tfjsonpath.New("tenant_id"), knownvalue.StringExact(contoso.ID)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					fleetState("securescore_secure_score.contoso", "tenant_id", knownvalue.StringExact(contoso.ID)),
					fleetState("securescore_secure_score.contoso", "azure_tenant_id", knownvalue.StringExact(contoso.ID)),
					fleetState("securescore_secure_score.fabrikam", "tenant_id", knownvalue.StringExact(fabrikam.Domain)),
					fleetState("securescore_secure_score.fabrikam", "id", knownvalue.StringExact(fabrikam.ID)),
					fleetState("securescore_secure_score.fabrikam", "azure_tenant_id", knownvalue.StringExact(fabrikam.ID)),
					fleetState("data.securescore_secure_score.northwind", "tenant_id", knownvalue.StringExact(northwind.ID)),
					fleetState("data.securescore_secure_score.northwind", "azure_tenant_id", knownvalue.StringExact(northwind.ID)),
					fleetState("data.securescore_control_profiles.fabrikam", "tenant_id", knownvalue.StringExact(fabrikam.Domain)),
					fleetState("data.securescore_control_profiles.fabrikam", "ids",
						knownvalue.ListSizeExact(len(f.emu.Tenant(fabrikam.ID).ControlProfileIDs()))),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						if a, b, c := f.activeUsers(0), f.activeUsers(1), f.activeUsers(2); a != "11" || b != "22" || c == "11" || c == "22" {
							return fmt.Errorf("activeUserCount contoso %s, fabrikam %s, northwind %s: want 11, 22 and untouched", a, b, c)
						}
						return nil
					},
					f.expectRequestsInTheirTenants(t, map[string]string{"11": contoso.ID, "22": fabrikam.ID}),
				),
			},
			{Config: cfg, ConfigPlanChecks: expectEmptyPlan()},
			// Import by a domain: id is its GUID, tenant_id the domain as configured, as the apply recorded them.
			{Config: cfg, ResourceName: "securescore_secure_score.fabrikam", ImportState: true, ImportStateId: fabrikam.Domain,
				ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "id"},
			{Config: cfg, ResourceName: "securescore_secure_score.fabrikam", ImportState: true, ImportStateKind: resource.ImportBlockWithID,
				ImportStateId: fabrikam.Domain},
			// The resource's tenant changes: replaced, never moved.
			{
				Config: f.provider(contoso.ID) + resources(northwind.ID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("securescore_secure_score.fabrikam", plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction("securescore_secure_score.contoso", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					fleetState("securescore_secure_score.fabrikam", "tenant_id", knownvalue.StringExact(northwind.ID)),
				},
				Check: func(*terraform.State) error {
					if got := f.activeUsers(2); got != "22" {
						return fmt.Errorf("northwind activeUserCount %s after the replacement, want 22", got)
					}
					return nil
				},
			},
			// The provider's tenant changes under a resource that names none: replaced too.
			{
				Config: f.provider(fabrikam.Domain) + resources(northwind.ID),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("securescore_secure_score.contoso", plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction("securescore_secure_score.fabrikam", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					fleetState("securescore_secure_score.contoso", "tenant_id", knownvalue.StringExact(fabrikam.ID)),
				},
			},
		},
	})
}

// A tenant that withdrew consent fails its own resources, with an error naming it and its admin-consent URL; the
// other tenants' resources are applied and in state.
func TestAccFleet_consentWithdrawnFailsOnlyThatTenant(t *testing.T) {
	f := newFleetAcc(t, func(tenants []emulator.TenantConfig) { tenants[2].NoConsent = true })
	contoso, northwind := f.tenant(0), f.tenant(2)
	resources := func(withNorthwind bool) string {
		cfg := f.provider(contoso.ID) + `
resource "securescore_secure_score" "contoso" {
  active_user_count = 11
}
`
		if withNorthwind {
			cfg += fmt.Sprintf(`
resource "securescore_secure_score" "northwind" {
  tenant_id         = %q
  active_user_count = 33
}
`, northwind.ID)
		}
		return cfg
	}
	consent := `tenant\s+"` + northwind.ID + `"[\s\S]*AADSTS700016[\s\S]*` +
		regexp.QuoteMeta("/"+northwind.ID+"/adminconsent?client_id="+emulator.DefaultMultiTenantClientID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{
			{Config: resources(true), ExpectError: regexp.MustCompile(consent)},
			{
				Config: resources(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("securescore_secure_score.contoso", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					fleetState("securescore_secure_score.contoso", "tenant_id", knownvalue.StringExact(contoso.ID)),
				},
				Check: func(*terraform.State) error {
					if got := f.activeUsers(0); got != "11" {
						return fmt.Errorf("contoso activeUserCount %s, want 11", got)
					}
					return nil
				},
			},
		},
	})
}

// A managed identity cannot reach another tenant: a resource naming one fails at plan, saying why.
func TestAccFleet_managedIdentityCannotCrossTenants(t *testing.T) {
	f := newFleetAcc(t, nil)
	cfg := requiredProviders + fmt.Sprintf(`provider "securescore" {
  tenant_id      = %q
  use_msi        = true
  msi_endpoint   = %q
  graph_endpoint = %q
}

resource "securescore_secure_score" "other" {
  tenant_id         = %q
  active_user_count = 5
}
`, f.tenant(0).ID, f.url, f.url, f.tenant(1).ID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config:      cfg,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`Tenant out of reach of this sign-in[\s\S]*managed\s+identity\s+signs\s+in\s+only\s+to[\s\S]*cannot\s+reach\s+other\s+tenants`),
		}},
	})
	for _, j := range f.emu.Journal() {
		if j.Kind == "write" {
			t.Errorf("a write was sent: %s %s", j.Method, j.Path)
		}
	}
}

// A provider block without tenant_id serves resources that name theirs; one that names none fails at plan with an
// error naming both places to set it. tenant_id that is neither a GUID nor a domain is refused.
func TestAccFleet_tenantFromResourceOnly(t *testing.T) {
	f := newFleetAcc(t, nil)
	named := f.provider("") + fmt.Sprintf(`
resource "securescore_secure_score" "named" {
  tenant_id         = %q
  active_user_count = 7
}

data "securescore_control_profile" "named" {
  tenant_id = %q
  id        = "AdminMFAV2"
}
`, f.tenant(1).Domain, f.tenant(1).ID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{
			{
				Config: f.provider("") + `
resource "securescore_secure_score" "unnamed" {
  active_user_count = 7
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`No tenant for this resource[\s\S]*tenant_id\s+on\s+the\s+resource[\s\S]*tenant_id\s+in\s+the\s+provider\s+block`),
			},
			{
				Config:      f.provider("") + "\nresource \"securescore_secure_score\" \"bad\" {\n  tenant_id = \"not a tenant\"\n}\n",
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid tenant ID[\s\S]*expected a tenant GUID`),
			},
			{
				Config:      f.provider("") + "\ndata \"securescore_secure_scores\" \"bad\" {\n  tenant_id = \"contoso_onmicrosoft\"\n}\n",
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid tenant ID[\s\S]*expected a tenant GUID`),
			},
			{
				Config: named,
				ConfigStateChecks: []statecheck.StateCheck{
					fleetState("securescore_secure_score.named", "tenant_id", knownvalue.StringExact(f.tenant(1).Domain)),
					fleetState("securescore_secure_score.named", "id", knownvalue.StringExact(f.tenant(1).ID)),
					fleetState("data.securescore_control_profile.named", "tenant_id", knownvalue.StringExact(f.tenant(1).ID)),
					fleetState("data.securescore_control_profile.named", "azure_tenant_id", knownvalue.StringExact(f.tenant(1).ID)),
				},
				Check: f.expectRequestsInTheirTenants(t, map[string]string{"7": f.tenant(1).ID}),
			},
			{Config: named, ConfigPlanChecks: expectEmptyPlan()},
		},
	})
}

// A refresh whose answer is another tenant's is an error, and state is left as it was.
func TestAccFleet_answerOfAnotherTenantKeepsState(t *testing.T) {
	f := newFleetAcc(t, nil)
	contoso, fabrikam := f.tenant(0), f.tenant(1)
	cfg := f.provider(contoso.ID) + `
resource "securescore_secure_score" "contoso" {
  active_user_count = 11
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig:    func() { f.rewrite.Store(&[2]string{contoso.ID, fabrikam.ID}) },
				RefreshState: true,
				ExpectError:  regexp.MustCompile(`Secure score of another tenant[\s\S]*` + regexp.QuoteMeta(fabrikam.ID)),
			},
			{
				PreConfig:        func() { f.rewrite.Store(nil) },
				Config:           cfg,
				ConfigPlanChecks: expectEmptyPlan(),
				ConfigStateChecks: []statecheck.StateCheck{
					fleetState("securescore_secure_score.contoso", "tenant_id", knownvalue.StringExact(contoso.ID)),
					fleetState("securescore_secure_score.contoso", "azure_tenant_id", knownvalue.StringExact(contoso.ID)),
				},
			},
			{
				PreConfig: func() { f.rewrite.Store(&[2]string{fabrikam.ID, contoso.ID}) },
				Config: cfg + fmt.Sprintf(`
data "securescore_secure_scores" "fabrikam" {
  tenant_id = %q
  top       = 1
}
`, fabrikam.ID),
				ExpectError: regexp.MustCompile(`Answer from another tenant`),
			},
			{PreConfig: func() { f.rewrite.Store(nil) }, Config: cfg, ConfigPlanChecks: expectEmptyPlan()},
		},
	})
}
