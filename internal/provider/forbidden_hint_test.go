package provider

import (
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
