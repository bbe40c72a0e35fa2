package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

const testProfileName = "securescore_control_profile.test"

// profileConfig is the provider block plus one securescore_control_profile "test" with body.
func (e *accEnv) profileConfig(body string) string {
	return e.providerBlock() + "\nresource \"securescore_control_profile\" \"test\" {\n" + body + "\n}\n"
}

func profileValue(attr string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(testProfileName, tfjsonpath.New(attr), v)
}

// emulatorProfileState is the newest controlStateUpdates entry of a profile as the emulator stores it.
func (e *accEnv) emulatorProfileState(id string) (map[string]any, error) {
	p, ok := e.emu.ControlProfile(id)
	if !ok {
		return nil, fmt.Errorf("control profile %s not in the emulator", id)
	}
	ups, _ := p["controlStateUpdates"].([]any)
	if len(ups) == 0 {
		return nil, fmt.Errorf("control profile %s has no controlStateUpdates", id)
	}
	last, _ := ups[len(ups)-1].(map[string]any)
	return last, nil
}

// expectEmulatorState checks the profile's current state (and optionally who it is assigned to) in the emulator.
func (e *accEnv) expectEmulatorState(id, state string) func() error {
	return func() error {
		last, err := e.emulatorProfileState(id)
		if err != nil {
			return err
		}
		if last["state"] != state {
			return fmt.Errorf("emulator: control profile %s state = %v, want %s", id, last["state"], state)
		}
		return nil
	}
}

// expectOnePatch checks the journal since the last reset: exactly one PATCH of the profile, carrying body (compared
// as JSON) and Prefer: return=representation, and no GET of the profile after it.
func (e *accEnv) expectOnePatch(t *testing.T, id, body string) func() error {
	return func() error {
		item := "/security/securescorecontrolprofiles/" + strings.ToLower(url.PathEscape(id))
		var patches int
		var afterPatch []string
		for _, j := range e.emu.Journal() {
			if !strings.HasSuffix(strings.ToLower(j.Path), item) {
				continue
			}
			switch j.Method {
			case http.MethodPatch:
				patches++
				if got := j.Header.Get("Prefer"); got != "return=representation" {
					return fmt.Errorf("PATCH sent Prefer %q, want return=representation", got)
				}
				var got, want any
				if err := json.Unmarshal([]byte(j.Body), &got); err != nil {
					return fmt.Errorf("PATCH body %q: %v", j.Body, err)
				}
				if err := json.Unmarshal([]byte(body), &want); err != nil {
					t.Fatalf("test body %q: %v", body, err)
				}
				if g, w := mustJSON(got), mustJSON(want); g != w {
					return fmt.Errorf("PATCH body = %s, want %s", g, w)
				}
			case http.MethodGet:
				if patches > 0 {
					afterPatch = append(afterPatch, j.Method+" "+j.Path)
				}
			}
		}
		if patches != 1 {
			return fmt.Errorf("the apply sent %d PATCH requests for %s, want exactly 1", patches, id)
		}
		if len(afterPatch) > 0 {
			return fmt.Errorf("the apply read the profile again after the PATCH: %v", afterPatch)
		}
		return nil
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v) // re-encoding sorts object keys, so equal documents compare equal
	return string(b)
}

const microsoftVendor = `{"provider":"SecureScore","providerVersion":null,"subProvider":null,"vendor":"Microsoft"}`

func TestAccControlProfileResource_createUpdateDestroy(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	const id = "MFARegistrationV2"
	updatedAt := statecheck.CompareValue(compare.ValuesDiffer()) // each PATCH records a new updated_date_time
	step1 := env.profileConfig(`
  control_id  = "MFARegistrationV2"
  state       = "Reviewed"
  assigned_to = "secops@contoso.com"
  comment     = "Rollout planned for Q3"`)
	step2 := env.profileConfig(`
  control_id  = "MFARegistrationV2"
  state       = "ThirdParty"
  assigned_to = "secops@contoso.com"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: env.resetJournal,
				Config:    step1,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testProfileName, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					profileValue("id", knownvalue.StringExact(id)),
					profileValue("state", knownvalue.StringExact("Reviewed")),
					profileValue("assigned_to", knownvalue.StringExact("secops@contoso.com")),
					profileValue("comment", knownvalue.StringExact("Rollout planned for Q3")),
					profileValue("tenant_id", knownvalue.StringExact(env.tenantID(t))),
					profileValue("on_destroy", knownvalue.StringExact("restore")),
					profileValue("reset_on_destroy", knownvalue.Null()),
					// What the control held before this resource changed it (the seed: untouched).
					profileValue("prior_decision", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"state": knownvalue.StringExact("Default"), "assigned_to": knownvalue.Null(), "comment": knownvalue.Null()})),
					// The catalog facts and the full history are the data sources' (the resource keeps what it
					// manages); it keeps the newest history entry's author and time.
					expectOnlyManagedProfileAttributes(testProfileName),
					statecheck.ExpectKnownValue(testProfileName, tfjsonpath.New("vendor_information").AtMapKey("vendor"), knownvalue.StringExact("Microsoft")),
					// Our update is the newest entry: the emulator records the caller's client id and the time.
					profileValue("updated_by", knownvalue.StringExact(env.config.ClientID)),
					profileValue("updated_date_time", knownvalue.NotNull()),
					updatedAt.AddStateValue(testProfileName, tfjsonpath.New("updated_date_time")),
				},
				Check: env.journal(env.expectOnePatch(t, id,
					`{"assignedTo":"secops@contoso.com","comment":"Rollout planned for Q3","state":"Reviewed","vendorInformation":`+microsoftVendor+`}`)),
			},
			{
				PreConfig: env.resetJournal,
				Config:    step2,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testProfileName, plancheck.ResourceActionUpdate),
					// Values the PATCH does not change stay known in the plan.
					plancheck.ExpectKnownValue(testProfileName, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					plancheck.ExpectUnknownValue(testProfileName, tfjsonpath.New("updated_by")),
					plancheck.ExpectUnknownValue(testProfileName, tfjsonpath.New("updated_date_time")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					profileValue("state", knownvalue.StringExact("ThirdParty")),
					profileValue("comment", knownvalue.Null()),
					updatedAt.AddStateValue(testProfileName, tfjsonpath.New("updated_date_time")),
				},
				// comment left out: sent as "" and read back as null.
				Check: env.journal(env.expectOnePatch(t, id,
					`{"assignedTo":"secops@contoso.com","comment":"","state":"ThirdParty","vendorInformation":`+microsoftVendor+`}`)),
			},
			{Config: step2, ConfigPlanChecks: expectEmptyPlan()},
			{
				// Only on_destroy changes: an update whose plan has no unknowns and whose apply sends nothing.
				PreConfig: env.resetJournal,
				Config:    strings.Replace(step2, "state       = \"ThirdParty\"", "state       = \"ThirdParty\"\n  on_destroy  = \"keep\"", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testProfileName, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(testProfileName, tfjsonpath.New("updated_date_time"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(testProfileName, tfjsonpath.New("updated_by"), knownvalue.NotNull()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{profileValue("on_destroy", knownvalue.StringExact("keep")),
					profileValue("reset_on_destroy", knownvalue.Bool(false))},
				Check: env.journal(func() error {
					if w := env.writes(); len(w) != 0 {
						return fmt.Errorf("changing on_destroy sent %d writes, want none", len(w))
					}
					return nil
				}),
			},
			// Back to the default (restore), so destroy puts back the decision from before Terraform.
			{Config: step2, ConfigStateChecks: []statecheck.StateCheck{profileValue("on_destroy", knownvalue.StringExact("restore"))}},
		},
		CheckDestroy: func(*terraform.State) error {
			if err := env.expectEmulatorState(id, "Default")(); err != nil {
				return fmt.Errorf("after destroy: %w", err)
			}
			last, _ := env.emulatorProfileState(id)
			if last["assignedTo"] != "" || last["comment"] != "" {
				return fmt.Errorf("destroy left assignedTo %v, comment %v; want both cleared", last["assignedTo"], last["comment"])
			}
			return nil
		},
	})
}

// The deprecated reset_on_destroy = false still leaves the control alone on destroy: it is on_destroy = "keep".
func TestAccControlProfileResource_destroyWithoutReset(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	const id = "SigninRiskPolicy"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.profileConfig(`
  control_id       = "SigninRiskPolicy"
  state            = "Ignored"
  comment          = "Risk accepted: covered by the VPN's own MFA"
  reset_on_destroy = false`),
			ConfigStateChecks: []statecheck.StateCheck{profileValue("reset_on_destroy", knownvalue.Bool(false)),
				profileValue("on_destroy", knownvalue.StringExact("keep"))},
		}},
		CheckDestroy: func(*terraform.State) error {
			if err := env.expectEmulatorState(id, "Ignored")(); err != nil {
				return fmt.Errorf("reset_on_destroy = false must leave the control alone: %w", err)
			}
			return nil
		},
	})
}

func TestAccControlProfileResource_importCommand(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	cfg := env.profileConfig(`
  control_id  = "OneAdmin"
  state       = "Reviewed"
  assigned_to = "it@contoso.com"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			// An import records the control's current decision as its prior one (the create recorded the one before).
			{ResourceName: testProfileName, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"prior_decision"}},
			// <tenant>/<control_id> names the tenant.
			{ResourceName: testProfileName, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"prior_decision"},
				ImportStateId: env.tenantID(t) + "/OneAdmin"},
			{Config: cfg, ConfigPlanChecks: expectEmptyPlan()},
		},
	})
}

func TestAccControlProfileResource_importBlock(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	cfg := env.profileConfig(`
  control_id = "PWAgePolicyNew"
  state      = "ThirdParty"
  comment    = "Enforced by the identity provider"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			// The import block's plan must be a no-op import: nothing to change after importing.
			{
				Config: cfg, ResourceName: testProfileName, ImportState: true, ImportStateKind: resource.ImportBlockWithID,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// A control someone set in the portal, imported (CLI) into a fresh state: the matching configuration plans nothing,
// the import records the portal's decision as the prior one, and destroy leaves the control as it is: Terraform
// never changed it (issue 20 #2).
func TestAccControlProfileResource_importExistingThenEmptyPlan(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	const id = "IntegratedApps"
	if err := env.emu.PatchControlProfile(id, map[string]any{"state": "Reviewed", "assignedTo": "apps@contoso.com", "comment": "Checked"}); err != nil {
		t.Fatal(err)
	}
	cfg := env.profileConfig(`
  control_id  = "IntegratedApps"
  state       = "Reviewed"
  assigned_to = "apps@contoso.com"
  comment     = "Checked"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg, ResourceName: testProfileName, ImportState: true, ImportStateId: id, ImportStatePersist: true,
			},
			{Config: cfg, ConfigPlanChecks: expectEmptyPlan(), ConfigStateChecks: []statecheck.StateCheck{
				profileValue("control_id", knownvalue.StringExact(id)),
				profileValue("tenant_id", knownvalue.StringExact(env.tenantID(t))),
				profileValue("on_destroy", knownvalue.StringExact("restore")),
				profileValue("prior_decision", knownvalue.ObjectExact(map[string]knownvalue.Check{"state": knownvalue.StringExact("Reviewed"),
					"assigned_to": knownvalue.StringExact("apps@contoso.com"), "comment": knownvalue.StringExact("Checked")})),
			}},
			{Config: cfg, PreConfig: env.resetJournal, PlanOnly: true}, // the journal then holds only the destroy's requests
		},
		CheckDestroy: func(*terraform.State) error {
			if w := env.writes(); len(w) != 0 {
				return fmt.Errorf("destroy of a control Terraform never changed sent %d PATCH(es): %s", len(w), w[0].Body)
			}
			last, err := env.emulatorProfileState(id)
			if err != nil || last["state"] != "Reviewed" || last["assignedTo"] != "apps@contoso.com" || last["comment"] != "Checked" {
				return fmt.Errorf("after destroy: %v (%v), want the portal's decision kept", last, err)
			}
			return nil
		},
	})
}

func TestAccControlProfileResource_drift(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	const id = "UserRiskPolicy"
	cfg := env.profileConfig(`
  control_id = "UserRiskPolicy"
  state      = "ThirdParty"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					if err := env.emu.PatchControlProfile(id, map[string]any{"state": "Ignored", "comment": "changed in the portal"}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectNonEmptyPlan(),
					plancheck.ExpectResourceAction(testProfileName, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(testProfileName, tfjsonpath.New("state"), knownvalue.StringExact("ThirdParty")),
					plancheck.ExpectKnownValue(testProfileName, tfjsonpath.New("comment"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{profileValue("state", knownvalue.StringExact("ThirdParty"))},
				Check:             env.journal(env.expectEmulatorState(id, "ThirdParty")),
			},
			{Config: cfg, ConfigPlanChecks: expectEmptyPlan()},
		},
	})
}

func TestAccControlProfileResource_notFoundRemovesFromState(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	const id = "RoleOverlap"
	cfg := env.profileConfig(`
  control_id = "RoleOverlap"
  state      = "Reviewed"`)
	// The refresh drops the control after its 404; the plan to create it again then fails, because the tenant
	// no longer has it (issue 20 #14: before, the plan passed and the apply failed with a 404).
	steps := notFoundSteps(t, cfg, testProfileName, "DeleteControlProfile("+id+")", func() bool { return env.emu.DeleteControlProfile(id) })[:2]
	steps[1].ExpectNonEmptyPlan, steps[1].ExpectError = false, regexp.MustCompile(`(?s)Unknown control.*has no control "RoleOverlap"`)
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
}

func TestAccControlProfileResource_dottedID(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	const id = "11770.MDA_Google_EnableTwoFactorAuth"
	cfg := env.profileConfig(`
  control_id = "11770.MDA_Google_EnableTwoFactorAuth"
  state      = "ThirdParty"
  comment    = "Enforced in Google Workspace"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: env.resetJournal,
				Config:    cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					profileValue("id", knownvalue.StringExact(id)),
					profileValue("state", knownvalue.StringExact("ThirdParty")),
				},
				Check: env.journal(env.expectOnePatch(t, id,
					`{"assignedTo":"","comment":"Enforced in Google Workspace","state":"ThirdParty","vendorInformation":`+microsoftVendor+`}`)),
			},
			{ResourceName: testProfileName, ImportState: true, ImportStateId: id, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"prior_decision"}},
		},
		CheckDestroy: env.journal(env.expectEmulatorState(id, "Default")),
	})
}

func TestAccControlProfileResource_customVendorInformation(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	const id = "ASC_EndpointProtection"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.resetJournal,
			Config: env.profileConfig(`
  control_id = "ASC_EndpointProtection"
  state      = "ThirdParty"
  vendor_information = {
    provider         = "SecureScore"
    provider_version = "2"
    vendor           = "Microsoft"
  }`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(testProfileName, tfjsonpath.New("vendor_information").AtMapKey("provider_version"), knownvalue.StringExact("2")),
			},
			Check: env.journal(env.expectOnePatch(t, id,
				`{"assignedTo":"","comment":"","state":"ThirdParty","vendorInformation":{"provider":"SecureScore","providerVersion":"2","subProvider":null,"vendor":"Microsoft"}}`)),
		}},
	})
}

func TestAccControlProfileResource_invalidConfig(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	steps := []struct {
		body, err string
	}{
		{`  control_id = "AdminMFAV2"
  state      = "Resolved"`, `(?s)"Resolved" is not a control state; expected.*ThirdParty`},
		// Any case of a valid state is accepted (TestAccControlProfile_stateAnyCase); a misspelling is not.
		{`  control_id = "AdminMFAV2"
  state      = "third_party"`, `(?s)"third_party" is not a control state`},
		{`  control_id = "AdminMFAV2"`, `(?s)"state" is required`},
		{`  control_id = "AdminMFAV2"
  state      = "Reviewed"
  comment    = ""`, `(?s)comment: an empty string is not accepted`},
		{`  control_id = "AdminMFAV2"
  state      = "Reviewed"
  vendor_information = { provider = "SecureScore" }`, `(?s)vendor.*required`},
		{`  control_id = "AdminMFAV2"
  state      = "Reviewed"
  on_destroy = "delete"`, `(?s)on_destroy: "delete" is not accepted; expected "restore", "reset" or "keep"`},
		{`  control_id       = "AdminMFAV2"
  state            = "Reviewed"
  on_destroy       = "keep"
  reset_on_destroy = false`, `(?s)reset_on_destroy cannot be set together with on_destroy`},
		{`  control_id = "AdminMFAV2"
  tenant_id  = "not a tenant"
  state      = "Reviewed"`, `(?s)tenant_id: "not a tenant" is not accepted`},
	}
	var ts []resource.TestStep
	for _, s := range steps {
		ts = append(ts, resource.TestStep{Config: env.profileConfig(s.body), PlanOnly: true, ExpectError: regexp.MustCompile(s.err)})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: ts})
}

// A service that ignores Prefer answers the PATCH with 204: the resource then reads the profile once.
func TestAccControlProfileResource_noContentFallsBackToOneGet(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	target, _ := url.Parse(env.url)
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.Host = r.In.Host // the emulator accepts the scope of its own (client-facing) base URL
		r.Out.Header.Del("Prefer")
	}}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	env.url = srv.URL
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.resetJournal,
			Config: env.profileConfig(`
  control_id = "ASC_SecureTransferToStorage"
  state      = "Reviewed"`),
			ConfigStateChecks: []statecheck.StateCheck{
				profileValue("state", knownvalue.StringExact("Reviewed")),
				profileValue("updated_by", knownvalue.NotNull()),
			},
			Check: func(*terraform.State) error {
				var seq []string
				lists := 0
				for _, j := range env.emu.Journal() {
					switch {
					case j.Kind == "read" && strings.HasSuffix(j.Path, "/secureScoreControlProfiles"):
						lists++ // the plan's and the apply's listing
					case j.Kind == "read" || j.Kind == "write":
						seq = append(seq, fmt.Sprintf("%s %d", j.Method, j.Status))
					}
				}
				if strings.Join(seq, ",") != "PATCH 204,GET 200" || lists != 2 {
					return fmt.Errorf("requests %v and %d lists, want one PATCH answered 204 then one GET, and 2 lists", seq, lists)
				}
				return nil
			},
		}},
	})
}

// expectOnlyManagedProfileAttributes checks that resource name holds exactly the schema version 1 attributes:
// none of the catalog facts version 0 stored.
func expectOnlyManagedProfileAttributes(name string) statecheck.StateCheck {
	return onlyManagedProfileAttributes{name: name}
}

type onlyManagedProfileAttributes struct{ name string }

var _ statecheck.StateCheck = onlyManagedProfileAttributes{}

func (c onlyManagedProfileAttributes) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("no state")
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address != c.name {
			continue
		}
		var got []string
		for k := range r.AttributeValues {
			got = append(got, k)
		}
		slices.Sort(got)
		want := slices.Sorted(maps.Keys(controlProfileAttributes.typ.AttributeTypes))
		if !slices.Equal(got, want) || r.SchemaVersion != controlProfileSchemaVersion {
			resp.Error = fmt.Errorf("%s: schema version %d, attributes %v; want version %d, attributes %v", c.name, r.SchemaVersion, got, controlProfileSchemaVersion, want)
		}
		return
	}
	resp.Error = fmt.Errorf("%s not in state", c.name)
}

// A control marked ThirdParty earns its points: the current score read through the data source moves by the
// control's maxScore (BlockLegacyAuthentication is seeded unimplemented, worth 8).
func TestAccControlProfileResource_thirdPartyMovesCurrentScore(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	var before float64
	differ := statecheck.CompareValue(compare.ValuesDiffer())
	scorePath := tfjsonpath.New("current_score")
	dataOnly := env.providerBlock() + `data "securescore_secure_score" "test" {}`
	withControl := env.providerBlock() + `
resource "securescore_control_profile" "test" {
  control_id = "BlockLegacyAuthentication"
  state      = "ThirdParty"
  comment    = "Legacy authentication is blocked by the on-premises proxy"
}

data "securescore_secure_score" "test" {
  depends_on = [securescore_control_profile.test]
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            dataOnly,
				ConfigStateChecks: []statecheck.StateCheck{differ.AddStateValue(testScoreDataName, scorePath)},
				Check: func(s *terraform.State) error {
					v, err := scoreAttr(s, "current_score")
					before = v
					return err
				},
			},
			{
				Config: withControl,
				ConfigStateChecks: []statecheck.StateCheck{
					differ.AddStateValue(testScoreDataName, scorePath),
					profileValue("state", knownvalue.StringExact("ThirdParty")),
				},
				Check: func(s *terraform.State) error {
					after, err := scoreAttr(s, "current_score")
					if err != nil {
						return err
					}
					if got := after - before; got < 7.995 || got > 8.005 {
						return fmt.Errorf("current score moved from %v to %v (by %v), want +8", before, after, got)
					}
					return nil
				},
			},
		},
	})
}

func scoreAttr(s *terraform.State, attr string) (float64, error) {
	r, ok := s.RootModule().Resources[testScoreDataName]
	if !ok {
		return 0, fmt.Errorf("%s not in state", testScoreDataName)
	}
	return strconv.ParseFloat(r.Primary.Attributes[attr], 64)
}
