package emulator

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	userRO = "55555555-5555-4555-8555-555555555555"
	userRW = "66666666-6666-4666-8666-666666666666"
)

func imdsPath(q url.Values) string { return "/metadata/identity/oauth2/token?" + q.Encode() }

func imdsQuery(resource string, extra ...string) url.Values {
	q := url.Values{"api-version": {"2018-02-01"}, "resource": {resource}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return q
}

func TestIMDSIssuesGraphToken(t *testing.T) {
	f := newFixture(t)
	for _, resource := range []string{"https://graph.microsoft.com/", "https://graph.microsoft.com", f.srv.URL + "/"} {
		t.Run(resource, func(t *testing.T) {
			resp, b := f.do(t, "GET", imdsPath(imdsQuery(resource)), "", "", "Metadata", "true")
			m := decode(t, b)
			if resp.StatusCode != 200 {
				t.Fatalf("%d %v", resp.StatusCode, m)
			}
			now := f.clock.Now()
			if m["resource"] != resource || m["token_type"] != "Bearer" || m["client_id"] != DefaultManagedIdentityClientID ||
				m["expires_in"] != "3600" || m["expires_on"] != strconv.FormatInt(now.Add(time.Hour).Unix(), 10) || m["not_before"] != strconv.FormatInt(now.Unix(), 10) {
				t.Errorf("response %v", m)
			}
			tok := stringField(t, m, "access_token")
			c := claimsOf(t, tok)
			roles, ok := c["roles"].([]any)
			if !ok || len(roles) != 1 || roles[0] != roleReadWrite || c["appid"] != DefaultManagedIdentityClientID || c["oid"] != identityObjectID(DefaultManagedIdentityClientID) {
				t.Errorf("claims %v", c)
			}
			if r, b := f.do(t, "GET", "/v1.0/security/secureScores?$top=1", tok, ""); r.StatusCode != 200 {
				t.Errorf("graph: %d %s", r.StatusCode, truncate(b))
			}
		})
	}
}

func TestIMDSErrors(t *testing.T) {
	f := newFixture(t)
	good := imdsQuery("https://graph.microsoft.com/")
	for name, tc := range map[string]struct {
		method string
		query  url.Values
		hdr    []string
		status int
		text   string
	}{
		"no Metadata header":  {"GET", good, nil, 400, "Required metadata header not specified"},
		"Metadata false":      {"GET", good, []string{"Metadata", "false"}, 400, "Required metadata header"},
		"X-Forwarded-For":     {"GET", good, []string{"Metadata", "true", "X-Forwarded-For", "10.0.0.1"}, 400, "X-Forwarded-For"},
		"no api-version":      {"GET", url.Values{"resource": {"https://graph.microsoft.com/"}}, []string{"Metadata", "true"}, 400, "api-version was not specified"},
		"unknown api-version": {"GET", imdsQuery("https://graph.microsoft.com/", "api-version", "2017-01-01"), []string{"Metadata", "true"}, 400, "api-version is invalid"},
		"no resource":         {"GET", url.Values{"api-version": {"2018-02-01"}}, []string{"Metadata", "true"}, 400, "Required audience parameter not specified"},
		"foreign resource":    {"GET", imdsQuery("https://management.azure.com/"), []string{"Metadata", "true"}, 400, "AADSTS500011"},
		"unknown client_id":   {"GET", imdsQuery("https://graph.microsoft.com/", "client_id", userRO), []string{"Metadata", "true"}, 400, "Identity not found"},
		"msi_res_id":          {"GET", imdsQuery("https://graph.microsoft.com/", "msi_res_id", "/subscriptions/x"), []string{"Metadata", "true"}, 400, "Identity not found"},
		"POST":                {"POST", good, []string{"Metadata", "true"}, 405, "GET"},
	} {
		t.Run(name, func(t *testing.T) {
			resp, b := f.do(t, tc.method, imdsPath(tc.query), "", "", tc.hdr...)
			if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.text) {
				t.Errorf("%d %s", resp.StatusCode, b)
			}
		})
	}
}

func TestIMDSIdentitySelection(t *testing.T) {
	f := newFixture(t, func(c *Config) {
		c.ManagedIdentities = []ManagedIdentity{
			{ClientID: DefaultManagedIdentityClientID},
			{ClientID: userRO, UserAssigned: true, Roles: []string{roleRead}},
		}
	})
	get := func(t *testing.T, extra ...string) (int, map[string]any) {
		t.Helper()
		resp, b := f.do(t, "GET", imdsPath(imdsQuery("https://graph.microsoft.com/", extra...)), "", "", "Metadata", "true")
		return resp.StatusCode, decode(t, b)
	}
	for name, tc := range map[string]struct {
		extra []string
		want  string
		role  string
	}{
		"system by default":       {nil, DefaultManagedIdentityClientID, roleReadWrite},
		"user-assigned by client": {[]string{"client_id", userRO}, userRO, roleRead},
		"user-assigned by object": {[]string{"object_id", identityObjectID(userRO)}, userRO, roleRead},
	} {
		t.Run(name, func(t *testing.T) {
			status, m := get(t, tc.extra...)
			if status != 200 || m["client_id"] != tc.want {
				t.Fatalf("%d %v", status, m)
			}
			c := claimsOf(t, stringField(t, m, "access_token"))
			roles, ok := c["roles"].([]any)
			if !ok || len(roles) != 1 || roles[0] != tc.role {
				t.Errorf("roles %v", c["roles"])
			}
		})
	}
	// The read-only identity can read but not write.
	_, m := get(t, "client_id", userRO)
	tok := stringField(t, m, "access_token")
	if r, _ := f.do(t, "GET", "/v1.0/security/secureScores?$top=1", tok, ""); r.StatusCode != 200 {
		t.Errorf("read: %d", r.StatusCode)
	}
	if r, _ := f.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/x", tok, `{}`); r.StatusCode != http.StatusForbidden {
		t.Errorf("write: %d", r.StatusCode)
	}
}

func TestIMDSUserAssignedOnly(t *testing.T) {
	one := newFixture(t, func(c *Config) { c.ManagedIdentities = []ManagedIdentity{{ClientID: userRO, UserAssigned: true}} })
	resp, b := one.do(t, "GET", imdsPath(imdsQuery("https://graph.microsoft.com/")), "", "", "Metadata", "true")
	if m := decode(t, b); resp.StatusCode != 200 || m["client_id"] != userRO {
		t.Errorf("single user-assigned: %d %v", resp.StatusCode, m)
	}
	two := newFixture(t, func(c *Config) {
		c.ManagedIdentities = []ManagedIdentity{{ClientID: userRO, UserAssigned: true}, {ClientID: userRW, UserAssigned: true}}
	})
	resp, b = two.do(t, "GET", imdsPath(imdsQuery("https://graph.microsoft.com/")), "", "", "Metadata", "true")
	if resp.StatusCode != 400 || !strings.Contains(string(b), "Multiple user assigned identities exist") {
		t.Errorf("two user-assigned: %d %s", resp.StatusCode, b)
	}
}

func TestManagedIdentityConfigValidation(t *testing.T) {
	if _, err := New(Config{ManagedIdentities: []ManagedIdentity{{ClientID: userRO}, {ClientID: userRW}}}); err == nil {
		t.Error("two system-assigned identities accepted")
	}
	if _, err := New(Config{ManagedIdentities: []ManagedIdentity{{UserAssigned: true}}}); err == nil {
		t.Error("identity without client id accepted")
	}
	e, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if c := e.Config(); c.IdentityHeader != DefaultIdentityHeader || len(c.ManagedIdentities) != 1 || c.ManagedIdentities[0].ClientID != DefaultManagedIdentityClientID {
		t.Errorf("defaults %+v", c)
	}
}

func TestAppServiceIdentity(t *testing.T) {
	f := newFixture(t, func(c *Config) {
		c.IdentityHeader = "secret-header-value"
		c.ManagedIdentities = []ManagedIdentity{{ClientID: DefaultManagedIdentityClientID}, {ClientID: userRO, UserAssigned: true, Roles: []string{roleRead}}}
	})
	q := url.Values{"api-version": {"2019-08-01"}, "resource": {"https://graph.microsoft.com/"}}
	resp, b := f.do(t, "GET", "/MSI/token/?"+q.Encode(), "", "", "X-IDENTITY-HEADER", "secret-header-value")
	m := decode(t, b)
	if resp.StatusCode != 200 || m["client_id"] != DefaultManagedIdentityClientID || m["resource"] != "https://graph.microsoft.com/" || m["token_type"] != "Bearer" ||
		m["expires_on"] != strconv.FormatInt(f.clock.Now().Add(time.Hour).Unix(), 10) {
		t.Fatalf("%d %v", resp.StatusCode, m)
	}
	if r, b := f.do(t, "GET", "/beta/security/secureScores?$top=1", stringField(t, m, "access_token"), ""); r.StatusCode != 200 {
		t.Errorf("graph: %d %s", r.StatusCode, truncate(b))
	}
	q.Set("client_id", userRO)
	resp, b = f.do(t, "GET", "/msi/token?"+q.Encode(), "", "", "X-IDENTITY-HEADER", "secret-header-value")
	if m := decode(t, b); resp.StatusCode != 200 || m["client_id"] != userRO {
		t.Errorf("user-assigned: %d %v", resp.StatusCode, m)
	}
	q.Del("client_id")
	q.Set("principal_id", identityObjectID(userRO))
	resp, b = f.do(t, "GET", "/msi/token?"+q.Encode(), "", "", "X-IDENTITY-HEADER", "secret-header-value")
	if m := decode(t, b); resp.StatusCode != 200 || m["client_id"] != userRO {
		t.Errorf("principal_id: %d %v", resp.StatusCode, m)
	}
	good := url.Values{"api-version": {"2019-08-01"}, "resource": {"https://graph.microsoft.com"}}
	for name, tc := range map[string]struct {
		method string
		query  url.Values
		hdr    []string
		status int
	}{
		"no header":        {"GET", good, nil, 400},
		"wrong header":     {"GET", good, []string{"X-IDENTITY-HEADER", "nope"}, 401},
		"old api-version":  {"GET", url.Values{"api-version": {"2017-09-01"}, "resource": good["resource"]}, []string{"X-IDENTITY-HEADER", "secret-header-value"}, 400},
		"no resource":      {"GET", url.Values{"api-version": {"2019-08-01"}}, []string{"X-IDENTITY-HEADER", "secret-header-value"}, 400},
		"foreign resource": {"GET", url.Values{"api-version": {"2019-08-01"}, "resource": {"https://vault.azure.net"}}, []string{"X-IDENTITY-HEADER", "secret-header-value"}, 400},
		"unknown identity": {"GET", url.Values{"api-version": {"2019-08-01"}, "resource": good["resource"], "client_id": {userRW}}, []string{"X-IDENTITY-HEADER", "secret-header-value"}, 400},
		"POST":             {"POST", good, []string{"X-IDENTITY-HEADER", "secret-header-value"}, 405},
	} {
		t.Run(name, func(t *testing.T) {
			resp, b := f.do(t, tc.method, "/msi/token?"+tc.query.Encode(), "", "", tc.hdr...)
			m := decode(t, b)
			if resp.StatusCode != tc.status || m["statusCode"] != float64(tc.status) || m["message"] == "" {
				t.Errorf("%d %v", resp.StatusCode, m)
			}
		})
	}
	for _, en := range f.emu.Journal() {
		if en.Header.Get("X-Identity-Header") != "" {
			t.Errorf("journal kept X-IDENTITY-HEADER on %s", en.Path)
		}
		if strings.HasPrefix(strings.ToLower(en.Path), "/msi/") && en.Kind != "token" {
			t.Errorf("kind %q for %s", en.Kind, en.Path)
		}
	}
}
