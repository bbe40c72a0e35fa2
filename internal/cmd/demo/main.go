// Command demo shows the provider end to end without a Microsoft tenant: it builds the provider, starts the Graph
// emulator in-process on a loopback port, writes its own Terraform CLI configuration (a filesystem mirror, so
// `terraform init` works offline), applies examples/demo, checks that a second plan is empty, imports the score
// into a fresh state with an import block and with `terraform import`, and stops the emulator.
//
// Run it from the repository root: go run ./internal/cmd/demo (or make demo).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

const providerSource = "registry.terraform.io/securescore/securescore"

func main() {
	var (
		version  = flag.String("version", "0.1.0", "provider version to build into the filesystem mirror (plain semver)")
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
	fmt.Println("\nDemo finished: apply, empty re-plan and both imports succeeded.")
}

// demo holds what the steps share.
type demo struct {
	ctx       context.Context
	terraform string
	work      string
	env       []string
	emu       *emulator.Emulator
	scoreID   string
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
	mirror := filepath.Join(work, "mirror")
	bin := filepath.Join(mirror, providerSource, version, runtime.GOOS+"_"+runtime.GOARCH, "terraform-provider-securescore_v"+version)
	if err := d.cmd("", "go", "build", "-ldflags", "-X main.version="+version, "-o", bin, "."); err != nil {
		return fmt.Errorf("building the provider: %w", err)
	}
	fmt.Printf("built %s\n", bin)

	banner("2. Start the Microsoft Graph emulator")
	emu, err := emulator.New(emulator.Config{})
	if err != nil {
		return err
	}
	d.emu = emu
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		banner("Stop the emulator")
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
		fmt.Println("emulator stopped")
	}()
	url := "http://" + ln.Addr().String()
	cfg := emu.Config()
	fmt.Printf("emulator listening on %s (tenant %s, client %s)\n", url, cfg.TenantID, cfg.ClientID)

	banner("3. Write a Terraform CLI configuration (offline filesystem mirror)")
	rc := filepath.Join(work, "terraformrc")
	rcText := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = [%q]
  }
  direct {
    exclude = [%q]
  }
}
`, mirror, providerSource, providerSource)
	if err := os.WriteFile(rc, []byte(rcText), 0o600); err != nil {
		return err
	}
	fmt.Print(rcText)

	d.env = append(cleanEnv(os.Environ()),
		"TF_CLI_CONFIG_FILE="+rc,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"ARM_TENANT_ID="+cfg.TenantID,
		"ARM_CLIENT_ID="+cfg.ClientID,
		"ARM_CLIENT_SECRET="+cfg.ClientSecret,
		"ARM_GRAPH_ENDPOINT="+url,
		"ARM_ACTIVE_DIRECTORY_AUTHORITY_HOST="+url,
	)

	for _, step := range []struct {
		title string
		fn    func(examples string) error
	}{
		{"4. terraform init (offline) and apply " + examples, d.apply},
		{"5. A second plan shows no changes", d.replan},
		{"6. Import into a fresh state with an import block", d.importBlock},
		{"7. Import into a fresh state with terraform import", d.importCommand},
		// Later steps (e.g. a control profile marked ThirdParty) slot in here.
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
	return nil
}

func (d *demo) apply(examples string) error {
	dir, err := d.workspace("apply", examples, "")
	if err != nil {
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

// cleanEnv drops settings that would point the demo at a real tenant or another CLI configuration.
func cleanEnv(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if strings.HasPrefix(kv, "ARM_") || strings.HasPrefix(kv, "TF_CLI_CONFIG_FILE=") || strings.HasPrefix(kv, "TF_PLUGIN_CACHE_DIR=") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func banner(title string) {
	fmt.Printf("\n==== %s %s\n", title, strings.Repeat("=", max(0, 70-len(title))))
}
