package emulator

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var (
	tenant2 = DefaultTenants(3)[1]
	tenant3 = DefaultTenants(3)[2]
)

func threeTenants(c *Config) { c.Tenants = DefaultTenants(3) }

// tenantToken is a multi-tenant application token for the tenant named (GUID or domain).
func (f *fixture) tenantToken(t testing.TB, tenant string) string {
	t.Helper()
	resp, m := f.tokenRequest(t, tenant, tokenForm(DefaultMultiTenantClientID, DefaultMultiTenantClientSecret, graphScope), nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("token for %s: %d %v", tenant, resp.StatusCode, m)
	}
	return m["access_token"].(string)
}

// listIDs follows nextLinks over an entity set and returns the ids.
func (f *fixture) listIDs(t *testing.T, set, tok string) []string {
	t.Helper()
	var ids []string
	for next := "/v1.0/security/" + set; next != ""; {
		resp, b := f.do(t, "GET", next, tok, "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", next, resp.StatusCode, truncate(b))
		}
		page := decode(t, b)
		for _, v := range page["value"].([]any) {
			ids = append(ids, v.(map[string]any)["id"].(string))
		}
		next, _ = page["@odata.nextLink"].(string)
	}
	return ids
}

func TestTenantsHaveTheirLicencesControls(t *testing.T) {
	f := newFixture(t, threeTenants)
	all := make([]string, len(seedControls))
	for i, c := range seedControls {
		all[i] = c.id
	}
	byService := func(services ...string) []string {
		var out []string
		for _, c := range seedControls {
			if slices.Contains(services, c.service) {
				out = append(out, c.id)
			}
		}
		return out
	}
	want := map[string][]string{
		DefaultTenantID: nil,
		tenant2.ID:      byService("MDATP", "Intune"),
		tenant3.ID:      byService("MDO", "MCAS"),
	}
	scores := map[string]any{}
	for _, tn := range f.emu.Tenants() {
		missing := want[tn.ID()]
		if got := tn.MissingControlIDs(); !slices.Equal(got, missing) {
			t.Errorf("%s lacks %v, want %v", tn.Domain(), got, missing)
		}
		served := f.listIDs(t, "secureScoreControlProfiles", f.tenantToken(t, tn.Domain()))
		wantServed := slices.DeleteFunc(slices.Clone(all), func(id string) bool { return slices.Contains(missing, id) })
		if !slices.Equal(served, wantServed) || !slices.Equal(tn.ControlProfileIDs(), wantServed) {
			t.Errorf("%s serves %d controls %v, want %d", tn.Domain(), len(served), served, len(wantServed))
		}
		sc, ok := tn.SecureScore(tn.CurrentSecureScoreID())
		if !ok || sc["azureTenantId"] != tn.ID() || !strings.HasPrefix(sc["id"].(string), tn.ID()+"_") {
			t.Fatalf("%s current score %v", tn.Domain(), sc["id"])
		}
		for _, cs := range sc["controlScores"].([]any) {
			if name := cs.(map[string]any)["controlName"].(string); slices.Contains(missing, name) {
				t.Errorf("%s scores %s, which it lacks", tn.Domain(), name)
			}
		}
		scores[tn.ID()] = sc["maxScore"]
	}
	if scores[DefaultTenantID] == scores[tenant2.ID] || scores[tenant2.ID] == scores[tenant3.ID] {
		t.Errorf("tenants share a maxScore: %v", scores)
	}
	sc2, _ := f.emu.Tenant(tenant2.ID).SecureScore(f.emu.Tenant(tenant2.ID).CurrentSecureScoreID())
	if svc := sc2["enabledServices"].([]any); slices.Contains(svc, any("HasMDATP")) || slices.Contains(svc, any("HasInTune")) || !slices.Contains(svc, any("HasExchange")) {
		t.Errorf("tenant 2 enabledServices %v", svc)
	}

	// Synthetic control sets are cut the same way: every fifth synthetic control is MDATP.
	g := newFixture(t, threeTenants, func(c *Config) { c.ControlProfiles = 20 })
	if n1, n2 := len(g.emu.ControlProfileIDs()), len(g.emu.Tenant(tenant2.Domain).ControlProfileIDs()); n1 != 20 || n2 != 16 {
		t.Errorf("synthetic: tenant 1 has %d, tenant 2 %d", n1, n2)
	}
	// Deterministic: a second emulator seeds the same subsets and the same GUIDs.
	if h := newFixture(t, threeTenants); !slices.Equal(h.emu.Tenant(tenant3.ID).ControlProfileIDs(), f.emu.Tenant(tenant3.ID).ControlProfileIDs()) {
		t.Error("tenant 3's controls differ between two emulators")
	}
}

func TestTenantTokens(t *testing.T) {
	f := newFixture(t, func(c *Config) {
		c.Tenants = DefaultTenants(4)
		c.Tenants[3].NoConsent = true
	})
	for _, name := range []string{DefaultTenantID, DefaultTenantDomain, tenant2.ID, strings.ToUpper(tenant2.Domain), tenant3.Domain} {
		tid := f.emu.Tenant(name).ID()
		c := claimsOf(t, f.tenantToken(t, name))
		if c["tid"] != tid || c["iss"] != "https://sts.windows.net/"+tid+"/" || c["appid"] != DefaultMultiTenantClientID {
			t.Errorf("%s: tid %v iss %v appid %v", name, c["tid"], c["iss"], c["appid"])
		}
	}
	// The tenant-specific application is at home in tenant 1 only.
	if c := claimsOf(t, f.token(t, DefaultClientID, DefaultClientSecret)); c["tid"] != DefaultTenantID {
		t.Errorf("single-tenant app tid %v", c["tid"])
	}
	for _, tc := range []struct{ tenant, client, secret string }{
		{tenant2.ID, DefaultClientID, DefaultClientSecret},
		{tenant3.Domain, testRO, testROSecret},
		{DefaultTenants(4)[3].ID, DefaultMultiTenantClientID, DefaultMultiTenantClientSecret}, // no consent there
	} {
		resp, m := f.tokenRequest(t, tc.tenant, tokenForm(tc.client, tc.secret, graphScope), nil)
		desc := wantEntra(t, http.StatusBadRequest, m, resp.StatusCode, "unauthorized_client", 700016)
		if !strings.Contains(desc, f.emu.Tenant(tc.tenant).Domain()) {
			t.Errorf("%s in %s: %q does not name the directory", tc.client, tc.tenant, desc)
		}
	}
	resp, m := f.tokenRequest(t, tenant2.ID, tokenForm(DefaultMultiTenantClientID, "wrong", graphScope), nil)
	wantEntra(t, http.StatusUnauthorized, m, resp.StatusCode, "invalid_client", 7000215)
	resp, m = f.tokenRequest(t, "00000000-0000-4000-8000-000000000099", tokenForm(DefaultMultiTenantClientID, DefaultMultiTenantClientSecret, graphScope), nil)
	wantEntra(t, http.StatusBadRequest, m, resp.StatusCode, "invalid_tenant", 90002)
}

func TestTenantCertificateAssertion(t *testing.T) {
	key, cert := testCertificate(t)
	f := newFixture(t, threeTenants, func(c *Config) {
		c.Certificates = []CertificateCredential{{ClientID: DefaultMultiTenantClientID, Certificate: cert}}
	})
	claims := func(aud string) jwt.MapClaims {
		return withClaim(f.assertionClaims(DefaultMultiTenantClientID), "aud", f.srv.URL+"/"+aud+"/oauth2/v2.0/token")
	}
	hdr := map[string]string{"x5t": x5t(cert)}
	ok := certAssertion(t, jwt.SigningMethodRS256, key, hdr, claims(tenant2.Domain))
	resp, m := f.tokenRequest(t, tenant2.ID, assertionForm(DefaultMultiTenantClientID, ok), nil)
	if resp.StatusCode != http.StatusOK || claimsOf(t, m["access_token"].(string))["tid"] != tenant2.ID {
		t.Fatalf("%d %v", resp.StatusCode, m)
	}
	// An assertion made for tenant 1's token URL is not good at tenant 2's.
	other := certAssertion(t, jwt.SigningMethodRS256, key, hdr, claims(DefaultTenantID))
	resp, m = f.tokenRequest(t, tenant2.ID, assertionForm(DefaultMultiTenantClientID, other), nil)
	wantEntra(t, http.StatusUnauthorized, m, resp.StatusCode, "invalid_client", 50012)
}

func TestTenantIsolation(t *testing.T) {
	f := newFixture(t, threeTenants)
	tok2 := f.tenantToken(t, tenant2.ID)
	// Tenant 2 cannot see a control it lacks, though tenant 1 has it.
	if resp, b := f.do(t, "GET", "/v1.0/security/secureScoreControlProfiles/scid_2010", tok2, ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("tenant 2 GET scid_2010: %d %s", resp.StatusCode, truncate(b))
	}
	if resp, _ := f.do(t, "GET", "/v1.0/security/secureScoreControlProfiles/scid_2010", f.tok, ""); resp.StatusCode != http.StatusOK {
		t.Errorf("tenant 1 GET scid_2010: %d", resp.StatusCode)
	}
	// Tenant 1's score ids do not resolve in tenant 2.
	if resp, _ := f.do(t, "GET", "/v1.0/security/secureScores/"+f.emu.CurrentSecureScoreID(), tok2, ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("tenant 2 reads tenant 1's score: %d", resp.StatusCode)
	}
	for _, id := range f.listIDs(t, "secureScores", tok2) {
		if !strings.HasPrefix(id, tenant2.ID+"_") {
			t.Errorf("tenant 2 lists score %s", id)
		}
	}

	before1, _ := f.emu.ControlProfile("OneAdmin")
	cur1, _ := f.emu.SecureScore(f.emu.CurrentSecureScoreID())
	t2 := f.emu.Tenant(tenant2.ID)
	cur2, _ := t2.SecureScore(t2.CurrentSecureScoreID())
	if resp, b := f.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/OneAdmin", tok2, `{"state":"Ignored","comment":"tenant 2 only","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}`); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("PATCH in tenant 2: %d %s", resp.StatusCode, truncate(b))
	}
	p2, _ := t2.ControlProfile("OneAdmin")
	ups := p2["controlStateUpdates"].([]any)
	if last := ups[len(ups)-1].(map[string]any); last["state"] != "Ignored" || last["updatedBy"] != DefaultMultiTenantClientID || p2["azureTenantId"] != tenant2.ID {
		t.Errorf("tenant 2 profile %v", last)
	}
	after2, _ := t2.SecureScore(t2.CurrentSecureScoreID())
	if after2["currentScore"] == cur2["currentScore"] {
		t.Error("tenant 2's score did not move")
	}
	// Tenant 1 (reached by the single-tenant accessors) and tenant 3 are untouched.
	after1, _ := f.emu.ControlProfile("OneAdmin")
	now1, _ := f.emu.SecureScore(f.emu.CurrentSecureScoreID())
	if len(after1["controlStateUpdates"].([]any)) != len(before1["controlStateUpdates"].([]any)) || now1["currentScore"] != cur1["currentScore"] {
		t.Error("a tenant 2 PATCH changed tenant 1")
	}
	if p3, _ := f.emu.Tenant(tenant3.ID).ControlProfile("OneAdmin"); len(p3["controlStateUpdates"].([]any)) != 1 {
		t.Error("a tenant 2 PATCH changed tenant 3")
	}
	// The default-tenant accessors and the Tenant handle of tenant 1 are the same data.
	if err := f.emu.PatchControlProfile("AdminMFAV2", map[string]any{"state": "Reviewed"}); err != nil {
		t.Fatal(err)
	}
	p1, _ := f.emu.Tenant(DefaultTenantDomain).ControlProfile("AdminMFAV2")
	if currentState(p1) != "Reviewed" {
		t.Error("Emulator.PatchControlProfile did not act on tenant 1")
	}
	if p, _ := t2.ControlProfile("AdminMFAV2"); currentState(p) != "Default" {
		t.Error("Emulator.PatchControlProfile reached tenant 2")
	}
	// Drift in tenant 2 is made by its own portal admin.
	if err := t2.PatchControlProfile("AdminMFAV2", map[string]any{"state": "ThirdParty"}); err != nil {
		t.Fatal(err)
	}
	p, _ := t2.ControlProfile("AdminMFAV2")
	ups = p["controlStateUpdates"].([]any)
	if by := ups[len(ups)-1].(map[string]any)["updatedBy"]; by != "portal-admin@"+tenant2.Domain {
		t.Errorf("drift updatedBy %v", by)
	}

	// A token whose tid is no served tenant is refused, even when signed with the emulator's key.
	f.emu.mu.RLock()
	key := f.emu.keys[len(f.emu.keys)-1]
	f.emu.mu.RUnlock()
	forged := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"aud": "https://graph.microsoft.com", "tid": "00000000-0000-4000-8000-000000000099", "exp": f.clock.Now().Add(time.Hour).Unix(), "roles": []any{roleReadWrite}, "appid": DefaultMultiTenantClientID})
	forged.Header["kid"] = key.KID
	s, err := forged.SignedString(key.Secret)
	if err != nil {
		t.Fatal(err)
	}
	resp, b := f.do(t, "GET", "/v1.0/security/secureScores", s, "")
	if _, msg := odataError(t, resp, b, http.StatusUnauthorized); !strings.Contains(msg, "Invalid tenant") {
		t.Errorf("unserved tid: %q", msg)
	}
}

func TestJournalNamesTenant(t *testing.T) {
	f := newFixture(t, threeTenants)
	f.emu.ResetJournal()
	tok3 := f.tenantToken(t, tenant3.Domain)
	f.do(t, "GET", "/v1.0/security/secureScoreControlProfiles?$top=2", tok3, "")
	f.do(t, "GET", "/v1.0/security/secureScores?$top=1", f.tok, "")
	f.emu.SetFaults(Faults{Throttle: 1})
	f.do(t, "GET", "/v1.0/security/secureScores?$top=1", tok3, "") // answered 429 before authentication
	f.tokenRequest(t, "nowhere.onmicrosoft.com", tokenForm(DefaultMultiTenantClientID, DefaultMultiTenantClientSecret, graphScope), nil)
	f.do(t, "GET", "/v1.0/security/secureScores", "", "")
	want := []struct {
		kind   string
		status int
		tenant string
	}{
		{"token", 200, tenant3.ID}, {"read", 200, tenant3.ID}, {"read", 200, DefaultTenantID},
		{"read", 429, tenant3.ID}, {"token", 400, "nowhere.onmicrosoft.com"}, {"read", 401, ""},
	}
	got := f.emu.Journal()
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].Kind != w.kind || got[i].Status != w.status || got[i].Tenant != w.tenant {
			t.Errorf("entry %d: %s %d tenant %q, want %s %d %q", i, got[i].Kind, got[i].Status, got[i].Tenant, w.kind, w.status, w.tenant)
		}
	}

	// The admin endpoints take ?tenant=.
	admin := func(path string) (int, []byte) {
		resp, b := f.do(t, "GET", path, "", "")
		return resp.StatusCode, b
	}
	status, b := admin("/_emulator/journal?tenant=" + tenant3.Domain)
	var entries []JournalEntry
	if err := json.Unmarshal(b, &entries); status != 200 || err != nil || len(entries) != 3 {
		t.Errorf("journal?tenant=: %d %d entries %v", status, len(entries), err)
	}
	status, b = admin("/_emulator/state?tenant=" + tenant2.ID)
	st := decode(t, b)
	if status != 200 || st["tenantId"] != tenant2.ID || st["domain"] != tenant2.Domain || len(st["controlProfiles"].([]any)) != len(seedControls)-5 {
		t.Errorf("state?tenant=: %d %v %v", status, st["tenantId"], st["domain"])
	}
	if _, b = admin("/_emulator/state"); decode(t, b)["tenantId"] != DefaultTenantID {
		t.Errorf("state defaults to %v", decode(t, b)["tenantId"])
	}
	if status, _ = admin("/_emulator/state?tenant=nowhere"); status != http.StatusNotFound {
		t.Errorf("unknown tenant: %d", status)
	}
	status, b = admin("/_emulator/tenants")
	var view []tenantView
	if err := json.Unmarshal(b, &view); status != 200 || err != nil || len(view) != 3 || view[1].Domain != tenant2.Domain || len(view[1].MissingControls) != 5 || !view[2].MultiTenantConsent {
		t.Errorf("tenants: %d %s", status, truncate(b))
	}
}

func TestTenantsStateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	f1 := newFixture(t, threeTenants, func(c *Config) { c.StateFile = path })
	for _, tn := range []string{tenant2.ID, tenant3.ID} {
		if resp, b := f1.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/OneAdmin", f1.tenantToken(t, tn), `{"state":"ThirdParty","comment":"`+tn+`","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}`); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("%d %s", resp.StatusCode, b)
		}
	}
	tok2 := f1.tenantToken(t, tenant2.ID)
	snapshot := func(e *Emulator) map[string]string {
		out := map[string]string{}
		for _, tn := range e.Tenants() {
			p, _ := tn.ControlProfile("OneAdmin")
			sc, _ := tn.SecureScore(tn.CurrentSecureScoreID())
			b, _ := json.Marshal([]any{p, sc, tn.ControlProfileIDs()})
			out[tn.ID()] = string(b)
		}
		return out
	}
	want := snapshot(f1.emu)

	f2 := newFixture(t, threeTenants, func(c *Config) { c.StateFile = path })
	if got := snapshot(f2.emu); len(got) != 3 || got[tenant2.ID] != want[tenant2.ID] || got[tenant3.ID] != want[tenant3.ID] || got[DefaultTenantID] != want[DefaultTenantID] {
		t.Error("tenants differ after reload")
	}
	if resp, _ := f2.do(t, "GET", "/v1.0/security/secureScores?$top=1", tok2, ""); resp.StatusCode != http.StatusOK {
		t.Errorf("tenant 2's token after restart: %d", resp.StatusCode)
	}
	// The file holds the tenants it was made with: one tenant fewer is refused, naming the others.
	if _, err := New(Config{StateFile: path}); err == nil || !strings.Contains(err.Error(), tenant2.ID) || !strings.Contains(err.Error(), tenant3.ID) {
		t.Errorf("fewer tenants: %v", err)
	}
}

func TestStateFileV1Migrates(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	// A single-tenant emulator, then its state written in the v1 layout (one tenant at the top level).
	f1 := newFixture(t, func(c *Config) { c.StateFile = filepath.Join(dir, "v2.json") })
	if resp, b := f1.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/OneAdmin", f1.tok, `{"state":"Ignored","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}`); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	f1.emu.mu.RLock()
	v1 := map[string]any{"format": stateFormatV1, "signingKeys": f1.emu.keys, "tenantId": f1.emu.st.TenantID,
		"implementedScores": f1.emu.st.Implemented, "secureScores": f1.emu.st.Scores, "controlProfiles": f1.emu.st.Profiles}
	b, err := json.Marshal(v1)
	f1.emu.mu.RUnlock()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	want, _ := f1.emu.ControlProfile("OneAdmin")

	// Loaded as it is, and again with two more tenants, which are seeded beside it.
	for _, mutate := range []func(*Config){func(*Config) {}, threeTenants} {
		f2 := newFixture(t, mutate, func(c *Config) { c.StateFile = path })
		if got, _ := f2.emu.ControlProfile("OneAdmin"); currentState(got) != currentState(want) || len(got["controlStateUpdates"].([]any)) != 2 {
			t.Errorf("tenant 1 lost its update: %v", got["controlStateUpdates"])
		}
		if resp, _ := f2.do(t, "GET", "/v1.0/security/secureScores?$top=1", f1.tok, ""); resp.StatusCode != http.StatusOK {
			t.Errorf("old token after migration: %d", resp.StatusCode)
		}
	}
	saved, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var file stateFile
	if err := json.Unmarshal(saved, &file); err != nil || file.Format != stateFormat || len(file.Tenants) != 3 || len(file.Keys) == 0 {
		t.Errorf("not rewritten as %s with 3 tenants: %v %q %d", stateFormat, err, file.Format, len(file.Tenants))
	}
}

func TestTenantConfigErrors(t *testing.T) {
	for name, cfg := range map[string]Config{
		"duplicate id":      {Tenants: []TenantConfig{{ID: "a"}, {ID: "A"}}},
		"domain is an id":   {Tenants: []TenantConfig{{ID: "a", Domain: "b"}, {ID: "b"}}},
		"no id":             {Tenants: []TenantConfig{{ID: "a"}, {Domain: "b.example"}}},
		"unknown service":   {Tenants: []TenantConfig{{ID: "a", Unlicensed: []string{"Defender"}}}},
		"TenantID differs":  {TenantID: "x", Tenants: []TenantConfig{{ID: "a"}}},
		"multi-tenant twin": {MultiTenantClientID: DefaultClientID},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// TenantID fills an empty first tenant; the caller's slice is left as given.
	tenants := []TenantConfig{{Unlicensed: []string{"mdatp"}}, {ID: "b"}}
	e, err := New(Config{TenantID: "a", Tenants: tenants})
	if err != nil {
		t.Fatal(err)
	}
	if cfg := e.Config(); cfg.Tenants[0].ID != "a" || cfg.TenantDomain != DefaultTenantDomain || cfg.Tenants[1].Domain != "tenant2.onmicrosoft.com" || tenants[0].ID != "" {
		t.Errorf("resolved %+v", cfg.Tenants)
	}
	if slices.Contains(e.ControlProfileIDs(), "scid_2010") {
		t.Error("service names are case-insensitive, as the rest of the tenant config")
	}
}
