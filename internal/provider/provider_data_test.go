package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/securescore/terraform-provider-securescore/internal/auth"
)

func TestForbiddenHintForAzureCLI(t *testing.T) {
	if got := forbiddenHintFor(auth.MethodAzureCLI); !strings.Contains(got, "Azure CLI") {
		t.Errorf("azure cli: %q", got)
	}
	if got := forbiddenHintFor(auth.MethodClientSecret); got != "" {
		t.Errorf("client secret: %q", got)
	}
}

// newProviderData signs in with the client secret in s, for tests that drive resources without Terraform (the
// real-tenant acceptance setup, the plan benchmark).
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
