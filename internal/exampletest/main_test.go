package exampletest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
	"github.com/securescore/terraform-provider-securescore/internal/tfharness"
)

// acc is built once in TestMain and shared by every test.
var acc tfharness.Shared

func TestMain(m *testing.M) {
	os.Exit(tfharness.RunTests(m, "exampletest", &acc))
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
	return &rig{t: t, emu: emu, url: srv.URL, tf: &tfharness.Terraform{Bin: acc.Terraform,
		Env: acc.Install.Env(os.Environ(), tfharness.EmulatorEnv(srv.URL, tenant, clientID, secret)...)}}
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
