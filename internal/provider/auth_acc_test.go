package provider

// Acceptance tests for every sign-in method, through terraform against the in-process emulator. Each test sets
// the sign-in environment explicitly (t.Setenv), so nothing ambient is used and no request leaves loopback:
// managed identity always points at the emulator, never at 169.254.169.254.

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// authEnvVars are every variable the sign-in methods read; each test starts with all of them empty.
var authEnvVars = []string{
	envTenantID, envClientID, envClientSecret, "ARM_CLIENT_ID_FILE_PATH", "ARM_CLIENT_SECRET_FILE_PATH",
	"ARM_CLIENT_CERTIFICATE", "ARM_CLIENT_CERTIFICATE_PATH", "ARM_CLIENT_CERTIFICATE_PASSWORD",
	"ARM_USE_OIDC", "ARM_OIDC_TOKEN", "ARM_OIDC_TOKEN_FILE_PATH", "AZURE_FEDERATED_TOKEN_FILE",
	"ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL", "ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
	"ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", "ARM_OIDC_AZURE_SERVICE_CONNECTION_ID", "SYSTEM_ACCESSTOKEN", "SYSTEM_OIDCREQUESTURI",
	"ARM_USE_MSI", "ARM_MSI_ENDPOINT", "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT", "MSI_SECRET",
	"ARM_USE_CLI", envEnvironment, envGraphEndpoint, envAuthorityHost,
	envUseAKSWorkloadIdentity, envAzureClientID, envAzureTenantID, envAzureAuthorityHost,
}

// authAccEnv starts an emulator for a sign-in test and clears the sign-in environment.
func authAccEnv(t *testing.T, cfg emulator.Config) *accEnv {
	t.Helper()
	for _, v := range authEnvVars {
		t.Setenv(v, "")
	}
	emu, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return &accEnv{emu: emu, url: srv.URL, config: emu.Config()}
}

// authConfig is a provider block aimed at the emulator with the given sign-in lines, and a data source that
// makes one Graph call.
func (e *accEnv) authConfig(lines string) string {
	return requiredProviders + fmt.Sprintf(`provider "securescore" {
  graph_endpoint = %q
  authority_host = %q
%s
}

data "securescore_secure_score" "current" {}
`, e.url, e.url, lines)
}

// signedInStep checks that the data source read the current score, i.e. the token was accepted by Graph.
func (e *accEnv) signedInStep(lines string, checks ...resource.TestCheckFunc) resource.TestStep {
	return resource.TestStep{
		Config: e.authConfig(lines),
		Check: resource.ComposeAggregateTestCheckFunc(append([]resource.TestCheckFunc{
			resource.TestCheckResourceAttr("data.securescore_secure_score.current", "id", e.emu.CurrentSecureScoreID()),
		}, checks...)...),
	}
}

// tokenRequest finds a journaled token request to path containing every fragment.
func (e *accEnv) tokenRequest(path string, fragments ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, j := range e.emu.Journal() {
			if j.Kind != "token" || !strings.HasSuffix(j.Path, path) || j.Status != 200 {
				continue
			}
			all := true
			for _, f := range fragments {
				all = all && strings.Contains(j.Path+"?"+j.Query+" "+j.Body, f)
			}
			if all {
				return nil
			}
		}
		return fmt.Errorf("no successful token request to %s with %q in the journal", path, fragments)
	}
}

func runAuthTest(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

var (
	accKeyOnce sync.Once
	accKey     *rsa.PrivateKey
	errAccKey  error
)

// accCertificate makes an RSA certificate valid now (the emulator's default clock is the real one).
func accCertificate(t *testing.T) (*rsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	accKeyOnce.Do(func() { accKey, errAccKey = rsa.GenerateKey(rand.Reader, 2048) })
	if errAccKey != nil {
		t.Fatal(errAccKey)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "securescore-acc"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &accKey.PublicKey, accKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return accKey, cert
}

func TestAccAuth_clientSecretFiles(t *testing.T) {
	env := authAccEnv(t, emulator.Config{})
	idFile := writeFile(t, "client-id", []byte(env.config.ClientID+"\n"))
	secretFile := writeFile(t, "client-secret", []byte(env.config.ClientSecret+"\n"))
	t.Setenv("ARM_CLIENT_SECRET_FILE_PATH", secretFile)
	runAuthTest(t, env.signedInStep(fmt.Sprintf("  tenant_id = %q\n  client_id_file_path = %q", env.config.TenantID, idFile),
		env.tokenRequest("/oauth2/v2.0/token", "client_id="+env.config.ClientID, "client_secret=REDACTED")))
}

func TestAccAuth_certificatePEM(t *testing.T) {
	key, cert := accCertificate(t)
	env := authAccEnv(t, emulator.Config{Certificates: []emulator.CertificateCredential{{Certificate: cert}}})
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	pemFile := writeFile(t, "cert.pem", append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})...))
	lines := fmt.Sprintf("  tenant_id = %q\n  client_id = %q\n  client_certificate_path = %q", env.config.TenantID, env.config.ClientID, pemFile)
	runAuthTest(t, env.signedInStep(lines, env.tokenRequest("/oauth2/v2.0/token", "client_assertion_type=urn", "client_assertion=REDACTED"),
		func(*terraform.State) error {
			for _, j := range env.emu.Journal() {
				if strings.Contains(j.Body, "client_secret") {
					return fmt.Errorf("a client secret was sent: %s", j.Body)
				}
			}
			return nil
		}))
}

func TestAccAuth_certificatePFX(t *testing.T) {
	key, cert := accCertificate(t)
	env := authAccEnv(t, emulator.Config{Certificates: []emulator.CertificateCredential{{Certificate: cert}}})
	pfx, err := pkcs12.Modern.Encode(key, cert, nil, "pfx-password")
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.StdEncoding.EncodeToString(pfx)
	base := fmt.Sprintf("  tenant_id = %q\n  client_id = %q\n  client_certificate = %q\n", env.config.TenantID, env.config.ClientID, b64)
	runAuthTest(t,
		resource.TestStep{Config: env.authConfig(base + `  client_certificate_password = "wrong"`), ExpectError: regexp.MustCompile(`(?s)client_certificate_password.*wrong password`)},
		env.signedInStep(base+`  client_certificate_password = "pfx-password"`, env.tokenRequest("/oauth2/v2.0/token", "client_assertion=REDACTED")),
	)
}

func TestAccAuth_certificateNotRegistered(t *testing.T) {
	key, cert := accCertificate(t)
	env := authAccEnv(t, emulator.Config{}) // the certificate is not on the application
	pfx, err := pkcs12.Modern.Encode(key, cert, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("ARM_CLIENT_CERTIFICATE_PATH", writeFile(t, "cert.pfx", pfx))
	runAuthTest(t, resource.TestStep{
		Config:      env.authConfig(fmt.Sprintf("  tenant_id = %q\n  client_id = %q", env.config.TenantID, env.config.ClientID)),
		ExpectError: regexp.MustCompile(`AADSTS700027`),
	})
}

const accSubject = "repo:contoso/infra:environment:production"

func federatedConfig() emulator.Config {
	return emulator.Config{
		FederatedCredentials: []emulator.FederatedCredential{{Subject: accSubject}},
		CIJobs: []emulator.CIJob{
			{RequestToken: "gh-request-token", Subject: accSubject},
			{RequestToken: "ado-access-token", Subject: accSubject, ServiceConnectionID: "5f0e1d2c-3b4a-4958-8a7b-6c5d4e3f2a1b"},
		},
	}
}

func (e *accEnv) idToken(t *testing.T, subject string) string {
	t.Helper()
	tok, err := e.emu.MintIDToken(emulator.IDTokenRequest{Issuer: emulator.LocalIssuer(e.url), Subject: subject})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestAccAuth_oidcToken(t *testing.T) {
	env := authAccEnv(t, federatedConfig())
	ids := fmt.Sprintf("  tenant_id = %q\n  client_id = %q\n  use_oidc = true\n", env.config.TenantID, env.config.ClientID)
	runAuthTest(t,
		resource.TestStep{Config: env.authConfig(ids + fmt.Sprintf("  oidc_token = %q", env.idToken(t, "repo:contoso/other:ref:refs/heads/main"))), ExpectError: regexp.MustCompile(`AADSTS70021`)},
		resource.TestStep{Config: env.authConfig(ids + `  oidc_token = "not.a-jwt"`), ExpectError: regexp.MustCompile(`(?s)oidc_token.*malformed JWT`)},
		env.signedInStep(ids+fmt.Sprintf("  oidc_token = %q", env.idToken(t, accSubject)), env.tokenRequest("/oauth2/v2.0/token", "client_assertion=REDACTED")),
	)
}

func TestAccAuth_oidcTokenFile(t *testing.T) {
	env := authAccEnv(t, federatedConfig())
	t.Setenv("AZURE_FEDERATED_TOKEN_FILE", writeFile(t, "token", []byte(env.idToken(t, accSubject))))
	t.Setenv("ARM_USE_OIDC", "true")
	t.Setenv(envTenantID, env.config.TenantID)
	t.Setenv(envClientID, env.config.ClientID)
	runAuthTest(t, env.signedInStep("", env.tokenRequest("/oauth2/v2.0/token", "client_assertion=REDACTED")))
}

func TestAccAuth_githubActions(t *testing.T) {
	env := authAccEnv(t, federatedConfig())
	t.Setenv("ARM_USE_OIDC", "true")
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_URL", env.url+"/_oidc/github/token?api-version=2.0")
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "gh-request-token")
	runAuthTest(t, env.signedInStep(fmt.Sprintf("  tenant_id = %q\n  client_id = %q", env.config.TenantID, env.config.ClientID),
		env.tokenRequest("/_oidc/github/token", "audience=api%3A%2F%2FAzureADTokenExchange"),
		env.tokenRequest("/oauth2/v2.0/token", "client_assertion=REDACTED")))
}

func TestAccAuth_azurePipelines(t *testing.T) {
	env := authAccEnv(t, federatedConfig())
	t.Setenv("SYSTEM_OIDCREQUESTURI", env.url+"/_oidc/ado/contoso/0d1e2f3a/_apis/distributedtask/hubs/build/plans/p1/jobs/j1/oidctoken")
	t.Setenv("SYSTEM_ACCESSTOKEN", "ado-access-token")
	lines := fmt.Sprintf("  tenant_id = %q\n  client_id = %q\n  use_oidc = true\n  ado_pipeline_service_connection_id = %q",
		env.config.TenantID, env.config.ClientID, "5f0e1d2c-3b4a-4958-8a7b-6c5d4e3f2a1b")
	runAuthTest(t, env.signedInStep(lines,
		env.tokenRequest("/oidctoken", "serviceConnectionId=5f0e1d2c-3b4a-4958-8a7b-6c5d4e3f2a1b", "api-version=7.1"),
		env.tokenRequest("/oauth2/v2.0/token", "client_assertion=REDACTED")))
}

// fakeAz puts an `az` on PATH that records its arguments and prints out (or fails with stderr and code 1).
func fakeAz(t *testing.T, out, stderr string) string {
	t.Helper()
	dir := t.TempDir()
	argsFile := filepath.Join(dir, "args")
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + shellQuote(argsFile) + "\n"
	if stderr != "" {
		script += "echo " + shellQuote(stderr) + " >&2\nexit 1\n"
	} else {
		script += "cat <<'EOF'\n" + out + "\nEOF\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "az"), []byte(script), 0o700); err != nil { //nolint:gosec // an executable script
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return argsFile
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func TestAccAuth_azureCLI(t *testing.T) {
	env := authAccEnv(t, emulator.Config{})
	// The token az would print: one the emulator issued to the signed-in application.
	tok := env.secretToken(t)
	out, err := json.Marshal(map[string]any{"accessToken": tok, "expiresOn": time.Now().Add(time.Hour).Format("2006-01-02 15:04:05.000000"),
		"expires_on": time.Now().Add(time.Hour).Unix(), "tenant": env.config.TenantID, "tokenType": "Bearer"})
	if err != nil {
		t.Fatal(err)
	}
	argsFile := fakeAz(t, string(out), "")
	t.Setenv("ARM_USE_CLI", "true")
	runAuthTest(t, env.signedInStep(fmt.Sprintf("  tenant_id = %q", env.config.TenantID), func(*terraform.State) error {
		b, err := os.ReadFile(argsFile)
		if err != nil {
			return err
		}
		want := "account\nget-access-token\n--scope\nhttps://graph.microsoft.com/.default\n--tenant\n" + env.config.TenantID + "\n"
		if !strings.HasPrefix(string(b), want) {
			return fmt.Errorf("az arguments %q, want prefix %q", b, want)
		}
		return nil
	}))
}

func TestAccAuth_azureCLINotLoggedIn(t *testing.T) {
	env := authAccEnv(t, emulator.Config{})
	fakeAz(t, "", "ERROR: Please run 'az login' to setup account.")
	runAuthTest(t, resource.TestStep{Config: env.authConfig("  use_cli = true"), ExpectError: regexp.MustCompile(`(?s)not\s+logged\s+in.*az\s+login`)})
}

// secretToken gets a Graph token from the emulator with the application's secret.
func (e *accEnv) secretToken(t *testing.T) string {
	t.Helper()
	body := "grant_type=client_credentials&client_id=" + e.config.ClientID + "&client_secret=" + e.config.ClientSecret +
		"&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"
	resp, err := http.Post(e.url+"/"+e.config.TenantID+"/oauth2/v2.0/token", "application/x-www-form-urlencoded", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var m struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || m.AccessToken == "" {
		t.Fatalf("token: %d %v", resp.StatusCode, err)
	}
	return m.AccessToken
}

const accUserAssigned = "55555555-5555-4555-8555-555555555555"

func msiConfig() emulator.Config {
	return emulator.Config{
		IdentityHeader: "acc-identity-header",
		ManagedIdentities: []emulator.ManagedIdentity{
			{ClientID: emulator.DefaultManagedIdentityClientID},
			{ClientID: accUserAssigned, UserAssigned: true},
		},
	}
}

func TestAccAuth_managedIdentityEndpoint(t *testing.T) {
	env := authAccEnv(t, msiConfig())
	runAuthTest(t,
		env.signedInStep(fmt.Sprintf("  use_msi = true\n  msi_endpoint = %q", env.url),
			env.tokenRequest("/metadata/identity/oauth2/token", "api-version=2018-02-01", "resource=https%3A%2F%2Fgraph.microsoft.com%2F")),
		env.signedInStep(fmt.Sprintf("  use_msi = true\n  msi_endpoint = %q\n  client_id = %q", env.url+"/metadata/identity/oauth2/token", accUserAssigned),
			env.tokenRequest("/metadata/identity/oauth2/token", "client_id="+accUserAssigned)),
	)
}

func TestAccAuth_managedIdentityAppService(t *testing.T) {
	env := authAccEnv(t, msiConfig())
	t.Setenv("IDENTITY_ENDPOINT", env.url+"/msi/token")
	t.Setenv("IDENTITY_HEADER", "acc-identity-header")
	t.Setenv("ARM_USE_MSI", "true")
	t.Setenv(envClientID, accUserAssigned)
	runAuthTest(t, env.signedInStep("", env.tokenRequest("/msi/token", "api-version=2019-08-01", "client_id="+accUserAssigned),
		func(*terraform.State) error {
			for _, j := range env.emu.Journal() {
				if j.Header.Get("X-Identity-Header") != "" {
					return fmt.Errorf("identity header journaled")
				}
			}
			return nil
		}))
}

func TestAccAuth_noMethodUsable(t *testing.T) {
	env := authAccEnv(t, emulator.Config{})
	t.Setenv("PATH", t.TempDir()) // no az
	runAuthTest(t, resource.TestStep{
		Config: env.authConfig(fmt.Sprintf("  tenant_id = %q\n  use_cli = true", env.config.TenantID)),
		ExpectError: regexp.MustCompile(`(?s)Missing credentials.*tried,\s+in\s+this\s+order.*client certificate: neither client_certificate.*` +
			`client secret: neither client_secret.*workload identity federation \(OIDC\): use_oidc.*managed identity: use_msi.*` +
			`Azure CLI: .*not found on PATH.*client_secret \(or\s+ARM_CLIENT_SECRET\)`),
	})
}

// China has no secureScores: planning warns (checked at the protocol level in TestConfigureWarnsForChina, since
// terraform-plugin-testing does not expose warnings) but still works against an endpoint that serves them.
func TestAccAuth_chinaPlansWithCustomEndpoints(t *testing.T) {
	env := authAccEnv(t, emulator.Config{})
	lines := fmt.Sprintf("  environment = \"china\"\n  tenant_id = %q\n  client_id = %q\n  client_secret = %q", env.config.TenantID, env.config.ClientID, env.config.ClientSecret)
	runAuthTest(t, env.signedInStep(lines, env.tokenRequest("/oauth2/v2.0/token", "scope=https%3A%2F%2Fmicrosoftgraph.chinacloudapi.cn%2F.default")))
}
