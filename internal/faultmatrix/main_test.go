package faultmatrix

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/tfharness"
)

// Built once in TestMain and shared by every test.
var (
	install   *tfharness.Install
	terraform string
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	if os.Getenv("TF_ACC") == "" {
		return m.Run() // every test skips itself, as acceptance tests do
	}
	tf, err := tfharness.LookTerraform()
	if err != nil {
		fmt.Fprintln(os.Stderr, "FATAL: TF_ACC is set but", err)
		return 1
	}
	terraform = tf
	dir, err := os.MkdirTemp("", "securescore-faultmatrix-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "FATAL:", err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	install, err = tfharness.Build(ctx, dir, tfharness.BuildOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "FATAL:", err)
		return 1
	}
	return m.Run()
}
