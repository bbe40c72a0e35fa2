package provider

// AKS workload identity: with use_aks_workload_identity, the variables the AKS webhook injects into a pod
// (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE, AZURE_AUTHORITY_HOST) fill in what the provider
// block and the ARM_* variables leave out, as the azuread provider and the Azure SDKs read them.

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

const (
	envUseAKSWorkloadIdentity = "ARM_USE_AKS_WORKLOAD_IDENTITY"
	envAzureClientID          = "AZURE_CLIENT_ID"
	envAzureTenantID          = "AZURE_TENANT_ID"
	envAzureAuthorityHost     = "AZURE_AUTHORITY_HOST"
	envAzureFederatedToken    = "AZURE_FEDERATED_TOKEN_FILE" // read by auth as the last source of oidc_token_file_path
)

// aksIdentity fills an id the block and ARM_* left empty from the webhook's variable, checked as the block is. When
// both are set they must agree, as in azuread: a different id means the pod's identity is not the one configured.
func aksIdentity(attr, current, currentFrom, envVar string, check func(string) error, getenv func(string) string, diags *diag.Diagnostics) string {
	v := strings.TrimSpace(getenv(envVar))
	switch {
	case v == "":
		return current
	case current != "" && !strings.EqualFold(current, v):
		diags.AddAttributeError(path.Root(attr), "Conflicting "+attr, fmt.Sprintf(
			"%s is %q from %s, but AKS workload identity sets %s to %q. Remove one, make them match, or turn off "+
				"use_aks_workload_identity.", attr, current, currentFrom, envVar, v))
		return current
	case current != "":
		return current
	}
	if err := check(v); err != nil {
		diags.AddAttributeError(path.Root(attr), "Invalid "+attr, fmt.Sprintf("From %s: %s", envVar, err))
	}
	return v
}

// aksAuthorityHost is AZURE_AUTHORITY_HOST when neither authority_host nor environment is configured anywhere: as
// in the Azure SDKs, an explicit cloud wins over the variable. "" leaves the environment's login host.
func aksAuthorityHost(cfg securescoreProviderModelV0, getenv func(string) string, diags *diag.Diagnostics) string {
	for _, set := range []bool{
		cfg.AuthorityHost.ValueString() != "", strings.TrimSpace(getenv(envAuthorityHost)) != "",
		cfg.Environment.ValueString() != "", strings.TrimSpace(getenv(envEnvironment)) != "",
	} {
		if set {
			return ""
		}
	}
	v := strings.TrimSpace(getenv(envAzureAuthorityHost))
	if v == "" {
		return ""
	}
	if err := checkBaseURL(v); err != nil {
		diags.AddAttributeError(path.Root("authority_host"), "Invalid authority_host", fmt.Sprintf("From %s: %s", envAzureAuthorityHost, err))
		return ""
	}
	return strings.TrimRight(v, "/")
}
