package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// lockFileName is Terraform's dependency lock file.
const lockFileName = ".terraform.lock.hcl"

// mirrorPlatforms lists the os_arch directories the filesystem mirror holds for version, at any address.
func mirrorPlatforms(mirror, version string) ([]string, error) {
	dirs, err := filepath.Glob(filepath.Join(mirror, "*", "*", "*", version, "*_*"))
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, d := range dirs {
		if p := filepath.Base(d); !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the mirror %s holds no platform of version %s", mirror, version)
	}
	sort.Strings(out)
	return out, nil
}

// lock writes the dependency lock file into dir from the mirror alone, for every platform the mirror holds, and
// keeps it for the later workspaces. Without it each `terraform init` computes checksums itself and warns
// "Incomplete lock file information for providers". `terraform get` comes first, in the order the README gives:
// `providers lock` reads the modules too and refuses to run before they are installed.
func (d *demo) lock(dir string) error {
	platforms, err := mirrorPlatforms(d.mirror, d.version)
	if err != nil {
		return err
	}
	if err := d.tf(dir, "get", "-no-color"); err != nil {
		return err
	}
	args := []string{"providers", "lock", "-fs-mirror=" + d.mirror}
	for _, p := range platforms {
		args = append(args, "-platform="+p)
	}
	if err := d.tf(dir, append(args, "-no-color")...); err != nil {
		return err
	}
	b, err := os.ReadFile(filepath.Join(dir, lockFileName))
	if err != nil {
		return err
	}
	d.lockFile = b
	return nil
}
