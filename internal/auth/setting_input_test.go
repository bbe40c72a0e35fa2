package auth

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// One rule for secrets from every source: trailing line breaks go, other whitespace stays. (The provider passes
// environment variables as found: TestSecretFromEnvironmentFollowsTheRule.)
func TestSecretWhitespaceRuleIsTheSameForEverySource(t *testing.T) {
	const raw, want = "  pa ss\t \r\n", "  pa ss\t "
	file := credWriteFile(t, "secret", []byte(raw))
	for name, s := range map[string]Settings{
		"literal":          {ClientSecret: raw},
		"file":             {ClientSecretFilePath: file},
		"literal and file": {ClientSecret: want + "\n", ClientSecretFilePath: file},
	} {
		t.Run(name, func(t *testing.T) {
			r, err := resolve(s)
			if err != nil {
				t.Fatal(err)
			}
			if r.ClientSecret != want {
				t.Errorf("client secret %q, want %q", r.ClientSecret, want)
			}
		})
	}
	// The other secrets follow the same rule.
	r, err := resolve(Settings{ClientCertificatePassword: raw, OIDCRequestToken: raw, OIDCToken: "eyJ.x.y\r\n"})
	if err != nil {
		t.Fatal(err)
	}
	if r.ClientCertificatePassword != want || r.OIDCRequestToken != want || r.OIDCToken != "eyJ.x.y" {
		t.Errorf("password %q, request token %q, oidc token %q", r.ClientCertificatePassword, r.OIDCRequestToken, r.OIDCToken)
	}
	// IDs still lose surrounding whitespace.
	r, err = resolve(Settings{TenantID: " " + credTenant + "\n", ClientID: "\t" + credClientID + " "})
	if err != nil {
		t.Fatal(err)
	}
	if r.TenantID != credTenant || r.ClientID != credClientID {
		t.Errorf("tenant %q, client %q", r.TenantID, r.ClientID)
	}
}

// settingFileCases lists every attribute naming a file, with how to make the provider read it.
var settingFileCases = map[string]func(path string) Settings{
	"client_secret_file_path": func(p string) Settings { return Settings{ClientSecretFilePath: p, Scope: credScope} },
	"client_id_file_path":     func(p string) Settings { return Settings{ClientIDFilePath: p, Scope: credScope} },
	attrOIDCTokenFilePath: func(p string) Settings {
		return Settings{TenantID: credTenant, ClientID: credClientID, UseOIDC: true, OIDCTokenFilePath: p, Scope: credScope}
	},
	attrClientCertificatePath: func(p string) Settings {
		return Settings{TenantID: credTenant, ClientID: credClientID, ClientCertificatePath: p, Scope: credScope}
	},
}

// checkSettingFileRefused builds a token source reading path and wants a prompt error naming attr, path and why.
func checkSettingFileRefused(t *testing.T, attr, path, why string) {
	t.Helper()
	start := time.Now()
	_, _, err := newTokenSource(settingFileCases[attr](path))
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %s", d)
	}
	var ae *AttributeError
	if !errors.As(err, &ae) || ae.Attribute != attr || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), why) {
		t.Errorf("want an error naming %s, %s and %q; got %v", attr, path, why, err)
	}
}

func TestSettingFilesMustBeRegularAndBounded(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(big, make([]byte, maxCertificateFileBytes+1), 0o600); err != nil {
		t.Fatal(err)
	}
	for attr := range settingFileCases {
		t.Run(attr, func(t *testing.T) {
			checkSettingFileRefused(t, attr, "/dev/zero", "not a regular file (a device)")
			checkSettingFileRefused(t, attr, t.TempDir(), "not a regular file (a directory)")
			checkSettingFileRefused(t, attr, big, "allowed")
		})
	}
}
