package provider

import (
	"fmt"
	"net"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// aksConfig is a provider block with only graph_endpoint and the switch: tenant, client, token file and login
// host all come from the variables the AKS webhook sets.
func (e *accEnv) aksConfig() string {
	return requiredProviders + fmt.Sprintf(`provider "securescore" {
  graph_endpoint            = %q
  use_aks_workload_identity = true
}

data "securescore_secure_score" "current" {}
`, e.url)
}

func TestAccAuth_aksWorkloadIdentity(t *testing.T) {
	env := authAccEnv(t, federatedConfig())
	t.Setenv(envAzureTenantID, env.config.TenantID)
	t.Setenv(envAzureClientID, env.config.ClientID)
	t.Setenv(envAzureAuthorityHost, env.url+"/")
	t.Setenv(envAzureFederatedToken, writeFile(t, "azure-identity-token", []byte(env.idToken(t, accSubject))))
	runAuthTest(t, resource.TestStep{
		Config: env.aksConfig(),
		Check: resource.ComposeAggregateTestCheckFunc(
			resource.TestCheckResourceAttr("data.securescore_secure_score.current", "id", env.emu.CurrentSecureScoreID()),
			// The token request went to AZURE_AUTHORITY_HOST for AZURE_TENANT_ID as AZURE_CLIENT_ID, with the file's assertion.
			env.tokenRequest("/"+env.config.TenantID+"/oauth2/v2.0/token", "client_id="+env.config.ClientID,
				"client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer", "client_assertion=REDACTED"),
		),
	})
}

// closedLoopbackURL is an http URL on a loopback port that nothing listens on.
func closedLoopbackURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return u
}

// A login host that refuses connections: the error names the host and the settings that choose it, for both the
// block's authority_host and AKS's AZURE_AUTHORITY_HOST.
func TestAccAuth_unreachableAuthorityHost(t *testing.T) {
	env := authAccEnv(t, federatedConfig())
	closed := closedLoopbackURL(t)
	wantErr := regexp.MustCompile(`(?s)token endpoint at\s+` + regexp.QuoteMeta(closed) + `\s+could\s+not\s+be\s+reached\s+\(connection\s+refused\).*` +
		`authority_host\s+\(ARM_ACTIVE_DIRECTORY_AUTHORITY_HOST;.*AZURE_AUTHORITY_HOST\)`)
	secret := fmt.Sprintf(`provider "securescore" {
  graph_endpoint = %q
  authority_host = %q
  tenant_id      = %q
  client_id      = %q
  client_secret  = %q
}

data "securescore_secure_score" "current" {}
`, env.url, closed, env.config.TenantID, env.config.ClientID, env.config.ClientSecret)
	runAuthTest(t, resource.TestStep{Config: requiredProviders + secret, ExpectError: wantErr})

	t.Setenv(envAzureTenantID, env.config.TenantID)
	t.Setenv(envAzureClientID, env.config.ClientID)
	t.Setenv(envAzureAuthorityHost, closed)
	t.Setenv(envAzureFederatedToken, writeFile(t, "azure-identity-token", []byte(env.idToken(t, accSubject))))
	runAuthTest(t, resource.TestStep{Config: env.aksConfig(), ExpectError: wantErr})
}
