package exampletest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
	"github.com/securescore/terraform-provider-securescore/internal/tfharness"
)

// Built once in TestMain and shared by every test.
var (
	install   *tfharness.Install
	terraform string
	// openTofu is set when the CLI is OpenTofu; terraformVersion is its `version` line, for skip reasons.
	openTofu         bool
	terraformVersion string
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
	ver, err := exec.Command(tf, "version").Output() // stdout only: CLI configuration warnings go to stderr
	if err != nil {
		fmt.Fprintln(os.Stderr, "FATAL:", tf, "version:", err)
		return 1
	}
	for _, line := range strings.Split(string(ver), "\n") {
		if strings.HasPrefix(line, "Terraform v") || strings.HasPrefix(line, "OpenTofu v") {
			terraformVersion = line
			break
		}
	}
	openTofu = tfharness.IsOpenTofu(string(ver))
	dir, err := os.MkdirTemp("", "securescore-exampletest-")
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

// rig is one test's emulator on a loopback port and terraform, signed in as clientID in tenant.
type rig struct {
	t   *testing.T
	emu *emulator.Emulator
	url string
	tf  *tfharness.Terraform
}

func newRig(t *testing.T, cfg emulator.Config, tenant, clientID, secret string) *rig {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("these tests drive terraform and a built provider; set TF_ACC=1 (make test does)")
	}
	emu, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := tfharness.Serve(emu, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop(5 * time.Second) })
	return &rig{t: t, emu: emu, url: srv.URL, tf: &tfharness.Terraform{Bin: terraform,
		Env: install.Env(os.Environ(), tfharness.EmulatorEnv(srv.URL, tenant, clientID, secret)...)}}
}

// run runs terraform in dir and fails the test unless it exits with want.
func (r *rig) run(dir string, want int, args ...string) *tfharness.Result {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	res, err := r.tf.Run(ctx, dir, args...)
	if res == nil || res.ExitCode != want {
		out := ""
		if res != nil {
			out = res.Output
		}
		r.t.Fatalf("terraform %v: %v, want exit %d\n%s", args, err, want, out)
	}
	return res
}

// no429 fails the test when the emulator answered any request 429.
func (r *rig) no429() {
	r.t.Helper()
	for _, j := range r.emu.Journal() {
		if j.Status == 429 {
			r.t.Errorf("answered 429: %s %s (tenant %s)", j.Method, j.Path, j.Tenant)
		}
	}
}
