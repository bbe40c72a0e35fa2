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

// newProviderData signs in with the client secret in s; the real-tenant acceptance setup uses it.
func newProviderData(s providerSettings, userAgent string) (*providerData, error) {
	tokens, err := auth.NewClientSecret(auth.ClientSecretConfig{
		AuthorityHost: s.AuthorityHost,
		TenantID:      s.TenantID,
		ClientID:      s.ClientID,
		ClientSecret:  s.ClientSecret,
		Scope:         s.Environment.Scope(),
	})
	if err != nil {
		return nil, fmt.Errorf("client secret credential: %w", err)
	}
	return newProviderDataWithTokens(s, tokens, userAgent, auth.MethodClientSecret)
}
