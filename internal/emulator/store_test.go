package emulator

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestPersistenceRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	f1 := newFixture(t, func(c *Config) { c.StateFile = path })
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("state not written on first start: %v", err)
	}
	if resp, b := f1.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/BlockLegacyAuthentication", f1.tok, `{"state":"ThirdParty","comment":"via CA","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}`); resp.StatusCode != 204 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	if resp, _ := f1.do(t, "PATCH", "/v1.0/security/secureScores", f1.tok, `{"activeUserCount":9,"note":"x"}`); resp.StatusCode != 200 {
		t.Fatal(resp.StatusCode)
	}
	cur := f1.emu.CurrentSecureScoreID()
	wantScore, _ := f1.emu.SecureScore(cur)
	wantProfile, _ := f1.emu.ControlProfile("BlockLegacyAuthentication")

	// A second instance (a restarted process) loads the same state and honours old tokens.
	f2 := newFixture(t, func(c *Config) { c.StateFile = path })
	gotScore, _ := f2.emu.SecureScore(cur)
	gotProfile, _ := f2.emu.ControlProfile("BlockLegacyAuthentication")
	if fmt.Sprint(gotScore) != fmt.Sprint(wantScore) || fmt.Sprint(gotProfile) != fmt.Sprint(wantProfile) {
		t.Error("state differs after reload")
	}
	if resp, _ := f2.do(t, "GET", "/v1.0/security/secureScores/"+cur, f1.tok, ""); resp.StatusCode != 200 {
		t.Errorf("old token after restart: %d", resp.StatusCode)
	}
	if len(f2.emu.scoreIDs()) != DefaultHistoryDays {
		t.Errorf("%d scores", len(f2.emu.scoreIDs()))
	}
	// No temp files are left beside it.
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("files: %v", entries)
	}
	if _, err := New(Config{StateFile: path, TenantID: "44444444-4444-4444-8444-444444444444"}); err == nil || !strings.Contains(err.Error(), "tenant") {
		t.Errorf("tenant mismatch: %v", err)
	}
	if err := os.WriteFile(path, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{StateFile: path}); err == nil {
		t.Error("corrupt state accepted")
	}
}

func TestDirectAccessDrift(t *testing.T) {
	f := newFixture(t)
	id := f.emu.CurrentSecureScoreID()
	if err := f.emu.PatchSecureScore(id, map[string]any{"currentScore": 1.25, "licensedUserCount": 3}); err != nil {
		t.Fatal(err)
	}
	sc, _ := f.emu.SecureScore(id)
	if sc["currentScore"] != 1.25 || sc["licensedUserCount"] != float64(3) {
		t.Errorf("%v %v", sc["currentScore"], sc["licensedUserCount"])
	}
	if err := f.emu.PatchSecureScore(id, map[string]any{"activeUserCount": "x"}); err == nil {
		t.Error("bad drift accepted")
	}
	if err := f.emu.PatchControlProfile("OneAdmin", map[string]any{"state": "Ignored", "comment": "portal", "title": "Renamed"}); err != nil {
		t.Fatal(err)
	}
	p, _ := f.emu.ControlProfile("OneAdmin")
	ups := p["controlStateUpdates"].([]any)
	last := ups[len(ups)-1].(map[string]any)
	if p["title"] != "Renamed" || last["state"] != "Ignored" || !strings.HasPrefix(last["updatedBy"].(string), "portal-admin@") {
		t.Errorf("%v %v", p["title"], last)
	}
	if err := f.emu.PatchControlProfile("OneAdmin", map[string]any{"state": "Nope"}); err == nil {
		t.Error("bad state accepted")
	}
	if !f.emu.DeleteControlProfile("OneAdmin") || f.emu.DeleteControlProfile("OneAdmin") {
		t.Error("delete profile")
	}
	if resp, _ := f.do(t, "GET", "/v1.0/security/secureScoreControlProfiles/OneAdmin", f.tok, ""); resp.StatusCode != 404 {
		t.Errorf("deleted profile: %d", resp.StatusCode)
	}
	ids := f.emu.scoreIDs()
	if !f.emu.DeleteSecureScore(ids[0]) || f.emu.CurrentSecureScoreID() != ids[1] {
		t.Error("delete score")
	}
	if _, ok := f.emu.SecureScore(ids[0]); ok {
		t.Error("deleted score still there")
	}
}

func TestConcurrentPatches(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	// Limits off: this tests the store's locking under 8 writers at once (Graph admits 4 per app) and sends
	// 160 secureScores requests on a frozen clock (over 150 per minute).
	f := newFixture(t, func(c *Config) { c.StateFile = path; c.Limits.Off = true })
	ids := f.emu.ControlProfileIDs()[:8]
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				id := ids[(w+i)%len(ids)]
				state := []string{"ThirdParty", "Ignored", "Reviewed", "Default"}[i%4]
				resp, b := f.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/"+id, f.tok, `{"state":"`+state+`","comment":"w`+fmt.Sprint(w)+`","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}`)
				if resp.StatusCode != 204 {
					t.Errorf("%d %s", resp.StatusCode, b)
				}
				f.do(t, "GET", "/v1.0/security/secureScores?$top=1", f.tok, "")
				f.do(t, "PATCH", "/v1.0/security/secureScores", f.tok, `{"activeUserCount":`+fmt.Sprint(i)+`}`)
			}
		}(w)
	}
	wg.Wait()
	total := 0
	for _, id := range ids {
		p, _ := f.emu.ControlProfile(id)
		total += len(p["controlStateUpdates"].([]any)) - 1
	}
	if total != 80 {
		t.Errorf("%d state updates, want 80", total)
	}
	// All controls back to a state the score can be recomputed from: the current score must
	// equal the sum of its controlScores.
	sc, _ := f.emu.SecureScore(f.emu.CurrentSecureScoreID())
	var sum float64
	for _, c := range sc["controlScores"].([]any) {
		sum += c.(map[string]any)["score"].(float64)
	}
	if !near(sum, sc["currentScore"].(float64)) {
		t.Errorf("currentScore %v, controls sum %v", sc["currentScore"], sum)
	}
	f2 := newFixture(t, func(c *Config) { c.StateFile = path })
	p1, _ := f.emu.ControlProfile(ids[0])
	p2, _ := f2.emu.ControlProfile(ids[0])
	if fmt.Sprint(p1) != fmt.Sprint(p2) {
		t.Error("saved state is not the last state")
	}
}
