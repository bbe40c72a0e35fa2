package provider

import (
	"context"
	"fmt"

	"github.com/securescore/terraform-provider-securescore/internal/auth"
	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// providerData is what Configure hands to resources: the one credential, and through tenant one Graph client (and
// so one token source) per tenant, so a process makes one token request per tenant however many resources it
// manages.
type providerData struct {
	settings   providerSettings
	credential *auth.Credential
	userAgent  string
	masks      *logMasks // secrets met while signing in, masked in every log line written with logContext
	tenants    *tenantDirectory
	stop       *stopRequest // Terraform's stop request: no write starts after it (see startWrite)

	// The provider's own tenant's client, listing and claims (nil when the provider names no tenant), for the
	// resources not yet reaching their tenant through tenant(); they go once none uses them.
	client   *graph.Client
	profiles *controlProfileSnapshot
	claims   *baselineClaims
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

// newProviderDataFor builds what resources share from the credential, and starts signing in to the provider's own
// tenant (tenantDirectory.start): the round trip then overlaps Terraform's work before the first request. Other
// tenants sign in on first use.
func newProviderDataFor(ctx context.Context, s providerSettings, credential *auth.Credential, userAgent string, masks *logMasks) (*providerData, error) {
	if masks == nil {
		masks = &logMasks{}
	}
	d := &providerData{settings: s, credential: credential, userAgent: userAgent, masks: masks}
	d.tenants = newTenantDirectory(credential, d.newTenant)
	if s.TenantID == "" && !credential.HasOwnTenant() {
		return d, nil // every resource names its tenant
	}
	own, err := d.tenants.start(ctx, s.TenantID)
	if err != nil {
		return nil, err
	}
	d.client, d.profiles, d.claims = own.client, own.profiles, own.claims
	return d, nil
}

// newTenant builds one tenant's data on its own token source; nothing is contacted yet.
func (d *providerData) newTenant(name string) (*tenantData, error) {
	tokens, err := d.credential.TokenSource(name)
	if err != nil {
		return nil, err
	}
	clientID := d.credential.ClientID()
	if clientID == "" {
		clientID = d.settings.ClientID
	}
	client, err := graph.New(graph.Options{
		Endpoint:      d.settings.GraphEndpoint,
		APIVersion:    d.settings.APIVersion,
		Tokens:        tokens,
		UserAgent:     d.userAgent,
		ForbiddenHint: forbiddenHintFor(d.credential.Method()),

		EndpointSettings: graphEndpointSettings, // named when the Graph host cannot be reached
		// The request budget is Graph's per app per tenant; clients with the same three share it.
		TenantID:              name,
		ClientID:              clientID,
		MaxConcurrentRequests: d.settings.MaxConcurrentRequests,
	})
	if err != nil {
		return nil, fmt.Errorf("graph client: %w", err)
	}
	t := &tenantData{name: name, client: client, profiles: newControlProfileSnapshot(client), claims: newBaselineClaims(), tokens: tokens}
	if isTenantGUID(name) {
		t.id = name
	}
	return t, nil
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

// providerConfigured reports whether the provider is configured, or adds the "provider not configured" error when
// it had values only known after apply.
func providerConfigured(data *providerData, diags errorAdder) bool {
	if data == nil {
		diags.AddError("Provider not configured",
			"The securescore provider was not configured, usually because its configuration holds values that are only "+
				"known after apply (for example a client secret created by another resource). Apply those first, or set the "+
				"values directly, then run this again.")
		return false
	}
	return true
}
