package provider

import (
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

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

// accCLIVersion is the `version` output of the CLI the acceptance tests run (TF_ACC_TERRAFORM_PATH, set by TestMain).
var accCLIVersion = sync.OnceValue(func() string {
	out, _ := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), "version").Output()
	return string(out)
})

// skipUnderOpenTofu skips a test whose behaviour OpenTofu does not have, printing why.
func skipUnderOpenTofu(t testing.TB, why string) {
	t.Helper()
	if tfharness.IsOpenTofu(accCLIVersion()) {
		t.Skipf("OpenTofu: %s", why)
	}
}
