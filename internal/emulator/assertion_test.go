package emulator

import (
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const graphScope = "https://graph.microsoft.com/.default"

func certFixture(t *testing.T) (*fixture, any, string) {
	t.Helper()
	key, cert := testCertificate(t)
	f := newFixture(t, func(c *Config) { c.Certificates = []CertificateCredential{{Certificate: cert}} })
	return f, key, x5t(cert)
}

func TestCertificateAssertionAccepted(t *testing.T) {
	key, cert := testCertificate(t)
	f := newFixture(t, func(c *Config) { c.Certificates = []CertificateCredential{{Certificate: cert}} })
	domainAud := f.assertionClaims(DefaultClientID)
	domainAud["aud"] = f.srv.URL + "/" + DefaultTenantDomain + "/oauth2/v2.0/token"
	for name, a := range map[string]string{
		"RS256 x5t":       certAssertion(t, jwt.SigningMethodRS256, key, map[string]string{"x5t": x5t(cert)}, f.assertionClaims(DefaultClientID)),
		"PS256 x5t#S256":  certAssertion(t, jwt.SigningMethodPS256, key, map[string]string{"x5t#S256": x5tS256(cert)}, f.assertionClaims(DefaultClientID)),
		"tenant domain":   certAssertion(t, jwt.SigningMethodRS256, key, map[string]string{"x5t": x5t(cert)}, domainAud),
		"aud as an array": certAssertion(t, jwt.SigningMethodRS256, key, map[string]string{"x5t": x5t(cert)}, withClaim(f.assertionClaims(DefaultClientID), "aud", []string{f.srv.URL + "/" + DefaultTenantID + "/oauth2/v2.0/token"})),
	} {
		t.Run(name, func(t *testing.T) {
			resp, m := f.tokenRequest(t, DefaultTenantID, assertionForm(DefaultClientID, a), nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%d %v", resp.StatusCode, m)
			}
			tok := stringField(t, m, "access_token")
			c := claimsOf(t, tok)
			if c["appid"] != DefaultClientID || c["appidacr"] != "2" {
				t.Errorf("claims %v", c)
			}
			if r, b := f.do(t, "GET", "/v1.0/security/secureScores?$top=1", tok, ""); r.StatusCode != http.StatusOK {
				t.Errorf("graph: %d %s", r.StatusCode, truncate(b))
			}
		})
	}
	// The journal never holds the assertion.
	for _, en := range f.emu.Journal() {
		if en.Kind == "token" && strings.Contains(en.Body, "eyJ") {
			t.Errorf("journal body holds a JWT: %s", en.Body)
		}
	}
}

func withClaim(c jwt.MapClaims, k string, v any) jwt.MapClaims {
	c[k] = v
	return c
}

func TestCertificateAssertionRejected(t *testing.T) {
	f, key, thumb := certFixture(t)
	_, other := rsaKeys(t)
	_, cert := testCertificate(t)
	unregistered := selfSigned(t, other, &other.PublicKey, f.clock.Now().Add(-time.Hour), f.clock.Now().Add(time.Hour))
	good := func() jwt.MapClaims { return f.assertionClaims(DefaultClientID) }
	hdr := map[string]string{"x5t": thumb}
	cases := []struct {
		name      string
		clientID  string
		assertion string
		status    int
		code      string
		aadsts    int
		text      string
	}{
		{"unknown key", DefaultClientID, certAssertion(t, jwt.SigningMethodRS256, other, map[string]string{"x5t": x5t(unregistered)}, good()), 401, "invalid_client", 700027, "The key was not found"},
		{"key of another app", testRO, certAssertion(t, jwt.SigningMethodRS256, key, hdr, f.assertionClaims(testRO)), 401, "invalid_client", 700027, "The key was not found"},
		{"wrong signature", DefaultClientID, certAssertion(t, jwt.SigningMethodRS256, other, hdr, good()), 401, "invalid_client", 700027, "did not match the expected signature"},
		{"RS384 not accepted", DefaultClientID, certAssertion(t, jwt.SigningMethodRS384, key, hdr, good()), 401, "invalid_client", 700027, "did not match"},
		{"HS256 with x5t", DefaultClientID, certAssertion(t, jwt.SigningMethodHS256, []byte("0123456789abcdef0123456789abcdef"), hdr, good()), 401, "invalid_client", 700027, "did not match"},
		{"expired", DefaultClientID, certAssertion(t, jwt.SigningMethodRS256, key, hdr, withClaim(good(), "exp", f.clock.Now().Add(-time.Second).Unix())), 401, "invalid_client", 700024, "not within its valid time range"},
		{"not yet valid", DefaultClientID, certAssertion(t, jwt.SigningMethodRS256, key, hdr, withClaim(good(), "nbf", f.clock.Now().Add(6*time.Minute).Unix())), 401, "invalid_client", 700024, "not within its valid time range"},
		{"no exp", DefaultClientID, certAssertion(t, jwt.SigningMethodRS256, key, hdr, withClaim(good(), "exp", nil)), 401, "invalid_client", 50027, "exp"},
		{"public cloud aud", DefaultClientID, certAssertion(t, jwt.SigningMethodRS256, key, hdr, withClaim(good(), "aud", "https://login.microsoftonline.com/"+DefaultTenantID+"/oauth2/v2.0/token")), 401, "invalid_client", 50012, "audience"},
		{"v1 token URL aud", DefaultClientID, certAssertion(t, jwt.SigningMethodRS256, key, hdr, withClaim(good(), "aud", f.srv.URL+"/"+DefaultTenantID+"/oauth2/token")), 401, "invalid_client", 50012, "audience"},
		{"iss is not the client", DefaultClientID, certAssertion(t, jwt.SigningMethodRS256, key, hdr, withClaim(good(), "iss", testRO)), 401, "invalid_client", 700021, "client_id"},
		{"sub is not the client", DefaultClientID, certAssertion(t, jwt.SigningMethodRS256, key, hdr, withClaim(good(), "sub", "someone")), 401, "invalid_client", 700021, "client_id"},
		{"unknown app", "99999999-9999-4999-8999-999999999999", certAssertion(t, jwt.SigningMethodRS256, key, hdr, f.assertionClaims("99999999-9999-4999-8999-999999999999")), 400, "unauthorized_client", 700016, "was not found in the directory"},
		{"malformed", DefaultClientID, "not-a-jwt", 401, "invalid_client", 50027, "malformed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, m := f.tokenRequest(t, DefaultTenantID, assertionForm(tc.clientID, tc.assertion), nil)
			desc := wantEntra(t, tc.status, m, resp.StatusCode, tc.code, tc.aadsts)
			if !strings.Contains(desc, tc.text) {
				t.Errorf("description %q lacks %q", desc, tc.text)
			}
		})
	}
	t.Run("thumbprint quoted in hex", func(t *testing.T) {
		a := certAssertion(t, jwt.SigningMethodRS256, other, map[string]string{"x5t": x5t(unregistered)}, good())
		resp, m := f.tokenRequest(t, DefaultTenantID, assertionForm(DefaultClientID, a), nil)
		desc := wantEntra(t, 401, m, resp.StatusCode, "invalid_client", 700027)
		if !strings.Contains(desc, "Thumbprint of key used by client: '"+Thumbprint(unregistered)+"'") {
			t.Errorf("%q", desc)
		}
	})
	t.Run("secret and assertion together", func(t *testing.T) {
		form := assertionForm(DefaultClientID, certAssertion(t, jwt.SigningMethodRS256, key, hdr, good()))
		form.Set("client_secret", DefaultClientSecret)
		resp, m := f.tokenRequest(t, DefaultTenantID, form, nil)
		wantEntra(t, 400, m, resp.StatusCode, "invalid_request", 9002313)
	})
	t.Run("assertion type missing or wrong", func(t *testing.T) {
		form := assertionForm(DefaultClientID, certAssertion(t, jwt.SigningMethodRS256, key, hdr, good()))
		form.Del("client_assertion_type")
		resp, m := f.tokenRequest(t, DefaultTenantID, form, nil)
		wantEntra(t, 400, m, resp.StatusCode, "invalid_request", 900144)
		form.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:saml2-bearer")
		resp, m = f.tokenRequest(t, DefaultTenantID, form, nil)
		wantEntra(t, 400, m, resp.StatusCode, "invalid_request", 9002313)
	})
	t.Run("certificate expired by the clock", func(t *testing.T) {
		a := certAssertion(t, jwt.SigningMethodRS256, key, hdr, good())
		if resp, m := f.tokenRequest(t, DefaultTenantID, assertionForm(DefaultClientID, a), nil); resp.StatusCode != 200 {
			t.Fatalf("before expiry: %d %v", resp.StatusCode, m)
		}
		f.clock.Advance(cert.NotAfter.Sub(f.clock.Now()) + time.Hour)
		c := f.assertionClaims(DefaultClientID)
		a = certAssertion(t, jwt.SigningMethodRS256, key, hdr, c)
		resp, m := f.tokenRequest(t, DefaultTenantID, assertionForm(DefaultClientID, a), nil)
		if desc := wantEntra(t, 401, m, resp.StatusCode, "invalid_client", 700027); !strings.Contains(desc, "The key used is expired") {
			t.Errorf("%q", desc)
		}
	})
}

func TestCertificateAssertionTimeUsesClock(t *testing.T) {
	f, key, thumb := certFixture(t)
	a := certAssertion(t, jwt.SigningMethodRS256, key, map[string]string{"x5t": thumb}, f.assertionClaims(DefaultClientID))
	f.clock.Advance(11 * time.Minute)
	resp, m := f.tokenRequest(t, DefaultTenantID, assertionForm(DefaultClientID, a), nil)
	wantEntra(t, 401, m, resp.StatusCode, "invalid_client", 700024)
}

func TestCertificateRegistration(t *testing.T) {
	f := newFixture(t)
	if _, err := f.emu.AddCertificate("", ecCertificate(t)); err == nil || !strings.Contains(err.Error(), "RSA") {
		t.Errorf("EC certificate: %v", err)
	}
	_, cert := testCertificate(t)
	if _, err := f.emu.AddCertificate("99999999-9999-4999-8999-999999999999", cert); err == nil {
		t.Error("unknown app accepted")
	}
	if _, err := f.emu.AddCertificate("", nil); err == nil {
		t.Error("nil certificate accepted")
	}
	thumb, err := f.emu.AddCertificate(testRO, cert)
	if err != nil || thumb != Thumbprint(cert) || len(thumb) != 40 || strings.ToUpper(thumb) != thumb {
		t.Fatalf("AddCertificate: %q %v", thumb, err)
	}
	// Registered at run time on the read-only app: that app signs in and gets its roles.
	key, _ := rsaKeys(t)
	a := certAssertion(t, jwt.SigningMethodRS256, key, map[string]string{"x5t": x5t(cert)}, f.assertionClaims(testRO))
	resp, m := f.tokenRequest(t, DefaultTenantID, assertionForm(testRO, a), nil)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %v", resp.StatusCode, m)
	}
	roles, ok := claimsOf(t, stringField(t, m, "access_token"))["roles"].([]any)
	if !ok || len(roles) != 1 || roles[0] != roleRead {
		t.Errorf("roles %v", roles)
	}
	if _, err := New(Config{Certificates: []CertificateCredential{{Certificate: ecCertificate(t)}}}); err == nil {
		t.Error("New accepted an EC certificate")
	}
}

func TestParseCertificate(t *testing.T) {
	_, cert := testCertificate(t)
	pemCert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	withKey := append(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2, 3}}), pemCert...)
	for name, data := range map[string][]byte{"PEM": pemCert, "DER": cert.Raw, "key then certificate": withKey} {
		got, err := ParseCertificate(data)
		if err != nil || !got.Equal(cert) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := ParseCertificate(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1}})); err == nil {
		t.Error("key-only PEM accepted")
	}
	if _, err := ParseCertificate([]byte("garbage")); err == nil {
		t.Error("garbage accepted")
	}
}
