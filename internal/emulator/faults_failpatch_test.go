package emulator

import "testing"

// TestFaultFailPatchFor: a listed control's PATCH is refused 400 and not applied, every time, while other controls
// and reads of the listed one are served.
func TestFaultFailPatchFor(t *testing.T) {
	f := newFixture(t)
	f.emu.SetFaults(Faults{FailPatchFor: []string{"oneadmin"}})
	for range 2 {
		resp, b := f.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/OneAdmin", f.tok, `{"state":"Ignored","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}`)
		if code, _ := odataError(t, resp, b, 400); code != "" {
			t.Errorf("error code %q, want the service's empty code", code)
		}
	}
	if p, _ := f.emu.ControlProfile("OneAdmin"); currentState(p) != "Default" {
		t.Errorf("a refused PATCH was applied: %v", currentState(p))
	}
	if resp, _ := f.do(t, "GET", "/v1.0/security/secureScoreControlProfiles/OneAdmin", f.tok, ""); resp.StatusCode != 200 {
		t.Errorf("GET of the listed control: %d", resp.StatusCode)
	}
	if resp, _ := f.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/AdminMFAV2", f.tok, `{"state":"Ignored","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}`); resp.StatusCode != 204 {
		t.Errorf("PATCH of another control: %d", resp.StatusCode)
	}
}
