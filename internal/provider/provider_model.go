package provider

import (
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// securescoreProviderModelV0 is the provider block.
type securescoreProviderModelV0 struct {
	TenantID      types.String `tfsdk:"tenant_id"`
	ClientID      types.String `tfsdk:"client_id"`
	ClientSecret  types.String `tfsdk:"client_secret"`
	Environment   types.String `tfsdk:"environment"`
	GraphEndpoint types.String `tfsdk:"graph_endpoint"`
	AuthorityHost types.String `tfsdk:"authority_host"`
	APIVersion    types.String `tfsdk:"api_version"`

	MaxConcurrentRequests types.Int64 `tfsdk:"max_concurrent_requests"`

	// Further sign-in methods (auth_config.go).
	ClientIDFilePath               types.String `tfsdk:"client_id_file_path"`
	ClientSecretFilePath           types.String `tfsdk:"client_secret_file_path"`
	ClientCertificate              types.String `tfsdk:"client_certificate"`
	ClientCertificatePath          types.String `tfsdk:"client_certificate_path"`
	ClientCertificatePassword      types.String `tfsdk:"client_certificate_password"`
	UseOIDC                        types.Bool   `tfsdk:"use_oidc"`
	UseAKSWorkloadIdentity         types.Bool   `tfsdk:"use_aks_workload_identity"`
	OIDCToken                      types.String `tfsdk:"oidc_token"`
	OIDCTokenFilePath              types.String `tfsdk:"oidc_token_file_path"`
	OIDCRequestURL                 types.String `tfsdk:"oidc_request_url"`
	OIDCRequestToken               types.String `tfsdk:"oidc_request_token"`
	ADOPipelineServiceConnectionID types.String `tfsdk:"ado_pipeline_service_connection_id"`
	UseCLI                         types.Bool   `tfsdk:"use_cli"`
	UseMSI                         types.Bool   `tfsdk:"use_msi"`
	MSIEndpoint                    types.String `tfsdk:"msi_endpoint"`
}

func (m securescoreProviderModelV0) unknownAttributes() []string {
	var out []string
	for name, v := range map[string]types.String{
		"tenant_id": m.TenantID, "client_id": m.ClientID, "client_secret": m.ClientSecret,
		"environment": m.Environment, "graph_endpoint": m.GraphEndpoint, "authority_host": m.AuthorityHost,
		"api_version":         m.APIVersion,
		"client_id_file_path": m.ClientIDFilePath, "client_secret_file_path": m.ClientSecretFilePath,
		"client_certificate": m.ClientCertificate, "client_certificate_path": m.ClientCertificatePath,
		"client_certificate_password": m.ClientCertificatePassword, "oidc_token": m.OIDCToken,
		"oidc_token_file_path": m.OIDCTokenFilePath, "oidc_request_url": m.OIDCRequestURL,
		"oidc_request_token": m.OIDCRequestToken, "ado_pipeline_service_connection_id": m.ADOPipelineServiceConnectionID,
		"msi_endpoint": m.MSIEndpoint,
	} {
		if v.IsUnknown() {
			out = append(out, name)
		}
	}
	for name, v := range map[string]types.Bool{"use_oidc": m.UseOIDC, "use_aks_workload_identity": m.UseAKSWorkloadIdentity, "use_cli": m.UseCLI, "use_msi": m.UseMSI} {
		if v.IsUnknown() {
			out = append(out, name)
		}
	}
	if m.MaxConcurrentRequests.IsUnknown() {
		out = append(out, "max_concurrent_requests")
	}
	sort.Strings(out)
	return out
}
