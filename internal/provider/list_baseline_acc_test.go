package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// inProcess serves the provider in-process, as testAccProtoV6ProviderFactories do, for tests that need a fleet's
// provider block (newFleetAcc's factories count configurations through a wrapper that serves no list resources).
var inProcess = map[string]func() (tfprotov6.ProviderServer, error){
	"securescore": func() (tfprotov6.ProviderServer, error) { return NewProtocol6Server("test")(), nil },
}

// listBaselines is a list block of securescore_baseline named name over tenants.
func listBaselines(name string, tenants ...string) string {
	return listBaselinesWith(name, "", tenants...)
}

// listBaselinesWith is a list block of securescore_baseline with the given arguments.
func listBaselinesWith(name, args string, tenants ...string) string {
	quoted := make([]string, len(tenants))
	for i, t := range tenants {
		quoted[i] = fmt.Sprintf("%q", t)
	}
	return fmt.Sprintf(`
list "securescore_baseline" %q {
  provider = securescore
  %s
  config {
    tenant_ids = [%s]
  }
}
`, name, args, strings.Join(quoted, ", "))
}

// A query of the baselines of a fleet gives one result per tenant (a tenant named by GUID and by domain once),
// identified by the tenant's GUID; a tenant that refuses the application is left out with a warning and the
// others are listed. Without the resource object, a tenant costs its sign-in and no Graph request.
func TestAccBaselineList_fleet(t *testing.T) {
	versions := needsQuery(t)
	f := newFleetAcc(t, func(tenants []emulator.TenantConfig) { tenants[2].NoConsent = true })
	a, b, refusing := f.tenant(0), f.tenant(1), f.tenant(2)
	identity := func(guid string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"tenant_id": knownvalue.StringExact(guid)}
	}
	resource.Test(t, resource.TestCase{ // newFleetAcc clears the ARM_* variables
		ProtoV6ProviderFactories: inProcess,
		TerraformVersionChecks:   versions,
		Steps: []resource.TestStep{
			{Config: f.provider("")},
			{
				PreConfig: f.emu.ResetJournal,
				Query:     true,
				Config:    listBaselines("fleet", a.ID, a.Domain, b.Domain, refusing.ID),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("securescore_baseline.fleet", 2),
					querycheck.ExpectIdentity("securescore_baseline.fleet", identity(a.ID)),
					querycheck.ExpectIdentity("securescore_baseline.fleet", identity(b.ID)),
					querycheck.ExpectNoIdentity("securescore_baseline.fleet", identity(refusing.ID)),
					querycheck.ExpectResourceDisplayName("securescore_baseline.fleet", queryfilter.ByResourceIdentity(identity(b.ID)),
						knownvalue.StringExact(fmt.Sprintf("Baseline of %s (%s)", b.Domain, b.ID))),
					queryJournal(func() error {
						for _, j := range f.emu.Journal() {
							if j.Kind == "read" || j.Kind == "write" {
								return fmt.Errorf("a query without resource objects sent %s %s", j.Method, j.Path)
							}
						}
						return nil
					}),
				},
			},
			{
				// With the resource object: the baseline an import gives, from one list per tenant.
				PreConfig: func() {
					if err := f.emu.Tenant(b.ID).PatchControlProfile("AdminMFAV2", map[string]any{"state": "ThirdParty", "comment": "Duo"}); err != nil {
						t.Fatal(err)
					}
					f.emu.ResetJournal()
				},
				Query:  true,
				Config: listBaselinesWith("objects", "include_resource = true", a.ID, b.Domain),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("securescore_baseline.objects", 2),
					querycheck.ExpectResourceKnownValues("securescore_baseline.objects", queryfilter.ByResourceIdentity(identity(b.ID)),
						knownValues(map[string]knownvalue.Check{
							"id": knownvalue.StringExact(b.ID), "tenant_id": knownvalue.StringExact(b.ID),
							"controls.AdminMFAV2.state": knownvalue.StringExact("ThirdParty"), "controls.AdminMFAV2.comment": knownvalue.StringExact("Duo"),
							"prior_decisions.AdminMFAV2.state": knownvalue.StringExact("ThirdParty"),
							"on_destroy":                       knownvalue.StringExact("restore"), "skipped_controls": knownvalue.SetExact(nil),
						})),
					queryJournal(func() error {
						lists := map[string]int{}
						for _, j := range f.emu.Journal() {
							switch {
							case j.Kind == "write" || (j.Kind == "read" && strings.Contains(j.Path, "/secureScoreControlProfiles/")):
								return fmt.Errorf("the query sent %s %s", j.Method, j.Path)
							case j.Kind == "read":
								lists[j.Tenant]++
							}
						}
						if lists[a.ID] != 1 || lists[b.ID] != 1 || len(lists) != 2 {
							return fmt.Errorf("list requests by tenant %v, want one in each of %s and %s", lists, a.ID, b.ID)
						}
						return nil
					}),
				},
			},
		},
	})
}

// An empty or invalid tenant_ids is refused before anything is read.
func TestAccBaselineList_invalidConfig(t *testing.T) {
	versions := needsQuery(t)
	env := newAccEnv(t, emulator.Config{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   versions,
		Steps: []resource.TestStep{
			{Config: env.providerBlock()},
			{Query: true, Config: listBaselines("none"), ExpectError: regexp.MustCompile(`(?s)No tenant.*tenant_ids is empty`)},
			{Query: true, Config: listBaselines("bad", "not a tenant"), ExpectError: regexp.MustCompile(`(?s)Invalid tenant ID.*"not a tenant" is not\s+accepted`)},
		},
	})
}
