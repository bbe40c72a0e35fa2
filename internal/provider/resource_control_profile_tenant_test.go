package provider

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"strings"
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

// Issue 19 §1 and issue 20 #1: the control profile records its tenant, is imported as <tenant>/<control_id>, and
// -generate-config-out writes tenant_id.
func TestAccControlProfileResource_tenantRecordedAndImported(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	tenant := env.tenantID(t)
	cfg := env.profileConfig(`
  control_id = "PWAgePolicyNew"
  state      = "ThirdParty"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(testProfileName, tfjsonpath.New("tenant_id"), knownvalue.StringExact(tenant)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{profileValue("tenant_id", knownvalue.StringExact(tenant))},
			},
			{Config: cfg, ConfigPlanChecks: expectEmptyPlan()},
			// The same tenant named on the resource: nothing to change.
			{Config: strings.Replace(cfg, "state ", fmt.Sprintf("tenant_id  = %q\n  state ", tenant), 1), ConfigPlanChecks: expectEmptyPlan()},
			{
				ResourceName: testProfileName, ImportState: true, ImportStateKind: resource.ImportBlockWithID,
				ImportStateId: tenant + "/PWAgePolicyNew", GenerateConfig: true,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(testProfileName, tfjsonpath.New("tenant_id"), knownvalue.StringExact(tenant)),
					plancheck.ExpectKnownValue(testProfileName, tfjsonpath.New("on_destroy"), knownvalue.StringExact("restore")),
					plancheck.ExpectKnownValue(testProfileName, tfjsonpath.New("state"), knownvalue.StringExact("ThirdParty")),
				}},
			},
		},
	})
}

// Issue 20 #1: Graph answers a refresh for another tenant than the one in state (here a proxy rewrites
// azureTenantId, as a token of another tenant would make the real service answer). Before, state followed the
// answer; now the refresh fails naming both tenants, and nothing is written.
func TestAccControlProfileResource_answerOfAnotherTenantRefused(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	const other = "99999999-9999-4999-8999-999999999999"
	target, _ := url.Parse(env.url)
	rewrite := false
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Host = r.In.Host
		},
		ModifyResponse: func(resp *http.Response) error {
			if !rewrite || resp.Request.Method != http.MethodGet {
				return nil
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				return err
			}
			body = bytes.ReplaceAll(body, []byte(env.config.TenantID), []byte(other))
			resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
			resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
			return nil
		},
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	env.url = srv.URL
	cfg := env.profileConfig(`
  control_id = "UserRiskPolicy"
  state      = "Reviewed"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() { env.resetJournal(); rewrite = true },
				Config:    strings.Replace(cfg, `"Reviewed"`, `"Ignored"`, 1),
				ExpectError: regexp.MustCompile(`(?s)Control profile of another tenant.*"UserRiskPolicy".*for\s+tenant\s+"` + other +
					`",\s+but\s+state\s+records\s+tenant\s+"` + env.config.TenantID + `".*Terraform\s+state\s+is\s+unchanged`),
			},
			{
				PreConfig: func() {
					rewrite = false
					if w := env.writes(); len(w) != 0 {
						t.Errorf("the refused refresh was followed by %d PATCH(es)", len(w))
					}
				},
				Config:            cfg,
				ConfigPlanChecks:  expectEmptyPlan(),
				ConfigStateChecks: []statecheck.StateCheck{profileValue("tenant_id", knownvalue.StringExact(env.config.TenantID))},
			},
		},
	})
}

// Issue 20 #1 as an MSP meets it: apply with the provider on tenant A, then point the provider at tenant B.
// Before, the plan was an ordinary in-place update, and the apply wrote tenant B while tenant A kept the
// decisions unmanaged. Now the refresh reads the tenant in state (A) and the plan replaces the resource: destroy
// restores tenant A's control to the decision it had before (Default), and create sets it in tenant B.
func TestAccControlProfileResource_providerMovedToAnotherTenant(t *testing.T) {
	env := newAccEnv(t, emulator.Config{Tenants: emulator.DefaultTenants(2)})
	env.needsEmulator(t)
	const tenantOne, tenantTwo = emulator.DefaultTenantID, "00000000-0000-4000-8000-000000000002"
	one, two := env.emu.Tenant(tenantOne), env.emu.Tenant(tenantTwo)
	provider := func(tenant string) string {
		return requiredProviders + fmt.Sprintf(`provider "securescore" {
  tenant_id      = %q
  client_id      = %q
  client_secret  = %q
  graph_endpoint = %q
  authority_host = %q
}
resource "securescore_control_profile" "test" {
  control_id = "AdminMFAV2"
  state      = "Ignored"
  comment    = "Risk accepted by the CISO"
}
`, tenant, emulator.DefaultMultiTenantClientID, emulator.DefaultMultiTenantClientSecret, env.url, env.url)
	}
	accepted := controlDecision{State: "Ignored", Comment: "Risk accepted by the CISO"}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            provider(tenantOne),
				ConfigStateChecks: []statecheck.StateCheck{profileValue("tenant_id", knownvalue.StringExact(tenantOne))},
				Check:             expectDecision(t, one, "AdminMFAV2", accepted),
			},
			{
				Config: provider(tenantTwo),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testProfileName, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{profileValue("tenant_id", knownvalue.StringExact(tenantTwo))},
				Check: resource.ComposeTestCheckFunc(
					expectDecision(t, one, "AdminMFAV2", pristine), // restored: it was Default before
					expectDecision(t, two, "AdminMFAV2", accepted),
				),
			},
			{Config: provider(tenantTwo), ConfigPlanChecks: expectEmptyPlan()},
		},
	})
}

// Issue 20 #14: a control the tenant does not have fails the plan, naming the nearest one it has, and the plan
// costs one list and nothing else (before, the plan passed and the apply failed with a 404).
func TestAccControlProfileResource_unknownControlFailsAtPlan(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: env.resetJournal,
				Config: env.profileConfig(`
  control_id = "OneAdmn"
  state      = "Reviewed"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Unknown control.*has no control "OneAdmn"\.\s+Did\s+you\s+mean\s+"OneAdmin"\?`),
			},
			{
				PreConfig: func() {
					if err := env.expectCalls(profileListCall)(); err != nil {
						t.Errorf("the failed plan: %v", err)
					}
				},
				Config: env.profileConfig(`
  control_id = "AdminMFAV2"
  state      = "Reviewed"`),
			},
		},
	})
}

// Issue 20 #2: destroy puts back the decision the control had before Terraform first changed it (a customer's
// "Risk accepted by CISO"), with one PATCH.
func TestAccControlProfileResource_destroyRestoresPriorDecision(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	const id = "OneAdmin"
	if err := env.emu.PatchControlProfile(id, map[string]any{"state": "Ignored", "assignedTo": "ciso@contoso.com", "comment": "Risk accepted by CISO"}); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.profileConfig(`
  control_id = "OneAdmin"
  state      = "ThirdParty"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue(testProfileName, tfjsonpath.New("prior_decision")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{profileValue("prior_decision", knownvalue.ObjectExact(map[string]knownvalue.Check{
				"state": knownvalue.StringExact("Ignored"), "assigned_to": knownvalue.StringExact("ciso@contoso.com"),
				"comment": knownvalue.StringExact("Risk accepted by CISO")}))},
			Check: env.journal(env.expectOnePatch(t, id, `{"assignedTo":"","comment":"","state":"ThirdParty","vendorInformation":`+microsoftVendor+`}`)),
		}},
		CheckDestroy: func(*terraform.State) error {
			last, err := env.emulatorProfileState(id)
			if err != nil || last["state"] != "Ignored" || last["assignedTo"] != "ciso@contoso.com" || last["comment"] != "Risk accepted by CISO" {
				return fmt.Errorf("after destroy: %v (%v), want the decision from before Terraform", last, err)
			}
			return nil
		},
	})
}

// A destroy plan warns with what changes in the tenant: Terraform sends it because the provider plans destroys
// (PlanDestroy), which the raw server answers with the warning and a null planned state.
func TestControlProfileDestroyPlanWarns(t *testing.T) {
	s := NewProtocol6Server("test")()
	schema, err := s.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || schema.ServerCapabilities == nil || !schema.ServerCapabilities.PlanDestroy {
		t.Fatalf("the provider does not plan destroys: %v %+v", err, schema.ServerCapabilities)
	}
	m := controlProfileResourceModelV2{ID: tfKnown("OneAdmin"), TenantID: tfKnown(tenantA), ControlID: tfKnown("OneAdmin"), State: tfKnown("ThirdParty"),
		OnDestroy: tfKnown(onDestroyRestore), PriorDecision: priorDecisionOf(controlDecision{State: "Ignored", Comment: "Risk accepted by CISO"})}
	prior, err := controlProfileAttributes.encode(&m)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{TypeName: controlProfileTypeName,
		PriorState: prior, ProposedNewState: controlProfileAttributes.null(), Config: controlProfileAttributes.null()})
	if err != nil || len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityWarning ||
		!strings.Contains(resp.Diagnostics[0].Detail, `control "OneAdmin" sets it in tenant "`+tenantA+`" to state "Ignored", no assignee, comment "Risk accepted by CISO"`) {
		t.Fatalf("err %v, diagnostics %+v", err, resp.Diagnostics)
	}
	if v, err := resp.PlannedState.Unmarshal(controlProfileAttributes.typ); err != nil || !v.IsNull() {
		t.Errorf("planned state %v (%v), want null", v, err)
	}
}
