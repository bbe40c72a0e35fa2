package emulator

// Routes of the endpoints that stand in for things around Entra ID: managed identity endpoints
// and the local OIDC issuer.

import (
	"net/http"
	"strings"
)

// localEndpoint names the identity/OIDC endpoint a path addresses, with its journal kind: the
// endpoints that hand out tokens are "token", discovery and keys are "other". Paths are matched
// case-insensitively.
//
//	/metadata/identity/oauth2/token          IMDS                       "imds"
//	/msi/token                               App Service                "appservice"
//	/_oidc/.well-known/openid-configuration  issuer discovery           "oidc-config"
//	/_oidc/keys                              issuer JWKS                "oidc-keys"
//	/_oidc/github/token                      GitHub Actions token URL   "github"
//	/_oidc/ado/…/oidctoken                   Azure Pipelines token URL  "ado"
func localEndpoint(segs []string) (kind, endpoint string) {
	path := strings.ToLower(strings.Join(segs, "/"))
	switch {
	case path == "metadata/identity/oauth2/token":
		return "token", "imds"
	case path == "msi/token":
		return "token", "appservice"
	case path == "_oidc/.well-known/openid-configuration":
		return "other", "oidc-config"
	case path == "_oidc/keys":
		return "other", "oidc-keys"
	case path == "_oidc/github/token":
		return "token", "github"
	case strings.HasPrefix(path, "_oidc/ado/") && strings.HasSuffix(path, "/oidctoken"):
		return "token", "ado"
	case path == "_oidc" || strings.HasPrefix(path, "_oidc/"):
		return "other", "oidc-unknown"
	}
	return "", ""
}

func (e *Emulator) handleLocal(r *http.Request, endpoint string) *response {
	switch endpoint {
	case "imds":
		return e.handleIMDS(r)
	case "appservice":
		return e.handleAppServiceIdentity(r)
	}
	return e.handleOIDC(r, endpoint)
}
