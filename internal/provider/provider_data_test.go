package provider

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/securescore/terraform-provider-securescore/internal/auth"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

func TestForbiddenHintForAzureCLI(t *testing.T) {
	if got := forbiddenHintFor(auth.MethodAzureCLI); !strings.Contains(got, "Azure CLI") {
		t.Errorf("azure cli: %q", got)
	}
	if got := forbiddenHintFor(auth.MethodClientSecret); got != "" {
		t.Errorf("client secret: %q", got)
	}
}

// newProviderData signs in with the credential in s (the client secret, for most), for tests that drive resources
// without Terraform (the real-tenant acceptance setup, the plan benchmark).
func newProviderData(s providerSettings, userAgent string) (*providerData, error) {
	cred, err := auth.NewCredential(context.Background(), s.signIn())
	if err != nil {
		return nil, fmt.Errorf("credential: %w", err)
	}
	return newProviderDataFor(context.Background(), s, cred, userAgent, nil)
}

// serveAgainst points the provider at emu through the ARM_* variables (signing in with secret), starts the
// protocol server serve makes, and returns it with its schemas and a provider configuration that leaves every
// argument to the environment. The caller configures it, once or, as each plugin process does, again.
func serveAgainst(tb testing.TB, emu *emulator.Emulator, secret string, serve func() tfprotov6.ProviderServer) (
	tfprotov6.ProviderServer, *tfprotov6.GetProviderSchemaResponse, *tfprotov6.DynamicValue) {
	tb.Helper()
	srv := httptest.NewServer(emu)
	tb.Cleanup(srv.Close)
	cfg := emu.Config()
	for k, v := range map[string]string{"ARM_TENANT_ID": cfg.TenantID, "ARM_CLIENT_ID": cfg.ClientID, "ARM_CLIENT_SECRET": secret,
		"ARM_GRAPH_ENDPOINT": srv.URL, "ARM_ACTIVE_DIRECTORY_AUTHORITY_HOST": srv.URL} {
		tb.Setenv(k, v)
	}
	s := serve()
	schemas, err := s.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		tb.Fatal(err)
	}
	typ := schemas.Provider.ValueType()
	providerConfig, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, nullAttributes(typ)))
	if err != nil {
		tb.Fatal(err)
	}
	return s, schemas, &providerConfig
}
