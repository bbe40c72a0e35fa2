package emulator

import (
	"net/url"
	"strings"
	"testing"
)

func TestJournalRecordsAndRedacts(t *testing.T) {
	f := newFixture(t)
	f.emu.ResetJournal()
	f.tokenRequest(t, DefaultTenantID, tokenForm(DefaultClientID, DefaultClientSecret, "https://graph.microsoft.com/.default"), nil)
	f.tokenRequest(t, DefaultTenantID, url.Values{"grant_type": {"client_credentials"}, "scope": {"https://graph.microsoft.com/.default"}}, &[2]string{DefaultClientID, DefaultClientSecret})
	form := tokenForm(DefaultClientID, "", "https://graph.microsoft.com/.default")
	form.Set("client_assertion", "eyJhbGciOiJSUzI1NiJ9.e30.sig")
	f.tokenRequest(t, DefaultTenantID, form, nil)
	body := `{"state":"Reviewed","comment":"ok","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}`
	f.do(t, "PATCH", "/v1.0/security/secureScoreControlProfiles/OneAdmin", f.tok, body, "client-request-id", "abc")
	f.do(t, "GET", "/v1.0/security/secureScores", f.tok, "", "Cookie", "session=secret")

	j := f.emu.Journal()
	if len(j) != 5 {
		t.Fatalf("%d entries", len(j))
	}
	kinds := []string{"token", "token", "token", "write", "read"}
	for i, en := range j {
		if en.Kind != kinds[i] {
			t.Errorf("%d: kind %s", i, en.Kind)
		}
		all := en.Body + en.Query
		for k, v := range en.Header {
			all += k + strings.Join(v, "")
		}
		for _, secret := range []string{DefaultClientSecret, f.tok, "eyJhbGciOiJSUzI1NiJ9", "session=secret", "Basic "} {
			if strings.Contains(all, secret) {
				t.Errorf("entry %d leaks %q: %+v", i, secret, en)
			}
		}
		if en.Header.Get("Authorization") != "" {
			t.Errorf("entry %d has Authorization", i)
		}
	}
	if !strings.Contains(j[0].Body, "client_secret=REDACTED") || !strings.Contains(j[0].Body, "client_id="+DefaultClientID) {
		t.Errorf("token body %q", j[0].Body)
	}
	if !strings.Contains(j[2].Body, "client_assertion=REDACTED") {
		t.Errorf("assertion body %q", j[2].Body)
	}
	w := j[3]
	if w.Method != "PATCH" || w.Path != "/v1.0/security/secureScoreControlProfiles/OneAdmin" || w.Body != body || w.Status != 204 || w.Header.Get("client-request-id") != "abc" {
		t.Errorf("write entry %+v", w)
	}
	if j[4].Status != 200 {
		t.Errorf("read status %d", j[4].Status)
	}
	f.emu.ResetJournal()
	if len(f.emu.Journal()) != 0 {
		t.Error("reset")
	}
}

func TestRedactForm(t *testing.T) {
	got := redactForm("grant_type=client_credentials&client_secret=s%3Dx&CLIENT_ASSERTION=a.b.c&scope=x")
	if got != "grant_type=client_credentials&client_secret=REDACTED&CLIENT_ASSERTION=REDACTED&scope=x" {
		t.Error(got)
	}
}
