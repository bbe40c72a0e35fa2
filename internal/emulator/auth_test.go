package emulator

import (
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestGraph401(t *testing.T) {
	f := newFixture(t)
	other, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"aud": "https://graph.microsoft.com", "tid": DefaultTenantID, "exp": time.Now().Add(time.Hour).Unix(), "roles": []string{roleReadWrite}}).SignedString([]byte("not-the-emulator-key-0123456789ab"))
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct{ auth, msg string }{
		"missing":       {"", "Access token is empty."},
		"empty bearer":  {"Bearer ", "Access token is empty."},
		"not a jwt":     {"Bearer abc", "CompactToken parsing failed"},
		"bad signature": {"Bearer " + other, "Access token validation failure"},
	} {
		t.Run(name, func(t *testing.T) {
			resp, b := f.do(t, "GET", "/v1.0/security/secureScores", "", "", "Authorization", tc.auth)
			code, msg := odataError(t, resp, b, 401)
			if code != "InvalidAuthenticationToken" || !strings.Contains(msg, tc.msg) {
				t.Errorf("%s %q", code, msg)
			}
			if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate %q", resp.Header.Get("WWW-Authenticate"))
			}
		})
	}
}

func TestGraph401Expired(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.TokenLifetime = 10 * time.Minute })
	if resp, _ := f.do(t, "GET", "/v1.0/security/secureScores", f.tok, ""); resp.StatusCode != 200 {
		t.Fatalf("fresh token: %d", resp.StatusCode)
	}
	f.clock.Advance(10*time.Minute + time.Second)
	resp, b := f.do(t, "GET", "/v1.0/security/secureScores", f.tok, "")
	code, msg := odataError(t, resp, b, 401)
	if code != "InvalidAuthenticationToken" || !strings.Contains(msg, "has expired") {
		t.Errorf("%s %q", code, msg)
	}
	// A new token works again.
	tok := f.token(t, DefaultClientID, DefaultClientSecret)
	if resp, _ := f.do(t, "GET", "/v1.0/security/secureScores", tok, ""); resp.StatusCode != 200 {
		t.Errorf("new token: %d", resp.StatusCode)
	}
}

func TestReadOnlyAppForbiddenOnPatch(t *testing.T) {
	f := newFixture(t)
	ro := f.token(t, testRO, testROSecret)
	if resp, b := f.do(t, "GET", "/v1.0/security/secureScoreControlProfiles/AdminMFAV2", ro, ""); resp.StatusCode != 200 {
		t.Fatalf("read-only GET: %d %s", resp.StatusCode, b)
	}
	for _, path := range []string{"/v1.0/security/secureScores", "/v1.0/security/secureScores/" + f.emu.CurrentSecureScoreID(), "/beta/security/secureScoreControlProfiles/AdminMFAV2"} {
		resp, b := f.do(t, "PATCH", path, ro, `{"state":"Reviewed","comment":"x","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}`)
		code, msg := odataError(t, resp, b, 403)
		if code != "Forbidden" || !strings.Contains(msg, roleReadWrite) {
			t.Errorf("%s: %s %q", path, code, msg)
		}
	}
	p, _ := f.emu.ControlProfile("AdminMFAV2")
	if n := len(p["controlStateUpdates"].([]any)); n != 1 {
		t.Errorf("forbidden PATCH changed the profile: %d entries", n)
	}
}

func TestDelegatedScpHonoured(t *testing.T) {
	f := newFixture(t)
	f.emu.mu.RLock()
	key := f.emu.keys[len(f.emu.keys)-1]
	f.emu.mu.RUnlock()
	mk := func(scp string) string {
		tk := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
			"aud": "https://graph.microsoft.com", "tid": DefaultTenantID, "exp": f.clock.Now().Add(time.Hour).Unix(),
			"scp": scp, "upn": "alex@contoso.onmicrosoft.com", "appid": DefaultClientID,
		})
		tk.Header["kid"] = key.KID
		s, err := tk.SignedString(key.Secret)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if resp, _ := f.do(t, "GET", "/v1.0/security/secureScores?$top=1", mk("SecurityEvents.Read.All User.Read"), ""); resp.StatusCode != 200 {
		t.Errorf("delegated read: %d", resp.StatusCode)
	}
	if resp, _ := f.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/OneAdmin", mk("SecurityEvents.Read.All"), `{"state":"Reviewed","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}`); resp.StatusCode != 403 {
		t.Errorf("delegated read-only write: %d", resp.StatusCode)
	}
	if resp, _ := f.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/OneAdmin", mk("SecurityEvents.ReadWrite.All"), `{"state":"Reviewed","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}`); resp.StatusCode != 204 {
		t.Errorf("delegated write: %d", resp.StatusCode)
	}
	p, _ := f.emu.ControlProfile("OneAdmin")
	ups := p["controlStateUpdates"].([]any)
	if by := ups[len(ups)-1].(map[string]any)["updatedBy"]; by != "alex@contoso.onmicrosoft.com" {
		t.Errorf("updatedBy %v", by)
	}
	if resp, _ := f.do(t, "GET", "/v1.0/security/secureScores", mk("User.Read"), ""); resp.StatusCode != 403 {
		t.Errorf("no permission: %d", resp.StatusCode)
	}
}

func TestExpireTokensNow(t *testing.T) {
	f := newFixture(t)
	f.emu.SetFaults(Faults{ExpireTokensNow: true})
	resp, b := f.do(t, "GET", "/v1.0/security/secureScores", f.tok, "")
	if _, msg := odataError(t, resp, b, 401); !strings.Contains(msg, "expired") {
		t.Errorf("message %q", msg)
	}
	tok := f.token(t, DefaultClientID, DefaultClientSecret)
	if resp, _ := f.do(t, "GET", "/v1.0/security/secureScores", tok, ""); resp.StatusCode != 200 {
		t.Errorf("token issued after the fault: %d", resp.StatusCode)
	}
}
