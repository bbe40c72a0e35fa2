package faultmatrix

import (
	"os"
	"testing"

	"github.com/securescore/terraform-provider-securescore/internal/tfharness"
)

// acc is built once in TestMain and shared by every test.
var acc tfharness.Shared

func TestMain(m *testing.M) {
	os.Exit(tfharness.RunTests(m, "faultmatrix", &acc))
}
