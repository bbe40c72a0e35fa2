package exampletest

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/tfharness"
)

// TestDocumentedConfigurationsInitialise takes the configurations a new user copies, the README's and the
// provider page's (docs/index.md, from examples/provider), with their required_providers constraint as written,
// and runs `terraform init` and `validate` on each against the filesystem mirror built at the repository's version
// (the VERSION file, which make install, make demo, the tests and examples/ci/run.sh build). A constraint the build
// does not satisfy, or an example the provider refuses, fails here rather than in a user's first init.
func TestDocumentedConfigurationsInitialise(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("drives terraform and a built provider; set TF_ACC=1 (make test does)")
	}
	root, err := tfharness.RepoRoot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	tf := &tfharness.Terraform{Bin: acc.Terraform, Env: acc.Install.Env(os.Environ())}
	for _, doc := range []string{"README.md", filepath.Join("docs", "index.md")} {
		raw, err := os.ReadFile(filepath.Join(root, doc))
		if err != nil {
			t.Fatal(err)
		}
		configs := configurationsWithConstraint(string(raw))
		if len(configs) == 0 {
			t.Errorf("%s: no terraform block with a required_providers version constraint; nothing was checked", doc)
		}
		t.Logf("%s: %d configuration(s) with a version constraint, initialised against the mirror of version %s", doc, len(configs), acc.Install.Version)
		for i, cfg := range configs {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o644); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
			res, err := tf.Run(ctx, dir, "init", "-input=false", "-no-color")
			if err == nil {
				// The configuration is also one the built provider accepts: attribute names, types, values.
				res, err = tf.Run(ctx, dir, "validate", "-no-color")
			}
			cancel()
			if err != nil {
				what, out := "init/validate", ""
				if res != nil {
					what, out = res.Args[0], res.Output
				}
				t.Errorf("%s, configuration %d: terraform %s against the mirror of version %s: %v\n%s\n--- configuration:\n%s",
					doc, i+1, what, acc.Install.Version, err, out, cfg)
				continue
			}
			lock, err := os.ReadFile(filepath.Join(dir, ".terraform.lock.hcl"))
			if err != nil || !strings.Contains(string(lock), `version     = "`+acc.Install.Version+`"`) {
				t.Errorf("%s, configuration %d: the lock file does not record version %s (%v):\n%s", doc, i+1, acc.Install.Version, err, lock)
			}
		}
	}
}

// fencedHCL matches a fenced code block of Terraform or HCL in Markdown, with its indentation (README blocks sit
// inside numbered list items).
var fencedHCL = regexp.MustCompile("(?ms)^([ \t]*)```(?:terraform|hcl)\n(.*?)\n[ \t]*```")

// versionArgument is a version = ... line, as in a required_providers entry.
var versionArgument = regexp.MustCompile(`(?m)^\s*version\s*=`)

// configurationsWithConstraint returns the fenced configurations in a Markdown document that pin this provider's
// version in required_providers, with the list indentation removed.
func configurationsWithConstraint(doc string) []string {
	var out []string
	for _, m := range fencedHCL.FindAllStringSubmatch(doc, -1) {
		indent, body := m[1], m[2]
		if !strings.Contains(body, "required_providers") || !strings.Contains(body, `source  = "securescore/securescore"`) ||
			!versionArgument.MatchString(body) {
			continue
		}
		lines := strings.Split(body, "\n")
		for i, l := range lines {
			lines[i] = strings.TrimPrefix(l, indent)
		}
		out = append(out, strings.Join(lines, "\n")+"\n")
	}
	return out
}
