// Package provider implements the securescore Terraform provider: the provider block, the data sources and
// securescore_secure_score on terraform-plugin-framework; securescore_control_profile and securescore_baseline on
// raw terraform-plugin-go, each a plain-Go core behind a protocol edge, as measured exceptions (see server.go and
// DESIGN.md). One configured provider serves many tenants (tenant_directory.go).
package provider

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/securescore/terraform-provider-securescore/internal/clouds"
	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// Address is the provider's registry source address.
const Address = "registry.terraform.io/securescore/securescore"

var _ provider.Provider = (*securescoreProvider)(nil)

// New returns a constructor for the framework part of the provider: the provider block, the data sources and
// securescore_secure_score. NewProtocol6Server serves it together with securescore_control_profile.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return newProvider(version, nil) }
}

// newProvider is the framework provider; configured, if not nil, receives what Configure produced.
func newProvider(version string, configured func(data *providerData, deferred bool)) *securescoreProvider {
	return &securescoreProvider{version: version, getenv: os.Getenv, configured: configured}
}

type securescoreProvider struct {
	version    string
	getenv     func(string) string                     // os.Getenv; replaceable in unit tests
	configured func(data *providerData, deferred bool) // hands the outcome to resources served outside the framework; may be nil
	stop       *stopRequest                            // Terraform's stop request, recorded by protocolServer; may be nil
}

func (p *securescoreProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "securescore"
	resp.Version = p.version
}

func (p *securescoreProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The securescore provider manages Microsoft Secure Score through Microsoft Graph " +
			"(`/security/secureScores`). It signs in to Entra ID with a client certificate, a client secret, workload " +
			"identity federation (OIDC), a managed identity or the Azure CLI, tried in that order. Every argument can also " +
			"be set with an environment variable; a value in the provider block wins over the environment.",
		Attributes: withAuthAttributes(map[string]schema.Attribute{
			"tenant_id": schema.StringAttribute{
				MarkdownDescription: "The Entra ID tenant (directory) ID, a GUID, or a verified domain such as `contoso.onmicrosoft.com`: " +
					"the tenant of every resource and data source that sets no `tenant_id` of its own. It may be left out when each " +
					"of them names its tenant; an application (client secret, certificate or OIDC) then signs in to each of those " +
					"tenants, one token per tenant. A managed identity reaches its own tenant only. Environment variable: `" + envTenantID + "`.",
				Optional:   true,
				Validators: []validator.String{tenantIDValidator()},
			},
			"client_id": schema.StringAttribute{
				MarkdownDescription: "The application (client) ID of the app registration, a GUID. " +
					"Environment variable: `" + envClientID + "`.",
				Optional:   true,
				Validators: []validator.String{guidValidator()},
			},
			"client_secret": schema.StringAttribute{
				MarkdownDescription: "A client secret of the app registration. Trailing line breaks are removed (as from `file()`); " +
					"other whitespace is kept, as for every secret. Environment variable: `" + envClientSecret + "`.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"environment": schema.StringAttribute{
				MarkdownDescription: "The Microsoft cloud, with the azuread provider's names: `global` (the default; alias `public`), `usgovernment` (GCC High; alias `usgovernmentl4`), " +
					"`usgovernmentl5` (DoD; alias `dod`) or `china` (21Vianet). It selects the Graph and login hosts and the token " +
					"scope `<graph host>/.default`. Environment variable: `" + envEnvironment + "`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOfCaseInsensitive(clouds.Names()...)},
			},
			"graph_endpoint": schema.StringAttribute{
				MarkdownDescription: "The Microsoft Graph base URL without the version, overriding the environment's " +
					"(for a proxy or the emulator), e.g. `http://127.0.0.1:8080`. Plain `http://` is accepted only for loopback hosts. " +
					"The token scope stays the environment's Graph host. Environment variable: `" + envGraphEndpoint + "`.",
				Optional:   true,
				Validators: []validator.String{baseURLValidator()},
			},
			"authority_host": schema.StringAttribute{
				MarkdownDescription: "The Entra ID login base URL, overriding the environment's, e.g. `https://login.microsoftonline.com`. " +
					"Environment variable: `" + envAuthorityHost + "`.",
				Optional:   true,
				Validators: []validator.String{baseURLValidator()},
			},
			"api_version": schema.StringAttribute{
				MarkdownDescription: "The Graph API version for every request: `beta` or `v1.0`. Left out, each operation uses the " +
					"version whose reference documents it: `v1.0` for reads and for the control-profile PATCH (its documented body " +
					"is the one sent), `beta` for the `secureScores` PATCH, which only the beta reference documents. " +
					"Environment variable: `" + envAPIVersion + "`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(apiVersions...)},
			},
			"max_concurrent_requests": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("The most Microsoft Graph requests this provider configuration has in flight "+
					"at once in each tenant, 1 to %d (the default). Graph admits %d concurrent Secure Score requests per "+
					"application per tenant and answers more with HTTP 429. The provider counts only within its own plugin "+
					"process, and Terraform starts one per provider configuration (each `alias`), so aliases, pipelines and "+
					"other tools using the same app in the same tenant do not share the count: with N of them set "+
					"`floor(%d / N)`, at least 1. Resources that name their tenant with `tenant_id` under one provider block "+
					"share one process and need no such split. Environment variable: `%s`.", graph.MaxConcurrentRequests,
					graph.MaxConcurrentRequests, graph.MaxConcurrentRequests, envMaxConcurrentRequests),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, graph.MaxConcurrentRequests)},
			},
		}),
	}
}

func (p *securescoreProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg securescoreProviderModelV0
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// A value only known after apply (e.g. a secret from another resource): per the framework's guidance, do not
	// fail and do not build a client; defer where Terraform allows it, else resources report it only if used.
	if unknown := cfg.unknownAttributes(); len(unknown) > 0 {
		tflog.Info(ctx, "Provider configuration has unknown values; skipping client creation", map[string]any{"attributes": unknown})
		if req.ClientCapabilities.DeferralAllowed {
			resp.Deferred = &provider.Deferred{Reason: provider.DeferredReasonProviderConfigUnknown}
			if p.configured != nil {
				p.configured(nil, true)
			}
		}
		return
	}

	ctx = maskSecrets(ctx, cfg, p.getenv)
	settings, diags := resolveSettings(cfg, p.getenv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	warnUnofferedCloud(settings.Environment, &resp.Diagnostics)

	masks := &logMasks{}
	settings.SignIn.OnSecret = masks.add
	cred, diags := credential(ctx, settings)
	ctx = masks.apply(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	userAgent := "terraform-provider-securescore/" + p.version
	if req.TerraformVersion != "" {
		userAgent += " terraform/" + req.TerraformVersion
	}
	tflog.Debug(ctx, "Requesting the provider's tenant's Microsoft Graph token ahead of the first request")
	data, err := newProviderDataFor(ctx, settings, cred, userAgent, masks)
	if err != nil {
		resp.Diagnostics.AddError("Unable to create the Microsoft Graph client", err.Error())
		return
	}
	tflog.Info(ctx, "Configured Microsoft Graph client", map[string]any{
		"auth_method":             string(cred.Method()),
		"environment":             settings.Environment.Name,
		"graph_endpoint":          settings.GraphEndpoint,
		"authority_host":          settings.AuthorityHost,
		"api_version":             settings.APIVersion,
		"tenant_id":               settings.TenantID,
		"client_id":               settings.ClientID,
		"max_concurrent_requests": settings.MaxConcurrentRequests,
	})
	data.stop = p.stop
	resp.ResourceData = data
	resp.DataSourceData = data
	if p.configured != nil {
		p.configured(data, false)
	}
}

func (p *securescoreProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewSecureScoreResource,
		// securescore_control_profile and securescore_baseline are served on terraform-plugin-go (see NewProtocol6Server).
	}
}

func (p *securescoreProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewSecureScoreDataSource,
		NewSecureScoresDataSource,
		NewControlProfilesDataSource,
		NewControlProfileDataSource,
	}
}
