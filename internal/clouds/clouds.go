// Package clouds maps the provider's environment names to the Microsoft Graph and Entra ID hosts of each
// national cloud.
package clouds

import (
	"fmt"
	"sort"
	"strings"
)

// Environment is one Microsoft cloud: where Graph lives, where tokens come from and which scope to ask for.
type Environment struct {
	Name          string // canonical name, e.g. "global"
	GraphEndpoint string // Graph base URL without version
	AuthorityHost string // Entra ID login base URL
	// SecureScoreOffered is false where Microsoft does not offer secureScores (china); requests still go out.
	SecureScoreOffered bool
}

// Scope is the client-credentials scope for the environment's Graph host. It is always the cloud's own
// Graph host, even when requests go to an overriding endpoint (a proxy or the emulator).
func (e Environment) Scope() string {
	return e.GraphEndpoint + "/.default"
}

// Default is the environment used when none is configured.
const Default = "global"

var environments = map[string]Environment{
	"global": {
		Name:               "global",
		GraphEndpoint:      "https://graph.microsoft.com",
		AuthorityHost:      "https://login.microsoftonline.com",
		SecureScoreOffered: true,
	},
	"usgovernment": {
		Name:               "usgovernment",
		GraphEndpoint:      "https://graph.microsoft.us",
		AuthorityHost:      "https://login.microsoftonline.us",
		SecureScoreOffered: true,
	},
	"usgovernmentl5": {
		Name:               "usgovernmentl5",
		GraphEndpoint:      "https://dod-graph.microsoft.us",
		AuthorityHost:      "https://login.microsoftonline.us",
		SecureScoreOffered: true,
	},
	"china": {
		Name:          "china",
		GraphEndpoint: "https://microsoftgraph.chinacloudapi.cn",
		AuthorityHost: "https://login.chinacloudapi.cn",
	},
}

// aliases are the other accepted spellings, as the azuread provider names them (public, usgovernmentl4, ...).
var aliases = map[string]string{
	"public":         "global",
	"usgovernmentl4": "usgovernment", // azuread's name for GCC High (L4)
	"dod":            "usgovernmentl5",
}

// Names lists every accepted name (canonical names and aliases), sorted.
func Names() []string {
	names := make([]string, 0, len(environments)+len(aliases))
	for n := range environments {
		names = append(names, n)
	}
	for a := range aliases {
		names = append(names, a)
	}
	sort.Strings(names)
	return names
}

// Lookup resolves a name (case-insensitive, aliases allowed; "" means Default) to its Environment.
func Lookup(name string) (Environment, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "" {
		n = Default
	}
	if canonical, ok := aliases[n]; ok {
		n = canonical
	}
	env, ok := environments[n]
	if !ok {
		return Environment{}, fmt.Errorf("unknown environment %q: accepted values are %s", name, strings.Join(Names(), ", "))
	}
	return env, nil
}
