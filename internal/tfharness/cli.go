package tfharness

import "strings"

// IsOpenTofu tells OpenTofu from Terraform by the output of `version`: both print "terraform_version" in its
// JSON form, so only the plain form names the CLI.
func IsOpenTofu(versionOutput string) bool {
	return strings.Contains(versionOutput, "OpenTofu v")
}
