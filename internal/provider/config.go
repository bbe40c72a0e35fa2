package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/clouds"
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
)

const defaultAPIVersion = "beta"

var apiVersions = []string{"beta", "v1.0"}

// providerSettings is the provider configuration after merging the block with the environment and
// resolving the cloud.
type providerSettings struct {
	TenantID      string
	ClientID      string
	ClientSecret  string
	Environment   clouds.Environment
	GraphEndpoint string
	AuthorityHost string
	APIVersion    string
}

// resolveSettings merges the provider block with the environment (the block wins), validates values that came
// from the environment the way the schema validates the block, and reports missing credentials in one diagnostic.
func resolveSettings(cfg securescoreProviderModelV0, getenv func(string) string) (providerSettings, diag.Diagnostics) {
	var diags diag.Diagnostics
	pick := func(v types.String, env string) (string, string) {
		if !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
			return v.ValueString(), "provider block"
		}
		return strings.TrimSpace(getenv(env)), env
	}

	var s providerSettings
	var missing []string
	var src string

	s.TenantID, src = pick(cfg.TenantID, envTenantID)
	if s.TenantID == "" {
		missing = append(missing, fmt.Sprintf("tenant_id (or %s)", envTenantID))
	} else if err := checkTenantID(s.TenantID); err != nil {
		diags.AddAttributeError(path.Root("tenant_id"), "Invalid tenant_id", fmt.Sprintf("From %s: %s", src, err))
	}

	s.ClientID, src = pick(cfg.ClientID, envClientID)
	if s.ClientID == "" {
		missing = append(missing, fmt.Sprintf("client_id (or %s)", envClientID))
	} else if err := checkGUID(s.ClientID); err != nil {
		diags.AddAttributeError(path.Root("client_id"), "Invalid client_id", fmt.Sprintf("From %s: %s", src, err))
	}

	s.ClientSecret, _ = pick(cfg.ClientSecret, envClientSecret)
	if s.ClientSecret == "" {
		missing = append(missing, fmt.Sprintf("client_secret (or %s)", envClientSecret))
	}

	if len(missing) > 0 {
		diags.AddError("Missing credentials",
			"The provider needs an Entra ID application's credentials to call Microsoft Graph. Missing:\n  - "+
				strings.Join(missing, "\n  - ")+
				"\n\nSet them in the provider \"securescore\" block or through the environment variables shown, e.g.\n"+
				"  export "+envTenantID+"=<directory (tenant) ID>\n"+
				"  export "+envClientID+"=<application (client) ID>\n"+
				"  export "+envClientSecret+"=<client secret value>")
	}

	envName, src := pick(cfg.Environment, envEnvironment)
	env, err := clouds.Lookup(envName)
	if err != nil {
		diags.AddAttributeError(path.Root("environment"), "Invalid environment", fmt.Sprintf("From %s: %s", src, err))
	}
	s.Environment = env

	s.GraphEndpoint, src = pick(cfg.GraphEndpoint, envGraphEndpoint)
	if s.GraphEndpoint == "" {
		s.GraphEndpoint = env.GraphEndpoint
	} else if err := checkBaseURL(s.GraphEndpoint); err != nil {
		diags.AddAttributeError(path.Root("graph_endpoint"), "Invalid graph_endpoint", fmt.Sprintf("From %s: %s", src, err))
	}
	s.GraphEndpoint = strings.TrimRight(s.GraphEndpoint, "/")

	s.AuthorityHost, src = pick(cfg.AuthorityHost, envAuthorityHost)
	if s.AuthorityHost == "" {
		s.AuthorityHost = env.AuthorityHost
	} else if err := checkBaseURL(s.AuthorityHost); err != nil {
		diags.AddAttributeError(path.Root("authority_host"), "Invalid authority_host", fmt.Sprintf("From %s: %s", src, err))
	}
	s.AuthorityHost = strings.TrimRight(s.AuthorityHost, "/")

	s.APIVersion, src = pick(cfg.APIVersion, envAPIVersion)
	if s.APIVersion == "" {
		s.APIVersion = defaultAPIVersion
	} else if !contains(apiVersions, s.APIVersion) {
		diags.AddAttributeError(path.Root("api_version"), "Invalid api_version",
			fmt.Sprintf("From %s: %q is not accepted; use one of: %s", src, s.APIVersion, strings.Join(apiVersions, ", ")))
	}
	return s, diags
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
