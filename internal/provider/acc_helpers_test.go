package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

const testResourceName = "securescore_secure_score.test"

// testAccProtoV6ProviderFactories serves the provider in-process, so tests need no built binary and no download.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"securescore": func() (tfprotov6.ProviderServer, error) { return NewProtocol6Server("test")(), nil },
}

// TestMain pins the terraform binary for acceptance tests: terraform-plugin-testing would otherwise download one
// when none is on PATH, and acceptance tests must never download anything.
func TestMain(m *testing.M) {
	_ = os.Setenv("CHECKPOINT_DISABLE", "1")
	if os.Getenv("TF_ACC") != "" {
		pinProviderAddress()
		if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p == "" {
			found, err := exec.LookPath("terraform")
			if err != nil {
				fmt.Fprintln(os.Stderr, "FATAL: TF_ACC is set but terraform was not found on PATH (or TF_ACC_TERRAFORM_PATH); acceptance tests cannot run.")
				os.Exit(1)
			}
			abs, _ := filepath.Abs(found)
			_ = os.Setenv("TF_ACC_TERRAFORM_PATH", abs)
		}
		// A CLI config file that does not exist must not leak a user's settings or break runs: use an empty one.
		if p := os.Getenv("TF_CLI_CONFIG_FILE"); p == "" || !fileExists(p) {
			dir, err := os.MkdirTemp("", "securescore-tfcli-")
			if err != nil {
				fmt.Fprintln(os.Stderr, "FATAL:", err)
				os.Exit(1)
			}
			cfg := filepath.Join(dir, "terraformrc")
			if err := os.WriteFile(cfg, []byte("# written by the securescore acceptance tests\n"), 0o600); err != nil {
				fmt.Fprintln(os.Stderr, "FATAL:", err)
				os.Exit(1)
			}
			_ = os.Setenv("TF_CLI_CONFIG_FILE", cfg)
			code := m.Run()
			_ = os.RemoveAll(dir)
			os.Exit(code)
		}
	}
	os.Exit(m.Run())
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// realTenant reports whether acceptance tests target a real tenant: credentials in ARM_* and no ARM_GRAPH_ENDPOINT.
func realTenant() bool {
	return os.Getenv(envTenantID) != "" && os.Getenv(envClientID) != "" && os.Getenv(envClientSecret) != "" &&
		os.Getenv(envGraphEndpoint) == ""
}

// accEnv is where one acceptance test runs: an in-process emulator (emu != nil) or a real tenant (emu == nil).
type accEnv struct {
	emu    *emulator.Emulator
	url    string
	config emulator.Config
}

// newAccEnv starts a fresh emulator for the test (unless a real tenant is targeted) and stops it at cleanup.
func newAccEnv(t *testing.T, cfg emulator.Config) *accEnv {
	t.Helper()
	if realTenant() {
		return &accEnv{}
	}
	emu, err := emulator.New(cfg)
	if err != nil {
		t.Fatalf("emulator.New: %v", err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { expectNoLimitRefusals(t, emu) })
	return &accEnv{emu: emu, url: srv.URL, config: emu.Config()}
}

// expectNoLimitRefusals fails the test if the emulator answered any request 429 for one of Graph's limits (it
// enforces them in every acceptance test): the provider must live within them. Injected 429s do not count.
func expectNoLimitRefusals(t *testing.T, emu *emulator.Emulator) {
	t.Helper()
	if emu.Config().Limits.Off {
		return
	}
	if got := emu.LimitRefusals(); len(got) > 0 {
		var paths []string
		for _, j := range emu.Journal() {
			if j.Status == http.StatusTooManyRequests && j.Limit != emulator.LimitFault && len(paths) < 5 {
				paths = append(paths, j.Method+" "+j.Path+" ("+j.Limit+")")
			}
		}
		t.Errorf("the emulator answered 429 for Graph's limits %v; the provider must stay within them. First: %v", got, paths)
	}
}

// needsEmulator skips a test (or a test's journal assertions) that can only be checked against the emulator.
func (e *accEnv) needsEmulator(t *testing.T) {
	t.Helper()
	if e.emu == nil {
		t.Skip("this test manipulates the emulator's state or journal; skipped against a real tenant")
	}
}

// providerBlock points the provider at the emulator; against a real tenant it is empty and ARM_* apply.
func (e *accEnv) providerBlock() string {
	return e.providerBlockWithSecret(e.config.ClientSecret)
}

// providerBlockWithSecret is providerBlock with another secret; "" leaves client_secret to ARM_CLIENT_SECRET.
func (e *accEnv) providerBlockWithSecret(secret string) string {
	secretLine := ""
	if secret != "" {
		secretLine = fmt.Sprintf("  client_secret  = %q\n", secret)
	}
	if e.emu == nil {
		return requiredProviders + "provider \"securescore\" {\n" + secretLine + "}\n"
	}
	return requiredProviders + fmt.Sprintf(`provider "securescore" {
  tenant_id      = %q
  client_id      = %q
%s  graph_endpoint = %q
  authority_host = %q
}
`, e.config.TenantID, e.config.ClientID, secretLine, e.url, e.url)
}

// currentID is the id the collection PATCH will update: the tenant's current secure score.
func (e *accEnv) currentID(t *testing.T) string {
	t.Helper()
	if e.emu != nil {
		return e.emu.CurrentSecureScoreID()
	}
	s, diags := resolveSettings(securescoreProviderModelV0{}, os.Getenv)
	if diags.HasError() {
		t.Fatalf("real tenant settings: %v", diags)
	}
	data, err := newProviderData(s, "terraform-provider-securescore/acctest")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	list, err := data.client.ListSecureScores(ctx, graph.ListOptions{Top: 1, Limit: 1})
	if err != nil || len(list.Value) == 0 {
		t.Fatalf("listing the current secure score: %v", err)
	}
	return list.Value[0].ID
}

// reads returns the journal's Graph reads (GET requests).
func (e *accEnv) reads() []emulator.JournalEntry { return e.journalOf("read") }

// writes returns the journal's Graph writes (PATCH requests).
func (e *accEnv) writes() []emulator.JournalEntry { return e.journalOf("write") }

// journalOf returns the journal's entries of kind, in order.
func (e *accEnv) journalOf(kind string) []emulator.JournalEntry {
	var out []emulator.JournalEntry
	for _, j := range e.emu.Journal() {
		if j.Kind == kind {
			out = append(out, j)
		}
	}
	return out
}

// patchBody decodes a journaled request body.
func patchBody(t *testing.T, j emulator.JournalEntry) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(j.Body), &m); err != nil {
		t.Fatalf("journal body %q: %v", j.Body, err)
	}
	return m
}

func bodyKeys(m map[string]json.RawMessage) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

// notFoundSteps applies cfg, deletes the object behind Terraform's back (remove reports whether it existed; what
// names the call), and checks that a refresh drops name from state after the 404 and the next plan creates it.
func notFoundSteps(t *testing.T, cfg, name, what string, remove func() bool) []resource.TestStep {
	return []resource.TestStep{
		{Config: cfg},
		{
			PreConfig: func() {
				if !remove() {
					t.Fatalf("%s found nothing", what)
				}
			},
			RefreshState:       true,
			ExpectNonEmptyPlan: true,
			Check: func(s *terraform.State) error {
				if _, ok := s.RootModule().Resources[name]; ok {
					return fmt.Errorf("%s is still in state after a 404", name)
				}
				return nil
			},
		},
		{
			Config:             cfg,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(name, plancheck.ResourceActionCreate),
			}},
		},
	}
}

// tenantID is the tenant the tests sign in to: the secure score resource's id.
func (e *accEnv) tenantID(t *testing.T) string {
	t.Helper()
	if e.emu != nil {
		return e.config.TenantID
	}
	return os.Getenv(envTenantID)
}
