package tfharness

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// VersionFile, at the repository root, is the one statement of the provider version a build from this tree
// carries: make build, install and demo, the tests' filesystem mirrors and examples/ci/run.sh read it. Releases
// take theirs from the git tag (goreleaser), so tag the version it names.
const VersionFile = "VERSION"

// plainSemver is the version form a filesystem mirror's directory and the binary name take.
var plainSemver = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$`)

// RepoVersion reads VersionFile in the repository root: one plain semver line.
func RepoVersion(root string) (string, error) {
	path := filepath.Join(root, VersionFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading the provider version: %w", err)
	}
	v := strings.TrimSpace(string(b))
	if !plainSemver.MatchString(v) {
		return "", fmt.Errorf("%s holds %q, want one plain semver version such as 0.2.0", path, v)
	}
	return v, nil
}
