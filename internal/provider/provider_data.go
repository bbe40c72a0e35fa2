package provider

import (
	"context"
	"fmt"

	"github.com/securescore/terraform-provider-securescore/internal/auth"
	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// providerData is what Configure hands to resources: one Graph client (and so one token source) per provider
// instance, so a process makes one token request however many resources it manages.
type providerData struct {
	client   *graph.Client
	settings providerSettings
	masks    *logMasks               // secrets met while signing in, masked in every log line written with logContext
	profiles *controlProfileSnapshot // control-profile reads, shared by securescore_control_profile and securescore_baseline
	claims   *baselineClaims         // controls the baselines planned in this walk claim (see baseline_claims.go)
}

// logContext masks the secrets known so far in the lines logged with the returned context.
func (d *providerData) logContext(ctx context.Context) context.Context {
	if d == nil {
		return ctx
	}
	return d.masks.apply(ctx)
}

// providerDataFrom turns the ProviderData a resource receives into *providerData, or reports what went wrong.
func providerDataFrom(v any) (*providerData, error) {
	if v == nil {
		return nil, nil
	}
	d, ok := v.(*providerData)
	if !ok {
		return nil, fmt.Errorf("expected *providerData, got %T; please report this issue to the provider developers", v)
	}
	return d, nil
}

// newProviderDataWithTokens builds the Graph client on the selected method's token source.
func newProviderDataWithTokens(s providerSettings, tokens graph.TokenSource, userAgent string, method auth.Method) (*providerData, error) {
	client, err := graph.New(graph.Options{
		Endpoint:      s.GraphEndpoint,
		APIVersion:    s.APIVersion,
		Tokens:        tokens,
		UserAgent:     userAgent,
		ForbiddenHint: forbiddenHintFor(method),

		EndpointSettings: graphEndpointSettings, // named when the Graph host cannot be reached
		// The request budget is Graph's per app per tenant; instances with the same three share it.
		TenantID:              s.TenantID,
		ClientID:              s.ClientID,
		MaxConcurrentRequests: s.MaxConcurrentRequests,
	})
	if err != nil {
		return nil, fmt.Errorf("graph client: %w", err)
	}
	return &providerData{client: client, settings: s, profiles: newControlProfileSnapshot(client), claims: newBaselineClaims()}, nil
}

// graphEndpointSettings names the settings that choose the Graph host, for the error a host that cannot be reached
// gets (as auth names the login host's).
const graphEndpointSettings = "graph_endpoint (" + envGraphEndpoint + "), else the Graph host of environment (" + envEnvironment + ")"

// forbiddenHintFor is the sign-in method's advice on a 403: the Azure CLI's Graph token is delegated and usually
// lacks the SecurityEvents scopes (az's own application does not request them).
func forbiddenHintFor(method auth.Method) string {
	if method == auth.MethodAzureCLI {
		return "signed in with the Azure CLI, whose Graph token usually lacks the SecurityEvents scopes: use an application " +
			"(client secret, certificate or OIDC) or a managed identity that has the permission"
	}
	return ""
}

// errorAdder is what diagnostics offer for reporting an error (diag.Diagnostics satisfies it).
type errorAdder interface{ AddError(string, string) }

// requireClient returns the Graph client of configured provider data, or adds the "provider not configured"
// error when the provider had values only known after apply.
func requireClient(data *providerData, diags errorAdder) *graph.Client {
	if data == nil {
		diags.AddError("Provider not configured",
			"The securescore provider was not configured, usually because its configuration holds values that are only "+
				"known after apply (for example a client secret created by another resource). Apply those first, or set the "+
				"values directly, then run this again.")
		return nil
	}
	return data.client
}
