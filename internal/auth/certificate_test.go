package auth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // thumbprint check
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"software.sslmate.com/src/go-pkcs12"
)

const (
	credTenant   = "00000000-0000-4000-8000-000000000001"
	credClientID = "11111111-1111-4111-8111-111111111111"
	credScope    = "https://graph.microsoft.com/.default"
	credPassword = "pfx-Pa55word!"
)

// credNow is the fixed clock of these tests; certificates are issued around it.
var credNow = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

func credClock() time.Time { return credNow }

type credCert struct {
	cert *x509.Certificate
	key  crypto.Signer
}

var (
	certsOnce sync.Once
	rsaCert   credCert // valid around credNow
	ecCert    credCert // P-256, valid around credNow
	oldCert   credCert // expired a day before credNow
	newCert   credCert // valid only from a day after credNow
	caCert    credCert // an unrelated certificate, used as a chain member and for key mismatches
)

func credTestCerts(t *testing.T) {
	t.Helper()
	certsOnce.Do(func() {
		rsaKey := credRSAKey(t)
		rsaCert = credSelfSigned(t, "rsa", rsaKey, credNow.Add(-time.Hour), credNow.Add(24*time.Hour))
		ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		ecCert = credSelfSigned(t, "ec", ecKey, credNow.Add(-time.Hour), credNow.Add(24*time.Hour))
		oldCert = credSelfSigned(t, "old", rsaKey, credNow.Add(-72*time.Hour), credNow.Add(-24*time.Hour))
		newCert = credSelfSigned(t, "new", rsaKey, credNow.Add(24*time.Hour), credNow.Add(72*time.Hour))
		caCert = credSelfSigned(t, "ca", credRSAKey(t), credNow.Add(-time.Hour), credNow.Add(24*time.Hour))
	})
	if rsaCert.cert == nil {
		t.Fatal("test certificates could not be generated")
	}
}

func credRSAKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func credSelfSigned(t *testing.T, cn string, key crypto.Signer, from, to time.Time) credCert {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "securescore-test-" + cn},
		NotBefore:    from,
		NotAfter:     to,
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return credCert{cert: c, key: key}
}

func credCertPEM(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

func credKeyPEM(t *testing.T, key crypto.Signer, format string) []byte {
	t.Helper()
	var (
		der []byte
		err error
	)
	rsaKey, isRSA := key.(*rsa.PrivateKey)
	ecKey, isEC := key.(*ecdsa.PrivateKey)
	switch {
	case format == "RSA PRIVATE KEY" && isRSA:
		der = x509.MarshalPKCS1PrivateKey(rsaKey)
	case format == "EC PRIVATE KEY" && isEC:
		der, err = x509.MarshalECPrivateKey(ecKey)
	case format == "PRIVATE KEY":
		der, err = x509.MarshalPKCS8PrivateKey(key)
	default:
		t.Fatalf("cannot write a %T as %s", key, format)
	}
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: format, Bytes: der})
}

func credWriteFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// fakeEntra is a token endpoint that checks client assertions the way Entra ID does for certificate
// credentials, or (federated mode) compares the assertion with the expected identity token.
type fakeEntra struct {
	t         *testing.T
	srv       *httptest.Server
	cert      *x509.Certificate // certificate mode
	wantAlg   string
	wantHdr   string        // "x5t" or "x5t#S256"
	federated func() string // federated mode: the assertion that must arrive
	requests  atomic.Int32
	mu        sync.Mutex
	failures  []string
}

func newFakeEntra(t *testing.T) *fakeEntra {
	f := &fakeEntra{t: t}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeEntra) tokenURL() string { return f.srv.URL + "/" + credTenant + "/oauth2/v2.0/token" }

func (f *fakeEntra) fail(w http.ResponseWriter, code int, reason string) {
	f.mu.Lock()
	f.failures = append(f.failures, reason)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnauthorized)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"error":             "invalid_client",
		"error_description": fmt.Sprintf("AADSTS%d: %s\r\nTrace ID: t\r\nCorrelation ID: c\r\nTimestamp: 2026-03-10 12:00:00Z", code, reason),
		"error_codes":       []int{code},
		"trace_id":          "trace-1",
		"correlation_id":    "corr-1",
	})
}

func (f *fakeEntra) serve(w http.ResponseWriter, r *http.Request) {
	f.requests.Add(1)
	if r.Method != http.MethodPost || r.URL.Path != "/"+credTenant+"/oauth2/v2.0/token" {
		f.fail(w, 90002, "unexpected "+r.Method+" "+r.URL.Path)
		return
	}
	if err := r.ParseForm(); err != nil {
		f.fail(w, 900144, "bad form")
		return
	}
	for k, want := range map[string]string{
		"grant_type":            "client_credentials",
		"client_id":             credClientID,
		"scope":                 credScope,
		"client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
	} {
		if got := r.PostForm.Get(k); got != want {
			f.fail(w, 900144, fmt.Sprintf("%s = %q, want %q", k, got, want))
			return
		}
	}
	if r.PostForm.Has("client_secret") {
		f.fail(w, 900144, "client_secret sent with an assertion")
		return
	}
	assertion := r.PostForm.Get("client_assertion")
	if f.federated != nil {
		if assertion != f.federated() {
			f.fail(w, 70021, "no matching federated identity record")
			return
		}
	} else if reason := f.verifyCertAssertion(assertion); reason != "" {
		f.fail(w, 700027, reason)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
		"access_token": fmt.Sprintf("graph-token-%d", f.requests.Load()),
	})
}

func (f *fakeEntra) verifyCertAssertion(assertion string) string {
	var header map[string]any
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(assertion, claims, func(tok *jwt.Token) (any, error) {
		header = tok.Header
		return f.cert.PublicKey, nil
	},
		jwt.WithValidMethods([]string{f.wantAlg}),
		jwt.WithTimeFunc(credClock),
		jwt.WithAudience(f.tokenURL()),
		jwt.WithIssuer(credClientID),
		jwt.WithSubject(credClientID),
		jwt.WithExpirationRequired(),
	)
	if err != nil {
		return "assertion rejected: " + err.Error()
	}
	var wantThumb string
	if f.wantHdr == "x5t" {
		sum := sha1.Sum(f.cert.Raw) //nolint:gosec // thumbprint
		wantThumb = base64.RawURLEncoding.EncodeToString(sum[:])
	} else {
		sum := sha256.Sum256(f.cert.Raw)
		wantThumb = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	if header[f.wantHdr] != wantThumb {
		return fmt.Sprintf("header %s = %v, want the certificate thumbprint", f.wantHdr, header[f.wantHdr])
	}
	if aud, ok := claims["aud"].(string); !ok || aud != f.tokenURL() {
		return fmt.Sprintf("aud = %v, want the token URL as a string", claims["aud"])
	}
	if jti, _ := claims["jti"].(string); jti == "" {
		return "jti missing"
	}
	nbf, _ := claims.GetNotBefore()
	exp, _ := claims.GetExpirationTime()
	if nbf == nil || !nbf.Equal(credNow) {
		return fmt.Sprintf("nbf = %v, want %v", nbf, credNow)
	}
	if lifetime := exp.Sub(nbf.Time); lifetime < 5*time.Minute || lifetime > 10*time.Minute {
		return fmt.Sprintf("assertion lifetime %v outside 5–10 minutes", lifetime)
	}
	return ""
}

func (f *fakeEntra) failureLog() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.failures, "; ")
}

func certConfig(f *fakeEntra) ClientCertificateConfig {
	return ClientCertificateConfig{
		AuthorityHost: f.srv.URL, TenantID: credTenant, ClientID: credClientID, Scope: credScope,
		HTTPClient: f.srv.Client(), Now: credClock,
	}
}

func TestClientCertificateHappyPaths(t *testing.T) {
	credTestCerts(t)
	pfxModern, err := pkcs12.Modern.Encode(rsaCert.key, rsaCert.cert, nil, credPassword)
	if err != nil {
		t.Fatal(err)
	}
	pfxLegacy, err := pkcs12.Legacy.Encode(rsaCert.key, rsaCert.cert, []*x509.Certificate{caCert.cert}, credPassword)
	if err != nil {
		t.Fatal(err)
	}
	pfxNoPassword, err := pkcs12.Passwordless.Encode(rsaCert.key, rsaCert.cert, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	rsaPKCS1 := append(credCertPEM(rsaCert.cert), credKeyPEM(t, rsaCert.key, "RSA PRIVATE KEY")...)
	rsaPKCS8 := append(credKeyPEM(t, rsaCert.key, "PRIVATE KEY"), credCertPEM(rsaCert.cert)...)
	// The chain's CA comes first: the leaf must be found by its key, not its position.
	chainPEM := append(append(credCertPEM(caCert.cert), credCertPEM(rsaCert.cert)...), credKeyPEM(t, rsaCert.key, "RSA PRIVATE KEY")...)

	cases := []struct {
		name     string
		data     []byte
		asPath   bool
		password string
		ps256    bool
		cert     credCert
		alg, hdr string
	}{
		{"pfx modern with password, base64", pfxModern, false, credPassword, false, rsaCert, "RS256", "x5t"},
		{"pfx legacy with password and chain, path", pfxLegacy, true, credPassword, false, rsaCert, "RS256", "x5t"},
		{"pfx without password", pfxNoPassword, true, "", false, rsaCert, "RS256", "x5t"},
		{"pfx modern PS256", pfxModern, false, credPassword, true, rsaCert, "PS256", "x5t#S256"},
		{"pem PKCS#1", rsaPKCS1, true, "", false, rsaCert, "RS256", "x5t"},
		{"pem PKCS#8 key first, PS256", rsaPKCS8, false, "", true, rsaCert, "PS256", "x5t#S256"},
		{"pem chain with CA first", chainPEM, true, "", false, rsaCert, "RS256", "x5t"},
		{"pem text pasted into client_certificate", rsaPKCS1, false, "", false, rsaCert, "RS256", "x5t"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeEntra(t)
			f.cert, f.wantAlg, f.wantHdr = tc.cert.cert, tc.alg, tc.hdr
			cfg := certConfig(f)
			cfg.Password, cfg.UsePS256 = tc.password, tc.ps256
			switch {
			case tc.asPath:
				cfg.CertificatePath = credWriteFile(t, "cert", tc.data)
			case strings.HasPrefix(tc.name, "pem text"):
				cfg.CertificateBase64 = string(tc.data)
			default:
				cfg.CertificateBase64 = base64.StdEncoding.EncodeToString(tc.data)
			}
			src, err := NewClientCertificate(cfg)
			if err != nil {
				t.Fatalf("NewClientCertificate: %v", err)
			}
			tok, err := src.Token(context.Background())
			if err != nil {
				t.Fatalf("Token: %v (server saw: %s)", err, f.failureLog())
			}
			if !strings.HasPrefix(tok.AccessToken, "graph-token-") || tok.Expiry.IsZero() {
				t.Fatalf("unexpected token %+v", tok)
			}
		})
	}
}

func TestClientCertificateAssertionIsFreshEachTime(t *testing.T) {
	credTestCerts(t)
	cert, err := ParseClientCertificate(append(credCertPEM(rsaCert.cert), credKeyPEM(t, rsaCert.key, "RSA PRIVATE KEY")...), "")
	if err != nil {
		t.Fatal(err)
	}
	a1, err := cert.Assertion(credClientID, "https://login.example/t/oauth2/v2.0/token", credNow, false)
	if err != nil {
		t.Fatal(err)
	}
	a2, err := cert.Assertion(credClientID, "https://login.example/t/oauth2/v2.0/token", credNow, false)
	if err != nil {
		t.Fatal(err)
	}
	c1, c2 := jwt.MapClaims{}, jwt.MapClaims{}
	p := jwt.NewParser()
	if _, _, err := p.ParseUnverified(a1, c1); err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.ParseUnverified(a2, c2); err != nil {
		t.Fatal(err)
	}
	if c1["jti"] == c2["jti"] {
		t.Fatalf("jti reused: %v", c1["jti"])
	}
	if exp, _ := c1.GetExpirationTime(); !exp.Equal(credNow.Add(10 * time.Minute)) {
		t.Fatalf("exp = %v, want now+10m", exp)
	}
	if got, want := cert.ThumbprintSHA1Hex(), fmt.Sprintf("%X", sha1.Sum(rsaCert.cert.Raw)); got != want { //nolint:gosec // thumbprint
		t.Fatalf("thumbprint %s, want %s", got, want)
	}
}

func TestClientCertificateBadInput(t *testing.T) {
	credTestCerts(t)
	pfx, err := pkcs12.Modern.Encode(rsaCert.key, rsaCert.cert, nil, credPassword)
	if err != nil {
		t.Fatal(err)
	}
	pfxLegacy, err := pkcs12.Legacy.Encode(rsaCert.key, rsaCert.cert, nil, credPassword)
	if err != nil {
		t.Fatal(err)
	}
	certOnlyPFX, err := pkcs12.Modern.EncodeTrustStore([]*x509.Certificate{rsaCert.cert}, credPassword)
	if err != nil {
		t.Fatal(err)
	}
	mismatchPFX, err := pkcs12.Modern.Encode(caCert.key, rsaCert.cert, nil, credPassword)
	if err != nil {
		t.Fatal(err)
	}
	expiredPFX, err := pkcs12.Modern.Encode(oldCert.key, oldCert.cert, nil, credPassword)
	if err != nil {
		t.Fatal(err)
	}
	pfxEC, err := pkcs12.Modern.Encode(ecCert.key, ecCert.cert, nil, credPassword)
	if err != nil {
		t.Fatal(err)
	}
	ecSEC1 := append(credCertPEM(ecCert.cert), credKeyPEM(t, ecCert.key, "EC PRIVATE KEY")...)
	ecPKCS8 := append(credCertPEM(ecCert.cert), credKeyPEM(t, ecCert.key, "PRIVATE KEY")...)
	encryptedKey := pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1, 2, 3}})
	missingFile := filepath.Join(t.TempDir(), "nope.pfx")

	cases := []struct {
		name     string
		b64      string
		path     string
		password string
		attr     string
		want     string
	}{
		{"unreadable file", "", missingFile, "", attrClientCertificatePath, "cannot be read"},
		{"wrong password", "", credWriteFile(t, "a.pfx", pfx), "not-the-password", attrClientCertificatePassword, "wrong password"},
		{"wrong password legacy", base64.StdEncoding.EncodeToString(pfxLegacy), "", "nope", attrClientCertificatePassword, "wrong password"},
		{"missing password", base64.StdEncoding.EncodeToString(pfx), "", "", attrClientCertificatePassword, "no password was given"},
		{"pfx with no key", base64.StdEncoding.EncodeToString(certOnlyPFX), "", credPassword, attrClientCertificate, "no private key"},
		{"pem with no key", "", credWriteFile(t, "c.pem", credCertPEM(rsaCert.cert)), "", attrClientCertificatePath, "no private key"},
		{"pem key without certificate", "", credWriteFile(t, "k.pem", credKeyPEM(t, rsaCert.key, "PRIVATE KEY")), "", attrClientCertificatePath, "no CERTIFICATE"},
		{"pem key does not match", "", credWriteFile(t, "m.pem", append(credCertPEM(rsaCert.cert), credKeyPEM(t, caCert.key, "RSA PRIVATE KEY")...)), "", attrClientCertificatePath, "does not match"},
		{"pfx key does not match", base64.StdEncoding.EncodeToString(mismatchPFX), "", credPassword, attrClientCertificate, "does not match"},
		{"expired pfx", "", credWriteFile(t, "old.pfx", expiredPFX), credPassword, attrClientCertificatePath, "expired on"},
		{"expired pem", base64.StdEncoding.EncodeToString(append(credCertPEM(oldCert.cert), credKeyPEM(t, oldCert.key, "RSA PRIVATE KEY")...)), "", "", attrClientCertificate, "expired on"},
		{"not yet valid", base64.StdEncoding.EncodeToString(append(credCertPEM(newCert.cert), credKeyPEM(t, newCert.key, "RSA PRIVATE KEY")...)), "", "", attrClientCertificate, "not valid until"},
		{"encrypted pem key", "", credWriteFile(t, "e.pem", append(credCertPEM(rsaCert.cert), encryptedKey...)), "", attrClientCertificatePath, "encrypted PEM"},
		{"not base64", "%%% not base64 %%%", "", "", attrClientCertificate, "not valid base64"},
		{"garbage", base64.StdEncoding.EncodeToString([]byte("definitely not a certificate")), "", credPassword, attrClientCertificate, "not a readable PKCS#12"},
		{"empty file", "", credWriteFile(t, "empty", nil), "", attrClientCertificatePath, "empty"},
		// Entra ID accepts only RSA certificates for client assertions.
		{"pfx EC", "", credWriteFile(t, "ec.pfx", pfxEC), credPassword, attrClientCertificatePath, "accepts only RSA"},
		{"pem EC PRIVATE KEY", base64.StdEncoding.EncodeToString(ecSEC1), "", "", attrClientCertificate, "EC (P-256) key"},
		{"pem EC in PKCS#8", "", credWriteFile(t, "ec8.pem", ecPKCS8), "", attrClientCertificatePath, "accepts only RSA"},
		{"both set", "AAAA", credWriteFile(t, "x", pfx), "", attrClientCertificate, "only one"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewClientCertificate(ClientCertificateConfig{
				AuthorityHost: "http://127.0.0.1:1", TenantID: credTenant, ClientID: credClientID, Scope: credScope,
				CertificateBase64: tc.b64, CertificatePath: tc.path, Password: tc.password, Now: credClock,
			})
			if err == nil {
				t.Fatal("expected an error")
			}
			var ae *AttributeError
			if !errors.As(err, &ae) || ae.Attribute != tc.attr {
				t.Fatalf("error %q: want an AttributeError for %s", err, tc.attr)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.attr) {
				t.Fatalf("error %q: want it to name %s and contain %q", err, tc.attr, tc.want)
			}
			if tc.password != "" && strings.Contains(err.Error(), tc.password) {
				t.Fatalf("error %q leaks the password", err)
			}
		})
	}
}

func TestClientCertificateExpiresDuringRun(t *testing.T) {
	credTestCerts(t)
	f := newFakeEntra(t)
	f.cert, f.wantAlg, f.wantHdr = rsaCert.cert, "RS256", "x5t"
	var now atomic.Int64
	now.Store(credNow.UnixNano())
	cfg := certConfig(f)
	cfg.Now = func() time.Time { return time.Unix(0, now.Load()).UTC() }
	cfg.CertificateBase64 = base64.StdEncoding.EncodeToString(append(credCertPEM(rsaCert.cert), credKeyPEM(t, rsaCert.key, "PRIVATE KEY")...))
	src, err := NewClientCertificate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	now.Store(rsaCert.cert.NotAfter.Add(time.Minute).UnixNano())
	_, err = src.Token(context.Background())
	if err == nil || !strings.Contains(err.Error(), "expired on") {
		t.Fatalf("want an expiry error, got %v", err)
	}
	if n := f.requests.Load(); n != 0 {
		t.Fatalf("an expired certificate must not reach the token endpoint (%d requests)", n)
	}
}

func TestClientCertificateRejectedByEntra(t *testing.T) {
	credTestCerts(t)
	f := newFakeEntra(t)
	// The endpoint holds a different certificate, so the signature check fails (AADSTS700027).
	f.cert, f.wantAlg, f.wantHdr = caCert.cert, "RS256", "x5t"
	cfg := certConfig(f)
	cfg.CertificateBase64 = base64.StdEncoding.EncodeToString(append(credCertPEM(rsaCert.cert), credKeyPEM(t, rsaCert.key, "RSA PRIVATE KEY")...))
	src, err := NewClientCertificate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Token(context.Background())
	var ee *EntraError
	if !errors.As(err, &ee) {
		t.Fatalf("want *EntraError, got %T %v", err, err)
	}
	if len(ee.Codes) != 1 || ee.Codes[0] != 700027 || ee.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unexpected EntraError %+v", ee)
	}
}

func TestAssertionEndpointRejectsPlainHTTP(t *testing.T) {
	_, err := newAssertionEndpoint("http://login.example.com", credTenant, credClientID, credScope, nil)
	var ae *AttributeError
	if !errors.As(err, &ae) || ae.Attribute != "authority_host" {
		t.Fatalf("want an authority_host error, got %v", err)
	}
	ep, err := newAssertionEndpoint("", "contoso.onmicrosoft.com", credClientID, credScope, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"; ep.tokenURL != want {
		t.Fatalf("token URL %s, want %s", ep.tokenURL, want)
	}
}
