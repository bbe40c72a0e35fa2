package emulator

import (
	"encoding/json"
	"testing"
)

func TestFaultSecureScorePatchNoContent(t *testing.T) {
	f := newFixture(t)
	f.emu.SetFaults(Faults{SecureScorePatchNoContent: true})
	for i := 0; i < 2; i++ { // a mode: it stays until cleared
		resp, b := f.do(t, "PATCH", "/beta/security/secureScores", f.tok, `{"activeUserCount":7}`)
		if resp.StatusCode != 204 || len(b) != 0 {
			t.Fatalf("PATCH %d: %d %q, want 204 without a body", i, resp.StatusCode, b)
		}
	}
	sc, _ := f.emu.SecureScore(f.emu.CurrentSecureScoreID())
	if n, _ := asFloat(sc["activeUserCount"]); n != 7 {
		t.Errorf("the PATCH answered 204 was not applied: activeUserCount %v", sc["activeUserCount"])
	}
	// Control profiles keep their own answer, and a PATCH that fails is still an error.
	if resp, _ := f.do(t, "PATCH", "/beta/security/secureScoreControlProfiles/OneAdmin", f.tok, `{"state":"Ignored","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}`, "Prefer", "return=representation"); resp.StatusCode != 200 {
		t.Errorf("control profile PATCH: %d, want 200", resp.StatusCode)
	}
	if resp, _ := f.do(t, "PATCH", "/beta/security/secureScores", f.tok, `{"activeUserCount":"many"}`); resp.StatusCode != 400 {
		t.Errorf("invalid PATCH: %d, want 400", resp.StatusCode)
	}
}

func TestFaultFailNextReadAfterWrite(t *testing.T) {
	f := newFixture(t)
	f.emu.SetFaults(Faults{FailNextReadAfterWrite: 1})
	const item = "/v1.0/security/secureScoreControlProfiles/OneAdmin"
	resp, b := f.do(t, "PATCH", item, f.tok, `{"state":"Reviewed","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}`, "Prefer", "return=representation")
	if resp.StatusCode != 204 || len(b) != 0 {
		t.Fatalf("PATCH: %d %q, want 204 (Prefer ignored)", resp.StatusCode, b)
	}
	resp, b = f.do(t, "GET", item, f.tok, "")
	if code, _ := odataError(t, resp, b, 500); code != "generalException" {
		t.Errorf("GET after the PATCH: code %q", code)
	}
	if resp, _ := f.do(t, "GET", item, f.tok, ""); resp.StatusCode != 200 {
		t.Errorf("second GET: %d, want 200 (only one read fails per PATCH)", resp.StatusCode)
	}
	p, _ := f.emu.ControlProfile("OneAdmin")
	if currentState(p) != "Reviewed" {
		t.Error("the PATCH answered 204 was not applied")
	}
}

func TestFaultOddTypes(t *testing.T) {
	f := newFixture(t)
	f.emu.SetFaults(Faults{OddTypes: 1})
	resp, b := f.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/OneAdmin", f.tok, `{"state":"ThirdParty","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}`, "Prefer", "return=representation")
	if resp.StatusCode != 200 {
		t.Fatalf("PATCH: %d", resp.StatusCode)
	}
	if !json.Valid(b) {
		t.Fatalf("odd body is not valid JSON: %s", truncate(b))
	}
	var raw map[string]json.RawMessage
	_ = json.Unmarshal(b, &raw)
	for k, want := range map[string]string{"maxScore": "1e400", "rank": "1e400", "deprecated": `"yes"`, "threats": "42", "id": `"OneAdmin"`} {
		if got := string(raw[k]); got != want {
			t.Errorf("%s = %s, want %s", k, got, want)
		}
	}
	if _, ok := raw["@odata.context"]; !ok {
		t.Error("annotations must stay")
	}
	p, _ := f.emu.ControlProfile("OneAdmin")
	if currentState(p) != "ThirdParty" {
		t.Error("the PATCH was not applied")
	}
	if resp, b := f.do(t, "GET", "/v1.0/security/secureScoreControlProfiles/OneAdmin", f.tok, ""); resp.StatusCode != 200 || !json.Valid(b) {
		t.Errorf("GET after: %d", resp.StatusCode)
	} else if raw := decode(t, b); raw["deprecated"] != false {
		t.Errorf("the fault must change only the PATCH answer; GET deprecated = %v", raw["deprecated"])
	}
}
