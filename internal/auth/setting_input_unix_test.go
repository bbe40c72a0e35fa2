//go:build unix

package auth

import (
	"path/filepath"
	"syscall"
	"testing"
)

// A named pipe with no writer would block the read forever.
func TestSettingFilesRefuseNamedPipes(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for attr := range settingFileCases {
		t.Run(attr, func(t *testing.T) {
			checkSettingFileRefused(t, attr, fifo, "not a regular file (a named pipe)")
		})
	}
}
