package provider

import (
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/securescore/terraform-provider-securescore/internal/tfharness"
)

// The acceptance tests run under Terraform (make test) and OpenTofu (make test-opentofu). The two CLIs read a
// bare provider name against different registries, so every configuration names the provider's full address.

// requiredProviders starts every test configuration (the helpers that write a provider block add it).
var requiredProviders = tfharness.RequiredProviders(Address)

// pinProviderAddress makes terraform-plugin-testing serve the in-process provider at Address, the address
// requiredProviders names, instead of its default registry.terraform.io/hashicorp/securescore; both CLIs then
// reattach to it rather than install anything.
func pinProviderAddress() {
	host, rest, _ := strings.Cut(Address, "/")
	namespace, _, _ := strings.Cut(rest, "/")
	_ = os.Setenv(resource.EnvTfAccProviderHost, host)
	_ = os.Setenv(resource.EnvTfAccProviderNamespace, namespace)
}
