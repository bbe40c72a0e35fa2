// Command demo shows the provider end to end without a Microsoft tenant: it builds the provider, starts the Graph
// emulator in-process on a loopback port, writes its own Terraform CLI configuration (a filesystem mirror, so
// `terraform init` works offline), applies examples/demo, checks that a second plan is empty, imports the score
// into a fresh state with an import block and with `terraform import`, applies examples/multi-tenant to three
// tenants from one provider block, and stops the emulator.
//
// Run it from the repository root: go run ./internal/cmd/demo (or make demo).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
	"github.com/securescore/terraform-provider-securescore/internal/tfharness"
)

func main() {
	var (
		version  = flag.String("version", "", "provider version to build into the filesystem mirror (plain semver; default: the VERSION file)")
		examples = flag.String("config", "examples/demo", "directory holding the demo configuration")
		keep     = flag.Bool("keep", false, "keep the working directory afterwards")
	)
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *version, *examples, *keep); err != nil {
		fmt.Fprintf(os.Stderr, "\nDEMO FAILED: %v\n", err)
		os.Exit(1)
	}
	fmt.Println("\nDemo finished: apply, empty re-plan, both imports and the fleet of three tenants succeeded.")
}

// demo holds what the steps share.
type demo struct {
	ctx       context.Context
	terraform string
	work      string
	env       []string
	fleetEnv  []string // the fleet step's: the multi-tenant application, no provider tenant
	emu       *emulator.Emulator
	scoreID   string
	mirror    string // the filesystem mirror the provider is installed from
	version   string // the provider version in it
	lockFile  []byte // the dependency lock file made from the mirror (lock.go); copied into every workspace
}

func run(ctx context.Context, version, examples string, keep bool) error {
	started := time.Now()
	tf, err := exec.LookPath("terraform")
	if err != nil {
		return errors.New("terraform was not found on PATH")
	}
	work, err := os.MkdirTemp("", "securescore-demo-")
	if err != nil {
		return err
	}
	if keep {
		defer fmt.Printf("Working directory kept: %s\n", work)
	} else {
		defer func() { _ = os.RemoveAll(work) }()
	}

	d := &demo{ctx: ctx, terraform: tf, work: work}

	banner("1. Build the provider into a filesystem mirror")
	inst, err := tfharness.Build(ctx, work, tfharness.BuildOptions{Version: version, Stdout: os.Stdout, Stderr: os.Stderr})
	if err != nil {
		return err
	}
	fmt.Printf("built %s\n", inst.Binary)
	d.mirror, d.version = inst.Mirror, inst.Version

	banner("2. Start the Microsoft Graph emulator")
	emu, err := emulator.New(emulator.Config{Tenants: emulator.DefaultTenants(3)}) // three tenants for the fleet step
	if err != nil {
		return err
	}
	d.emu = emu
	srv, err := tfharness.Serve(emu, "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer func() {
		banner("Stop the emulator")
		_ = srv.Stop(5 * time.Second)
		fmt.Println("emulator stopped")
	}()
	url := srv.URL
	cfg := emu.Config()
	fmt.Printf("emulator listening on %s (tenant %s, client %s)\n", url, cfg.TenantID, cfg.ClientID)

	banner("3. Write a Terraform CLI configuration (offline filesystem mirror)")
	fmt.Printf("%s:\n%s", inst.CLIConfig, inst.CLIConfigText())

	d.env = inst.Env(os.Environ(), tfharness.EmulatorEnv(url, cfg.TenantID, cfg.ClientID, cfg.ClientSecret)...)
	d.fleetEnv = fleetEnvFor(inst, url)

	for _, step := range []struct {
		title string
		fn    func(examples string) error
	}{
		{"4. Lock the provider from the mirror, terraform init (offline) and apply " + examples, d.apply},
		{"5. A second plan shows no changes", d.replan},
		{"6. Import into a fresh state with an import block", d.importBlock},
		{"7. Import into a fresh state with terraform import", d.importCommand},
		{"8. Mark a control ThirdParty and watch the current score move", d.controlThirdParty},
		{"9. A fleet: one provider block applies examples/multi-tenant's baseline to three tenants", d.fleet},
	} {
		banner(step.title)
		if err := step.fn(examples); err != nil {
			return err
		}
	}

	banner("Emulator journal")
	counts := map[string]int{}
	for _, j := range emu.Journal() {
		counts[j.Kind+" "+j.Method]++
	}
	for k, n := range counts {
		fmt.Printf("  %-14s %d\n", k, n)
	}
	fmt.Printf("total time %s\n", time.Since(started).Round(time.Millisecond))
	// The emulator enforces Graph's Secure Score limits; the provider must stay within them.
	if refused := emu.LimitRefusals(); len(refused) > 0 {
		return fmt.Errorf("the emulator answered 429 for Graph's limits: %v", refused)
	}
	fmt.Println("429s from Graph's limits: 0")
	return nil
}

func (d *demo) apply(examples string) error {
	dir, err := d.workspace("apply", examples, "")
	if err != nil {
		return err
	}
	if err := d.lock(dir); err != nil {
		return err
	}
	if err := d.tf(dir, "init", "-input=false", "-no-color"); err != nil {
		return err
	}
	if err := d.tf(dir, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		return err
	}
	out, err := d.output(dir, "output", "-raw", "secure_score_id")
	if err != nil {
		return err
	}
	d.scoreID = strings.TrimSpace(out)
	fmt.Printf("secure score id: %s\n", d.scoreID)
	return nil
}

func (d *demo) replan(string) error {
	return d.expectNoChanges(filepath.Join(d.work, "apply"))
}

func (d *demo) importBlock(examples string) error {
	block := fmt.Sprintf("import {\n  to = securescore_secure_score.current\n  id = %q\n}\n", d.scoreID)
	dir, err := d.workspace("import-block", examples, block)
	if err != nil {
		return err
	}
	fmt.Print(block)
	if err := d.tf(dir, "init", "-input=false", "-no-color"); err != nil {
		return err
	}
	if err := d.tf(dir, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		return err
	}
	return d.expectNoChanges(dir)
}

func (d *demo) importCommand(examples string) error {
	dir, err := d.workspace("import-cli", examples, "")
	if err != nil {
		return err
	}
	if err := d.tf(dir, "init", "-input=false", "-no-color"); err != nil {
		return err
	}
	if err := d.tf(dir, "import", "-input=false", "-no-color", "securescore_secure_score.current", d.scoreID); err != nil {
		return err
	}
	return d.expectNoChanges(dir)
}

// expectNoChanges runs plan -detailed-exitcode and requires exit code 0 (no changes).
func (d *demo) expectNoChanges(dir string) error {
	err := d.tf(dir, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 2 {
		return errors.New("the plan shows changes; expected none")
	}
	if err != nil {
		return err
	}
	fmt.Println("=> plan exit code 0: no changes")
	return nil
}

// workspace makes a fresh Terraform working directory holding the demo configuration (and an extra file).
func (d *demo) workspace(name, examples, extra string) (string, error) {
	dir := filepath.Join(d.work, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	files, err := filepath.Glob(filepath.Join(examples, "*.tf"))
	if err != nil || len(files) == 0 {
		return "", fmt.Errorf("no .tf files in %s (run from the repository root)", examples)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			return "", err
		}
	}
	if extra != "" {
		if err := os.WriteFile(filepath.Join(dir, "import.tf"), []byte(extra), 0o644); err != nil {
			return "", err
		}
	}
	if d.lockFile != nil {
		if err := os.WriteFile(filepath.Join(dir, lockFileName), d.lockFile, 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

func (d *demo) tf(dir string, args ...string) error {
	fmt.Printf("\n$ terraform %s\n", strings.Join(args, " "))
	return d.cmd(dir, d.terraform, args...)
}

func (d *demo) output(dir string, args ...string) (string, error) {
	c := exec.CommandContext(d.ctx, d.terraform, args...)
	c.Dir, c.Env, c.Stderr = dir, d.env, os.Stderr
	out, err := c.Output()
	return string(out), err
}

func (d *demo) cmd(dir, name string, args ...string) error {
	c := exec.CommandContext(d.ctx, name, args...)
	c.Dir, c.Stdout, c.Stderr = dir, os.Stdout, os.Stderr
	if d.env != nil {
		c.Env = d.env
	}
	return c.Run()
}

func banner(title string) {
	fmt.Printf("\n==== %s %s\n", title, strings.Repeat("=", max(0, 70-len(title))))
}
