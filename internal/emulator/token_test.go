package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestTokenFormAndBasic(t *testing.T) {
	f := newFixture(t)
	cid := f.emu.Config().ClientID
	for name, tc := range map[string]struct {
		tenant string
		form   map[string][]string
		basic  *[2]string
	}{
		"form":            {DefaultTenantID, tokenForm(cid, DefaultClientSecret, "https://graph.microsoft.com/.default"), nil},
		"basic":           {DefaultTenantID, map[string][]string{"grant_type": {"client_credentials"}, "scope": {"https://graph.microsoft.com/.default"}}, &[2]string{cid, DefaultClientSecret}},
		"domain tenant":   {DefaultTenantDomain, tokenForm(cid, DefaultClientSecret, "https://graph.microsoft.com/.default"), nil},
		"own base scope":  {DefaultTenantID, tokenForm(cid, DefaultClientSecret, f.srv.URL+"/.default"), nil},
		"us gov scope":    {DefaultTenantID, tokenForm(cid, DefaultClientSecret, "https://graph.microsoft.us/.default"), nil},
		"graph app scope": {DefaultTenantID, tokenForm(cid, DefaultClientSecret, "00000003-0000-0000-c000-000000000000/.default"), nil},
	} {
		t.Run(name, func(t *testing.T) {
			resp, m := f.tokenRequest(t, tc.tenant, tc.form, tc.basic)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %v", resp.StatusCode, m)
			}
			if m["token_type"] != "Bearer" || m["expires_in"] != float64(3599) || m["ext_expires_in"] != float64(3599) {
				t.Errorf("response %v", m)
			}
			claims := jwt.MapClaims{}
			if _, _, err := jwt.NewParser().ParseUnverified(m["access_token"].(string), claims); err != nil {
				t.Fatal(err)
			}
			roles, _ := claims["roles"].([]any)
			if len(roles) != 1 || roles[0] != roleReadWrite {
				t.Errorf("roles %v", claims["roles"])
			}
			if claims["tid"] != DefaultTenantID || claims["appid"] != cid || claims["azp"] != cid {
				t.Errorf("claims %v", claims)
			}
			if exp, _ := claims.GetExpirationTime(); exp == nil || !exp.Equal(f.clock.Now().Add(time.Hour).Truncate(time.Second)) {
				t.Errorf("exp %v", exp)
			}
			// The token works against Graph.
			r, b := f.do(t, "GET", "/v1.0/security/secureScores?$top=1", m["access_token"].(string), "")
			if r.StatusCode != 200 {
				t.Errorf("graph with token: %d %s", r.StatusCode, truncate(b))
			}
		})
	}
}

func TestTokenLifetimeConfigurable(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.TokenLifetime = 30 * time.Second })
	_, m := f.tokenRequest(t, DefaultTenantID, tokenForm(DefaultClientID, DefaultClientSecret, "https://graph.microsoft.com/.default"), nil)
	if m["expires_in"] != float64(30) {
		t.Errorf("expires_in %v", m["expires_in"])
	}
}

func TestTokenErrors(t *testing.T) {
	f := newFixture(t)
	cid := DefaultClientID
	g := "https://graph.microsoft.com/.default"
	cases := []struct {
		name, tenant string
		form         map[string][]string
		status       int
		code         string
		aadsts       float64
	}{
		{"wrong secret", DefaultTenantID, tokenForm(cid, "nope", g), 401, "invalid_client", 7000215},
		{"unknown app", DefaultTenantID, tokenForm("99999999-9999-4999-8999-999999999999", "x", g), 400, "unauthorized_client", 700016},
		{"unknown tenant", "33333333-3333-4333-8333-333333333333", tokenForm(cid, DefaultClientSecret, g), 400, "invalid_tenant", 90002},
		{"unknown tenant domain", "fabrikam.onmicrosoft.com", tokenForm(cid, DefaultClientSecret, g), 400, "invalid_tenant", 90002},
		{"bad scope", DefaultTenantID, tokenForm(cid, DefaultClientSecret, "https://graph.microsoft.com/User.Read"), 400, "invalid_scope", 70011},
		{"foreign resource", DefaultTenantID, tokenForm(cid, DefaultClientSecret, "https://management.azure.com/.default"), 400, "invalid_scope", 70011},
		{"two scopes", DefaultTenantID, tokenForm(cid, DefaultClientSecret, g+" openid"), 400, "invalid_scope", 70011},
		{"no secret", DefaultTenantID, map[string][]string{"grant_type": {"client_credentials"}, "client_id": {cid}, "scope": {g}}, 401, "invalid_client", 7000216},
		{"no scope", DefaultTenantID, map[string][]string{"grant_type": {"client_credentials"}, "client_id": {cid}, "client_secret": {DefaultClientSecret}}, 400, "invalid_request", 900144},
		{"bad grant", DefaultTenantID, map[string][]string{"grant_type": {"password"}, "client_id": {cid}}, 400, "unsupported_grant_type", 70003},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, m := f.tokenRequest(t, tc.tenant, tc.form, nil)
			if resp.StatusCode != tc.status || m["error"] != tc.code {
				t.Fatalf("got %d %v, want %d %s", resp.StatusCode, m["error"], tc.status, tc.code)
			}
			codes, _ := m["error_codes"].([]any)
			if len(codes) != 1 || codes[0] != tc.aadsts {
				t.Errorf("error_codes %v", m["error_codes"])
			}
			desc, _ := m["error_description"].(string)
			if !strings.HasPrefix(desc, "AADSTS") || !strings.Contains(desc, "\r\nTrace ID: "+m["trace_id"].(string)+"\r\nCorrelation ID: "+m["correlation_id"].(string)+"\r\nTimestamp: "+m["timestamp"].(string)) {
				t.Errorf("error_description %q", desc)
			}
			if _, err := time.Parse("2006-01-02 15:04:05Z", m["timestamp"].(string)); err != nil {
				t.Errorf("timestamp: %v", err)
			}
			if !strings.HasPrefix(desc, fmt.Sprintf("AADSTS%d: ", int(tc.aadsts))) || !strings.HasSuffix(m["error_uri"].(string), fmt.Sprintf("/error?code=%d", int(tc.aadsts))) {
				t.Errorf("error_uri %v for %q", m["error_uri"], desc)
			}
		})
	}
}

func TestTokenCorrelationEchoesClientRequestID(t *testing.T) {
	f := newFixture(t)
	const crid = "5f0e1d2c-3b4a-4958-8a7b-6c5d4e3f2a1b"
	req, _ := http.NewRequest("POST", f.srv.URL+"/"+DefaultTenantID+"/oauth2/v2.0/token", strings.NewReader(tokenForm(DefaultClientID, "bad", "https://graph.microsoft.com/.default").Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("client-request-id", crid)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("client-request-id") != crid {
		t.Errorf("client-request-id %q", resp.Header.Get("client-request-id"))
	}
}

func TestTokenEndpointOnlyPost(t *testing.T) {
	f := newFixture(t)
	resp, b := f.do(t, "GET", "/"+DefaultTenantID+"/oauth2/v2.0/token", "", "")
	m := decode(t, b)
	if resp.StatusCode != 400 || m["error"] != "invalid_request" {
		t.Errorf("%d %v", resp.StatusCode, m)
	}
}
