package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// config is the provider block plus one securescore_secure_score "test" with body.
func (e *accEnv) resourceConfig(body string) string {
	return e.providerBlock() + "\nresource \"securescore_secure_score\" \"test\" {\n" + body + "\n}\n"
}

// journal runs fn against the emulator journal; against a real tenant the journal assertions are skipped.
func (e *accEnv) journal(fn func() error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if e.emu == nil {
			return nil
		}
		return fn()
	}
}

func (e *accEnv) resetJournal() {
	if e.emu != nil {
		e.emu.ResetJournal()
	}
}

// emulatorPatch changes the emulator's stored score as another actor would (drift); only used in emulator-only tests.
func (e *accEnv) emulatorPatch(t *testing.T, id string, props map[string]any) func() {
	return func() {
		if err := e.emu.PatchSecureScore(id, props); err != nil {
			t.Fatalf("PatchSecureScore: %v", err)
		}
	}
}

func expectEmptyPlan() resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
}

func stateValue(attr string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(testResourceName, tfjsonpath.New(attr), v)
}

func TestAccSecureScoreResource_create(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	id := env.currentID(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.resetJournal,
			Config: env.resourceConfig(`
  active_user_count   = 15
  licensed_user_count = 20
  enabled_services    = ["HasExchange", "HasSharePoint"]
  vendor_information = {
    provider = "SecureScore"
    vendor   = "Microsoft"
  }`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(testResourceName, plancheck.ResourceActionCreate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				stateValue("id", knownvalue.StringExact(env.tenantID(t))),
				stateValue("snapshot_id", knownvalue.StringExact(id)),
				stateValue("active_user_count", knownvalue.Int32Exact(15)),
				stateValue("licensed_user_count", knownvalue.Int32Exact(20)),
				stateValue("enabled_services", knownvalue.SetExact([]knownvalue.Check{
					knownvalue.StringExact("HasExchange"), knownvalue.StringExact("HasSharePoint"),
				})),
				statecheck.ExpectKnownValue(testResourceName, tfjsonpath.New("vendor_information").AtMapKey("vendor"), knownvalue.StringExact("Microsoft")),
				stateValue("azure_tenant_id", knownvalue.NotNull()),
				stateValue("created_date_time", knownvalue.NotNull()),
				stateValue("control_scores", knownvalue.NotNull()),
			},
			Check: env.journal(func() error {
				var writes, reads int
				var token *emulator.JournalEntry
				for _, j := range env.emu.Journal() {
					switch j.Kind {
					case "write":
						writes++
						if j.Method != http.MethodPatch || !strings.HasSuffix(strings.ToLower(j.Path), "/beta/security/securescores") {
							return fmt.Errorf("create sent %s %s, want PATCH /beta/security/secureScores", j.Method, j.Path)
						}
						var body map[string]json.RawMessage
						if err := json.Unmarshal([]byte(j.Body), &body); err != nil {
							return err
						}
						if got := bodyKeys(body); got != "@odata.type,activeUserCount,enabledServices,licensedUserCount,vendorInformation" {
							return fmt.Errorf("create PATCH carried %s", got)
						}
						if string(body["@odata.type"]) != `"#microsoft.graph.secureScore"` {
							return fmt.Errorf("@odata.type = %s", body["@odata.type"])
						}
					case "read":
						reads++
					case "token":
						j := j
						token = &j
					}
				}
				if writes != 1 || reads != 0 {
					return fmt.Errorf("create made %d writes and %d reads, want one PATCH and no GET", writes, reads)
				}
				if token == nil || !strings.Contains(token.Body, "scope="+url.QueryEscape("https://graph.microsoft.com/.default")) {
					return fmt.Errorf("token request did not ask for the global Graph scope: %+v", token)
				}
				return nil
			}),
		}},
		CheckDestroy: env.journal(func() error {
			for _, j := range env.emu.Journal() {
				if j.Kind == "write" && j.Method != http.MethodPatch || j.Method == http.MethodDelete {
					return fmt.Errorf("destroy sent %s %s", j.Method, j.Path)
				}
			}
			if _, ok := env.emu.SecureScore(id); !ok {
				return fmt.Errorf("secure score %s disappeared from the emulator after destroy", id)
			}
			return nil
		}),
	})
}

func TestAccSecureScoreResource_updateSendsOnlyChangedFields(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	body := func(active int, services string) string {
		return fmt.Sprintf(`
  active_user_count   = %d
  licensed_user_count = 20
  enabled_services    = %s`, active, services)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: env.resourceConfig(body(15, `["HasExchange"]`))},
			{
				PreConfig: env.resetJournal,
				Config:    env.resourceConfig(body(16, `["HasExchange", "HasOD4B"]`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testResourceName, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("active_user_count", knownvalue.Int32Exact(16)),
					stateValue("licensed_user_count", knownvalue.Int32Exact(20)),
					stateValue("enabled_services", knownvalue.SetSizeExact(2)),
				},
				Check: env.journal(func() error {
					w := env.writes()
					if len(w) != 1 {
						return fmt.Errorf("update made %d writes, want 1", len(w))
					}
					if w[0].Method != http.MethodPatch || w[0].Path != "/beta/security/secureScores" {
						return fmt.Errorf("update sent %s %s, want the collection PATCH /beta/security/secureScores", w[0].Method, w[0].Path)
					}
					if got := bodyKeys(patchBody(t, w[0])); got != "@odata.type,activeUserCount,enabledServices" {
						return fmt.Errorf("update PATCH carried %s, want only the changed activeUserCount and enabledServices", got)
					}
					return nil
				}),
			},
		},
	})
}

// A changed collection is sent whole, and the properties Graph holds beyond the schema survive it.
func TestAccSecureScoreResource_updateCollectionKeepsUnmodelledProperties(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	id := env.currentID(t)
	seed := env.emulatorPatch(t, id, map[string]any{
		"controlScores": []any{
			map[string]any{"controlCategory": "Identity", "controlName": "MFARegistrationV2", "description": "Require MFA registration",
				"score": 9.0, "scoreInPercentage": 90.0, "on": "true", "count": "9", "total": "10", "lastSynced": "2024-01-10T00:00:00Z", "implementationStatus": ""},
			map[string]any{"controlCategory": "Data", "controlName": "DLPEnabled", "description": "Turn on DLP",
				"score": 1.0, "scoreInPercentage": 10.0, "on": "false"},
		},
		"averageComparativeScores": []any{
			map[string]any{"basis": "AllTenants", "averageScore": 37.5, "identityScore": 11.2, "identityScoreMax": 30.0},
			map[string]any{"basis": "TotalSeats", "averageScore": 40.1, "SeatSizeRangeLowerValue": "1", "SeatSizeRangeUpperValue": "100"},
		},
	})
	cfg := func(mfa, seats string) string {
		return env.resourceConfig(fmt.Sprintf(`
  control_scores = [
    { control_name = "MFARegistrationV2", score = %s },
    { control_name = "DLPEnabled" },
  ]
  average_comparative_scores = [
    { basis = "AllTenants" },
    { basis = "TotalSeats", average_score = %s },
  ]`, mfa, seats))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{PreConfig: seed, Config: cfg("9", "40.1")},
			{
				PreConfig: env.resetJournal,
				Config:    cfg("10", "41"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testResourceName, tfjsonpath.New("control_scores").AtSliceIndex(0).AtMapKey("score"), knownvalue.Float64Exact(10)),
					statecheck.ExpectKnownValue(testResourceName, tfjsonpath.New("control_scores").AtSliceIndex(1).AtMapKey("description"), knownvalue.StringExact("Turn on DLP")),
				},
				Check: func(*terraform.State) error {
					w := env.writes()
					if len(w) != 1 {
						return fmt.Errorf("update made %d writes, want 1", len(w))
					}
					if got := bodyKeys(patchBody(t, w[0])); got != "@odata.type,averageComparativeScores,controlScores" {
						return fmt.Errorf("update PATCH carried %s", got)
					}
					stored, _ := env.emu.SecureScore(id)
					raw, _ := json.Marshal(stored)
					for _, want := range []string{`"scoreInPercentage":90`, `"on":"true"`, `"count":"9"`, `"total":"10"`, `"lastSynced":"2024-01-10T00:00:00Z"`,
						`"implementationStatus":""`, `"scoreInPercentage":10`, `"on":"false"`, `"identityScoreMax":30`, `"SeatSizeRangeLowerValue":"1"`, `"SeatSizeRangeUpperValue":"100"`,
						`"description":"Require MFA registration"`} {
						if !strings.Contains(string(raw), want) {
							return fmt.Errorf("emulator lost %s after the collection PATCH: %s", want, raw)
						}
					}
					return nil
				},
			},
			{Config: cfg("10", "41"), ConfigPlanChecks: expectEmptyPlan()},
		},
	})
}

func TestAccSecureScoreResource_importCommand(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	cfg := env.resourceConfig(`  licensed_user_count = 42`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{ResourceName: testResourceName, ImportState: true, ImportStateVerify: true},
		},
	})
}

func TestAccSecureScoreResource_importBlock(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	cfg := env.resourceConfig(`  licensed_user_count = 43`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			// The import block's plan must be a no-op import: state after import holds every property.
			{Config: cfg, ResourceName: testResourceName, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
		},
	})
}

// Import into a fresh state, then a configuration that matches the tenant plans no changes.
func TestAccSecureScoreResource_importThenEmptyPlan(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	id := env.currentID(t)
	body := ""
	if env.emu != nil {
		stored, _ := env.emu.SecureScore(id)
		raw, _ := json.Marshal(stored)
		var s struct {
			ActiveUserCount *int     `json:"activeUserCount"`
			EnabledServices []string `json:"enabledServices"`
		}
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatal(err)
		}
		if s.ActiveUserCount != nil {
			body += fmt.Sprintf("  active_user_count = %d\n", *s.ActiveUserCount)
		}
		services, _ := json.Marshal(s.EnabledServices)
		if s.EnabledServices != nil {
			body += fmt.Sprintf("  enabled_services = %s\n", services)
		}
	}
	cfg := env.resourceConfig(body)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, ResourceName: testResourceName, ImportState: true, ImportStateId: id, ImportStatePersist: true,
				ImportStateCheck: func(s []*terraform.InstanceState) error {
					// Imported by snapshot id: mapped to its tenant.
					if len(s) != 1 || s[0].ID != env.tenantID(t) || s[0].Attributes["snapshot_id"] != id {
						return fmt.Errorf("imported %d instances (%v), want id %s and snapshot_id %s", len(s), s, env.tenantID(t), id)
					}
					for _, attr := range []string{"azure_tenant_id", "created_date_time", "vendor_information.vendor"} {
						if s[0].Attributes[attr] == "" {
							return fmt.Errorf("imported state lacks %s: %v", attr, s[0].Attributes)
						}
					}
					return nil
				}},
			{Config: cfg, ConfigPlanChecks: expectEmptyPlan()},
		},
	})
}

func TestAccSecureScoreResource_driftIsPlannedAndFixed(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	id := env.currentID(t)
	cfg := env.resourceConfig(`  active_user_count = 15`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: env.emulatorPatch(t, id, map[string]any{"activeUserCount": 99}),
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectNonEmptyPlan(),
					plancheck.ExpectResourceAction(testResourceName, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(testResourceName, tfjsonpath.New("active_user_count"), knownvalue.Int32Exact(15)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{stateValue("active_user_count", knownvalue.Int32Exact(15))},
				Check: func(*terraform.State) error {
					stored, _ := env.emu.SecureScore(id)
					if fmt.Sprint(stored["activeUserCount"]) != "15" {
						return fmt.Errorf("emulator activeUserCount = %v after apply, want 15", stored["activeUserCount"])
					}
					return nil
				},
			},
		},
	})
}

// The resource follows the tenant's score across days: a new day's snapshot is read at refresh (id unchanged,
// snapshot_id moves), an update PATCHes the collection, and yesterday's snapshot going away changes nothing.
func TestAccSecureScoreResource_followsNewestSnapshot(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	first := env.currentID(t)
	var next string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            env.resourceConfig(`  active_user_count = 15`),
				ConfigStateChecks: []statecheck.StateCheck{stateValue("snapshot_id", knownvalue.StringExact(first))},
			},
			{
				PreConfig: func() {
					var err error
					if next, err = env.emu.NextSecureScoreDay(); err != nil {
						t.Fatal(err)
					}
					env.emu.DeleteSecureScore(first) // the day the resource was created ages out
					env.resetJournal()
				},
				Config: env.resourceConfig(`  active_user_count = 16`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testResourceName, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("id", knownvalue.StringExact(env.tenantID(t))),
					stateValue("active_user_count", knownvalue.Int32Exact(16)),
				},
				Check: func(s *terraform.State) error {
					if got := s.RootModule().Resources[testResourceName].Primary.Attributes["snapshot_id"]; got != next {
						return fmt.Errorf("snapshot_id %s, want the new day's %s", got, next)
					}
					var reads []string
					for _, j := range env.emu.Journal() {
						switch j.Kind {
						case "read":
							reads = append(reads, j.Path+"?"+j.Query)
						case "write":
							if j.Path != "/beta/security/secureScores" {
								return fmt.Errorf("update sent PATCH %s, want the collection", j.Path)
							}
						}
					}
					if len(reads) == 0 || reads[0] != "/v1.0/security/secureScores?$top=1" {
						return fmt.Errorf("refresh read %v, want the newest score with $top=1 on v1.0", reads)
					}
					stored, _ := env.emu.SecureScore(next)
					if fmt.Sprint(stored["activeUserCount"]) != "16" {
						return fmt.Errorf("the new day's score holds activeUserCount %v, want 16", stored["activeUserCount"])
					}
					return nil
				},
			},
		},
	})
}

func TestAccSecureScoreResource_throttledCreateSucceeds(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				env.emu.ResetJournal()
				env.emu.SetFaults(emulator.Faults{Throttle: 2, RetryAfter: "0.2"})
			},
			Config:            env.resourceConfig(`  active_user_count = 21`),
			ConfigStateChecks: []statecheck.StateCheck{stateValue("active_user_count", knownvalue.Int32Exact(21))},
			Check: func(*terraform.State) error {
				var statuses []int
				for _, j := range env.emu.Journal() {
					if j.Method == http.MethodPatch {
						statuses = append(statuses, j.Status)
					}
				}
				if len(statuses) != 3 || statuses[0] != http.StatusTooManyRequests || statuses[1] != http.StatusTooManyRequests || statuses[2] != http.StatusOK {
					return fmt.Errorf("PATCH statuses %v, want [429 429 200]", statuses)
				}
				return nil
			},
		}},
	})
}

func TestAccSecureScoreResource_timeoutBoundsRetries(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() { env.emu.SetFaults(emulator.Faults{Throttle: 100, RetryAfter: "30"}) },
			Config: env.resourceConfig(`
  active_user_count = 22
  timeouts {
    create = "5s"
  }`),
			ExpectError: regexp.MustCompile(`(?is)unable to update the secure score.*(retry|deadline|time)`),
		}},
	})
}

func TestAccSecureScoreResource_wrongSecret(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      env.providerBlockWithSecret("definitely-not-the-secret") + "resource \"securescore_secure_score\" \"test\" {\n  active_user_count = 1\n}\n",
			ExpectError: regexp.MustCompile(`AADSTS7000215`),
		}},
	})
}

func TestAccSecureScoreResource_invalidConfig(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	withProvider := func(attr string) string {
		return requiredProviders + fmt.Sprintf("provider \"securescore\" {\n  %s\n}\nresource \"securescore_secure_score\" \"test\" {}\n", attr)
	}
	steps := []struct {
		config string
		err    string
	}{
		{withProvider(`environment = "mars"`), `(?s)environment.*value must be one of.*usgovernmentl5`},
		{withProvider(`api_version = "v2.0"`), `(?s)api_version.*value must be one of.*beta`},
		{withProvider(`graph_endpoint = "http://graph.example.com"`), `(?s)plain http:// is allowed only for\s+loopback`},
		{withProvider(`authority_host = "login.microsoftonline.com"`), `(?s)expected an absolute URL`},
		{withProvider(`client_id = "my-app"`), `(?s)expected a GUID`},
		{withProvider(`tenant_id = "not a tenant"`), `(?s)expected a tenant GUID`},
		{env.resourceConfig(`  active_user_count = -1`), `(?s)active_user_count.*must be at least 0`},
		{env.resourceConfig(`  created_date_time = "yesterday"`), `(?s)Invalid RFC3339 String Value`},
		{env.resourceConfig(`  control_scores = [{ control_name = "A" }, { control_name = "A" }]`), `Duplicate control_name`},
		{env.resourceConfig(`  control_scores = [{ score = 1 }]`), `(?s)control_name.*is required`},
	}
	var ts []resource.TestStep
	for _, s := range steps {
		ts = append(ts, resource.TestStep{Config: s.config, PlanOnly: true, ExpectError: regexp.MustCompile(s.err)})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: ts})
}

// Not parallel: it clears the credential environment variables.
func TestAccSecureScoreResource_missingCredentials(t *testing.T) {
	for _, v := range []string{envTenantID, envClientID, envClientSecret} {
		t.Setenv(v, "")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      requiredProviders + "provider \"securescore\" {}\nresource \"securescore_secure_score\" \"test\" {}\n",
			ExpectError: regexp.MustCompile(`(?s)Missing credentials.*tenant_id \(or ARM_TENANT_ID\).*client_id \(or\s+ARM_CLIENT_ID\).*client_secret \(or\s+ARM_CLIENT_SECRET\)`),
		}},
	})
}

// A credential known only after apply: plan succeeds without a client, apply configures it and creates.
func TestAccSecureScoreResource_unknownProviderConfig(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	cfg := requiredProviders + fmt.Sprintf(`
resource "terraform_data" "secret" {
  input = %q
}
provider "securescore" {
  tenant_id      = %q
  client_id      = %q
  client_secret  = terraform_data.secret.output
  graph_endpoint = %q
  authority_host = %q
}
resource "securescore_secure_score" "test" {
  active_user_count = 23
}
`, env.config.ClientSecret, env.config.TenantID, env.config.ClientID, env.url, env.url)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            cfg,
			ConfigStateChecks: []statecheck.StateCheck{stateValue("active_user_count", knownvalue.Int32Exact(23))},
		}},
	})
}

func TestAccSecureScoreResource_noDiffExtraProperties(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	id := env.currentID(t)
	cfg := env.resourceConfig(`
  control_scores = [
    { control_name = "AdminMFAV2", control_category = "Identity", description = "MFA for admins", score = 10 },
  ]`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				// The service adds dynamic properties to open types, at the top and inside elements.
				PreConfig: env.emulatorPatch(t, id, map[string]any{
					"controlScores": []any{map[string]any{
						"controlName": "AdminMFAV2", "controlCategory": "Identity", "description": "MFA for admins", "score": 10,
						"scoreInPercentage": 100, "on": "true", "count": "2", "total": "2", "lastSynced": "2024-01-10T00:00:00Z",
					}},
					"someNewProperty": "added by the service",
				}),
				Config:           cfg,
				ConfigPlanChecks: expectEmptyPlan(),
			},
		},
	})
}

func TestAccSecureScoreResource_noDiffDateTimePrecisionOrOffset(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	id := env.currentID(t)
	stored, _ := env.emu.SecureScore(id)
	created, err := time.Parse(time.RFC3339Nano, fmt.Sprint(stored["createdDateTime"]))
	if err != nil {
		t.Fatalf("emulator createdDateTime %v: %v", stored["createdDateTime"], err)
	}
	// createdDateTime is read-only on the service: the configuration names the same instant, written in +03:00
	// with seven fractional digits (the seed's style).
	configured := created.In(time.FixedZone("", 3*3600)).Format("2006-01-02T15:04:05.0000000Z07:00")
	cfg := env.resourceConfig(fmt.Sprintf("  created_date_time = %q", configured))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{stateValue("created_date_time", knownvalue.StringExact(configured))}},
			{
				// The service now writes the same instant in UTC with twelve fractional digits.
				PreConfig:        env.emulatorPatch(t, id, map[string]any{"createdDateTime": created.UTC().Format("2006-01-02T15:04:05") + ".000000000000Z"}),
				Config:           cfg,
				ConfigPlanChecks: expectEmptyPlan(),
			},
		},
	})
}

func TestAccSecureScoreResource_noDiffWholeNumberDouble(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	id := env.currentID(t)
	cfg := env.resourceConfig(`
  current_score = 863
  max_score     = 1000.0`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{stateValue("current_score", knownvalue.Float64Exact(863))}},
			{
				// The service writes whole doubles as 863.0.
				PreConfig:        env.emulatorPatch(t, id, map[string]any{"currentScore": json.Number("863.0"), "maxScore": json.Number("1000")}),
				Config:           cfg,
				ConfigPlanChecks: expectEmptyPlan(),
			},
		},
	})
}

func TestAccSecureScoreResource_noDiffEnabledServicesOrder(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	id := env.currentID(t)
	cfg := env.resourceConfig(`  enabled_services = ["HasExchange", "HasSharePoint", "HasOD4B"]`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig:        env.emulatorPatch(t, id, map[string]any{"enabledServices": []string{"HasOD4B", "HasSharePoint", "HasExchange"}}),
				Config:           cfg,
				ConfigPlanChecks: expectEmptyPlan(),
			},
		},
	})
}

func TestAccSecureScoreResource_noDiffLeftOutAttribute(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	id := env.currentID(t)
	cfg := env.resourceConfig(`  active_user_count = 24`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{
				stateValue("max_score", knownvalue.NotNull()),
				stateValue("licensed_user_count", knownvalue.NotNull()),
			}},
			{
				// The service changes attributes the configuration leaves out: refreshed into state, never a diff.
				PreConfig:        env.emulatorPatch(t, id, map[string]any{"maxScore": 999.5, "licensedUserCount": 77}),
				Config:           cfg,
				ConfigPlanChecks: expectEmptyPlan(),
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("max_score", knownvalue.Float64Exact(999.5)),
					stateValue("licensed_user_count", knownvalue.Int32Exact(77)),
				},
			},
		},
	})
}

func TestAccSecureScoreResource_nonFiniteDoubleBecomesNull(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	id := env.currentID(t)
	cfg := env.resourceConfig(`  active_user_count = 25`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig:         env.emulatorPatch(t, id, map[string]any{"currentScore": "NaN", "maxScore": "INF"}),
				Config:            cfg,
				ConfigPlanChecks:  expectEmptyPlan(),
				ConfigStateChecks: []statecheck.StateCheck{stateValue("current_score", knownvalue.Null()), stateValue("max_score", knownvalue.Null())},
			},
		},
	})
}

// api_version, when set, applies to every operation: the secureScores PATCH (beta by default) goes to v1.0 too.
func TestAccSecureScoreResource_apiVersionAppliesToAll(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	cfg := strings.Replace(env.resourceConfig(`  active_user_count = 17`), "provider \"securescore\" {\n", "provider \"securescore\" {\n  api_version = \"v1.0\"\n", 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.resetJournal,
			Config:    cfg,
			Check: func(*terraform.State) error {
				for _, j := range env.emu.Journal() {
					if (j.Kind == "read" || j.Kind == "write") && !strings.HasPrefix(j.Path, "/v1.0/") {
						return fmt.Errorf("%s %s did not use api_version v1.0", j.Method, j.Path)
					}
				}
				if len(env.writes()) != 1 {
					return fmt.Errorf("%d writes, want 1", len(env.writes()))
				}
				return nil
			},
		}},
	})
}
