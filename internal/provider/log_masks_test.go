package provider

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// Values read from secret files and federated token files, and CI tokens fetched later, are masked at TRACE.
func TestLogMasksCoverFileAndFetchedSecrets(t *testing.T) {
	dir := t.TempDir()
	const fileSecret = "file-secret-Zq8~value"
	const fileJWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJl"
	const fetchedLater = "ci-token-fetched-on-refresh"
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cfg := securescoreProviderModelV0{
		TenantID: types.StringValue(testTenant), ClientID: types.StringValue(testClient),
		ClientSecretFilePath: types.StringValue(write("secret", fileSecret+"\n")),
		UseOIDC:              types.BoolValue(true),
		OIDCTokenFilePath:    types.StringValue(write("jwt", fileJWT+"\n")),
	}
	p := &securescoreProvider{version: "test", getenv: fakeEnv(nil)}
	settings, diags := resolveSettings(cfg, p.getenv)
	if diags.HasError() {
		t.Fatal(diags)
	}
	var out bytes.Buffer
	ctx := maskSecrets(tflogtest.RootLogger(context.Background(), &out), cfg, p.getenv)
	masks := &logMasks{}
	settings.SignIn.OnSecret = masks.add
	if _, diags := credential(ctx, settings); diags.HasError() {
		t.Fatal(diags)
	}
	data := &providerData{masks: masks}
	// As in a later request, after a refresh fetched a CI token.
	masks.add(fetchedLater)
	ctx = data.logContext(ctx)
	tflog.Trace(ctx, "message with "+fileSecret+" and "+fetchedLater, map[string]any{"detail": "token " + fileJWT, "other": fetchedLater})
	logged := out.String()
	if !strings.Contains(logged, "message with") {
		t.Fatalf("nothing logged: %s", logged)
	}
	for _, secret := range []string{fileSecret, fileJWT, fetchedLater} {
		if strings.Contains(logged, secret) {
			t.Errorf("log holds %q: %s", secret, logged)
		}
	}
}
