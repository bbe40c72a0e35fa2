package auth

import "github.com/securescore/terraform-provider-securescore/internal/graph"

// authorityHostSettings names every setting that chooses the token endpoint's host, for an error that says what
// to check when the host cannot be reached.
const authorityHostSettings = "authority_host (ARM_ACTIVE_DIRECTORY_AUTHORITY_HOST; with use_aks_workload_identity also " +
	"AZURE_AUTHORITY_HOST), else the login host of environment (ARM_ENVIRONMENT)"

// UnreachableError is a token request that never reached an Entra ID endpoint (see graph.UnreachableError, which
// Microsoft Graph's own unreachable host shares).
type UnreachableError = graph.UnreachableError

// unreachable returns err as an *UnreachableError when it says the endpoint's host could not be reached, else nil.
func unreachable(endpoint string, err error) error {
	return graph.Unreachable("the Entra ID token endpoint", endpoint, authorityHostSettings, err)
}
