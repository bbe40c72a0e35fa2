package auth

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// Size bounds of files named by *_file_path and client_certificate_path: far above any real secret, token or
// certificate, far below what would exhaust memory.
const (
	maxSecretFileBytes      = 64 << 10
	maxCertificateFileBytes = 1 << 20
)

// NormalizeSecret is the one whitespace rule for secrets, whatever their source (provider block, environment
// variable or file): trailing line breaks (\n, \r\n) are removed, since file(), `echo > file` and editors add
// them, and no other whitespace is touched, since a secret may begin or end with a space. A variable or
// file holding only whitespace counts as not set or empty.
func NormalizeSecret(s string) string { return strings.TrimRight(s, "\r\n") }

// readSettingFile reads the file at path for attr. It must be a regular file (a FIFO would block and a device
// such as /dev/zero would never end) of at most limit bytes.
func readSettingFile(attr, path string, limit int64) ([]byte, error) {
	fail := func(format string, a ...any) error {
		return &AttributeError{Attribute: attr, Err: fmt.Errorf("the file %s: "+format, append([]any{path}, a...)...)}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fail("cannot be read: %w", unwrapPathError(err))
	}
	if !fi.Mode().IsRegular() {
		return nil, fail("is not a regular file (%s)", fileKind(fi.Mode()))
	}
	if fi.Size() > limit {
		return nil, fail("is %d bytes, more than the %d allowed", fi.Size(), limit)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fail("cannot be read: %w", unwrapPathError(err))
	}
	defer func() { _ = f.Close() }()
	// Checked again on the open file, in case the path was replaced meanwhile.
	if fi, err = f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil, fail("is not a regular file")
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fail("cannot be read: %w", unwrapPathError(err))
	}
	if int64(len(b)) > limit {
		return nil, fail("is more than the %d bytes allowed", limit)
	}
	return b, nil
}

// unwrapPathError drops the path an *fs.PathError repeats.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return m.Type().String()
}
