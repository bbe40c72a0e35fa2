package emulator

import (
	"crypto/rsa"
	"encoding/base64"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	ghSubject  = "repo:contoso/infra:environment:production"
	ghIssuer   = "https://token.actions.githubusercontent.com"
	adoConnID  = "5f0e1d2c-3b4a-4958-8a7b-6c5d4e3f2a1b"
	adoSubject = "sc://contoso/infra/securescore"
)

func federatedFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixture(t, func(c *Config) {
		c.FederatedCredentials = []FederatedCredential{
			{Name: "local", Subject: ghSubject},
			{Name: "github", Issuer: ghIssuer, Subject: ghSubject},
			{Name: "ado", Subject: adoSubject},
			{Name: "reader", ClientID: testRO, Subject: "reader"},
		}
		c.CIJobs = []CIJob{
			{RequestToken: "gh-request-token", Subject: ghSubject},
			{RequestToken: "ado-access-token", Subject: adoSubject, ServiceConnectionID: adoConnID},
		}
	})
}

func (f *fixture) mint(t *testing.T, req IDTokenRequest) string {
	t.Helper()
	tok, err := f.emu.MintIDToken(req)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestFederatedAssertionAccepted(t *testing.T) {
	f := federatedFixture(t)
	local := LocalIssuer(f.srv.URL)
	for name, tc := range map[string]struct {
		clientID string
		req      IDTokenRequest
		role     string
	}{
		"local issuer":        {DefaultClientID, IDTokenRequest{Issuer: local, Subject: ghSubject}, roleReadWrite},
		"named issuer":        {DefaultClientID, IDTokenRequest{Issuer: ghIssuer, Subject: ghSubject}, roleReadWrite},
		"read-only app":       {testRO, IDTokenRequest{Issuer: local, Subject: "reader"}, roleRead},
		"explicit audience":   {DefaultClientID, IDTokenRequest{Issuer: local, Subject: ghSubject, Audience: FederatedTokenAudience}, roleReadWrite},
		"issued a minute ago": {DefaultClientID, IDTokenRequest{Issuer: local, Subject: ghSubject, IssuedAt: f.clock.Now().Add(-time.Minute)}, roleReadWrite},
	} {
		t.Run(name, func(t *testing.T) {
			resp, m := f.tokenRequest(t, DefaultTenantID, assertionForm(tc.clientID, f.mint(t, tc.req)), nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%d %v", resp.StatusCode, m)
			}
			c := claimsOf(t, stringField(t, m, "access_token"))
			roles, ok := c["roles"].([]any)
			if !ok || len(roles) != 1 || roles[0] != tc.role || c["appid"] != tc.clientID {
				t.Errorf("claims %v", c)
			}
		})
	}
}

func TestFederatedAssertionRejected(t *testing.T) {
	f := federatedFixture(t)
	local := LocalIssuer(f.srv.URL)
	_, other := rsaKeys(t)
	forged := func() string {
		// Right claims and kid, wrong key.
		good := claimsOf(t, f.mint(t, IDTokenRequest{Issuer: local, Subject: ghSubject}))
		_, kid, err := f.emu.oidc.signingKey()
		if err != nil {
			t.Fatal(err)
		}
		return certAssertion(t, jwt.SigningMethodRS256, other, map[string]string{"kid": kid}, good)
	}
	unknownKid := certAssertion(t, jwt.SigningMethodRS256, other, map[string]string{"kid": "nope"}, claimsOf(t, f.mint(t, IDTokenRequest{Issuer: local, Subject: ghSubject})))
	cases := []struct {
		name, clientID, assertion string
		status                    int
		code                      string
		aadsts                    int
		text                      string
	}{
		{"wrong subject", DefaultClientID, f.mint(t, IDTokenRequest{Issuer: local, Subject: "repo:contoso/infra:ref:refs/heads/main"}), 400, "invalid_request", 70021, "Assertion Subject: 'repo:contoso/infra:ref:refs/heads/main'"},
		{"subject case differs", DefaultClientID, f.mint(t, IDTokenRequest{Issuer: local, Subject: strings.ToUpper(ghSubject)}), 400, "invalid_request", 70021, "No matching federated identity record"},
		{"wrong audience", DefaultClientID, f.mint(t, IDTokenRequest{Issuer: local, Subject: ghSubject, Audience: "https://github.com/contoso"}), 400, "invalid_request", 70021, "Assertion Audience: 'https://github.com/contoso'"},
		{"wrong issuer", DefaultClientID, f.mint(t, IDTokenRequest{Issuer: "http://127.0.0.2:1/_oidc", Subject: ghSubject}), 400, "invalid_request", 70021, "Assertion Issuer: 'http://127.0.0.2:1/_oidc'"},
		{"credential of another app", testRO, f.mint(t, IDTokenRequest{Issuer: local, Subject: ghSubject}), 400, "invalid_request", 70021, "No matching"},
		{"expired", DefaultClientID, f.mint(t, IDTokenRequest{Issuer: local, Subject: ghSubject, IssuedAt: f.clock.Now().Add(-time.Hour)}), 401, "invalid_client", 700024, "not within its valid time range"},
		{"issued in the future", DefaultClientID, f.mint(t, IDTokenRequest{Issuer: local, Subject: ghSubject, IssuedAt: f.clock.Now().Add(time.Hour)}), 401, "invalid_client", 700024, "not within"},
		{"forged signature", DefaultClientID, forged(), 401, "invalid_client", 700027, "did not match"},
		{"unknown key", DefaultClientID, unknownKid, 401, "invalid_client", 700027, "The key was not found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, m := f.tokenRequest(t, DefaultTenantID, assertionForm(tc.clientID, tc.assertion), nil)
			if desc := wantEntra(t, tc.status, m, resp.StatusCode, tc.code, tc.aadsts); !strings.Contains(desc, tc.text) {
				t.Errorf("description %q lacks %q", desc, tc.text)
			}
		})
	}
}

func TestFederatedCredentialValidation(t *testing.T) {
	f := newFixture(t)
	for name, fc := range map[string]FederatedCredential{
		"no subject":    {Issuer: ghIssuer},
		"two audiences": {Subject: "s", Audiences: []string{"a", "b"}},
		"unknown app":   {ClientID: "99999999-9999-4999-8999-999999999999", Subject: "s"},
	} {
		if err := f.emu.AddFederatedCredential(fc); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	if err := f.emu.AddCIJob(CIJob{Subject: "s"}); err == nil {
		t.Error("CI job without request token accepted")
	}
	if _, err := f.emu.MintIDToken(IDTokenRequest{Subject: "s"}); err == nil {
		t.Error("MintIDToken without issuer accepted")
	}
	// Added after New, with a custom audience.
	if err := f.emu.AddFederatedCredential(FederatedCredential{Subject: "system:serviceaccount:default:tf", Audiences: []string{"api://custom"}}); err != nil {
		t.Fatal(err)
	}
	tok := f.mint(t, IDTokenRequest{Issuer: LocalIssuer(f.srv.URL), Subject: "system:serviceaccount:default:tf", Audience: "api://custom"})
	if resp, m := f.tokenRequest(t, DefaultTenantID, assertionForm(DefaultClientID, tok), nil); resp.StatusCode != 200 {
		t.Errorf("%d %v", resp.StatusCode, m)
	}
}

func TestOIDCDiscoveryAndKeys(t *testing.T) {
	f := newFixture(t)
	resp, b := f.do(t, "GET", "/_oidc/.well-known/openid-configuration", "", "")
	doc := decode(t, b)
	if resp.StatusCode != 200 || doc["issuer"] != f.srv.URL+"/_oidc" || doc["jwks_uri"] != f.srv.URL+"/_oidc/keys" {
		t.Fatalf("%d %v", resp.StatusCode, doc)
	}
	resp, b = f.do(t, "GET", "/_oidc/keys", "", "")
	jwks := decode(t, b)
	keys, ok := jwks["keys"].([]any)
	if resp.StatusCode != 200 || !ok || len(keys) != 1 {
		t.Fatalf("%d %v", resp.StatusCode, jwks)
	}
	k, ok := keys[0].(map[string]any)
	if !ok || k["kty"] != "RSA" || k["alg"] != "RS256" || k["use"] != "sig" {
		t.Fatalf("key %v", keys[0])
	}
	nb, err1 := base64.RawURLEncoding.DecodeString(stringField(t, k, "n"))
	eb, err2 := base64.RawURLEncoding.DecodeString(stringField(t, k, "e"))
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(nb), E: int(new(big.Int).SetBytes(eb).Int64())}
	// A minted token verifies with the published key, as Entra ID would check it.
	tok := f.mint(t, IDTokenRequest{Issuer: LocalIssuer(f.srv.URL), Subject: "s", Claims: map[string]any{"repository": "contoso/infra"}})
	parsed, err := jwt.Parse(tok, func(tk *jwt.Token) (any, error) {
		if tk.Header["kid"] != k["kid"] {
			t.Errorf("kid %v vs %v", tk.Header["kid"], k["kid"])
		}
		return pub, nil
	}, jwt.WithTimeFunc(f.clock.Now), jwt.WithAudience(FederatedTokenAudience), jwt.WithIssuer(f.srv.URL+"/_oidc"))
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := parsed.Claims.(jwt.MapClaims); !ok || c["repository"] != "contoso/infra" || c["sub"] != "s" || c["jti"] == nil {
		t.Errorf("claims %v", parsed.Claims)
	}
	if resp, _ := f.do(t, "POST", "/_oidc/keys", "", ""); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST keys: %d", resp.StatusCode)
	}
	if resp, _ := f.do(t, "GET", "/_oidc/other", "", ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown oidc path: %d", resp.StatusCode)
	}
}

func TestGitHubActionsTokenEndpoint(t *testing.T) {
	f := federatedFixture(t)
	reqURL := "/_oidc/github/token?api-version=2.0&audience=" + url.QueryEscape(FederatedTokenAudience)
	resp, b := f.do(t, "GET", reqURL, "gh-request-token", "")
	m := decode(t, b)
	if resp.StatusCode != 200 || m["count"] == nil {
		t.Fatalf("%d %v", resp.StatusCode, m)
	}
	idTok := stringField(t, m, "value")
	c := claimsOf(t, idTok)
	if c["iss"] != f.srv.URL+"/_oidc" || c["sub"] != ghSubject || c["aud"] != FederatedTokenAudience {
		t.Errorf("claims %v", c)
	}
	if r, tm := f.tokenRequest(t, DefaultTenantID, assertionForm(DefaultClientID, idTok), nil); r.StatusCode != 200 {
		t.Errorf("exchange: %d %v", r.StatusCode, tm)
	}
	// Without an audience the token carries GitHub's default, which no credential accepts.
	_, b = f.do(t, "GET", "/_oidc/github/token", "gh-request-token", "")
	r, tm := f.tokenRequest(t, DefaultTenantID, assertionForm(DefaultClientID, stringField(t, decode(t, b), "value")), nil)
	wantEntra(t, 400, tm, r.StatusCode, "invalid_request", 70021)

	for name, tc := range map[string]struct {
		method, token string
		status        int
	}{
		"wrong request token": {"GET", "nope", 401},
		"no request token":    {"GET", "", 401},
		"ado job's token":     {"GET", "ado-access-token", 401},
		"POST":                {"POST", "gh-request-token", 405},
	} {
		if resp, b := f.do(t, tc.method, reqURL, tc.token, ""); resp.StatusCode != tc.status {
			t.Errorf("%s: %d %s", name, resp.StatusCode, b)
		}
	}
	for _, en := range f.emu.Journal() {
		if en.Header.Get("Authorization") != "" {
			t.Errorf("journal kept Authorization on %s", en.Path)
		}
	}
}

func TestAzurePipelinesTokenEndpoint(t *testing.T) {
	f := federatedFixture(t)
	path := "/_oidc/ado/contoso/0d1e2f3a/_apis/distributedtask/hubs/build/plans/p1/jobs/j1/oidctoken"
	resp, b := f.do(t, "POST", path+"?api-version=7.1&serviceConnectionId="+adoConnID, "ado-access-token", "")
	m := decode(t, b)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %v", resp.StatusCode, m)
	}
	idTok := stringField(t, m, "oidcToken")
	if c := claimsOf(t, idTok); c["sub"] != adoSubject || c["aud"] != FederatedTokenAudience {
		t.Errorf("claims %v", c)
	}
	if r, tm := f.tokenRequest(t, DefaultTenantID, assertionForm(DefaultClientID, idTok), nil); r.StatusCode != 200 {
		t.Errorf("exchange: %d %v", r.StatusCode, tm)
	}
	for name, tc := range map[string]struct {
		method, query, token string
		status               int
	}{
		"short path":           {"POST", "/_oidc/ado/oidctoken?api-version=7.1&serviceConnectionId=" + adoConnID, "ado-access-token", 200},
		"wrong connection":     {"POST", path + "?api-version=7.1&serviceConnectionId=00000000-0000-0000-0000-000000000000", "ado-access-token", 401},
		"no connection":        {"POST", path + "?api-version=7.1", "ado-access-token", 400},
		"no api-version":       {"POST", path + "?serviceConnectionId=" + adoConnID, "ado-access-token", 400},
		"wrong token":          {"POST", path + "?api-version=7.1&serviceConnectionId=" + adoConnID, "gh-request-token", 401},
		"GET":                  {"GET", path + "?api-version=7.1&serviceConnectionId=" + adoConnID, "ado-access-token", 405},
		"github job's request": {"POST", path + "?api-version=7.1&serviceConnectionId=", "gh-request-token", 400},
	} {
		if resp, b := f.do(t, tc.method, tc.query, tc.token, ""); resp.StatusCode != tc.status {
			t.Errorf("%s: %d %s", name, resp.StatusCode, b)
		}
	}
}
