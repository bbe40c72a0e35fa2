package provider

import (
	"context"
	"maps"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/auth"
)

const (
	testTenant = "00000000-0000-4000-8000-000000000001"
	testClient = "11111111-1111-4111-8111-111111111111"
)

func fakeEnv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestResolveSettingsDefaultsAndEnvironment(t *testing.T) {
	t.Parallel()
	s, diags := resolveSettings(securescoreProviderModelV0{}, fakeEnv(map[string]string{
		envTenantID: testTenant, envClientID: testClient, envClientSecret: "s",
	}))
	if diags.HasError() {
		t.Fatalf("diags: %v", diags)
	}
	if s.TenantID != testTenant || s.ClientID != testClient || s.ClientSecret != "s" {
		t.Errorf("credentials not taken from the environment: %+v", s)
	}
	if s.Environment.Name != "global" || s.GraphEndpoint != "https://graph.microsoft.com" ||
		s.AuthorityHost != "https://login.microsoftonline.com" || s.APIVersion != "" {
		t.Errorf("defaults: %+v", s)
	}
	if got := s.Environment.Scope(); got != "https://graph.microsoft.com/.default" {
		t.Errorf("scope %q", got)
	}
}

func TestResolveSettingsConfigWinsOverEnvironment(t *testing.T) {
	t.Parallel()
	env := fakeEnv(map[string]string{
		envTenantID: "contoso.onmicrosoft.com", envClientID: "22222222-2222-4222-8222-222222222222", envClientSecret: "from-env",
		envEnvironment: "china", envGraphEndpoint: "https://proxy.example.com", envAuthorityHost: "https://login.example.com",
		envAPIVersion: "v1.0",
	})
	s, diags := resolveSettings(securescoreProviderModelV0{
		TenantID:      types.StringValue(testTenant),
		ClientID:      types.StringValue(testClient),
		ClientSecret:  types.StringValue("from-config"),
		Environment:   types.StringValue("dod"),
		GraphEndpoint: types.StringValue("http://127.0.0.1:8080/"),
		AuthorityHost: types.StringValue("http://localhost:8080"),
		APIVersion:    types.StringValue("beta"),
	}, env)
	if diags.HasError() {
		t.Fatalf("diags: %v", diags)
	}
	want := providerSettings{TenantID: testTenant, ClientID: testClient, ClientSecret: "from-config",
		GraphEndpoint: "http://127.0.0.1:8080", AuthorityHost: "http://localhost:8080", APIVersion: "beta"}
	s.Environment.SecureScoreOffered = false
	if s.TenantID != want.TenantID || s.ClientID != want.ClientID || s.ClientSecret != want.ClientSecret ||
		s.GraphEndpoint != want.GraphEndpoint || s.AuthorityHost != want.AuthorityHost || s.APIVersion != want.APIVersion {
		t.Errorf("got %+v, want %+v", s, want)
	}
	// The scope follows the environment even when graph_endpoint points elsewhere.
	if s.Environment.Name != "usgovernmentl5" || s.Environment.Scope() != "https://dod-graph.microsoft.us/.default" {
		t.Errorf("environment %+v", s.Environment)
	}
}

func TestResolveSettingsEnvironmentOnly(t *testing.T) {
	t.Parallel()
	s, diags := resolveSettings(securescoreProviderModelV0{}, fakeEnv(map[string]string{
		envTenantID: testTenant, envClientID: testClient, envClientSecret: "s",
		envEnvironment: "usgovernment", envAPIVersion: "v1.0",
	}))
	if diags.HasError() {
		t.Fatalf("diags: %v", diags)
	}
	if s.GraphEndpoint != "https://graph.microsoft.us" || s.AuthorityHost != "https://login.microsoftonline.us" || s.APIVersion != "v1.0" {
		t.Errorf("got %+v", s)
	}
}

// Missing credentials are auth's method selection's to report (TestConfigureMissingCredentialsIsOneDiagnostic):
// resolveSettings has no opinion, since which credentials are needed depends on the method.
func TestResolveSettingsLeavesMissingCredentialsToAuth(t *testing.T) {
	t.Parallel()
	s, diags := resolveSettings(securescoreProviderModelV0{ClientID: types.StringValue(testClient)}, fakeEnv(nil))
	if diags.HasError() {
		t.Fatalf("want no error, got %v", diags)
	}
	if s.TenantID != "" || s.ClientID != testClient || s.ClientSecret != "" {
		t.Errorf("got %+v", s)
	}
}

func TestResolveSettingsRejectsBadEnvironmentValues(t *testing.T) {
	t.Parallel()
	base := map[string]string{envTenantID: testTenant, envClientID: testClient, envClientSecret: "s"}
	cases := map[string][2]string{
		"environment":    {envEnvironment, "accepted values are china, dod, global, public, usgovernment, usgovernmentl4, usgovernmentl5"},
		"graph_endpoint": {envGraphEndpoint, "plain http:// is allowed only for loopback"},
		"authority_host": {envAuthorityHost, "expected an absolute URL"},
		"api_version":    {envAPIVersion, "use one of: beta, v1.0"},
		"client_id":      {envClientID, "expected a GUID"},
		"tenant_id":      {envTenantID, "expected a tenant GUID"},
	}
	bad := map[string]string{
		envEnvironment: "mars", envGraphEndpoint: "http://graph.example.com", envAuthorityHost: "login.microsoftonline.com",
		envAPIVersion: "v2", envClientID: "app", envTenantID: "not a tenant",
	}
	for attr, c := range cases {
		env := maps.Clone(base)
		env[c[0]] = bad[c[0]]
		_, diags := resolveSettings(securescoreProviderModelV0{}, fakeEnv(env))
		if diags.ErrorsCount() != 1 {
			t.Errorf("%s: want one error, got %v", attr, diags)
			continue
		}
		if d := diags.Errors()[0].Detail(); !strings.Contains(d, c[1]) || !strings.Contains(d, c[0]) {
			t.Errorf("%s: detail %q lacks %q or the variable name", attr, d, c[1])
		}
	}
}

func TestCheckBaseURL(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"https://graph.microsoft.com", "http://127.0.0.1:8080", "http://[::1]:9", "http://localhost", "http://LOCALHOST:8080", "https://proxy.example.com/graph"} {
		if err := checkBaseURL(ok); err != nil {
			t.Errorf("checkBaseURL(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "graph.microsoft.com", "ftp://x", "http://10.0.0.1", "http://localhost.example.com", "http://169.254.169.254", "https://x/?a=b", "https://user:pw@x"} {
		if err := checkBaseURL(bad); err == nil {
			t.Errorf("checkBaseURL(%q) accepted", bad)
		}
	}
}

func TestProviderSchemaAndMetadata(t *testing.T) {
	t.Parallel()
	p := New("1.2.3")()
	var meta provider.MetadataResponse
	p.Metadata(context.Background(), provider.MetadataRequest{}, &meta)
	if meta.TypeName != "securescore" || meta.Version != "1.2.3" {
		t.Errorf("metadata %+v", meta)
	}
	var resp provider.SchemaResponse
	p.Schema(context.Background(), provider.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(context.Background()); diags.HasError() {
		t.Fatal(diags)
	}
	if !resp.Schema.Attributes["client_secret"].IsSensitive() {
		t.Error("client_secret is not sensitive")
	}
	for name, a := range resp.Schema.Attributes {
		if a.GetMarkdownDescription() == "" {
			t.Errorf("%s has no MarkdownDescription", name)
		}
	}
}

func TestResolveSettingsMaxConcurrentRequests(t *testing.T) {
	t.Parallel()
	s, diags := resolveSettings(securescoreProviderModelV0{}, fakeEnv(nil))
	if diags.HasError() || s.MaxConcurrentRequests != 0 {
		t.Errorf("unset: %d %v (want 0: the client's default of 4)", s.MaxConcurrentRequests, diags)
	}
	s, diags = resolveSettings(securescoreProviderModelV0{}, fakeEnv(map[string]string{envMaxConcurrentRequests: " 2 "}))
	if diags.HasError() || s.MaxConcurrentRequests != 2 {
		t.Errorf("from the environment: %d %v", s.MaxConcurrentRequests, diags)
	}
	s, diags = resolveSettings(securescoreProviderModelV0{MaxConcurrentRequests: types.Int64Value(1)},
		fakeEnv(map[string]string{envMaxConcurrentRequests: "3"}))
	if diags.HasError() || s.MaxConcurrentRequests != 1 {
		t.Errorf("the block wins: %d %v", s.MaxConcurrentRequests, diags)
	}
	for _, bad := range []string{"0", "5", "two", "-1"} {
		_, diags := resolveSettings(securescoreProviderModelV0{}, fakeEnv(map[string]string{envMaxConcurrentRequests: bad}))
		if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), envMaxConcurrentRequests) {
			t.Errorf("%s=%q: %v", envMaxConcurrentRequests, bad, diags)
		}
	}
}

// The cloud gives auth its login host and Graph scope; authority_host overrides the login host only.
func TestResolveSettingsSignInCloud(t *testing.T) {
	t.Parallel()
	cases := map[string][2]string{
		"":               {"https://login.microsoftonline.com", "https://graph.microsoft.com/.default"},
		"global":         {"https://login.microsoftonline.com", "https://graph.microsoft.com/.default"},
		"usgovernment":   {"https://login.microsoftonline.us", "https://graph.microsoft.us/.default"},
		"usgovernmentl5": {"https://login.microsoftonline.us", "https://dod-graph.microsoft.us/.default"},
		"china":          {"https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn/.default"},
	}
	for env, want := range cases {
		s, diags := resolveSettings(securescoreProviderModelV0{}, fakeEnv(map[string]string{envEnvironment: env}))
		if diags.HasError() {
			t.Fatal(diags)
		}
		if a := s.signIn(); a.AuthorityHost != want[0] || a.Scope != want[1] {
			t.Errorf("%q: authority %s scope %s, want %v", env, a.AuthorityHost, a.Scope, want)
		}
	}
	s, _ := resolveSettings(securescoreProviderModelV0{AuthorityHost: types.StringValue("http://127.0.0.1:9999")},
		fakeEnv(map[string]string{envEnvironment: "usgovernment"}))
	if a := s.signIn(); a.AuthorityHost != "http://127.0.0.1:9999" || a.Scope != "https://graph.microsoft.us/.default" {
		t.Fatalf("got %+v", a)
	}
}

// The provider's names of the variables auth's messages mention are auth's (one table, auth.EnvVars).
func TestEnvVarNamesAreAuths(t *testing.T) {
	t.Parallel()
	for attr, name := range map[string]string{"tenant_id": envTenantID, "client_id": envClientID, "client_secret": envClientSecret, "environment": envEnvironment} {
		if got := auth.EnvVars(attr); len(got) != 1 || got[0] != name {
			t.Errorf("%s: auth names %v, the provider reads %s", attr, got, name)
		}
	}
}
