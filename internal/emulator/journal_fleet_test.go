package emulator

import (
	"encoding/json"
	"net/http"
	"path"
	"slices"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Every Graph request's entry names the tenant and application of the token it carried, also when the token was
// refused; token requests name the client that asked and the tenant of the token issued.
func TestJournalNamesTokenTenantAndApp(t *testing.T) {
	f := newFixture(t, threeTenants)
	tok2 := f.tenantToken(t, tenant2.Domain)
	f.emu.ResetJournal()
	f.tenantToken(t, tenant3.Domain)
	f.multiTenantTokenRequest(t, "nowhere.onmicrosoft.com")
	f.graphStatus(t, tok2)
	f.graphStatus(t, f.tok)
	f.emu.Tenant(tenant2.ID).ExpireTokens()
	f.graphStatus(t, tok2) // refused as expired: still tenant 2's request

	// A token signed by the emulator with the tid of a tenant it does not serve.
	f.emu.mu.RLock()
	key := f.emu.keys[len(f.emu.keys)-1]
	f.emu.mu.RUnlock()
	const stranger = "00000000-0000-4000-8000-000000000099"
	forged := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"aud": "https://graph.microsoft.com", "tid": stranger, "exp": f.clock.Now().Add(time.Hour).Unix(), "roles": []any{roleReadWrite}, "appid": DefaultMultiTenantClientID})
	forged.Header["kid"] = key.KID
	s, err := forged.SignedString(key.Secret)
	if err != nil {
		t.Fatal(err)
	}
	f.graphStatus(t, s)
	f.graphStatus(t, "not-a-token")

	want := []struct {
		kind                     string
		status                   int
		tenant, tokenTenant, app string
	}{
		{"token", 200, tenant3.ID, tenant3.ID, DefaultMultiTenantClientID},
		{"token", 400, "nowhere.onmicrosoft.com", "", DefaultMultiTenantClientID},
		{"read", 200, tenant2.ID, tenant2.ID, DefaultMultiTenantClientID},
		{"read", 200, DefaultTenantID, DefaultTenantID, DefaultClientID},
		{"read", 401, tenant2.ID, tenant2.ID, DefaultMultiTenantClientID},
		{"read", 401, "", stranger, DefaultMultiTenantClientID},
		{"read", 401, "", "", ""},
	}
	got := f.emu.Journal()
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Kind != w.kind || g.Status != w.status || g.Tenant != w.tenant || g.TokenTenant != w.tokenTenant || g.App != w.app {
			t.Errorf("entry %d: %s %d tenant %q token tenant %q app %q, want %+v", i, g.Kind, g.Status, g.Tenant, g.TokenTenant, g.App, w)
		}
	}
	_, b := f.do(t, "GET", "/_emulator/journal?app="+DefaultClientID, "", "")
	var byApp []JournalEntry
	if err := json.Unmarshal(b, &byApp); err != nil || len(byApp) != 1 || byApp[0].Tenant != DefaultTenantID {
		t.Errorf("journal?app=: %v %s", err, truncate(b))
	}
}

// Graph serves the token's tenant whatever the client meant: a request meant for tenant 3 that carries tenant 2's
// token reads tenant 2. MisdirectedRequests finds it from the client's intent (here, which tenant owns a control).
func TestMisdirectedRequests(t *testing.T) {
	f := newFixture(t, threeTenants)
	tok2, tok3 := f.tenantToken(t, tenant2.ID), f.tenantToken(t, tenant3.ID)
	// Controls only tenant 2 has (tenant 3 lacks MDO and MCAS), and only tenant 3 has (tenant 2 lacks MDATP).
	only2 := f.emu.Tenant(tenant3.ID).MissingControlIDs()[0]
	only3 := f.emu.Tenant(tenant2.ID).MissingControlIDs()[0]
	if slices.Contains(f.emu.Tenant(tenant2.ID).ControlProfileIDs(), only3) || !slices.Contains(f.emu.Tenant(tenant2.ID).ControlProfileIDs(), only2) {
		t.Fatalf("fixture: %s / %s", only2, only3)
	}
	owner := map[string]string{only2: tenant2.ID, only3: tenant3.ID}
	intended := func(en JournalEntry) string { return owner[path.Base(en.Path)] }

	f.emu.ResetJournal()
	get := func(id, tok string) int {
		resp, _ := f.do(t, "GET", "/v1.0/security/secureScoreControlProfiles/"+id, tok, "")
		return resp.StatusCode
	}
	if get(only2, tok2) != http.StatusOK || get(only3, tok3) != http.StatusOK {
		t.Fatal("each tenant reads its own control")
	}
	f.graphStatus(t, tok2) // OneAdmin: every tenant has it, no expectation
	if got := f.emu.MisdirectedRequests(intended); len(got) != 0 {
		t.Fatalf("misdirected %+v", got)
	}
	// Tenant 3's control asked with tenant 2's token: Graph answers from tenant 2, which lacks it.
	if status := get(only3, tok2); status != http.StatusNotFound {
		t.Errorf("tenant 3's control with tenant 2's token: %d", status)
	}
	got := f.emu.MisdirectedRequests(intended)
	if len(got) != 1 || path.Base(got[0].Path) != only3 || got[0].TokenTenant != tenant2.ID || got[0].Tenant != tenant2.ID {
		t.Errorf("misdirected %+v", got)
	}
}
