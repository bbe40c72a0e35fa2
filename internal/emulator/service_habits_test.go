package emulator

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

const testVendor = `"vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}`

// newestState is the state of the profile's newest controlStateUpdates entry, as Graph returns it.
func newestState(t *testing.T, f *fixture, id string) string {
	t.Helper()
	resp, b := f.do(t, "GET", "/v1.0/security/secureScoreControlProfiles/"+id, f.tok, "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", id, resp.StatusCode, b)
	}
	ups, _ := decode(t, b)["controlStateUpdates"].([]any)
	last, _ := ups[len(ups)-1].(map[string]any)
	s, _ := last["state"].(string)
	return s
}

// A state is accepted in any case and returned as sent, or in lower camel case under StateCaseLowerCamel; the
// score counts it either way.
func TestControlStateCase(t *testing.T) {
	f := newFixture(t)
	before, _ := f.emu.SecureScore(f.emu.CurrentSecureScoreID())
	if resp, b := f.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/BlockLegacyAuthentication", f.tok, `{"state":"THIRDPARTY",`+testVendor+`}`); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	if got := newestState(t, f, "BlockLegacyAuthentication"); got != "THIRDPARTY" {
		t.Errorf("state returned %q, want it as sent", got)
	}
	after, _ := f.emu.SecureScore(f.emu.CurrentSecureScoreID())
	if before["currentScore"] == after["currentScore"] {
		t.Errorf("a ThirdParty state in another case did not move the score (%v)", after["currentScore"])
	}

	lc := newFixture(t, func(c *Config) { c.StateCase = StateCaseLowerCamel })
	if resp, b := lc.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/OneAdmin", lc.tok, `{"state":"ThirdParty",`+testVendor+`}`); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	if got := newestState(t, lc, "OneAdmin"); got != "thirdParty" {
		t.Errorf("state returned %q, want thirdParty", got)
	}
	if _, err := New(Config{StateCase: "UPPER"}); err == nil {
		t.Error("an unknown StateCase was accepted")
	}
}

// Defender for Endpoint controls are refused with the shape tools report: 400, empty code.
func TestDefenderControlPatchRefused(t *testing.T) {
	f := newFixture(t)
	resp, b := f.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/scid_2010", f.tok, `{"state":"Ignored",`+testVendor+`}`)
	code, msg := odataError(t, resp, b, http.StatusBadRequest)
	if code != "" || msg != "Http request failed with statusCode=BadRequest" {
		t.Errorf("code %q, message %q", code, msg)
	}
	if got := newestState(t, f, "scid_2010"); got != "Default" {
		t.Errorf("refused PATCH changed the state to %q", got)
	}
}

// The documented v1.0 body carries vendorInformation; without it the PATCH is refused and nothing changes.
func TestControlProfilePatchNeedsVendorInformation(t *testing.T) {
	f := newFixture(t)
	for _, body := range []string{`{"state":"Ignored"}`, `{"state":"Ignored","vendorInformation":null}`} {
		resp, b := f.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/OneAdmin", f.tok, body)
		if _, msg := odataError(t, resp, b, http.StatusBadRequest); !strings.Contains(msg, "vendorInformation") {
			t.Errorf("%s: message %q", body, msg)
		}
	}
	if got := newestState(t, f, "OneAdmin"); got != "Default" {
		t.Errorf("refused PATCH changed the state to %q", got)
	}
}

// With RescoreDelay the score moves only once the delay has passed since the change, as the service's ~24 hours.
func TestRescoreDelay(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.RescoreDelay = 24 * time.Hour })
	score := func() any {
		f.tok = f.token(t, f.emu.Config().ClientID, f.emu.Config().ClientSecret)
		resp, b := f.do(t, "GET", "/v1.0/security/secureScores?$top=1", f.tok, "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%d %s", resp.StatusCode, b)
		}
		return values(t, b)[0]["currentScore"]
	}
	before := score()
	if resp, b := f.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/BlockLegacyAuthentication", f.tok, `{"state":"ThirdParty",`+testVendor+`}`); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	f.clock.Advance(23 * time.Hour)
	if got := score(); got != before {
		t.Fatalf("score moved after 23 h: %v -> %v", before, got)
	}
	f.clock.Advance(time.Hour)
	if got := score(); got == before {
		t.Fatalf("score did not move after 24 h: %v", got)
	}
}
