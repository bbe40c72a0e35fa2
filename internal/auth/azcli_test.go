package auth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const cliAccessToken = "eyJ0eXAi.cli-access-token.sig"

// fakeAz puts an `az` script first on PATH that appends its arguments and prints stdout/stderr with the exit
// code given. It returns the file the arguments are written to.
func fakeAz(t *testing.T, stdout, stderr string, exit int) string {
	t.Helper()
	dir := t.TempDir()
	argsFile := filepath.Join(dir, "args")
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	out, errOut := write("stdout", stdout), write("stderr", stderr)
	script := fmt.Sprintf("#!/bin/sh\nprintf '%%s\\n' \"$@\" >> '%s'\ncat '%s'\ncat '%s' >&2\nexit %d\n", argsFile, out, errOut, exit)
	if err := os.WriteFile(filepath.Join(dir, "az"), []byte(script), 0o700); err != nil { //nolint:gosec // must be executable
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return argsFile
}

func TestAzureCLIHappyPath(t *testing.T) {
	argsFile := fakeAz(t, `{"accessToken":"`+cliAccessToken+`","expiresOn":"2030-01-01 00:00:00.000000","expires_on":1767225600,"subscription":"s","tenant":"`+credTenant+`","tokenType":"Bearer"}`, "", 0)
	src, err := NewAzureCLI(AzureCLIConfig{TenantID: credTenant, Scope: credScope})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := src.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != cliAccessToken || tok.TokenType != "Bearer" {
		t.Fatalf("unexpected token %+v", tok)
	}
	if !tok.Expiry.Equal(time.Unix(1767225600, 0)) {
		t.Fatalf("expiry %v: expires_on must win over expiresOn", tok.Expiry)
	}
	args, err := os.ReadFile(argsFile)
	if err != nil {
		t.Fatal(err)
	}
	want := "account\nget-access-token\n--scope\n" + credScope + "\n--tenant\n" + credTenant + "\n--output\njson\n"
	if string(args) != want {
		t.Fatalf("az was run with\n%s\nwant\n%s", args, want)
	}
}

func TestAzureCLILegacyExpiresOnAndNoTenant(t *testing.T) {
	argsFile := fakeAz(t, `{"accessToken":"`+cliAccessToken+`","expiresOn":"2026-03-10 13:30:00.123456","tokenType":"Bearer"}`, "", 0)
	zone := time.FixedZone("UTC+2", 2*3600)
	cfg := AzureCLIConfig{Scope: credScope, location: zone}
	tok, err := cfg.fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 3, 10, 13, 30, 0, 123456000, zone); !tok.Expiry.Equal(want) {
		t.Fatalf("expiry %v, want %v (expiresOn is local time)", tok.Expiry, want)
	}
	args, _ := os.ReadFile(argsFile)
	if strings.Contains(string(args), "--tenant") {
		t.Fatalf("--tenant passed without a tenant: %s", args)
	}
}

func TestAzureCLIExpiresOnAsString(t *testing.T) {
	fakeAz(t, `{"accessToken":"`+cliAccessToken+`","expires_on":"1767225600"}`, "", 0)
	tok, err := (AzureCLIConfig{Scope: credScope, Command: "az"}).fetch(context.Background())
	if err != nil || !tok.Expiry.Equal(time.Unix(1767225600, 0)) {
		t.Fatalf("tok %+v err %v", tok, err)
	}
}

func TestAzureCLIErrors(t *testing.T) {
	cases := []struct {
		name           string
		stdout, stderr string
		exit           int
		tenant         string
		want           string
	}{
		{"not logged in", "", "ERROR: Please run 'az login' to setup account.\n", 1, "", "not logged in"},
		{"wrong tenant", "", "ERROR: AADSTS90002: Tenant 'nope' not found. Check to make sure you have the correct tenant ID.\nTo re-authenticate, please run:\naz login --tenant nope\n", 1, "nope", "could not get a token for tenant nope"},
		{"tenant not in account list", "", "ERROR: Tenant 'other' not found in the profile.\n", 1, "other", "could not get a token for tenant other"},
		{"non-JSON output", "WARNING: " + cliAccessToken + " is what you asked for\n", "", 0, "", "did not print JSON"},
		{"JSON without accessToken", `{"expires_on":1767225600}`, "", 0, "", "without an accessToken"},
		{"no expiry", `{"accessToken":"` + cliAccessToken + `"}`, "", 0, "", "neither expires_on nor expiresOn"},
		{"bad expiresOn", `{"accessToken":"` + cliAccessToken + `","expiresOn":"tomorrow"}`, "", 0, "", "is not in the form"},
		{"other failure", "", "ERROR: something broke\n", 2, "", "failed: something broke"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fakeAz(t, tc.stdout, tc.stderr, tc.exit)
			src, err := NewAzureCLI(AzureCLIConfig{Scope: credScope, TenantID: tc.tenant})
			if err != nil {
				t.Fatal(err)
			}
			_, err = src.Token(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), cliAccessToken) {
				t.Fatalf("error leaks the token: %v", err)
			}
		})
	}
}

func TestAzureCLIAbsent(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := NewAzureCLI(AzureCLIConfig{Scope: credScope})
	if err == nil || !strings.Contains(err.Error(), `"az" command was not found`) {
		t.Fatalf("want a not-found error, got %v", err)
	}

	// The CLI disappearing after configuration is reported the same way.
	fakeAz(t, "{}", "", 0)
	src, err := NewAzureCLI(AzureCLIConfig{Scope: credScope})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", t.TempDir())
	_, err = src.Token(context.Background())
	if !errors.Is(err, exec.ErrNotFound) || !strings.Contains(err.Error(), "install the Azure CLI") {
		t.Fatalf("want a not-found error, got %v", err)
	}
}

// fakeAzWithChild is an az that leaves a child process holding its stdout: after printing stdout and exiting
// (hang=false), or while az itself hangs (hang=true).
func fakeAzWithChild(t *testing.T, stdout string, hang bool) {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "stdout")
	if err := os.WriteFile(out, []byte(stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf("#!/bin/sh\ncat '%s'\nsleep 20 &\n", out)
	if hang {
		script += "sleep 20\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "az"), []byte(script), 0o700); err != nil { //nolint:gosec // must be executable
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

func TestAzureCLIChildHoldingStdoutDoesNotHang(t *testing.T) {
	old := cliWaitDelay
	cliWaitDelay = 200 * time.Millisecond
	t.Cleanup(func() { cliWaitDelay = old })
	body := `{"accessToken":"` + cliAccessToken + `","expires_on":4102444800,"tokenType":"Bearer"}`

	t.Run("az exits", func(t *testing.T) {
		fakeAzWithChild(t, body, false)
		start := time.Now()
		tok, err := AzureCLIConfig{Scope: credScope, Timeout: 5 * time.Second}.fetch(context.Background())
		if err != nil || tok.AccessToken != cliAccessToken {
			t.Fatalf("want the token az printed, got %v, %v", tok, err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("fetch took %s: it waited for the child holding stdout", d)
		}
	})
	t.Run("az hangs", func(t *testing.T) {
		fakeAzWithChild(t, body, true)
		start := time.Now()
		_, err := AzureCLIConfig{Scope: credScope, Timeout: 300 * time.Millisecond}.fetch(context.Background())
		if err == nil || !strings.Contains(err.Error(), "did not finish") {
			t.Errorf("want a timeout error, got %v", err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("fetch took %s with a 300ms timeout", d)
		}
	})
}
