package tfharness

import (
	"fmt"
	"strings"
)

// RequiredProviders is a terraform block naming each provider by its full source address (local name: the
// address's last part). Configurations must not rely on the CLI's default: Terraform reads a bare
// "securescore" as registry.terraform.io/hashicorp/securescore and OpenTofu as
// registry.opentofu.org/hashicorp/securescore, and neither is the provider under test.
func RequiredProviders(sources ...string) string {
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n")
	for _, s := range sources {
		fmt.Fprintf(&b, "    %s = {\n      source = %q\n    }\n", s[strings.LastIndex(s, "/")+1:], s)
	}
	b.WriteString("  }\n}\n")
	return b.String()
}
