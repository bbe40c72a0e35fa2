package tfharness

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Shared is what a test package's acceptance tests share: the CLI, and the provider built and installed once.
type Shared struct {
	Install   *Install
	Terraform string // the CLI's path (terraform or tofu)
	Version   string // its version line ("Terraform v1.11.4", "OpenTofu v1.9.0"), for skip reasons
	OpenTofu  bool
}

// RunTests is a test package's TestMain: with TF_ACC set it finds the CLI and builds the provider into a
// mirror under a temporary directory named for name, fills shared, and runs m. Without TF_ACC it only runs m:
// every acceptance test skips itself.
func RunTests(m *testing.M, name string, shared *Shared) int {
	if os.Getenv("TF_ACC") == "" {
		return m.Run()
	}
	tf, err := LookTerraform()
	if err != nil {
		fmt.Fprintln(os.Stderr, "FATAL: TF_ACC is set but", err)
		return 1
	}
	shared.Terraform = tf
	ver, err := exec.Command(tf, "version").Output() // stdout only: CLI configuration warnings go to stderr
	if err != nil {
		fmt.Fprintln(os.Stderr, "FATAL:", tf, "version:", err)
		return 1
	}
	for _, line := range strings.Split(string(ver), "\n") {
		if strings.HasPrefix(line, "Terraform v") || strings.HasPrefix(line, "OpenTofu v") {
			shared.Version = line
			break
		}
	}
	shared.OpenTofu = IsOpenTofu(string(ver))
	dir, err := os.MkdirTemp("", "securescore-"+name+"-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "FATAL:", err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	shared.Install, err = Build(ctx, dir, BuildOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "FATAL:", err)
		return 1
	}
	return m.Run()
}
