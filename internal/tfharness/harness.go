// Package tfharness runs the real terraform binary against a locally built provider, offline: it builds the
// provider into a filesystem mirror, writes a Terraform CLI configuration that installs only from that mirror,
// and prepares an environment that cannot reach a real tenant or another CLI configuration. The demo, the
// benchmark and the fault-matrix tests share it.
package tfharness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// ProviderSource is the provider's registry address, as configurations name it.
const ProviderSource = "registry.terraform.io/securescore/securescore"

// OpenTofuProviderSource is what OpenTofu makes of the short source "securescore/securescore" (its default
// registry host is not Terraform's). The mirror holds the provider at both addresses, so configurations written
// for users, which name the short source, install it with either CLI.
const OpenTofuProviderSource = "registry.opentofu.org/securescore/securescore"

// Install is a provider built into a filesystem mirror plus a CLI configuration that uses it.
type Install struct {
	Dir       string // the directory holding the mirror and the CLI configuration
	Mirror    string // filesystem mirror root
	Binary    string // the built provider inside the mirror
	CLIConfig string // Terraform CLI configuration file (TF_CLI_CONFIG_FILE)
	Version   string

	repoRoot string
	sources  []string // every provider in the mirror: ProviderSource, then those AddProvider built
}

// BuildOptions configures Build.
type BuildOptions struct {
	RepoRoot string    // module root holding main.go; "" finds it with `go env GOMOD`
	Version  string    // plain semver, e.g. "0.2.0"; "" is the repository's VERSION file (RepoVersion)
	Stdout   io.Writer // go build output; nil discards stdout
	Stderr   io.Writer // nil: go build's stderr is returned in the error instead
}

// Build compiles the provider into dir/mirror/<source>/<version>/<os_arch>/ and writes dir/terraformrc, whose
// provider_installation reads that mirror and never the network for this provider.
func Build(ctx context.Context, dir string, o BuildOptions) (*Install, error) {
	if o.RepoRoot == "" {
		root, err := RepoRoot(ctx)
		if err != nil {
			return nil, err
		}
		o.RepoRoot = root
	}
	if o.Version == "" {
		v, err := RepoVersion(o.RepoRoot)
		if err != nil {
			return nil, err
		}
		o.Version = v
	}
	in := &Install{Dir: dir, Mirror: filepath.Join(dir, "mirror"), CLIConfig: filepath.Join(dir, "terraformrc"), Version: o.Version,
		repoRoot: o.RepoRoot}
	var err error
	if in.Binary, err = in.build(ctx, ProviderSource, ".", o.Stdout, o.Stderr); err != nil {
		return nil, err
	}
	if err := in.link(in.Binary, OpenTofuProviderSource); err != nil {
		return nil, err
	}
	return in, in.writeCLIConfig()
}

// link places an already built provider binary in the mirror at another address (a hard link, else a copy).
func (in *Install) link(bin, source string) error {
	dst := in.binaryPath(source)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if err := os.Link(bin, dst); err != nil {
		b, rerr := os.ReadFile(bin)
		if rerr != nil {
			return rerr
		}
		if err := os.WriteFile(dst, b, 0o755); err != nil {
			return fmt.Errorf("mirroring %s as %s: %w", bin, source, err)
		}
	}
	in.sources = append(in.sources, source)
	return nil
}

// binaryPath is where the mirror holds source's binary: <mirror>/<source>/<version>/<os>_<arch>/<binary>.
func (in *Install) binaryPath(source string) string {
	name := source[strings.LastIndex(source, "/")+1:]
	return filepath.Join(in.Mirror, source, in.Version, runtime.GOOS+"_"+runtime.GOARCH, "terraform-provider-"+name+"_v"+in.Version)
}

// AddProvider builds another provider program of this module (pkg, e.g. "./internal/cmd/bench/floorprovider")
// into the mirror as source, at the install's version, and returns its binary.
func (in *Install) AddProvider(ctx context.Context, source, pkg string) (string, error) {
	bin, err := in.build(ctx, source, pkg, nil, nil)
	if err != nil {
		return "", err
	}
	return bin, in.writeCLIConfig()
}

func (in *Install) build(ctx context.Context, source, pkg string, stdout, stderr io.Writer) (string, error) {
	bin := in.binaryPath(source)
	cmd := exec.CommandContext(ctx, "go", "build", "-ldflags", "-X main.version="+in.Version, "-o", bin, pkg)
	cmd.Dir = in.repoRoot
	cmd.Stdout = stdout
	var errBuf strings.Builder
	if stderr != nil {
		cmd.Stderr = stderr
	} else {
		cmd.Stderr = &errBuf
	}
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building %s: %w\n%s", source, err, errBuf.String())
	}
	in.sources = append(in.sources, source)
	return bin, nil
}

func (in *Install) writeCLIConfig() error {
	return os.WriteFile(in.CLIConfig, []byte(in.CLIConfigText()), 0o600)
}

// CLIConfigText is the Terraform CLI configuration Build writes: the mirror's providers come from the mirror only.
func (in *Install) CLIConfigText() string {
	quoted := make([]string, len(in.sources))
	for i, s := range in.sources {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	list := strings.Join(quoted, ", ")
	return fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = [%s]
  }
  direct {
    exclude = [%s]
  }
}
`, in.Mirror, list, list)
}

// Env is base without settings that would reach a real tenant or another CLI configuration, plus this install's
// CLI configuration, the automation settings and extra ("KEY=value").
func (in *Install) Env(base []string, extra ...string) []string {
	env := append(CleanEnv(base),
		"TF_CLI_CONFIG_FILE="+in.CLIConfig,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
	)
	return append(env, extra...)
}

// CleanEnv drops ARM_* (credentials, endpoints), TF_CLI_CONFIG_FILE and TF_PLUGIN_CACHE_DIR.
func CleanEnv(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if strings.HasPrefix(kv, "ARM_") || strings.HasPrefix(kv, "TF_CLI_CONFIG_FILE=") ||
			strings.HasPrefix(kv, "TF_PLUGIN_CACHE_DIR=") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// EmulatorEnv points the provider at an emulator through the ARM_* variables.
func EmulatorEnv(url, tenantID, clientID, clientSecret string) []string {
	return []string{
		"ARM_TENANT_ID=" + tenantID,
		"ARM_CLIENT_ID=" + clientID,
		"ARM_CLIENT_SECRET=" + clientSecret,
		"ARM_GRAPH_ENDPOINT=" + url,
		"ARM_ACTIVE_DIRECTORY_AUTHORITY_HOST=" + url,
	}
}

// RepoRoot is the directory of the main module's go.mod.
func RepoRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside the provider's Go module (go env GOMOD is empty)")
	}
	return filepath.Dir(mod), nil
}

// LookTerraform finds terraform: TF_ACC_TERRAFORM_PATH, else PATH.
func LookTerraform() (string, error) {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p, nil
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		return "", errors.New("terraform was not found on PATH (or TF_ACC_TERRAFORM_PATH)")
	}
	return p, nil
}
