package provider

// Sign-in configuration: the attributes of every authentication method, building the token source through
// auth's fixed method order, turning auth errors into diagnostics, masking secrets in logs, and the warning for
// clouds where Microsoft does not offer secureScores.

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/securescore/terraform-provider-securescore/internal/auth"
	"github.com/securescore/terraform-provider-securescore/internal/clouds"
)

// missingCredentialsSummary is the summary of the one diagnostic that says no sign-in method is usable.
const missingCredentialsSummary = "Missing credentials"

// App Service and Functions publish their managed identity endpoint in these variables.
const (
	envIdentityEndpoint = "IDENTITY_ENDPOINT"
	envIdentityHeader   = "IDENTITY_HEADER"
)

// secretEnvVars hold secrets; their values are masked in the provider's logs.
var secretEnvVars = []string{
	envClientSecret, "ARM_CLIENT_CERTIFICATE", "ARM_CLIENT_CERTIFICATE_PASSWORD", "ARM_OIDC_TOKEN",
	"ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "SYSTEM_ACCESSTOKEN", envIdentityHeader,
}

// secretAttributes are the provider attributes whose values are secret.
var secretAttributes = []string{"client_secret", "client_certificate", "client_certificate_password", "oidc_token", "oidc_request_token"}

// envDoc renders the environment variables auth reads for attr, for a MarkdownDescription.
func envDoc(attr string) string {
	vars := auth.EnvVars(attr)
	if len(vars) == 0 {
		return ""
	}
	if len(vars) == 1 {
		return " Environment variable: `" + vars[0] + "`."
	}
	return " Environment variables, first set wins: `" + strings.Join(vars, "`, `") + "`."
}

// withAuthAttributes adds the attributes of the sign-in methods beyond tenant_id/client_id/client_secret.
func withAuthAttributes(attrs map[string]schema.Attribute) map[string]schema.Attribute {
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	str := func(desc string, sensitive bool) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Optional: true, Sensitive: sensitive, Validators: nonEmpty}
	}
	more := map[string]schema.Attribute{
		"client_id_file_path": str("Path to a file holding the application (client) ID, for IDs mounted as files. "+
			"When `client_id` is set too, both must agree."+envDoc("client_id_file_path"), false),
		"client_secret_file_path": str("Path to a file holding the client secret, for secrets mounted as files (Kubernetes, "+
			"Docker secrets): a regular file of at most 64 KiB. Trailing line breaks are removed, other whitespace is kept."+envDoc("client_secret_file_path"), false),
		"client_certificate": str("A client certificate of the app registration, as the base64 encoding of a PKCS#12 (`.pfx`) file "+
			"or of a PEM file holding the certificate and its unencrypted RSA private key (PKCS#1 or PKCS#8; Entra ID does not accept EC keys for client assertions). The provider signs a "+
			"JWT client assertion with it (RS256 with `x5t`). Conflicts with `client_certificate_path`."+envDoc("client_certificate"), true),
		"client_certificate_path": str("Path to a client certificate file: PKCS#12 (`.pfx`/`.p12`) or PEM with the private key."+
			envDoc("client_certificate_path"), false),
		"client_certificate_password": str("The password of a PKCS#12 client certificate; leave it out for a file without one. "+
			"Ignored for PEM. Trailing line breaks are removed, other whitespace is kept."+envDoc("client_certificate_password"), true),
		"use_oidc": schema.BoolAttribute{MarkdownDescription: "Sign in with workload identity federation (OIDC): an identity token " +
			"from GitHub Actions, Azure Pipelines, Kubernetes or another trusted issuer is exchanged for a Graph token. The " +
			"app registration needs a federated credential matching the token's issuer, subject and audience. Defaults to `false`." +
			envDoc("use_oidc"), Optional: true},
		"use_aks_workload_identity": schema.BoolAttribute{MarkdownDescription: "Sign in with AKS workload identity, as the azuread " +
			"provider does: OIDC with the variables the AKS workload identity webhook puts into the pod. `" + envAzureTenantID + "` and `" +
			envAzureClientID + "` fill in `tenant_id` and `client_id` when neither the block nor `" + envTenantID + "`/`" + envClientID +
			"` sets them (when both are set they must match); the token is read from `" + envAzureFederatedToken + "` unless `oidc_token` or " +
			"`oidc_token_file_path` is set; `" + envAzureAuthorityHost + "` is the login host unless `authority_host` or `environment` is set " +
			"(block or environment variable). Implies `use_oidc`. Defaults to `false`. Environment variable: `" +
			envUseAKSWorkloadIdentity + "`.", Optional: true},
		"oidc_token": str("A literal identity token (JWT) to exchange when `use_oidc` is true."+envDoc("oidc_token"), true),
		"oidc_token_file_path": str("Path to a file holding the identity token, as AKS workload identity mounts it. The file is read "+
			"again on every token refresh, because it rotates."+envDoc("oidc_token_file_path"), false),
		"oidc_request_url": str("The URL to request an identity token from: GitHub Actions' `ACTIONS_ID_TOKEN_REQUEST_URL` (the "+
			"audience `api://AzureADTokenExchange` is added), or Azure Pipelines' `SYSTEM_OIDCREQUESTURI` when "+
			"`ado_pipeline_service_connection_id` is set."+envDoc("oidc_request_url")+
			" With `ado_pipeline_service_connection_id`: `ARM_OIDC_REQUEST_URL`, `SYSTEM_OIDCREQUESTURI`.", false),
		"oidc_request_token": str("The bearer token for `oidc_request_url`: GitHub Actions' `ACTIONS_ID_TOKEN_REQUEST_TOKEN` or "+
			"Azure Pipelines' `SYSTEM_ACCESSTOKEN`."+envDoc("oidc_request_token")+
			" With `ado_pipeline_service_connection_id`: `ARM_OIDC_REQUEST_TOKEN`, `SYSTEM_ACCESSTOKEN`.", true),
		"ado_pipeline_service_connection_id": str("The ID of the Azure Pipelines service connection (Azure Resource Manager, "+
			"workload identity federation) to request the identity token for; selects the Azure Pipelines protocol."+
			envDoc("ado_pipeline_service_connection_id"), false),
		"use_cli": schema.BoolAttribute{MarkdownDescription: "Sign in with the Azure CLI's account: the provider runs " +
			"`az account get-access-token --scope <graph>/.default` (with `--tenant` when `tenant_id` is set). Defaults to " +
			"`false`, unlike the azuread provider: a provider that changes a tenant's security posture should not silently act " +
			"as whoever last ran `az login`." + envDoc("use_cli"), Optional: true},
		"use_msi": schema.BoolAttribute{MarkdownDescription: "Sign in with the Azure managed identity of the machine running " +
			"Terraform (IMDS on VMs, scale sets and AKS; `IDENTITY_ENDPOINT`/`IDENTITY_HEADER` on App Service and Functions). " +
			"`client_id` selects a user-assigned identity. Defaults to `false`." + envDoc("use_msi"), Optional: true},
		"msi_endpoint": str("The managed identity token endpoint, overriding IMDS (`http://169.254.169.254/metadata/identity/oauth2/token`). "+
			"A URL without a path gets the IMDS path. Plain `http://` is accepted only for loopback hosts and the IMDS address."+
			envDoc("msi_endpoint"), false),
	}
	maps.Copy(attrs, more)
	return attrs
}

// resolveSignIn fills in the inputs of the sign-in methods, from the block or, when the block leaves one out, from
// the environment variables auth.EnvVars lists for it. Tenant, client id and secret, cloud and authority host are
// providerSettings' own (resolveSettings). Secrets are passed as found: auth applies its whitespace rule.
func resolveSignIn(cfg securescoreProviderModelV0, getenv func(string) string, s *auth.Settings, diags *diag.Diagnostics) {
	pick := pickSetting(getenv)
	str := func(v types.String, attr string) string {
		value, _ := pick(v, auth.EnvVars(attr)...)
		return value
	}
	secret := func(v types.String, vars []string) string { return secretSetting(v, vars, getenv) }
	s.ClientIDFilePath = str(cfg.ClientIDFilePath, "client_id_file_path")
	s.ClientSecretFilePath = str(cfg.ClientSecretFilePath, "client_secret_file_path")
	s.ClientCertificate = secret(cfg.ClientCertificate, auth.EnvVars("client_certificate"))
	s.ClientCertificatePath = str(cfg.ClientCertificatePath, "client_certificate_path")
	s.ClientCertificatePassword = secret(cfg.ClientCertificatePassword, auth.EnvVars("client_certificate_password"))

	s.UseOIDC = boolSetting(cfg.UseOIDC, "use_oidc", auth.EnvVars("use_oidc"), getenv, diags)
	s.OIDCToken = secret(cfg.OIDCToken, auth.EnvVars("oidc_token"))
	s.OIDCTokenFilePath = str(cfg.OIDCTokenFilePath, "oidc_token_file_path")
	s.ADOPipelineServiceConnectionID = str(cfg.ADOPipelineServiceConnectionID, "ado_pipeline_service_connection_id")
	// Azure Pipelines publishes its request URL and token under its own names.
	requestVars := auth.EnvVars
	if s.ADOPipelineServiceConnectionID != "" {
		requestVars = auth.AzurePipelinesEnvVars
	}
	s.OIDCRequestURL, _ = pick(cfg.OIDCRequestURL, requestVars("oidc_request_url")...)
	s.OIDCRequestToken = secret(cfg.OIDCRequestToken, requestVars("oidc_request_token"))

	s.UseMSI = boolSetting(cfg.UseMSI, "use_msi", auth.EnvVars("use_msi"), getenv, diags)
	s.MSIEndpoint = str(cfg.MSIEndpoint, "msi_endpoint")
	// App Service and Functions publish their managed identity endpoint here.
	s.IdentityEndpoint = strings.TrimSpace(getenv(envIdentityEndpoint))
	s.IdentityHeader = strings.TrimSpace(getenv(envIdentityHeader))

	s.UseCLI = boolSetting(cfg.UseCLI, "use_cli", auth.EnvVars("use_cli"), getenv, diags)
}

// secretSetting is a secret from the block, else from the first of vars holding more than whitespace, untrimmed:
// auth applies the one whitespace rule of secrets to every source.
func secretSetting(v types.String, vars []string, getenv func(string) string) string {
	if !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
		return v.ValueString()
	}
	for _, name := range vars {
		if raw := getenv(name); strings.TrimSpace(raw) != "" {
			return raw
		}
	}
	return ""
}

// boolSetting is the block's switch, else the first of vars that is set, parsed as a boolean, else false.
func boolSetting(v types.Bool, attr string, vars []string, getenv func(string) string, diags *diag.Diagnostics) bool {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueBool()
	}
	for _, name := range vars {
		raw := strings.TrimSpace(getenv(name))
		if raw == "" {
			continue
		}
		b, err := strconv.ParseBool(raw)
		if err != nil {
			diags.AddAttributeError(path.Root(attr), "Invalid "+attr, fmt.Sprintf("From %s: %q is not a boolean (true or false)", name, raw))
		}
		return b
	}
	return false
}

// credential picks the sign-in method; nothing is contacted yet.
func credential(ctx context.Context, s providerSettings) (*auth.Credential, diag.Diagnostics) {
	var diags diag.Diagnostics
	cred, err := auth.NewCredential(ctx, s.signIn())
	if err == nil {
		return cred, diags
	}
	var none *auth.NoMethodError
	var attrErr *auth.AttributeError
	var methodErr *auth.MethodError
	switch {
	case errors.As(err, &none):
		diags.AddError(missingCredentialsSummary, noMethodDetail(none))
	case errors.As(err, &attrErr):
		diags.AddAttributeError(path.Root(attrErr.Attribute), "Invalid "+attrErr.Attribute, err.Error())
	case errors.As(err, &methodErr):
		diags.AddError("Unable to configure "+methodErr.Method.Title()+" sign-in", err.Error())
	default:
		diags.AddError("Unable to configure sign-in", err.Error())
	}
	return nil, diags
}

// noMethodDetail lists every method with the reason it could not be used, then how to set up the usual
// client-secret sign-in. It is the only place that reports missing credentials.
func noMethodDetail(e *auth.NoMethodError) string {
	var b strings.Builder
	b.WriteString("No way to sign in to Entra ID is configured. The provider tried, in this order:\n")
	for _, r := range e.Rejections {
		fmt.Fprintf(&b, "  - %s: %s\n", r.Method.Title(), r.Reason)
	}
	b.WriteString("\nThe most common setup is an application with a client secret, which needs:\n" +
		"  - tenant_id (or " + envTenantID + ")\n" +
		"  - client_id (or " + envClientID + ")\n" +
		"  - client_secret (or " + envClientSecret + ")\n" +
		"Set them in the provider \"securescore\" block or through the environment variables shown, e.g.\n" +
		"  export " + envTenantID + "=<directory (tenant) ID>\n" +
		"  export " + envClientID + "=<application (client) ID>\n" +
		"  export " + envClientSecret + "=<client secret value>\n" +
		"See the provider documentation for the other methods and their environment variables.")
	return b.String()
}

// warnUnofferedCloud warns when the selected cloud has no secureScores (china): requests still go out, since
// Microsoft may add it and a custom graph_endpoint may serve it.
func warnUnofferedCloud(env clouds.Environment, diags *diag.Diagnostics) {
	if env.SecureScoreOffered {
		return
	}
	diags.AddAttributeWarning(path.Root("environment"), "Secure Score is not offered in this cloud",
		fmt.Sprintf("Microsoft does not offer secureScores (Microsoft Graph /security/secureScores) in the %q cloud (%s). "+
			"Plans and applies against it are expected to fail unless graph_endpoint points at a service that offers it.",
			env.Name, env.GraphEndpoint))
}

// maskSecrets hides every secret the provider may know, by value and by field name, in logs written with ctx.
func maskSecrets(ctx context.Context, cfg securescoreProviderModelV0, getenv func(string) string) context.Context {
	var values []string
	for _, v := range []types.String{cfg.ClientSecret, cfg.ClientCertificate, cfg.ClientCertificatePassword, cfg.OIDCToken, cfg.OIDCRequestToken} {
		if s := v.ValueString(); s != "" {
			values = append(values, s)
		}
	}
	for _, name := range secretEnvVars {
		if s := strings.TrimSpace(getenv(name)); s != "" {
			values = append(values, s)
		}
	}
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, secretAttributes...)
	if len(values) > 0 {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, values...)
		ctx = tflog.MaskMessageStrings(ctx, values...)
	}
	return ctx
}
