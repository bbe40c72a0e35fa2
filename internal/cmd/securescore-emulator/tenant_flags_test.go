package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

func TestTenantFlags(t *testing.T) {
	o, err := parseFlags([]string{"-tenants", "3"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.cfg.Tenants) != 3 || o.cfg.Tenants[0].ID != emulator.DefaultTenantID || o.cfg.Tenants[2].Domain != "northwind.onmicrosoft.com" {
		t.Errorf("-tenants 3: %+v", o.cfg.Tenants)
	}
	// -tenant-id and -tenant-domain, when given, name the first tenant.
	o, err = parseFlags([]string{"-tenants", "2", "-tenant-id", "aaaaaaaa-0000-4000-8000-000000000001", "-tenant-domain", "first.example", "-multitenant-client-id", "m", "-multitenant-client-secret", "ms"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	emu, err := emulator.New(o.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if cfg := emu.Config(); cfg.TenantID != "aaaaaaaa-0000-4000-8000-000000000001" || cfg.TenantDomain != "first.example" || cfg.Tenants[1].ID != emulator.DefaultTenants(2)[1].ID || cfg.MultiTenantClientID != "m" || cfg.MultiTenantClientSecret != "ms" {
		t.Errorf("cfg %+v", cfg)
	}

	file := filepath.Join(t.TempDir(), "tenants.json")
	if err := os.WriteFile(file, []byte(`[{"id":"t1","domain":"one.example"},{"id":"t2","unlicensed":["Azure"],"missingControls":["OneAdmin"],"noConsent":true}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	o, err = parseFlags([]string{"-tenants-file", file}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	emu, err = emulator.New(o.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if cfg := emu.Config(); cfg.TenantID != "t1" || cfg.TenantDomain != "one.example" || !cfg.Tenants[1].NoConsent {
		t.Errorf("file cfg %+v", cfg)
	}
	if missing := emu.Tenant("t2").MissingControlIDs(); len(missing) != 5 || missing[0] != "OneAdmin" {
		t.Errorf("t2 lacks %v", missing)
	}

	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`[{"id":"t1","colour":"blue"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"no tenants":      {"-tenants", "0"},
		"both":            {"-tenants", "2", "-tenants-file", file},
		"missing file":    {"-tenants-file", filepath.Join(t.TempDir(), "none.json")},
		"unknown field":   {"-tenants-file", bad},
		"empty file list": {"-tenants-file", writeFile(t, "[]")},
	} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f.json")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunServesTenants(t *testing.T) {
	base, text := startRun(t, "-tenants", "3")
	for _, want := range []string{"Multi-tenant client: " + emulator.DefaultMultiTenantClientID, "Tenant 2:     00000000-0000-4000-8000-000000000002  fabrikam.onmicrosoft.com", "lacks 5 controls: scid_2010", "Tenant 3:"} {
		if !strings.Contains(text, want) {
			t.Errorf("banner lacks %q:\n%s", want, text)
		}
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {emulator.DefaultMultiTenantClientID}, "client_secret": {emulator.DefaultMultiTenantClientSecret}, "scope": {base + "/.default"}}
	resp, err := http.PostForm(base+"/northwind.onmicrosoft.com/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if resp.StatusCode != 200 || err != nil || tok.AccessToken == "" {
		t.Fatalf("token for tenant 3: %d %v", resp.StatusCode, err)
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/v1.0/security/secureScoreControlProfiles/mdo_safeattachments", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("tenant 3 has mdo_safeattachments: %d", resp.StatusCode)
	}
}

// -tenant-faults sets faults on single tenants: a 429 storm in fabrikam leaves northwind served.
func TestRunTenantFaults(t *testing.T) {
	faults := writeFile(t, `{"fabrikam.onmicrosoft.com":{"throttleRate":1,"retryAfter":"9"},"00000000-0000-4000-8000-000000000003":{"tokenUnavailable":1}}`)
	base, _ := startRun(t, "-tenants", "3", "-tenant-faults", faults)
	token := func(tenant string) (int, string) {
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {emulator.DefaultMultiTenantClientID}, "client_secret": {emulator.DefaultMultiTenantClientSecret}, "scope": {base + "/.default"}}
		resp, err := http.PostForm(base+"/"+tenant+"/oauth2/v2.0/token", form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&tok) // an error answer has no token; the status says so
		return resp.StatusCode, tok.AccessToken
	}
	if status, _ := token("northwind.onmicrosoft.com"); status != http.StatusServiceUnavailable {
		t.Errorf("northwind's first token request: %d, want its token endpoint's outage", status)
	}
	for tenant, want := range map[string]int{"fabrikam.onmicrosoft.com": http.StatusTooManyRequests, "northwind.onmicrosoft.com": http.StatusOK} {
		status, tok := token(tenant)
		if status != http.StatusOK {
			t.Fatalf("%s token: %d", tenant, status)
		}
		req, _ := http.NewRequest(http.MethodGet, base+"/v1.0/security/secureScores?$top=1", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s Graph: %d, want %d", tenant, resp.StatusCode, want)
		}
	}
}

func TestTenantFaultsFlagErrors(t *testing.T) {
	for name, content := range map[string]string{
		"unknown fault": `{"fabrikam.onmicrosoft.com":{"throttel":1}}`,
		"invalid fault": `{"fabrikam.onmicrosoft.com":{"tokenStatus":200}}`,
		"not a map":     `[]`,
	} {
		if _, err := parseFlags([]string{"-tenants", "2", "-tenant-faults", writeFile(t, content)}, io.Discard); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// A tenant that is not served is refused at start.
	err := run([]string{"-listen", "127.0.0.1:0", "-tenants", "2", "-tenant-faults", writeFile(t, `{"northwind.onmicrosoft.com":{"throttle":1}}`)}, io.Discard, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "northwind.onmicrosoft.com") {
		t.Errorf("unserved tenant: %v", err)
	}
	if _, err := parseFlags([]string{"-token-status", "418"}, io.Discard); err == nil {
		t.Error("-token-status 418 accepted")
	}
}
