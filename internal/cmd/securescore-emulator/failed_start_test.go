package main

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A start that fails because the port is taken neither creates nor rewrites the -state file.
func TestFailedStartLeavesStateFileAlone(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := t.TempDir()

	fresh := filepath.Join(dir, "new.json")
	err = run([]string{"-listen", busy.Addr().String(), "-state", fresh}, io.Discard, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("run on a busy port: %v", err)
	}
	if _, err := os.Stat(fresh); !os.IsNotExist(err) {
		t.Errorf("the failed start created %s (%v)", fresh, err)
	}

	existing := filepath.Join(dir, "old.json")
	const content = "not even JSON: a failed start must not read-modify-write this"
	if err := os.WriteFile(existing, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"-listen", busy.Addr().String(), "-state", existing}, io.Discard, io.Discard, nil); err == nil {
		t.Fatal("run on a busy port succeeded")
	}
	if got, _ := os.ReadFile(existing); string(got) != content {
		t.Errorf("the failed start rewrote %s: %q", existing, got)
	}
}
