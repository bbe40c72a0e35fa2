package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// wantEntraShape checks a token error against Entra's whole error shape and returns its description.
func wantEntraShape(t *testing.T, resp *http.Response, m map[string]any, status int, code string, aadsts int) string {
	t.Helper()
	desc := wantEntra(t, status, m, resp.StatusCode, code, aadsts)
	for _, k := range []string{"trace_id", "correlation_id", "timestamp", "error_uri"} {
		if _, ok := m[k].(string); !ok {
			t.Fatalf("%s missing from %v", k, m)
		}
	}
	tail := "\r\nTrace ID: " + m["trace_id"].(string) + "\r\nCorrelation ID: " + m["correlation_id"].(string) + "\r\nTimestamp: " + m["timestamp"].(string)
	if !strings.HasPrefix(desc, fmt.Sprintf("AADSTS%d: ", aadsts)) || !strings.HasSuffix(desc, tail) {
		t.Errorf("error_description %q", desc)
	}
	if !strings.HasSuffix(m["error_uri"].(string), fmt.Sprintf("/error?code=%d", aadsts)) {
		t.Errorf("error_uri %v", m["error_uri"])
	}
	if resp.Header.Get("x-ms-request-id") != m["trace_id"] {
		t.Errorf("x-ms-request-id %q, trace_id %v", resp.Header.Get("x-ms-request-id"), m["trace_id"])
	}
	return desc
}

func (f *fixture) multiTenantTokenRequest(t *testing.T, tenant string) (*http.Response, map[string]any) {
	t.Helper()
	return f.tokenRequest(t, tenant, tokenForm(DefaultMultiTenantClientID, DefaultMultiTenantClientSecret, graphScope), nil)
}

func (f *fixture) graphStatus(t *testing.T, tok string) (int, string) {
	t.Helper()
	resp, b := f.do(t, "GET", "/v1.0/security/secureScoreControlProfiles/OneAdmin", tok, "")
	if resp.StatusCode == http.StatusOK {
		return resp.StatusCode, ""
	}
	code, msg := odataError(t, resp, b, resp.StatusCode)
	return resp.StatusCode, code + ": " + msg
}

// A tenant that deletes the multi-tenant application in the middle of a run: its token expires at once (401),
// its token endpoint answers AADSTS700016, and the other tenants do not notice; restoring the consent restores it.
func TestConsentWithdrawnMidRun(t *testing.T) {
	f := newFixture(t, threeTenants)
	tok2, tok3 := f.tenantToken(t, tenant2.ID), f.tenantToken(t, tenant3.ID)
	if err := f.emu.Tenant(tenant2.Domain).WithdrawConsent(Withdrawal{}); err != nil {
		t.Fatal(err)
	}
	if w, ok := f.emu.Tenant(tenant2.ID).Consent(); ok || w.How != DeleteApp {
		t.Errorf("consent after withdrawal: %+v %v", w, ok)
	}

	if status, msg := f.graphStatus(t, tok2); status != http.StatusUnauthorized || !strings.HasPrefix(msg, "InvalidAuthenticationToken: Access token has expired") {
		t.Errorf("tenant 2's issued token: %d %s", status, msg)
	}
	resp, m := f.multiTenantTokenRequest(t, tenant2.Domain)
	desc := wantEntraShape(t, resp, m, http.StatusBadRequest, "unauthorized_client", 700016)
	if !strings.Contains(desc, "'"+DefaultMultiTenantClientID+"'") || !strings.Contains(desc, tenant2.Domain) {
		t.Errorf("700016 names neither app nor directory: %q", desc)
	}

	// Tenant 3 and the home tenant's own application are untouched.
	if status, msg := f.graphStatus(t, tok3); status != http.StatusOK {
		t.Errorf("tenant 3: %d %s", status, msg)
	}
	if resp, m := f.multiTenantTokenRequest(t, tenant3.ID); resp.StatusCode != http.StatusOK {
		t.Errorf("tenant 3 token: %d %v", resp.StatusCode, m)
	}
	if status, msg := f.graphStatus(t, f.tok); status != http.StatusOK {
		t.Errorf("tenant 1's own app: %d %s", status, msg)
	}

	f.emu.Tenant(tenant2.ID).RestoreConsent()
	if status, msg := f.graphStatus(t, f.tenantToken(t, tenant2.ID)); status != http.StatusOK {
		t.Errorf("after restoring: %d %s", status, msg)
	}
	if status, _ := f.graphStatus(t, tok2); status != http.StatusUnauthorized {
		t.Errorf("the token expired by the withdrawal works again after restoring: %d", status)
	}
}

func TestConsentWithdrawalKinds(t *testing.T) {
	f := newFixture(t, threeTenants)
	t2 := f.emu.Tenant(tenant2.ID)

	// A disabled service principal: AADSTS7000112.
	if err := t2.WithdrawConsent(Withdrawal{How: DisableApp}); err != nil {
		t.Fatal(err)
	}
	resp, m := f.multiTenantTokenRequest(t, tenant2.ID)
	if desc := wantEntraShape(t, resp, m, http.StatusBadRequest, "unauthorized_client", 7000112); !strings.Contains(desc, "Application '"+DefaultMultiTenantClientID+"'(") || !strings.Contains(desc, ") is disabled.") {
		t.Errorf("7000112: %q", desc)
	}

	// Revoked permissions: a token without roles, refused by Graph with 403 for the missing role.
	if err := t2.WithdrawConsent(Withdrawal{How: RevokePermissions}); err != nil {
		t.Fatal(err)
	}
	tok := f.tenantToken(t, tenant2.ID)
	if c := claimsOf(t, tok); c["roles"] != nil || c["tid"] != tenant2.ID {
		t.Errorf("token after revoking permissions: roles %v tid %v", c["roles"], c["tid"])
	}
	if status, msg := f.graphStatus(t, tok); status != http.StatusForbidden || !strings.Contains(msg, "Missing role permissions") {
		t.Errorf("Graph with a roleless token: %d %s", status, msg)
	}
	if resp, b := f.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/OneAdmin", tok, `{"state":"Ignored","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}`); resp.StatusCode != http.StatusForbidden {
		t.Errorf("PATCH with a roleless token: %d %s", resp.StatusCode, truncate(b))
	}
	if p, _ := t2.ControlProfile("OneAdmin"); currentState(p) != "Default" {
		t.Error("a refused PATCH changed the control")
	}

	// KeepIssuedTokens: tokens issued before stay valid until they expire, as Microsoft documents.
	t2.RestoreConsent()
	issued := f.tenantToken(t, tenant2.ID)
	if err := t2.WithdrawConsent(Withdrawal{How: DeleteApp, KeepIssuedTokens: true}); err != nil {
		t.Fatal(err)
	}
	if status, msg := f.graphStatus(t, issued); status != http.StatusOK {
		t.Errorf("kept token: %d %s", status, msg)
	}
	resp, m = f.multiTenantTokenRequest(t, tenant2.ID)
	wantEntraShape(t, resp, m, http.StatusBadRequest, "unauthorized_client", 700016)
	f.clock.Advance(DefaultTokenLifetime)
	if status, _ := f.graphStatus(t, issued); status != http.StatusUnauthorized {
		t.Errorf("kept token past its lifetime: %d", status)
	}

	if err := t2.WithdrawConsent(Withdrawal{How: "uninstall"}); err == nil || !strings.Contains(err.Error(), "uninstall") {
		t.Errorf("unknown withdrawal: %v", err)
	}
}

// NoConsent in the configuration is a withdrawal from the start, which RestoreConsent lifts.
func TestConsentNeverGrantedCanBeRestored(t *testing.T) {
	f := newFixture(t, func(c *Config) {
		c.Tenants = DefaultTenants(2)
		c.Tenants[1].NoConsent = true
	})
	t2 := f.emu.Tenant(tenant2.ID)
	if _, ok := t2.Consent(); ok {
		t.Fatal("NoConsent tenant reads as consented")
	}
	resp, m := f.multiTenantTokenRequest(t, tenant2.ID)
	wantEntraShape(t, resp, m, http.StatusBadRequest, "unauthorized_client", 700016)
	t2.RestoreConsent()
	f.tenantToken(t, tenant2.ID)
}

func TestConsentAdminEndpoint(t *testing.T) {
	f := newFixture(t, threeTenants)
	resp, b := f.do(t, "POST", "/_emulator/consent?tenant="+tenant3.Domain, "", `{"how":"disableApp"}`)
	var v consentView
	if err := json.Unmarshal(b, &v); resp.StatusCode != http.StatusOK || err != nil || v.Consented || v.Tenant != tenant3.ID || v.Withdrawal == nil || v.Withdrawal.How != DisableApp || v.AppID != DefaultMultiTenantClientID {
		t.Fatalf("withdraw: %d %s", resp.StatusCode, b)
	}
	if resp, m := f.multiTenantTokenRequest(t, tenant3.ID); resp.StatusCode != http.StatusBadRequest || m["error_codes"].([]any)[0] != float64(7000112) {
		t.Errorf("token after admin withdrawal: %d %v", resp.StatusCode, m)
	}
	_, b = f.do(t, "GET", "/_emulator/consent", "", "")
	var all []consentView
	if err := json.Unmarshal(b, &all); err != nil || len(all) != 3 || !all[0].Consented || !all[1].Consented || all[2].Consented {
		t.Errorf("consent list: %v %s", err, b)
	}
	_, b = f.do(t, "GET", "/_emulator/tenants", "", "")
	var view []tenantView
	if err := json.Unmarshal(b, &view); err != nil || view[2].MultiTenantConsent || view[2].Withdrawal == nil || view[2].Withdrawal.How != DisableApp {
		t.Errorf("tenants view: %v %s", err, truncate(b))
	}
	for _, bad := range []struct{ method, path, body string }{
		{"POST", "/_emulator/consent", `{}`},                                  // which tenant?
		{"POST", "/_emulator/consent?tenant=" + tenant2.ID, `{"how":"nope"}`}, // unknown withdrawal
		{"POST", "/_emulator/consent?tenant=" + tenant2.ID, `{"how":`},        // broken JSON
		{"PATCH", "/_emulator/consent?tenant=" + tenant2.ID, ``},
	} {
		if resp, b := f.do(t, bad.method, bad.path, "", bad.body); resp.StatusCode < 400 {
			t.Errorf("%s %s %s: %d %s", bad.method, bad.path, bad.body, resp.StatusCode, b)
		}
	}
	if resp, b := f.do(t, "DELETE", "/_emulator/consent?tenant="+tenant3.ID, "", ""); resp.StatusCode != http.StatusOK || !strings.Contains(string(b), `"consented":true`) {
		t.Errorf("restore: %d %s", resp.StatusCode, b)
	}
	f.tenantToken(t, tenant3.ID)
}

// Expiring one tenant's tokens leaves the others' valid; a new token works.
func TestTenantExpireTokens(t *testing.T) {
	f := newFixture(t, threeTenants)
	tok2, tok3 := f.tenantToken(t, tenant2.ID), f.tenantToken(t, tenant3.ID)
	f.emu.Tenant(tenant2.ID).ExpireTokens()
	if status, _ := f.graphStatus(t, tok2); status != http.StatusUnauthorized {
		t.Errorf("tenant 2's expired token: %d", status)
	}
	for name, tok := range map[string]string{"tenant 3": tok3, "tenant 1": f.tok, "tenant 2 anew": f.tenantToken(t, tenant2.ID)} {
		if status, msg := f.graphStatus(t, tok); status != http.StatusOK {
			t.Errorf("%s: %d %s", name, status, msg)
		}
	}
	// The same through the tenant's faults.
	f.emu.Tenant(tenant3.ID).SetFaults(Faults{ExpireTokensNow: true})
	if status, _ := f.graphStatus(t, tok3); status != http.StatusUnauthorized {
		t.Errorf("tenant 3 after ExpireTokensNow: %d", status)
	}
	if status, _ := f.graphStatus(t, f.tok); status != http.StatusOK {
		t.Errorf("tenant 1 after tenant 3's ExpireTokensNow: %d", status)
	}
}
