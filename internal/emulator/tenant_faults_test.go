package emulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A token endpoint that fails for one tenant only, with each status Entra's front end answers during an incident.
func TestTenantTokenEndpointOutage(t *testing.T) {
	f := newFixture(t, threeTenants)
	t2 := f.emu.Tenant(tenant2.Domain)
	t2.SetFaults(Faults{TokenUnavailable: 2})
	for i := range 2 {
		resp, m := f.multiTenantTokenRequest(t, tenant2.ID)
		if desc := wantEntraShape(t, resp, m, http.StatusServiceUnavailable, "temporarily_unavailable", 90033); !strings.Contains(desc, "transient") {
			t.Errorf("outage %d: %q", i, desc)
		}
		// Meanwhile the other tenants' token endpoints answer, and use up none of tenant 2's faults.
		f.tenantToken(t, tenant3.ID)
		f.token(t, DefaultClientID, DefaultClientSecret)
	}
	if got := t2.Faults().TokenUnavailable; got != 0 {
		t.Errorf("%d outages left", got)
	}
	f.tenantToken(t, tenant2.ID)

	t2.SetFaults(Faults{TokenUnavailable: 1, TokenStatus: http.StatusInternalServerError})
	resp, m := f.multiTenantTokenRequest(t, tenant2.ID)
	wantEntraShape(t, resp, m, http.StatusInternalServerError, "server_error", 50000)

	t2.SetFaults(Faults{TokenUnavailable: 1, TokenStatus: http.StatusGatewayTimeout})
	req, _ := http.NewRequest("POST", f.srv.URL+"/"+tenant2.ID+"/oauth2/v2.0/token", strings.NewReader(tokenForm(DefaultMultiTenantClientID, DefaultMultiTenantClientSecret, graphScope).Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	gw, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	gw.Body.Close()
	if gw.StatusCode != http.StatusGatewayTimeout || !strings.HasPrefix(gw.Header.Get("Content-Type"), "text/html") {
		t.Errorf("gateway timeout: %d %s", gw.StatusCode, gw.Header.Get("Content-Type"))
	}

	// Graph requests are not token requests: a token outage leaves them alone.
	t2.SetFaults(Faults{TokenUnavailable: 5})
	if status, msg := f.graphStatus(t, f.tenantToken(t, tenant3.ID)); status != http.StatusOK {
		t.Errorf("tenant 3 Graph: %d %s", status, msg)
	}
	if got := t2.Faults().TokenUnavailable; got != 5 {
		t.Errorf("other tenants' requests used tenant 2's faults: %d left", got)
	}

	// The emulator-wide token faults reach every tenant.
	f.emu.SetFaults(Faults{TokenUnavailable: 1})
	resp, m = f.multiTenantTokenRequest(t, tenant3.ID)
	wantEntraShape(t, resp, m, http.StatusServiceUnavailable, "temporarily_unavailable", 90033)

	traffic := f.emu.TrafficByTenant()
	if tt := traffic[tenant2.ID]; tt.TokenFailures != 4 || tt.TokenRequests != 5 {
		t.Errorf("tenant 2 traffic %+v", tt)
	}
	if tt := traffic[tenant3.ID]; tt.TokenFailures != 1 {
		t.Errorf("tenant 3 traffic %+v", tt)
	}
}

// A token request that gets no answer ends when StallFor passes, with the connection closed; the next one is
// answered.
func TestTenantTokenEndpointStall(t *testing.T) {
	f := newFixture(t, threeTenants)
	f.emu.Tenant(tenant2.ID).SetFaults(Faults{TokenStall: 1, StallFor: 20 * time.Millisecond})
	req, _ := http.NewRequest("POST", f.srv.URL+"/"+tenant2.ID+"/oauth2/v2.0/token", strings.NewReader(tokenForm(DefaultMultiTenantClientID, DefaultMultiTenantClientSecret, graphScope).Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("stalled token request answered %d", resp.StatusCode)
	}
	j := f.emu.Journal()
	if last := j[len(j)-1]; last.Kind != "token" || last.Status != 0 || last.Tenant != tenant2.ID {
		t.Errorf("journal %+v", last)
	}
	f.tenantToken(t, tenant2.ID)
}

// A 429 storm in one tenant: every Graph request of that tenant is throttled, the others' are all served.
func TestTenantThrottleStorm(t *testing.T) {
	f := newFixture(t, threeTenants)
	tok2, tok3 := f.tenantToken(t, tenant2.ID), f.tenantToken(t, tenant3.ID)
	f.emu.Tenant(tenant2.ID).SetFaults(Faults{ThrottleRate: 1, RetryAfter: "7"})
	f.emu.ResetJournal()
	const n = 12
	for range n {
		resp, b := f.do(t, "GET", "/v1.0/security/secureScoreControlProfiles?$top=5", tok2, "")
		if code, _ := odataError(t, resp, b, http.StatusTooManyRequests); code != "TooManyRequests" || resp.Header.Get("Retry-After") != "7" {
			t.Fatalf("tenant 2: %s Retry-After %q", code, resp.Header.Get("Retry-After"))
		}
		for _, tok := range []string{tok3, f.tok} {
			if status, msg := f.graphStatus(t, tok); status != http.StatusOK {
				t.Fatalf("another tenant during tenant 2's storm: %d %s", status, msg)
			}
		}
	}
	// The storm does not reach tenant 2's token endpoint.
	f.tenantToken(t, tenant2.ID)

	traffic := f.emu.TrafficByTenant()
	if tt := traffic[tenant2.ID]; tt.Reads != n || tt.Throttled != n || tt.TokenRequests != 1 || tt.TokenFailures != 0 {
		t.Errorf("tenant 2 %+v", tt)
	}
	for _, id := range []string{tenant3.ID, DefaultTenantID} {
		if tt := traffic[id]; tt.Reads != n || tt.Throttled != 0 || tt.Failed != 0 {
			t.Errorf("%s %+v", id, tt)
		}
	}
	if got := f.emu.LimitRefusals(); len(got) != 0 {
		t.Errorf("limits refused %v: the storm is a fault, not the limits", got)
	}

	// Counted faults of one tenant are used up by that tenant's requests only; emulator-wide ones by anyone's.
	f.emu.Tenant(tenant2.ID).SetFaults(Faults{Throttle: 1})
	f.emu.SetFaults(Faults{Unavailable: 1})
	for _, c := range []struct {
		tok  string
		want int
	}{{tok3, 503}, {tok3, 200}, {tok2, 429}, {tok2, 200}} {
		if status, msg := f.graphStatus(t, c.tok); status != c.want {
			t.Errorf("got %d %s, want %d", status, msg, c.want)
		}
	}
}

// Per-tenant faults through the admin endpoint, and the JSON of the new fields.
func TestTenantFaultsAdmin(t *testing.T) {
	f := newFixture(t, threeTenants)
	resp, b := f.do(t, "POST", "/_emulator/faults?tenant="+tenant3.Domain, "", `{"throttle":2,"tokenUnavailable":1,"tokenStatus":500,"tokenStall":1,"stallFor":"250ms"}`)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	got := f.emu.Tenant(tenant3.ID).Faults()
	if got.Throttle != 2 || got.TokenUnavailable != 1 || got.TokenStatus != 500 || got.TokenStall != 1 || got.StallFor != 250*time.Millisecond || got.RetryAfter != defaultRetryAfter {
		t.Errorf("tenant 3 faults %+v", got)
	}
	if f.emu.Faults().Throttle != 0 || f.emu.Tenant(tenant2.ID).Faults().Throttle != 0 {
		t.Error("a tenant's faults reached the emulator-wide or another tenant's")
	}
	_, b = f.do(t, "GET", "/_emulator/faults?tenant="+tenant3.ID, "", "")
	var back Faults
	if err := json.Unmarshal(b, &back); err != nil || back.Throttle != 2 || back.StallFor != 250*time.Millisecond {
		t.Errorf("GET tenant faults: %v %s", err, b)
	}
	for _, bad := range []string{`{"tokenStatus":418}`, `{"tokenStall":-1}`, `{"stallFor":"soon"}`, `{"throttel":1}`} {
		if resp, b := f.do(t, "POST", "/_emulator/faults?tenant="+tenant3.ID, "", bad); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d %s", bad, resp.StatusCode, b)
		}
	}
	if resp, _ := f.do(t, "POST", "/_emulator/faults?tenant=nowhere.example", "", `{}`); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown tenant: %d", resp.StatusCode)
	}
}
