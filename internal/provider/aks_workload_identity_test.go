package provider

import (
	"context"
	"maps"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/auth"
)

const aksTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
const aksClient = "33333333-3333-4333-8333-333333333333"

// setAKSEnv clears every variable the resolution reads, then sets the given ones (t.Setenv, read through os.Getenv
// as the provider does).
func setAKSEnv(t *testing.T, vars map[string]string) {
	t.Helper()
	for _, k := range []string{envTenantID, envClientID, envAuthorityHost, envEnvironment, envUseAKSWorkloadIdentity,
		envAzureTenantID, envAzureClientID, envAzureAuthorityHost, envAzureFederatedToken} {
		t.Setenv(k, "")
	}
	for k, v := range vars {
		t.Setenv(k, v)
	}
}

func TestAKSWorkloadIdentityFillsFromAzureVariables(t *testing.T) {
	setAKSEnv(t, map[string]string{
		envUseAKSWorkloadIdentity: "true",
		envAzureTenantID:          aksTenant, envAzureClientID: aksClient, envAzureAuthorityHost: "http://127.0.0.1:9/",
	})
	s, diags := resolveSettings(securescoreProviderModelV0{}, os.Getenv)
	if diags.HasError() {
		t.Fatalf("diags: %v", diags)
	}
	if !s.SignIn.UseAKSWorkloadIdentity || s.TenantID != aksTenant || s.ClientID != aksClient || s.AuthorityHost != "http://127.0.0.1:9" {
		t.Errorf("AZURE_* not used: %+v", s)
	}
}

func TestAKSWorkloadIdentityOffIgnoresAzureVariables(t *testing.T) {
	setAKSEnv(t, map[string]string{envAzureTenantID: aksTenant, envAzureClientID: aksClient, envAzureAuthorityHost: "http://127.0.0.1:9"})
	s, diags := resolveSettings(securescoreProviderModelV0{}, os.Getenv)
	if diags.HasError() {
		t.Fatalf("diags: %v", diags)
	}
	if s.SignIn.UseAKSWorkloadIdentity || s.TenantID != "" || s.ClientID != "" || s.AuthorityHost != "https://login.microsoftonline.com" {
		t.Errorf("AZURE_* used without the switch: %+v", s)
	}
	// The block's false beats the environment's true.
	t.Setenv(envUseAKSWorkloadIdentity, "true")
	s, _ = resolveSettings(securescoreProviderModelV0{UseAKSWorkloadIdentity: types.BoolValue(false)}, os.Getenv)
	if s.SignIn.UseAKSWorkloadIdentity || s.TenantID != "" {
		t.Errorf("use_aks_workload_identity = false in the block did not win: %+v", s)
	}
}

// Block and ARM_* win only in the sense that an agreeing AZURE_* changes nothing; a different one is an error.
func TestAKSWorkloadIdentityIDsMustAgree(t *testing.T) {
	setAKSEnv(t, map[string]string{envAzureTenantID: aksTenant, envAzureClientID: strings.ToUpper(aksClient), envClientID: aksClient})
	s, diags := resolveSettings(securescoreProviderModelV0{
		UseAKSWorkloadIdentity: types.BoolValue(true), TenantID: types.StringValue(testTenant),
	}, os.Getenv)
	if len(diags) != 1 || !diags.HasError() {
		t.Fatalf("want one error, got %v", diags)
	}
	d := diags[0].Detail()
	for _, want := range []string{"tenant_id", testTenant, "provider block", envAzureTenantID, aksTenant, "use_aks_workload_identity"} {
		if !strings.Contains(d, want) {
			t.Errorf("detail lacks %q: %s", want, d)
		}
	}
	// client_id from ARM_CLIENT_ID agrees with AZURE_CLIENT_ID but for case: no error, the configured spelling stays.
	if s.ClientID != aksClient {
		t.Errorf("client_id %q", s.ClientID)
	}
}

// An explicit cloud wins over AZURE_AUTHORITY_HOST, as in the Azure SDKs: authority_host, then environment, each
// from the block or its ARM_* variable.
func TestAKSWorkloadIdentityAuthorityHostPrecedence(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  securescoreProviderModelV0
		env  map[string]string
		want string
	}{
		{"azure variable", securescoreProviderModelV0{}, nil, "http://localhost:7"},
		{"block authority_host", securescoreProviderModelV0{AuthorityHost: types.StringValue("http://127.0.0.1:8")}, nil, "http://127.0.0.1:8"},
		{"ARM authority host", securescoreProviderModelV0{}, map[string]string{envAuthorityHost: "http://127.0.0.1:6"}, "http://127.0.0.1:6"},
		{"block environment", securescoreProviderModelV0{Environment: types.StringValue("usgovernment")}, nil, "https://login.microsoftonline.us"},
		{"ARM environment", securescoreProviderModelV0{}, map[string]string{envEnvironment: "china"}, "https://login.chinacloudapi.cn"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{envUseAKSWorkloadIdentity: "1", envAzureAuthorityHost: "http://localhost:7"}
			maps.Copy(env, tc.env)
			setAKSEnv(t, env)
			s, diags := resolveSettings(tc.cfg, os.Getenv)
			if diags.HasError() {
				t.Fatalf("diags: %v", diags)
			}
			if s.AuthorityHost != tc.want {
				t.Errorf("authority host %q, want %q", s.AuthorityHost, tc.want)
			}
		})
	}
}

// AZURE_* values are checked as the block's are: http only to loopback, GUIDs, a boolean switch.
func TestAKSWorkloadIdentityRejectsBadValues(t *testing.T) {
	setAKSEnv(t, map[string]string{envUseAKSWorkloadIdentity: "true",
		envAzureAuthorityHost: "http://login.example.com", envAzureClientID: "not-a-guid", envAzureTenantID: "bad tenant"})
	_, diags := resolveSettings(securescoreProviderModelV0{}, os.Getenv)
	var got []string
	for _, d := range diags {
		got = append(got, d.Detail())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{"From AZURE_AUTHORITY_HOST", "loopback", "From AZURE_CLIENT_ID", "From AZURE_TENANT_ID"} {
		if !strings.Contains(all, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, all)
		}
	}

	setAKSEnv(t, map[string]string{envUseAKSWorkloadIdentity: "sometimes"})
	_, diags = resolveSettings(securescoreProviderModelV0{}, os.Getenv)
	if !diags.HasError() || !strings.Contains(diags[0].Detail(), "From ARM_USE_AKS_WORKLOAD_IDENTITY") {
		t.Errorf("bad switch: %v", diags)
	}
}

// The switch turns on OIDC with the webhook's token file, and says what the pod lacks when there is none.
func TestAKSWorkloadIdentitySelectsOIDC(t *testing.T) {
	setAKSEnv(t, map[string]string{envUseAKSWorkloadIdentity: "true", envAzureTenantID: aksTenant, envAzureClientID: aksClient})
	t.Setenv("ARM_USE_OIDC", "")
	cfg := securescoreProviderModelV0{}
	s, diags := resolveSettings(cfg, os.Getenv)
	if diags.HasError() {
		t.Fatal(diags)
	}
	_, diags = credential(context.Background(), s)
	if !diags.HasError() || !strings.Contains(diags[0].Detail(), "use_aks_workload_identity is true but AZURE_FEDERATED_TOKEN_FILE is not set") {
		t.Fatalf("want the missing-token reason, got %v", diags)
	}

	t.Setenv(envAzureFederatedToken, writeFile(t, "token", []byte("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDp0ZiJ9.c2ln")))
	if s, diags = resolveSettings(cfg, os.Getenv); diags.HasError() {
		t.Fatal(diags)
	}
	if s.SignIn.OIDCTokenFilePath != os.Getenv(envAzureFederatedToken) {
		t.Errorf("oidc_token_file_path %q: AZURE_FEDERATED_TOKEN_FILE is its last source", s.SignIn.OIDCTokenFilePath)
	}
	cred, diags := credential(context.Background(), s)
	if diags.HasError() || cred.Method() != auth.MethodOIDC {
		t.Fatalf("credential %v, diags %v", cred, diags)
	}
}
