package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// listControlProfiles is a list block of securescore_control_profile named name with the given config lines.
func listControlProfiles(name string, limit int, config string) string {
	return listControlProfilesWith(name, fmt.Sprintf("limit = %d", limit), config)
}

// listControlProfilesWith is a list block of securescore_control_profile with the given arguments and config lines.
func listControlProfilesWith(name, args, config string) string {
	return fmt.Sprintf(`
list "securescore_control_profile" %q {
  provider = securescore
  %s
  config {
%s
  }
}
`, name, args, config)
}

// knownValues are checks of a list result's resource object, by top-level attribute or a path of names.
func knownValues(checks map[string]knownvalue.Check) []querycheck.KnownValueCheck {
	var out []querycheck.KnownValueCheck
	for _, p := range sortedKeys(checks) {
		steps := strings.Split(p, ".")
		path := tfjsonpath.New(steps[0])
		for _, s := range steps[1:] {
			path = path.AtMapKey(s)
		}
		out = append(out, querycheck.KnownValueCheck{Path: path, KnownValue: checks[p]})
	}
	return out
}

// onlyOneList checks that the query read the tenant's control profiles with one list page (300 controls fit in
// one) and not one GET, with one token.
func (e *accEnv) onlyOneList() queryJournal {
	return func() error {
		r := e.profileReads()
		var tokens int
		for _, j := range e.emu.Journal() {
			if j.Kind == "token" {
				tokens++
			}
		}
		if r.pages != 1 || len(r.gets) != 0 || tokens != 1 {
			return fmt.Errorf("the query made %d list pages, %d GETs (%v) and %d token requests; want one list, no GET and one token",
				r.pages, len(r.gets), r.gets, tokens)
		}
		return nil
	}
}

// A query of a tenant of 300 controls lists them from one list request, no GET per control: each result is the
// control's identity (the tenant's GUID and the control) and its title; the filters keep what they name (states,
// services, categories in any case), deprecated controls are left out unless asked for, and the list block's
// limit (100 by default) is honoured.
func TestAccControlProfileList_query(t *testing.T) {
	versions := needsQuery(t)
	env := newAccEnv(t, emulator.Config{ControlProfiles: 300})
	env.needsEmulator(t)
	tenant := env.emu.Tenant(env.config.TenantID)
	decided := map[string]string{"SyntheticControl0004": "Ignored", "SyntheticControl0009": "thirdParty", "SyntheticControl0010": "Reviewed"}
	for id, state := range decided {
		if err := tenant.PatchControlProfile(id, map[string]any{"state": state, "comment": "decided elsewhere"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tenant.PatchControlProfile("SyntheticControl0300", map[string]any{"deprecated": true}); err != nil {
		t.Fatal(err)
	}
	guid := env.config.TenantID
	identity := func(control string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"tenant_id": knownvalue.StringExact(guid), "control_id": knownvalue.StringExact(control)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   versions,
		Steps: []resource.TestStep{
			{Config: env.providerBlock()},
			{
				PreConfig: env.resetJournal,
				Query:     true,
				Config: listControlProfiles("all", 1000, fmt.Sprintf("    tenant_id = %q", guid)) +
					listControlProfiles("decided", 1000, `    states = ["Ignored", "ThirdParty", "REVIEWED"]`) +
					listControlProfiles("apps", 1000, `    categories = ["apps"]
    services   = ["mdo"]`) +
					listControlProfiles("everything", 1000, `    include_deprecated = true`) +
					listControlProfiles("first", 100, "") +
					listControlProfilesWith("objects", "include_resource = true", `    states = ["Ignored"]`),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("securescore_control_profile.all", 299),
					querycheck.ExpectIdentity("securescore_control_profile.all", identity("SyntheticControl0001")),
					querycheck.ExpectIdentity("securescore_control_profile.all", identity("SyntheticControl0299")),
					querycheck.ExpectNoIdentity("securescore_control_profile.all", identity("SyntheticControl0300")),
					querycheck.ExpectResourceDisplayName("securescore_control_profile.all",
						queryfilter.ByResourceIdentity(identity("SyntheticControl0002")), knownvalue.StringExact("Synthetic control 2")),

					querycheck.ExpectLength("securescore_control_profile.decided", 3),
					querycheck.ExpectIdentity("securescore_control_profile.decided", identity("SyntheticControl0004")),
					querycheck.ExpectIdentity("securescore_control_profile.decided", identity("SyntheticControl0009")),
					querycheck.ExpectIdentity("securescore_control_profile.decided", identity("SyntheticControl0010")),

					// Synthetic control i+1 is of category and service i%5: Apps and MDO for i%5 == 3, 60 of 300.
					querycheck.ExpectLength("securescore_control_profile.apps", 60),
					querycheck.ExpectIdentity("securescore_control_profile.apps", identity("SyntheticControl0004")),

					querycheck.ExpectLength("securescore_control_profile.everything", 300),
					querycheck.ExpectIdentity("securescore_control_profile.everything", identity("SyntheticControl0300")),

					querycheck.ExpectLength("securescore_control_profile.first", 100),

					// The resource object is what an import gives: the decision, also recorded as the prior one.
					querycheck.ExpectLength("securescore_control_profile.objects", 1),
					querycheck.ExpectResourceKnownValues("securescore_control_profile.objects",
						queryfilter.ByResourceIdentity(identity("SyntheticControl0004")), knownValues(map[string]knownvalue.Check{
							"id": knownvalue.StringExact("SyntheticControl0004"), "control_id": knownvalue.StringExact("SyntheticControl0004"),
							"tenant_id": knownvalue.StringExact(guid), "state": knownvalue.StringExact("Ignored"),
							"comment": knownvalue.StringExact("decided elsewhere"), "assigned_to": knownvalue.Null(),
							"on_destroy": knownvalue.StringExact("restore"), "prior_decision.state": knownvalue.StringExact("Ignored"),
							"prior_decision.comment": knownvalue.StringExact("decided elsewhere"),
							"updated_by":             knownvalue.StringExact("portal-admin@" + tenant.Domain()),
						})),
					env.onlyOneList(),
				},
			},
		},
	})
}

// Filters that cannot match are refused before anything is read, naming what is wrong.
func TestAccControlProfileList_invalidConfig(t *testing.T) {
	versions := needsQuery(t)
	env := newAccEnv(t, emulator.Config{})
	step := func(config string, want string) resource.TestStep {
		return resource.TestStep{Query: true, Config: listControlProfiles("bad", 100, config), ExpectError: regexp.MustCompile(want)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   versions,
		Steps: []resource.TestStep{
			{Config: env.providerBlock()},
			step(`    states = ["Bogus"]`, `(?s)Invalid control state.*"Bogus" is not a control state`),
			step(`    services = []`, `(?s)Empty filter.*An empty services matches no control`),
			step(`    tenant_id = "not a tenant"`, `(?s)Invalid tenant ID.*"not a tenant" is not accepted`),
		},
	})
}

// A query of another tenant than the provider's, named by its domain, signs in to that tenant and lists its
// controls, with its GUID in every identity; the other tenants' controls do not appear (one of them lacks MDATP
// controls, which the tenant listed has).
func TestAccControlProfileList_otherTenant(t *testing.T) {
	versions := needsQuery(t)
	f := newFleetAcc(t, nil)
	other := f.tenant(1)
	var want int
	for _, id := range f.emu.Tenant(other.ID).ControlProfileIDs() {
		if p, _ := f.emu.Tenant(other.ID).ControlProfile(id); p["deprecated"] != true {
			want++
		}
	}
	resource.Test(t, resource.TestCase{ // newFleetAcc clears the ARM_* variables
		ProtoV6ProviderFactories: inProcess,
		TerraformVersionChecks:   versions,
		Steps: []resource.TestStep{
			{Config: f.provider(f.tenant(0).ID)},
			{
				PreConfig: f.emu.ResetJournal,
				Query:     true,
				Config:    listControlProfiles("other", 1000, fmt.Sprintf("    tenant_id = %q", other.Domain)),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("securescore_control_profile.other", want),
					querycheck.ExpectIdentity("securescore_control_profile.other", map[string]knownvalue.Check{
						"tenant_id": knownvalue.StringExact(other.ID), "control_id": knownvalue.StringExact("AdminMFAV2"),
					}),
					queryJournal(func() error {
						for _, j := range f.emu.Journal() {
							if j.Kind == "read" && strings.Contains(j.Path, "/security/") && j.Tenant != other.ID {
								return fmt.Errorf("the query read %s in tenant %q, want only %q", j.Path, j.Tenant, other.ID)
							}
						}
						return nil
					}),
				},
			},
		},
	})
}
