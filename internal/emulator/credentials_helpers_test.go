package emulator

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t thumbprints
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// RSA key generation is slow under -race; one key per role serves every test.
var (
	keyOnce           sync.Once
	testKey, otherKey *rsa.PrivateKey
	errKeyGen         error
)

func rsaKeys(t *testing.T) (*rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	keyOnce.Do(func() {
		testKey, errKeyGen = rsa.GenerateKey(rand.Reader, 2048)
		if errKeyGen == nil {
			otherKey, errKeyGen = rsa.GenerateKey(rand.Reader, 2048)
		}
	})
	if errKeyGen != nil {
		t.Fatal(errKeyGen)
	}
	return testKey, otherKey
}

// selfSigned makes a certificate for key valid from nb to na.
func selfSigned(t *testing.T, key any, pub any, nb, na time.Time) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "securescore-test"}, NotBefore: nb, NotAfter: na}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// testCertificate is an RSA certificate valid around the fixture clock.
func testCertificate(t *testing.T) (*rsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	k, _ := rsaKeys(t)
	now := newClock().Now()
	return k, selfSigned(t, k, &k.PublicKey, now.Add(-24*time.Hour), now.Add(365*24*time.Hour))
}

func ecCertificate(t *testing.T) *x509.Certificate {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := newClock().Now()
	return selfSigned(t, k, &k.PublicKey, now.Add(-time.Hour), now.Add(time.Hour))
}

func x5t(c *x509.Certificate) string {
	s := sha1.Sum(c.Raw) //nolint:gosec // thumbprint
	return base64.RawURLEncoding.EncodeToString(s[:])
}

func x5tS256(c *x509.Certificate) string {
	s := sha256.Sum256(c.Raw)
	return base64.RawURLEncoding.EncodeToString(s[:])
}

// certAssertion signs claims; header holds extra JWT header fields (x5t…).
func certAssertion(t *testing.T, method jwt.SigningMethod, key any, header map[string]string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// assertionClaims are what the client builds: aud = token URL, iss = sub = client id, ten minutes.
func (f *fixture) assertionClaims(clientID string) jwt.MapClaims {
	now := f.clock.Now()
	return jwt.MapClaims{
		"aud": f.srv.URL + "/" + DefaultTenantID + "/oauth2/v2.0/token",
		"iss": clientID, "sub": clientID, "jti": "6b6f7f5e-0000-4000-8000-000000000001",
		"nbf": now.Unix(), "iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(),
	}
}

func assertionForm(clientID, assertion string) url.Values {
	return url.Values{
		"grant_type": {"client_credentials"}, "client_id": {clientID}, "scope": {graphScope},
		"client_assertion_type": {jwtBearerAssertionType}, "client_assertion": {assertion},
	}
}

// wantEntra checks an Entra error response's status, error and AADSTS code.
func wantEntra(t *testing.T, status int, m map[string]any, gotStatus int, code string, aadsts int) string {
	t.Helper()
	codes, ok := m["error_codes"].([]any)
	if gotStatus != status || m["error"] != code || !ok || len(codes) != 1 || codes[0] != float64(aadsts) {
		t.Fatalf("got %d %v %v, want %d %s [%d]: %v", gotStatus, m["error"], m["error_codes"], status, code, aadsts, m["error_description"])
	}
	desc, _ := m["error_description"].(string)
	return desc
}

func claimsOf(t *testing.T, tok string) jwt.MapClaims {
	t.Helper()
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(tok, claims); err != nil {
		t.Fatalf("parse %q: %v", tok, err)
	}
	return claims
}

func stringField(t *testing.T, m map[string]any, key string) string {
	t.Helper()
	s, ok := m[key].(string)
	if !ok {
		t.Fatalf("%s is not a string: %v", key, m)
	}
	return s
}
