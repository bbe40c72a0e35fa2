package repocheck

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoTrackedExecutables fails when git tracks a compiled program (ELF, Mach-O or PE): `go build` and
// `go run -o` outputs are 10 MB each and belong in .gitignore, not in the history every clone downloads.
func TestNoTrackedExecutables(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not on PATH, so the tracked files cannot be listed: " + err.Error())
	}
	root := repoRoot(t)
	if out, err := exec.Command(git, "-C", root, "rev-parse", "--is-inside-work-tree").CombinedOutput(); err != nil {
		if strings.Contains(string(out), "not a git repository") {
			t.Skip("not a git work tree (a source archive?), so git tracks nothing here: " + strings.TrimSpace(string(out)))
		}
		t.Fatalf("git rev-parse: %v\n%s", err, out) // e.g. "dubious ownership": fix that rather than skip the check
	}
	list, err := exec.Command(git, "-C", root, "ls-files", "-z").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	files := strings.Split(strings.TrimRight(string(list), "\x00"), "\x00")
	if len(files) < 10 {
		t.Fatalf("git ls-files listed %d files in %s; the check would prove nothing", len(files), root)
	}
	checked := 0
	for _, name := range files {
		format, err := executableFormatOf(filepath.Join(root, name))
		switch {
		case errors.Is(err, os.ErrNotExist):
			continue // deleted in the work tree, not yet in the index
		case err != nil:
			t.Errorf("%s: %v", name, err)
		case format != "":
			t.Errorf("%s is an executable (%s) tracked by git: `git rm --cached %s` and add it to .gitignore", name, format, name)
		}
		checked++
	}
	t.Logf("%d tracked files checked", checked)
}

// TestExecutableFormat proves the detector on the test binary itself (whatever the platform builds) and on
// the headers of the other formats, and that text and data files pass.
func TestExecutableFormat(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if format, err := executableFormatOf(self); err != nil || format == "" {
		t.Errorf("the test binary %s was not recognised as an executable: %q, %v", self, format, err)
	}

	pe := make([]byte, 0x90)
	copy(pe, "MZ")
	binary.LittleEndian.PutUint32(pe[0x3c:], 0x80)
	copy(pe[0x80:], "PE\x00\x00")
	for _, c := range []struct {
		name   string
		header []byte
		want   string
	}{
		{"ELF", []byte("\x7fELF\x02\x01\x01\x00"), "ELF"},
		{"Mach-O 64-bit little-endian", []byte{0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1}, "Mach-O"},
		{"Mach-O 32-bit big-endian", []byte{0xfe, 0xed, 0xfa, 0xce, 0, 0, 0, 7}, "Mach-O"},
		{"universal (fat) Mach-O", []byte{0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2}, "Mach-O universal"},
		{"PE", pe, "PE"},
		{"MZ without a PE header", append([]byte("MZ is how this text begins"), make([]byte, 0x60)...), ""},
		{"Go source", []byte("package main\n\nfunc main() {}\n"), ""},
		{"SVG", []byte("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"), ""},
		{"empty", nil, ""},
		{"three bytes", []byte("\x7fEL"), ""},
	} {
		got, err := executableFormat(bytes.NewReader(c.header))
		if err != nil || got != c.want {
			t.Errorf("%s: got %q, %v; want %q", c.name, got, err, c.want)
		}
	}
}

// executableFormatOf names the executable format of a regular file, or "" when it is not one. Symbolic links
// and other non-regular entries are not programs git could have stored.
func executableFormatOf(path string) (string, error) {
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return "", err
	}
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer func() { _ = f.Close() }()
	return executableFormat(f)
}

// executableFormat reads the magic numbers of ELF, Mach-O (thin and universal) and PE (an MZ stub whose e_lfanew
// points at "PE\0\0").
func executableFormat(r io.ReaderAt) (string, error) {
	magic := make([]byte, 4)
	if _, err := r.ReadAt(magic, 0); err != nil {
		if errors.Is(err, io.EOF) {
			return "", nil // shorter than any executable header
		}
		return "", err
	}
	switch binary.BigEndian.Uint32(magic) {
	case 0x7f454c46: // "\x7fELF"
		return "ELF", nil
	case 0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe:
		return "Mach-O", nil
	case 0xcafebabe: // also a Java class file, which does not belong in this repository either
		return "Mach-O universal", nil
	}
	if string(magic[:2]) != "MZ" {
		return "", nil
	}
	// A DOS stub's e_lfanew (at 0x3c) points at the PE signature. A read cut short means text that happens to
	// begin with "MZ", not a Windows program.
	var lfanew, sig [4]byte
	if n, _ := r.ReadAt(lfanew[:], 0x3c); n < len(lfanew) {
		return "", nil
	}
	if n, _ := r.ReadAt(sig[:], int64(binary.LittleEndian.Uint32(lfanew[:]))); n < len(sig) || string(sig[:]) != "PE\x00\x00" {
		return "", nil
	}
	return "PE", nil
}
