package tfharness

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestExamplesCIScript runs examples/ci/run.sh, with the CLI the tests use, as a pipeline would (provider built
// into a mirror, emulator binary, get/lock/init of a configuration with a module, apply/plan, a change made with
// curl, refresh-only drift check, repair) and checks from the emulator's state file that the apply, the outside
// change and the repair all reached the service, in that order, and that the lock step wrote the provider's
// checksums from the mirror before init (run.sh fails if init then warns that the lock file is incomplete).
func TestExamplesCIScript(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC is not set: this test runs terraform")
	}
	tf, err := LookTerraform()
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range []string{"bash", "curl", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed by examples/ci/run.sh: %v", tool, err)
		}
	}
	// The bound only catches a hang: the script builds the provider and the emulator, which on a loaded 2-core
	// machine with a cold build cache takes minutes.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	root, err := RepoRoot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(root, "examples", "ci", "run.sh"))
	// The script's CLI is the one the tests use (terraform, or tofu under make test-opentofu).
	cmd.Env = append(CleanEnv(os.Environ()), "WORK_DIR="+work, "REPO_ROOT="+root, "TF_BIN="+tf)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("examples/ci/run.sh: %v\n%s", err, out)
	}
	cli := filepath.Base(tf)
	for _, want := range []string{"== " + cli + " get", "== " + cli + " providers lock -fs-mirror", "== " + cli + " init",
		"no changes (exit 0)", "drift detected (exit 2)"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	raw, err := os.ReadFile(filepath.Join(work, "emulator.json"))
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Tenants []struct {
			ControlProfiles []struct {
				ID      string `json:"id"`
				Updates []struct {
					State   string  `json:"state"`
					Comment *string `json:"comment"`
				} `json:"controlStateUpdates"`
			} `json:"controlProfiles"`
		} `json:"tenants"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tn := range state.Tenants {
		for _, p := range tn.ControlProfiles {
			if p.ID == "BlockLegacyAuthentication" {
				for _, u := range p.Updates {
					got = append(got, u.State)
				}
			}
		}
	}
	want := []string{"Default", "ThirdParty", "Ignored", "ThirdParty"}
	if !strings.EqualFold(strings.Join(got, ","), strings.Join(want, ",")) { // the emulator may echo another case
		t.Errorf("BlockLegacyAuthentication's controlStateUpdates states = %v, want %v (seed, apply, change outside Terraform, repair)", got, want)
	}
	lock, err := os.ReadFile(filepath.Join(work, "config", ".terraform.lock.hcl"))
	if err != nil || !strings.Contains(string(lock), "securescore/securescore") || !strings.Contains(string(lock), `"h1:`) {
		t.Errorf("no lock file with the provider's checksums from the mirror (%v):\n%s", err, lock)
	}
	if _, err := os.Stat(filepath.Join(work, "config", ".terraform", "modules", "modules.json")); err != nil {
		t.Errorf("the configuration's module was not installed: %v", err)
	}
}
