package tfharness

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// TestMakeBuildsTheVersionFile proves that every make target that builds the provider builds the version in the
// VERSION file, the version Build puts in the tests' mirrors: `make -n` prints the commands without running them.
func TestMakeBuildsTheVersionFile(t *testing.T) {
	mk, err := exec.LookPath("make")
	if err != nil {
		t.Skip("make is not on PATH, so the GNUmakefile cannot be asked: " + err.Error())
	}
	root, err := RepoRoot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want, err := RepoVersion(root)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), mk, "-n", "-s", "build", "install", "demo")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "VERSION=9.9.9") // the file wins over a stray VERSION in the environment
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make -n: %v\n%s", err, out)
	}
	found := regexp.MustCompile(`(?:-X main\.version=|internal/cmd/demo -version )([^\s"]+)`).FindAllStringSubmatch(string(out), -1)
	if len(found) != 3 {
		t.Fatalf("make -n build install demo: %d versions found, want 3 (build, install, demo):\n%s", len(found), out)
	}
	for _, f := range found {
		if f[1] != want {
			t.Errorf("make builds version %s, VERSION says %s:\n%s", f[1], want, out)
		}
	}
}

func TestRepoVersion(t *testing.T) {
	for content, want := range map[string]string{"0.2.0\n": "0.2.0", " 1.10.3-rc.1 \n": "1.10.3-rc.1", "v0.2.0\n": "", "0.2\n": "", "": ""} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, VersionFile), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := RepoVersion(dir)
		if got != want || (err != nil) != (want == "") {
			t.Errorf("RepoVersion(%q) = %q, %v; want %q", content, got, err, want)
		}
	}
	if _, err := RepoVersion(t.TempDir()); err == nil {
		t.Error("no error for a repository without a VERSION file")
	}
}
