package provider

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/securescore/terraform-provider-securescore/internal/auth"
)

// configure runs the provider's Configure with the given attribute values (the rest null) and environment.
func configure(t *testing.T, attrs map[string]tftypes.Value, env map[string]string) provider.ConfigureResponse {
	t.Helper()
	ctx := context.Background()
	p := &securescoreProvider{version: "test", getenv: fakeEnv(env)}
	var sr provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &sr)
	typ, ok := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("schema type %T", sr.Schema.Type().TerraformType(ctx))
	}
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range attrs {
		if _, ok := typ.AttributeTypes[name]; !ok {
			t.Fatalf("no attribute %s", name)
		}
		vals[name] = v
	}
	var resp provider.ConfigureResponse
	p.Configure(ctx, provider.ConfigureRequest{Config: tfsdk.Config{Schema: sr.Schema, Raw: tftypes.NewValue(typ, vals)}}, &resp)
	return resp
}

func str(v string) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }

func secretAttrs() map[string]tftypes.Value {
	return map[string]tftypes.Value{"tenant_id": str(testTenant), "client_id": str(testClient), "client_secret": str("s")}
}

func TestConfigureWarnsForChina(t *testing.T) {
	t.Parallel()
	attrs := secretAttrs()
	attrs["environment"] = str("china")
	resp := configure(t, attrs, nil)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	w := resp.Diagnostics.Warnings()
	if len(w) != 1 || !strings.Contains(w[0].Detail(), "Microsoft does not offer secureScores") || !strings.Contains(w[0].Detail(), "microsoftgraph.chinacloudapi.cn") {
		t.Errorf("warnings %v", w)
	}
	if resp.ResourceData == nil {
		t.Error("china still configures a client")
	}
	// From the environment variable too; and no warning for the other clouds.
	if w := configure(t, secretAttrs(), map[string]string{envEnvironment: "china"}).Diagnostics.Warnings(); len(w) != 1 {
		t.Errorf("ARM_ENVIRONMENT=china: %v", w)
	}
	for _, env := range []string{"global", "usgovernment", "usgovernmentl5"} {
		attrs := secretAttrs()
		attrs["environment"] = str(env)
		if d := configure(t, attrs, nil).Diagnostics; d.WarningsCount() != 0 || d.HasError() {
			t.Errorf("%s: %v", env, d)
		}
	}
}

func TestConfigureNoMethodIsOneDiagnostic(t *testing.T) {
	t.Parallel()
	resp := configure(t, map[string]tftypes.Value{"tenant_id": str(testTenant)}, nil)
	if resp.Diagnostics.ErrorsCount() != 1 {
		t.Fatalf("want one error, got %v", resp.Diagnostics)
	}
	d := resp.Diagnostics.Errors()[0]
	if d.Summary() != "Missing credentials" {
		t.Errorf("summary %q", d.Summary())
	}
	for _, m := range []string{"client certificate:", "client secret:", "workload identity federation (OIDC):", "managed identity:", "Azure CLI:", "client_id (or ARM_CLIENT_ID)"} {
		if !strings.Contains(d.Detail(), m) {
			t.Errorf("detail lacks %q:\n%s", m, d.Detail())
		}
	}
}

// One diagnostic says what is missing and how to set it: client_id alone names the missing secret, the client
// secret setup and its environment variables. With the secret set too, the provider configures without a tenant
// (resources may name theirs), and a resource that names none is told both places to set it.
func TestConfigureMissingCredentialsIsOneDiagnostic(t *testing.T) {
	t.Parallel()
	resp := configure(t, map[string]tftypes.Value{"client_id": str(testClient)}, nil)
	if resp.Diagnostics.ErrorsCount() != 1 {
		t.Fatalf("want exactly one error, got %v", resp.Diagnostics)
	}
	d := resp.Diagnostics.Errors()[0]
	if d.Summary() != "Missing credentials" {
		t.Errorf("summary %q", d.Summary())
	}
	for _, want := range []string{"client secret: neither client_secret (ARM_CLIENT_SECRET)", "tenant_id (or ARM_TENANT_ID)",
		"client_secret (or ARM_CLIENT_SECRET)", "export ARM_TENANT_ID", "export ARM_CLIENT_SECRET"} {
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("detail lacks %q:\n%s", want, d.Detail())
		}
	}

	resp = configure(t, map[string]tftypes.Value{"client_id": str(testClient), "client_secret": str("s")}, nil)
	if resp.Diagnostics.HasError() {
		t.Fatalf("a provider without tenant_id configures: %v", resp.Diagnostics)
	}
	data, ok := resp.ResourceData.(*providerData)
	if !ok {
		t.Fatalf("resource data %T", resp.ResourceData)
	}
	var diags diag.Diagnostics
	if requireTenant(data, "", &diags) != nil || diags.ErrorsCount() != 1 {
		t.Fatalf("a resource without a tenant: %v", diags)
	}
	if d := diags.Errors()[0].Detail(); !strings.Contains(d, "tenant_id on the resource") || !strings.Contains(d, "tenant_id in the provider block (or ARM_TENANT_ID)") {
		t.Errorf("the error should name both places to set the tenant: %s", d)
	}
}

func TestConfigureMethodSelection(t *testing.T) {
	t.Parallel()
	// A certificate needs no client secret: no "Missing credentials" for it.
	attrs := map[string]tftypes.Value{"tenant_id": str(testTenant), "client_id": str(testClient), "client_certificate_path": str("/nonexistent/cert.pfx")}
	resp := configure(t, attrs, nil)
	errs := resp.Diagnostics.Errors()
	if len(errs) != 1 || errs[0].Summary() != "Invalid client_certificate_path" || !strings.Contains(errs[0].Detail(), "cannot be read") {
		t.Fatalf("diags %v", resp.Diagnostics)
	}
	if ad, ok := errs[0].(diag.DiagnosticWithPath); !ok || ad.Path().String() != "client_certificate_path" {
		t.Errorf("not an attribute diagnostic: %v", errs[0])
	}
	// A bad boolean in the environment names the attribute.
	resp = configure(t, map[string]tftypes.Value{}, map[string]string{"ARM_USE_MSI": "maybe"})
	if errs := resp.Diagnostics.Errors(); len(errs) != 1 || errs[0].Summary() != "Invalid use_msi" {
		t.Errorf("diags %v", resp.Diagnostics)
	}
	// Managed identity with an explicit loopback endpoint and no tenant configures without contacting anything.
	resp = configure(t, map[string]tftypes.Value{"use_msi": tftypes.NewValue(tftypes.Bool, true), "msi_endpoint": str("http://127.0.0.1:1")}, nil)
	if resp.Diagnostics.HasError() || resp.ResourceData == nil {
		t.Errorf("msi: %v", resp.Diagnostics)
	}
	// Plain http to a remote MSI endpoint is refused, naming the attribute.
	resp = configure(t, map[string]tftypes.Value{"use_msi": tftypes.NewValue(tftypes.Bool, true), "msi_endpoint": str("http://10.1.2.3/token")}, nil)
	if errs := resp.Diagnostics.Errors(); len(errs) != 1 || errs[0].Summary() != "Invalid msi_endpoint" {
		t.Errorf("remote msi: %v", resp.Diagnostics)
	}
}

func TestAuthAttributesDocumentEnvVars(t *testing.T) {
	t.Parallel()
	var sr provider.SchemaResponse
	New("t")().Schema(context.Background(), provider.SchemaRequest{}, &sr)
	for attr, want := range map[string][]string{
		"client_secret_file_path":            {"ARM_CLIENT_SECRET_FILE_PATH"},
		"client_id_file_path":                {"ARM_CLIENT_ID_FILE_PATH"},
		"client_certificate":                 {"ARM_CLIENT_CERTIFICATE"},
		"client_certificate_path":            {"ARM_CLIENT_CERTIFICATE_PATH"},
		"client_certificate_password":        {"ARM_CLIENT_CERTIFICATE_PASSWORD"},
		"use_oidc":                           {"ARM_USE_OIDC"},
		"oidc_token":                         {"ARM_OIDC_TOKEN"},
		"oidc_token_file_path":               {"ARM_OIDC_TOKEN_FILE_PATH", "AZURE_FEDERATED_TOKEN_FILE"},
		"oidc_request_url":                   {"ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL", "SYSTEM_OIDCREQUESTURI"},
		"oidc_request_token":                 {"ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "SYSTEM_ACCESSTOKEN"},
		"ado_pipeline_service_connection_id": {"ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID"},
		"use_cli":                            {"ARM_USE_CLI"},
		"use_msi":                            {"ARM_USE_MSI"},
		"msi_endpoint":                       {"ARM_MSI_ENDPOINT"},
	} {
		a, ok := sr.Schema.Attributes[attr]
		if !ok {
			t.Errorf("no attribute %s", attr)
			continue
		}
		for _, v := range want {
			if !strings.Contains(a.GetMarkdownDescription(), "`"+v+"`") {
				t.Errorf("%s: description lacks %s", attr, v)
			}
		}
	}
	for _, s := range []string{"client_secret", "client_certificate", "client_certificate_password", "oidc_token", "oidc_request_token"} {
		if !sr.Schema.Attributes[s].IsSensitive() {
			t.Errorf("%s is not sensitive", s)
		}
	}
}

func TestMaskSecrets(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	cfg := securescoreProviderModelV0{ClientSecret: types.StringValue("block-secret"), OIDCToken: types.StringValue("eyJ.block-token.sig")}
	ctx = maskSecrets(ctx, cfg, fakeEnv(map[string]string{"SYSTEM_ACCESSTOKEN": "ado-secret", "ARM_CLIENT_CERTIFICATE_PASSWORD": "pfx-secret"}))
	tflog.Info(ctx, "values block-secret ado-secret", map[string]any{
		"client_secret": "anything", "detail": "pfx-secret and eyJ.block-token.sig", "tenant_id": testTenant,
	})
	logged := out.String()
	for _, secret := range []string{"block-secret", "ado-secret", "pfx-secret", "eyJ.block-token.sig", "anything"} {
		if strings.Contains(logged, secret) {
			t.Errorf("log holds %q: %s", secret, logged)
		}
	}
	if !strings.Contains(logged, testTenant) {
		t.Errorf("non-secret field masked: %s", logged)
	}
}

// The provider reads every sign-in variable (auth reads none): the block wins, the first variable set comes next,
// switches parse as booleans, and Azure Pipelines' variables replace GitHub's when a service connection is set.
func TestResolveSignInFromEnvironment(t *testing.T) {
	t.Parallel()
	resolve := func(cfg securescoreProviderModelV0, env map[string]string) (auth.Settings, diag.Diagnostics) {
		s, diags := resolveSettings(cfg, fakeEnv(env))
		return s.signIn(), diags
	}
	s, diags := resolve(securescoreProviderModelV0{}, map[string]string{
		"ARM_USE_MSI": "1", "ARM_USE_CLI": "true", "ARM_CLIENT_SECRET": "from-env", "ARM_CLIENT_SECRET_FILE_PATH": "/run/secret",
		"ARM_CLIENT_ID_FILE_PATH": "/run/id", "AZURE_FEDERATED_TOKEN_FILE": "/var/run/token",
		"ACTIONS_ID_TOKEN_REQUEST_URL": "https://gh.example/token", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "gh-request",
		"IDENTITY_ENDPOINT": "http://127.0.0.1:4141/msi/token", "IDENTITY_HEADER": "header-value", "ARM_MSI_ENDPOINT": "http://127.0.0.1:9/x",
	})
	if diags.HasError() {
		t.Fatal(diags)
	}
	if !s.UseMSI || !s.UseCLI || s.UseOIDC || s.ClientSecret != "from-env" || s.ClientSecretFilePath != "/run/secret" ||
		s.ClientIDFilePath != "/run/id" || s.OIDCTokenFilePath != "/var/run/token" || s.OIDCRequestURL != "https://gh.example/token" ||
		s.OIDCRequestToken != "gh-request" || s.IdentityEndpoint != "http://127.0.0.1:4141/msi/token" || s.IdentityHeader != "header-value" ||
		s.MSIEndpoint != "http://127.0.0.1:9/x" {
		t.Errorf("from the environment: %+v", s)
	}
	// The block wins, an explicit false included; ARM_OIDC_TOKEN_FILE_PATH comes before AZURE_FEDERATED_TOKEN_FILE.
	s, _ = resolve(securescoreProviderModelV0{UseMSI: types.BoolValue(false), ClientSecret: types.StringValue("from-block")},
		map[string]string{"ARM_USE_MSI": "true", "ARM_CLIENT_SECRET": "from-env", "ARM_OIDC_TOKEN_FILE_PATH": "/a", "AZURE_FEDERATED_TOKEN_FILE": "/b"})
	if s.UseMSI || s.ClientSecret != "from-block" || s.OIDCTokenFilePath != "/a" {
		t.Errorf("block over environment: %+v", s)
	}
	// Azure Pipelines publishes its request URL and token under its own names; GitHub's are not picked up then.
	s, _ = resolve(securescoreProviderModelV0{}, map[string]string{
		"ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID": "conn-1", "SYSTEM_OIDCREQUESTURI": "https://ado.example/oidc", "SYSTEM_ACCESSTOKEN": "ado-token",
		"ACTIONS_ID_TOKEN_REQUEST_URL": "https://wrong.example", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "wrong",
	})
	if s.ADOPipelineServiceConnectionID != "conn-1" || s.OIDCRequestURL != "https://ado.example/oidc" || s.OIDCRequestToken != "ado-token" {
		t.Errorf("azure pipelines: %+v", s)
	}
	// A switch that is not a boolean names the attribute and the variable.
	if _, diags = resolve(securescoreProviderModelV0{}, map[string]string{"ARM_USE_OIDC": "yes please"}); diags.ErrorsCount() != 1 ||
		diags.Errors()[0].Summary() != "Invalid use_oidc" || !strings.Contains(diags.Errors()[0].Detail(), "From ARM_USE_OIDC") {
		t.Errorf("bad boolean: %v", diags)
	}
}

// Secrets from the environment reach auth as found, and follow its one whitespace rule; a variable holding only
// whitespace counts as not set; IDs lose surrounding whitespace.
func TestSecretFromEnvironmentFollowsTheRule(t *testing.T) {
	t.Parallel()
	const raw = "  pa ss\t \r\n"
	file := writeFile(t, "secret", []byte(raw))
	for name, env := range map[string]map[string]string{
		"variable":                {envClientSecret: raw},
		"file through a variable": {"ARM_CLIENT_SECRET_FILE_PATH": file},
	} {
		env[envTenantID], env[envClientID] = " "+testTenant+"\n", testClient
		s, diags := resolveSettings(securescoreProviderModelV0{}, fakeEnv(env))
		if diags.HasError() {
			t.Fatal(diags)
		}
		if s.TenantID != testTenant {
			t.Errorf("%s: tenant %q", name, s.TenantID)
		}
		var used []string
		settings := s.signIn()
		settings.OnSecret = func(v string) { used = append(used, v) }
		if _, err := auth.NewCredential(context.Background(), settings); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !slices.Contains(used, "  pa ss\t ") {
			t.Errorf("%s: the secret auth used is not the normalised one: %q", name, used)
		}
	}
	s, _ := resolveSettings(securescoreProviderModelV0{}, fakeEnv(map[string]string{envClientSecret: " \n", "ARM_OIDC_TOKEN": "\t"}))
	if s.ClientSecret != "" || s.SignIn.OIDCToken != "" {
		t.Errorf("whitespace-only variables count as unset: %q %q", s.ClientSecret, s.SignIn.OIDCToken)
	}
}
