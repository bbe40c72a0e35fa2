package emulator

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

func TestControlProfilesListFilterGet(t *testing.T) {
	f := newFixture(t)
	resp, b := f.do(t, "GET", "/v1.0/security/secureScoreControlProfiles", f.tok, "")
	if resp.StatusCode != 200 {
		t.Fatalf("%d", resp.StatusCode)
	}
	all := values(t, b)
	if len(all) != len(seedControls) || len(all) < 30 {
		t.Fatalf("%d profiles", len(all))
	}
	cats := map[string]bool{}
	for _, p := range all {
		cats[p["controlCategory"].(string)] = true
	}
	for _, c := range []string{"Identity", "Data", "Device", "Apps", "Infrastructure"} {
		if !cats[c] {
			t.Errorf("no %s controls", c)
		}
	}
	count := func(filter string) int {
		resp, b := f.do(t, "GET", "/beta/security/secureScoreControlProfiles?$filter="+url.QueryEscape(filter), f.tok, "")
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", filter, resp.StatusCode, b)
		}
		return len(values(t, b))
	}
	if n := count("controlCategory eq 'Identity'"); n < 5 {
		t.Errorf("Identity: %d", n)
	}
	if n := count("deprecated eq true"); n != 2 {
		t.Errorf("deprecated: %d", n)
	}
	if n := count("controlCategory eq 'Identity' and service eq 'AzureAD' and tier eq 'Core' and deprecated eq false"); n < 5 {
		t.Errorf("and: %d", n)
	}
	if n := count("id eq '11770.MDA_Google_EnableTwoFactorAuth'"); n != 1 {
		t.Errorf("dotted id filter: %d", n)
	}
	resp, b = f.do(t, "GET", "/v1.0/security/secureScoreControlProfiles?$filter="+url.QueryEscape("deprecated eq 'true'"), f.tok, "")
	odataError(t, resp, b, 400)

	// $top pages through all of them.
	var n int
	next := "/v1.0/security/secureScoreControlProfiles?$top=7"
	for next != "" {
		_, b := f.do(t, "GET", next, f.tok, "")
		m := decode(t, b)
		n += len(m["value"].([]any))
		next, _ = m["@odata.nextLink"].(string)
	}
	if n != len(seedControls) {
		t.Errorf("paged %d", n)
	}

	resp, b = f.do(t, "GET", "/v1.0/security/secureScoreControlProfiles/11770.MDA_Google_EnableTwoFactorAuth", f.tok, "")
	if m := decode(t, b); resp.StatusCode != 200 || m["id"] != "11770.MDA_Google_EnableTwoFactorAuth" || !strings.HasSuffix(m["@odata.context"].(string), "#security/secureScoreControlProfiles/$entity") {
		t.Errorf("dotted get: %d %v", resp.StatusCode, m["@odata.context"])
	}
	resp, b = f.do(t, "GET", "/v1.0/security/secureScoreControlProfiles/NoSuchControl", f.tok, "")
	if code, _ := odataError(t, resp, b, 404); code != "itemNotFound" {
		t.Error(code)
	}
}

func TestControlProfilePatchDocumentedBodies(t *testing.T) {
	f := newFixture(t)
	body, err := os.ReadFile("testdata/docs-v1.0-update-securescorecontrolprofile.request.json")
	if err != nil {
		t.Fatal(err)
	}
	resp, b := f.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/NonOwnerAccess", f.tok, string(body))
	if resp.StatusCode != 204 || len(b) != 0 {
		t.Fatalf("example 1: %d %s", resp.StatusCode, b)
	}
	f.clock.Advance(time.Minute)
	body, err = os.ReadFile("testdata/docs-v1.0-update-securescorecontrolprofile-prefer.request.json")
	if err != nil {
		t.Fatal(err)
	}
	resp, b = f.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/NonOwnerAccess", f.tok, string(body), "Prefer", "return=representation")
	if resp.StatusCode != 200 || resp.Header.Get("Preference-Applied") != "return=representation" {
		t.Fatalf("example 2: %d %v", resp.StatusCode, resp.Header)
	}
	m := decode(t, b)
	ups := m["controlStateUpdates"].([]any)
	if len(ups) != 3 {
		t.Fatalf("%d entries", len(ups))
	}
	last := ups[2].(map[string]any)
	if last["state"] != "Reviewed" || last["comment"] != "control is reviewed" || last["assignedTo"] != "" || last["updatedBy"] != DefaultClientID {
		t.Errorf("entry %v", last)
	}
	if last["updatedDateTime"] != "2026-07-17T09:31:00.0000000Z" || m["lastModifiedDateTime"] != last["updatedDateTime"] {
		t.Errorf("times %v %v", last["updatedDateTime"], m["lastModifiedDateTime"])
	}
	if ups[1].(map[string]any)["updatedDateTime"] != "2026-07-17T09:30:00.0000000Z" {
		t.Errorf("first update %v", ups[1])
	}
	// Beta's documented placeholder body is not a collection: 400 naming it.
	body, err = os.ReadFile("testdata/docs-beta-update-securescorecontrolprofiles.request.json")
	if err != nil {
		t.Fatal(err)
	}
	resp, b = f.do(t, "PATCH", "/beta/security/secureScoreControlProfiles/AdminMFAV2", f.tok, string(body))
	if _, msg := odataError(t, resp, b, 400); !strings.Contains(msg, "'controlStateUpdates'") {
		t.Errorf("beta placeholder: %q", msg)
	}
	// Beta with a real collection and v1.0 body on beta both work.
	resp, _ = f.do(t, "PATCH", "/beta/security/secureScoreControlProfiles/AdminMFAV2", f.tok, `{"controlStateUpdates":[{"state":"Reviewed","comment":"beta","assignedTo":"sec@contoso.com"}]}`)
	if resp.StatusCode != 204 {
		t.Errorf("beta collection: %d", resp.StatusCode)
	}
	resp, _ = f.do(t, "PATCH", "/beta/security/secureScoreControlProfiles/AdminMFAV2", f.tok, `{"assignedTo":"a","comment":"c","state":"Default","vendorInformation":{"provider":"SecureScore","providerVersion":null,"subProvider":null,"vendor":"Microsoft"}}`, "Prefer", "return=minimal")
	if resp.StatusCode != 204 || resp.Header.Get("Preference-Applied") != "return=minimal" {
		t.Errorf("beta v1.0 body: %d %v", resp.StatusCode, resp.Header)
	}
	p, _ := f.emu.ControlProfile("AdminMFAV2")
	if n := len(p["controlStateUpdates"].([]any)); n != 3 {
		t.Errorf("AdminMFAV2 entries %d", n)
	}
}

func TestControlProfilePatchValidation(t *testing.T) {
	f := newFixture(t)
	cases := map[string]string{
		`{"state":"Bogus"}`: "state",
		`{"state":null}`:    "state",
		`{"state":3}`:       "state",
		`{"comment":5}`:     "comment",
		`{"vendorInformation":{"provider":"SecureScore"}}`:          "vendorInformation.vendor",
		`{"vendorInformation":{"vendor":"Microsoft"}}`:              "vendorInformation.provider",
		`{"vendorInformation":{"provider":"a","vendor":"b","x":1}}`: "vendorInformation.x",
		`{"title":"mine"}`:                           "title",
		`{"maxScore":100}`:                           "maxScore",
		`{"id":"Other"}`:                             "id",
		`{"controlStateUpdates":[]}`:                 "controlStateUpdates",
		`{"controlStateUpdates":[{"state":"Nope"}]}`: "controlStateUpdates[].state",
	}
	for body, prop := range cases {
		resp, b := f.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/OneAdmin", f.tok, body)
		if code, msg := odataError(t, resp, b, 400); code != "BadRequest" || !strings.Contains(msg, "'"+prop+"'") {
			t.Errorf("%s: %s %q", body, code, msg)
		}
	}
	p, _ := f.emu.ControlProfile("OneAdmin")
	if n := len(p["controlStateUpdates"].([]any)); n != 1 {
		t.Errorf("rejected PATCHes appended entries: %d", n)
	}
	// Open type: unknown properties are kept; annotations ignored.
	resp, _ := f.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/OneAdmin", f.tok, `{"state":"reviewed","tenantNote":"checked","@odata.type":"#microsoft.graph.secureScoreControlProfile","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}`)
	if resp.StatusCode != 204 {
		t.Fatalf("%d", resp.StatusCode)
	}
	p, _ = f.emu.ControlProfile("OneAdmin")
	if p["tenantNote"] != "checked" || currentState(p) != "Reviewed" {
		t.Errorf("%v %v", p["tenantNote"], currentState(p))
	}
}

func scoreOf(t *testing.T, f *fixture) (cur, maxS float64, control map[string]map[string]any) {
	t.Helper()
	sc, _ := f.emu.SecureScore(f.emu.CurrentSecureScoreID())
	control = map[string]map[string]any{}
	for _, c := range sc["controlScores"].([]any) {
		m := c.(map[string]any)
		control[m["controlName"].(string)] = m
	}
	return sc["currentScore"].(float64), sc["maxScore"].(float64), control
}

func TestStateMovesScore(t *testing.T) {
	f := newFixture(t)
	patch := func(id, state string) {
		t.Helper()
		resp, b := f.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/"+id, f.tok, `{"assignedTo":"","comment":"","state":"`+state+`","vendorInformation":{"provider":"SecureScore","providerVersion":null,"subProvider":null,"vendor":"Microsoft"}}`)
		if resp.StatusCode != 204 {
			t.Fatalf("%s %s: %d %s", id, state, resp.StatusCode, b)
		}
	}
	cur0, max0, c0 := scoreOf(t, f)
	if c0["BlockLegacyAuthentication"]["score"] != 0.0 {
		t.Fatalf("seed: BlockLegacyAuthentication %v", c0["BlockLegacyAuthentication"])
	}
	if _, ok := c0["AdminMFA"]; ok {
		t.Error("deprecated control in controlScores")
	}

	patch("BlockLegacyAuthentication", "ThirdParty") // 0 of 8 -> 8 of 8
	cur, maxS, c := scoreOf(t, f)
	if cur != cur0+8 || maxS != max0 || c["BlockLegacyAuthentication"]["score"] != 8.0 || c["BlockLegacyAuthentication"]["scoreInPercentage"] != 100.0 {
		t.Errorf("ThirdParty: %v/%v -> %v/%v %v", cur0, max0, cur, maxS, c["BlockLegacyAuthentication"])
	}
	patch("MFARegistrationV2", "Ignored") // 5.4 of 9 -> removed
	cur2, max2, _ := scoreOf(t, f)
	if !near(cur2, cur-5.4) || max2 != maxS-9 {
		t.Errorf("Ignored: %v/%v -> %v/%v", cur, maxS, cur2, max2)
	}
	patch("MFARegistrationV2", "Reviewed") // back to the implemented 5.4 of 9
	patch("BlockLegacyAuthentication", "Default")
	cur3, max3, _ := scoreOf(t, f)
	if !near(cur3, cur0) || max3 != max0 {
		t.Errorf("back to start: %v/%v, want %v/%v", cur3, max3, cur0, max0)
	}
	// The data source view of profiles agrees with the score.
	p, _ := f.emu.ControlProfile("MFARegistrationV2")
	if currentState(p) != "Reviewed" {
		t.Errorf("state %v", currentState(p))
	}
}

func near(a, b float64) bool { return a-b < 0.005 && b-a < 0.005 }

func TestSyntheticProfilesFast(t *testing.T) {
	start := time.Now()
	f := newFixture(t, func(c *Config) { c.ControlProfiles = 1000 })
	if d := time.Since(start); d > 20*time.Second { // ~0.5s normally; generous for -race on a busy machine
		t.Errorf("seeding 1000 took %v", d)
	}
	ids := f.emu.ControlProfileIDs()
	if len(ids) != 1000 || ids[0] != "SyntheticControl0001" || ids[999] != "SyntheticControl1000" {
		t.Fatalf("%d %v", len(ids), ids[:2])
	}
	resp, b := f.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/SyntheticControl0500", f.tok, `{"state":"ThirdParty","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}`, "Prefer", "return=representation")
	if resp.StatusCode != 200 || decode(t, b)["id"] != "SyntheticControl0500" {
		t.Errorf("%d", resp.StatusCode)
	}
}

// BenchmarkPatchControlProfileOf1000 is the emulator's cost of one control-profile PATCH in a tenant of 1000
// controls: in `make bench` the emulator shares the machine with terraform, so what it spends is measured too.
func BenchmarkPatchControlProfileOf1000(b *testing.B) {
	f := newFixture(b, func(c *Config) { c.ControlProfiles = 1000 })
	ids := f.emu.ControlProfileIDs()
	states := []string{"ThirdParty", "Default"}
	i := 0
	for b.Loop() {
		// Each PATCH appends to the profile's history, so cycle through the controls as an apply does.
		body := `{"state":"` + states[(i/len(ids))%2] + `","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}`
		resp, _ := f.do(b, "PATCH", "/v1.0/security/secureScoreControlProfiles/"+ids[i%len(ids)], f.tok, body, "Prefer", "return=representation")
		if resp.StatusCode != 200 {
			b.Fatalf("PATCH: %d", resp.StatusCode)
		}
		i++
	}
}

// $top sets the page size up to MaxPageSize, above the default page size too, as the service's pages do; the
// rest follows by nextLink.
func TestListTopSetsPageSizeUpToMax(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.ControlProfiles = 1200 })
	for _, c := range []struct {
		top, want int
		next      bool
	}{{50, 50, true}, {500, 500, true}, {1000, 1000, true}, {5000, MaxPageSize, true}} {
		resp, b := f.do(t, "GET", fmt.Sprintf("/v1.0/security/secureScoreControlProfiles?$top=%d&$select=id", c.top), f.tok, "")
		if resp.StatusCode != 200 {
			t.Fatalf("$top=%d: %d %s", c.top, resp.StatusCode, b)
		}
		body := decode(t, b)
		if n := len(body["value"].([]any)); n != c.want {
			t.Errorf("$top=%d: page of %d, want %d", c.top, n, c.want)
		}
		if _, ok := body["@odata.nextLink"]; ok != c.next {
			t.Errorf("$top=%d: nextLink present %v, want %v", c.top, ok, c.next)
		}
	}
}
