package provider

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/auth"
	"github.com/securescore/terraform-provider-securescore/internal/clouds"
	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// Environment variables read when the provider block leaves an argument out. The ARM_ names match the
// azurerm/azuread providers so one set of credentials serves all of them.
const (
	envTenantID      = "ARM_TENANT_ID"
	envClientID      = "ARM_CLIENT_ID"
	envClientSecret  = "ARM_CLIENT_SECRET"
	envEnvironment   = "ARM_ENVIRONMENT"
	envGraphEndpoint = "ARM_GRAPH_ENDPOINT"
	envAuthorityHost = "ARM_ACTIVE_DIRECTORY_AUTHORITY_HOST"
	envAPIVersion    = "ARM_GRAPH_API_VERSION"

	envMaxConcurrentRequests = "ARM_MAX_CONCURRENT_REQUESTS"
)

var apiVersions = []string{"beta", "v1.0"}

// providerSettings is the provider configuration after merging the block with the environment and resolving the
// cloud: the one resolved value of every setting. auth receives it through signIn and reads no environment
// variable.
type providerSettings struct {
	TenantID      string // "" = none: resources name their tenants (or the identity's own, for MSI and the CLI)
	ClientID      string
	ClientSecret  string
	Environment   clouds.Environment
	GraphEndpoint string
	AuthorityHost string
	APIVersion    string // "" = per operation

	// SignIn holds the other sign-in methods' inputs; signIn adds the fields above.
	SignIn auth.Settings

	MaxConcurrentRequests int // 0: graph.MaxConcurrentRequests
}

// signIn is what auth needs to sign in: every input, resolved, with the cloud's login host and Graph scope.
func (s providerSettings) signIn() auth.Settings {
	a := s.SignIn
	a.TenantID, a.ClientID, a.ClientSecret = s.TenantID, s.ClientID, s.ClientSecret
	a.AuthorityHost, a.Scope = s.AuthorityHost, s.Environment.Scope()
	return a
}

// pickSetting takes a string argument from the provider block, else from the first of vars that holds more than
// whitespace, and says where it came from ("" when nowhere); values from the environment lose surrounding
// whitespace.
func pickSetting(getenv func(string) string) func(v types.String, vars ...string) (string, string) {
	return func(v types.String, vars ...string) (string, string) {
		if !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
			return v.ValueString(), "provider block"
		}
		for _, name := range vars {
			if raw := strings.TrimSpace(getenv(name)); raw != "" {
				return raw, name
			}
		}
		return "", ""
	}
}

// resolveSettings merges the provider block with the environment (the block wins), resolves the cloud, and
// validates values that came from the environment the way the schema validates the block. It does not judge
// whether credentials are missing: which ones are needed depends on the sign-in method, and auth's method
// selection reports that.
func resolveSettings(cfg securescoreProviderModelV0, getenv func(string) string) (providerSettings, diag.Diagnostics) {
	var diags diag.Diagnostics
	pick := pickSetting(getenv)

	var s providerSettings
	s.SignIn.UseAKSWorkloadIdentity = boolSetting(cfg.UseAKSWorkloadIdentity, "use_aks_workload_identity", []string{envUseAKSWorkloadIdentity}, getenv, &diags)

	// An identity argument (tenant_id, client_id): as set (checked), and under AKS workload identity reconciled
	// with the variable the webhook injects (aksEnvVar).
	identity := func(v types.String, envVar, attr, aksEnvVar string, check func(string) error) string {
		id, src := pick(v, envVar)
		if id != "" {
			if err := check(id); err != nil {
				diags.AddAttributeError(path.Root(attr), "Invalid "+attr, fmt.Sprintf("From %s: %s", src, err))
			}
		}
		if s.SignIn.UseAKSWorkloadIdentity {
			id = aksIdentity(attr, id, src, aksEnvVar, check, getenv, &diags)
		}
		return id
	}
	s.TenantID = identity(cfg.TenantID, envTenantID, "tenant_id", envAzureTenantID, checkTenantID)
	s.ClientID = identity(cfg.ClientID, envClientID, "client_id", envAzureClientID, checkGUID)

	envName, src := pick(cfg.Environment, envEnvironment)
	env, err := clouds.Lookup(envName)
	if err != nil {
		diags.AddAttributeError(path.Root("environment"), "Invalid environment", fmt.Sprintf("From %s: %s", src, err))
	}
	s.Environment = env

	// A base URL argument: as set (validated), else the cloud's; without a trailing slash.
	baseURL := func(v types.String, envVar, attr, cloudDefault string) string {
		u, src := pick(v, envVar)
		if u == "" {
			u = cloudDefault
		} else if err := checkBaseURL(u); err != nil {
			diags.AddAttributeError(path.Root(attr), "Invalid "+attr, fmt.Sprintf("From %s: %s", src, err))
		}
		return strings.TrimRight(u, "/")
	}
	s.GraphEndpoint = baseURL(cfg.GraphEndpoint, envGraphEndpoint, "graph_endpoint", env.GraphEndpoint)
	s.AuthorityHost = baseURL(cfg.AuthorityHost, envAuthorityHost, "authority_host", env.AuthorityHost)
	if s.SignIn.UseAKSWorkloadIdentity {
		if h := aksAuthorityHost(cfg, getenv, &diags); h != "" {
			s.AuthorityHost = h
		}
	}
	s.ClientSecret = secretSetting(cfg.ClientSecret, auth.EnvVars("client_secret"), getenv)
	resolveSignIn(cfg, getenv, &s.SignIn, &diags)

	// "" leaves each operation on the version that documents it (graph.Options.APIVersion).
	s.APIVersion, src = pick(cfg.APIVersion, envAPIVersion)
	if s.APIVersion != "" && !slices.Contains(apiVersions, s.APIVersion) {
		diags.AddAttributeError(path.Root("api_version"), "Invalid api_version",
			fmt.Sprintf("From %s: %q is not accepted; use one of: %s", src, s.APIVersion, strings.Join(apiVersions, ", ")))
	}
	s.MaxConcurrentRequests = maxConcurrentRequests(cfg.MaxConcurrentRequests, getenv, &diags)
	return s, diags
}

// maxConcurrentRequests is the block's value, else the environment's, checked as the schema checks the block.
func maxConcurrentRequests(v types.Int64, getenv func(string) string, diags *diag.Diagnostics) int {
	if !v.IsNull() && !v.IsUnknown() {
		return int(v.ValueInt64())
	}
	raw := strings.TrimSpace(getenv(envMaxConcurrentRequests))
	if raw == "" {
		return 0
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > graph.MaxConcurrentRequests {
		diags.AddAttributeError(path.Root("max_concurrent_requests"), "Invalid max_concurrent_requests",
			fmt.Sprintf("From %s: %q is not a whole number from 1 to %d", envMaxConcurrentRequests, raw, graph.MaxConcurrentRequests))
		return 0
	}
	return n
}
