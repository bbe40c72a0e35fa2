package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/securescore/terraform-provider-securescore/internal/tfharness"
)

func TestMirrorPlatforms(t *testing.T) {
	mirror := t.TempDir()
	for _, d := range []string{
		"registry.terraform.io/securescore/securescore/0.1.0/linux_amd64",
		"registry.opentofu.org/securescore/securescore/0.1.0/linux_amd64",
		"registry.terraform.io/securescore/securescore/0.1.0/darwin_arm64",
		"registry.terraform.io/securescore/securescore/0.0.9/windows_amd64", // another version
	} {
		if err := os.MkdirAll(filepath.Join(mirror, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	got, err := mirrorPlatforms(mirror, "0.1.0")
	if err != nil || !reflect.DeepEqual(got, []string{"darwin_arm64", "linux_amd64"}) {
		t.Fatalf("got %v, %v", got, err)
	}
	if _, err := mirrorPlatforms(mirror, "9.9.9"); err == nil {
		t.Error("no error for a version the mirror lacks")
	}
}

// terraform init in the demo's workspaces prints no "Incomplete lock file information" warning: the lock file made
// from the mirror is there first. A workspace without it shows the warning, so the check can see it.
func TestDemoInitHasCompleteLockFile(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("drives terraform and a built provider; set TF_ACC=1 (make test does)")
	}
	tf, err := tfharness.LookTerraform()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	work := t.TempDir()
	inst, err := tfharness.Build(ctx, work, tfharness.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d := &demo{ctx: ctx, terraform: tf, work: work, env: inst.Env(os.Environ()), mirror: inst.Mirror, version: inst.Version}
	examples := filepath.Join("..", "..", "..", "examples", "demo")
	const warning = "Incomplete lock file information"
	init := func(dir string) string {
		t.Helper()
		c := exec.CommandContext(ctx, tf, "init", "-input=false", "-no-color")
		c.Dir, c.Env = dir, d.env
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("init in %s: %v\n%s", dir, err, out)
		}
		return string(out)
	}

	bare, err := d.workspace("bare", examples, "")
	if err != nil {
		t.Fatal(err)
	}
	if out := init(bare); !strings.Contains(out, warning) {
		t.Fatalf("without the lock file terraform init did not warn; the check below could not see the warning:\n%s", out)
	}

	first, err := d.workspace("apply", examples, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.lock(first); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(d.lockFile), `"h1:`) {
		t.Fatalf("lock file without an h1: checksum:\n%s", d.lockFile)
	}
	later, err := d.workspace("import-cli", examples, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{first, later} {
		if out := init(dir); strings.Contains(out, warning) {
			t.Errorf("terraform init in %s warned:\n%s", filepath.Base(dir), out)
		}
	}
}
