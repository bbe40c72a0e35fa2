package auth

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is defined as the SHA-1 thumbprint (RFC 7515 §4.1.7); not used for security.
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"golang.org/x/oauth2"
	"software.sslmate.com/src/go-pkcs12"
)

// Attribute names of the certificate settings, used in errors.
const (
	attrClientCertificate         = "client_certificate"
	attrClientCertificatePath     = "client_certificate_path"
	attrClientCertificatePassword = "client_certificate_password"
)

// assertionLifetime is how long a client assertion is valid; Entra ID accepts up to 10 minutes.
const assertionLifetime = 10 * time.Minute

// ClientCertificateConfig configures sign-in with an application's certificate credential: the provider signs a
// JWT client assertion with the certificate's private key and exchanges it at the Entra ID token endpoint.
//
// Exactly one of CertificateBase64 and CertificatePath must be set. The data is a PKCS#12 (.pfx) bundle, with
// or without Password, or PEM holding the certificate and its unencrypted RSA private key (PKCS#1 "RSA PRIVATE
// KEY" or PKCS#8 "PRIVATE KEY"); Password is ignored for PEM. EC keys are refused: Entra ID accepts only RSA
// certificates for client assertions.
type ClientCertificateConfig struct {
	AuthorityHost string // e.g. "https://login.microsoftonline.com" or an emulator URL
	TenantID      string
	ClientID      string
	Scope         string // e.g. "https://graph.microsoft.com/.default"

	CertificateBase64 string // client_certificate: base64 of the .pfx or .pem file (PEM text is accepted as is)
	CertificatePath   string // client_certificate_path
	Password          string // client_certificate_password

	// UsePS256 signs assertions with PS256 and an "x5t#S256" header instead of the default RS256 with "x5t".
	UsePS256 bool

	HTTPClient *http.Client     // optional
	Now        func() time.Time // optional clock, for tests
}

// ClientCertificate is a parsed certificate credential: the leaf certificate and the private key that matches it.
type ClientCertificate struct {
	Leaf  *x509.Certificate
	Chain []*x509.Certificate // other certificates found beside the leaf, if any
	key   crypto.Signer
}

// NewClientCertificate loads and checks the certificate (readable, decodable, has a matching key, currently
// valid) and returns a caching token source. Each token request signs a fresh assertion.
func NewClientCertificate(cfg ClientCertificateConfig) (*CachingSource, error) {
	return forTenant(cfg.TenantID)(newCertificateSignIn(cfg))
}

// newCertificateSignIn loads and checks the certificate once and returns what signs in with it to any tenant:
// each tenant's token endpoint is the audience of its own assertions.
func newCertificateSignIn(cfg ClientCertificateConfig) (signIn, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if err := checkAppSignIn(cfg.AuthorityHost, cfg.ClientID, cfg.Scope); err != nil {
		return nil, err
	}
	cert, err := LoadClientCertificate(cfg.CertificateBase64, cfg.CertificatePath, cfg.Password)
	if err != nil {
		return nil, err
	}
	attr := certificateAttr(cfg)
	if err := cert.checkValidity(attr, cfg.Now()); err != nil {
		return nil, err
	}
	return func(tenant string) (fetchFunc, error) {
		ep, err := newAssertionEndpoint(cfg.AuthorityHost, tenant, cfg.ClientID, cfg.Scope, cfg.HTTPClient)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (*oauth2.Token, error) {
			// The certificate may expire while a long apply runs.
			if err := cert.checkValidity(attr, cfg.Now()); err != nil {
				return nil, err
			}
			// A fresh assertion (new jti and times) for each attempt.
			return ep.exchange(ctx, func() (string, error) {
				a, err := cert.Assertion(cfg.ClientID, ep.tokenURL, cfg.Now(), cfg.UsePS256)
				if err != nil {
					return "", &AttributeError{Attribute: attr, Err: err}
				}
				return a, nil
			})
		}, nil
	}, nil
}

func certificateAttr(cfg ClientCertificateConfig) string {
	if cfg.CertificatePath != "" {
		return attrClientCertificatePath
	}
	return attrClientCertificate
}

// LoadClientCertificate reads a certificate credential from base64 text (client_certificate) or a file
// (client_certificate_path). Errors are *AttributeError naming the setting at fault; they never include the
// password or key material.
func LoadClientCertificate(b64, path, password string) (*ClientCertificate, error) {
	var (
		data []byte
		attr string
	)
	switch {
	case b64 != "" && path != "":
		return nil, &AttributeError{Attribute: attrClientCertificate, Err: errors.New("set only one of client_certificate and client_certificate_path")}
	case path != "":
		attr = attrClientCertificatePath
		raw, err := readSettingFile(attr, path, maxCertificateFileBytes)
		if err != nil {
			return nil, err
		}
		data = raw
	case b64 != "":
		attr = attrClientCertificate
		raw, err := decodeCertificateText(b64)
		if err != nil {
			return nil, &AttributeError{Attribute: attr, Err: err}
		}
		data = raw
	default:
		return nil, &AttributeError{Attribute: attrClientCertificate, Err: errors.New("neither client_certificate nor client_certificate_path is set")}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &AttributeError{Attribute: attr, Err: errors.New("the certificate is empty")}
	}
	cert, err := ParseClientCertificate(data, password)
	if err != nil {
		var ae *AttributeError
		if errors.As(err, &ae) {
			return nil, err
		}
		return nil, &AttributeError{Attribute: attr, Err: err}
	}
	return cert, nil
}

// decodeCertificateText decodes client_certificate: base64 (standard, with or without padding and line breaks)
// of a .pfx or .pem file, or PEM text pasted directly.
func decodeCertificateText(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "-----BEGIN") {
		return []byte(s), nil
	}
	compact := strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(compact); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("the value is not valid base64 (expected the base64 encoding of a .pfx or .pem file)")
}

// ParseClientCertificate decodes PEM (when the data contains a PEM block) or PKCS#12 and checks that the
// private key matches the certificate. Errors name client_certificate_password when the password is at fault.
func ParseClientCertificate(data []byte, password string) (*ClientCertificate, error) {
	if bytes.Contains(data, []byte("-----BEGIN")) {
		return parsePEMCertificate(data)
	}
	return parsePKCS12Certificate(data, password)
}

func parsePKCS12Certificate(data []byte, password string) (*ClientCertificate, error) {
	key, leaf, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		switch {
		case errors.Is(err, pkcs12.ErrIncorrectPassword) || errors.Is(err, pkcs12.ErrDecryption):
			if password == "" {
				return nil, &AttributeError{Attribute: attrClientCertificatePassword, Err: errors.New("the PKCS#12 file is password-protected and no password was given")}
			}
			return nil, &AttributeError{Attribute: attrClientCertificatePassword, Err: errors.New("wrong password for the PKCS#12 file")}
		// go-pkcs12 has no exported error for these; its messages are stable.
		case strings.Contains(err.Error(), "private key missing"):
			return nil, errors.New("the PKCS#12 file holds a certificate but no private key; export it with its private key")
		case strings.Contains(err.Error(), "certificate missing"):
			return nil, errors.New("the PKCS#12 file holds no certificate")
		}
		return nil, fmt.Errorf("not a readable PKCS#12 (.pfx) file or PEM: %w", err)
	}
	signer, err := asSigner(key)
	if err != nil {
		return nil, err
	}
	c := &ClientCertificate{Leaf: leaf, Chain: chain, key: signer}
	if !publicKeysEqual(leaf.PublicKey, signer.Public()) {
		return nil, errors.New("the private key does not match the certificate")
	}
	return c, nil
}

func parsePEMCertificate(data []byte) (*ClientCertificate, error) {
	var (
		certs []*x509.Certificate
		key   crypto.Signer
		rest  = data
	)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		switch block.Type {
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("a PEM CERTIFICATE block does not parse: %w", err)
			}
			certs = append(certs, c)
		case "RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY":
			if key != nil {
				return nil, errors.New("the PEM data holds more than one private key")
			}
			if _, encrypted := block.Headers["Proc-Type"]; encrypted {
				return nil, errors.New("encrypted PEM private keys are not supported; use an unencrypted key or a password-protected PKCS#12 (.pfx) file")
			}
			k, err := parsePEMKey(block)
			if err != nil {
				return nil, err
			}
			key = k
		case "ENCRYPTED PRIVATE KEY":
			return nil, errors.New("encrypted PEM private keys are not supported; use an unencrypted key or a password-protected PKCS#12 (.pfx) file")
		}
	}
	if len(certs) == 0 {
		return nil, errors.New("the PEM data holds no CERTIFICATE block")
	}
	if key == nil {
		return nil, errors.New("the PEM data holds a certificate but no private key (expected an RSA PRIVATE KEY, PRIVATE KEY or EC PRIVATE KEY block)")
	}
	// The leaf is the certificate the key belongs to; any others are its chain.
	for i, c := range certs {
		if publicKeysEqual(c.PublicKey, key.Public()) {
			chain := append(append([]*x509.Certificate{}, certs[:i]...), certs[i+1:]...)
			return &ClientCertificate{Leaf: c, Chain: chain, key: key}, nil
		}
	}
	return nil, errors.New("the private key does not match the certificate")
}

func parsePEMKey(block *pem.Block) (crypto.Signer, error) {
	var (
		key any
		err error
	)
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	}
	if err != nil {
		return nil, fmt.Errorf("the PEM %s block does not parse", block.Type)
	}
	return asSigner(key)
}

func asSigner(key any) (crypto.Signer, error) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		return k, nil
	case *ecdsa.PrivateKey:
		return nil, fmt.Errorf("the certificate has an EC (%s) key, but Entra ID accepts only RSA certificates for client assertions; create an RSA certificate (2048 bits or more), upload it to the app registration and configure it here", k.Curve.Params().Name)
	default:
		return nil, fmt.Errorf("unsupported private key type %T: Entra ID certificate credentials need an RSA key", key)
	}
}

func publicKeysEqual(certKey, key crypto.PublicKey) bool {
	k, ok := certKey.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(key)
}

func (c *ClientCertificate) checkValidity(attr string, now time.Time) error {
	if now.Before(c.Leaf.NotBefore) {
		return &AttributeError{Attribute: attr, Err: fmt.Errorf("the certificate (thumbprint %s) is not valid until %s", c.ThumbprintSHA1Hex(), c.Leaf.NotBefore.UTC().Format(time.RFC3339))}
	}
	if now.After(c.Leaf.NotAfter) {
		return &AttributeError{Attribute: attr, Err: fmt.Errorf("the certificate (thumbprint %s) expired on %s; upload a new certificate to the application and configure it here", c.ThumbprintSHA1Hex(), c.Leaf.NotAfter.UTC().Format(time.RFC3339))}
	}
	return nil
}

// ThumbprintSHA1Hex is the certificate thumbprint as the Azure portal shows it (upper-case hex SHA-1 of the DER).
func (c *ClientCertificate) ThumbprintSHA1Hex() string {
	sum := sha1.Sum(c.Leaf.Raw) //nolint:gosec // thumbprint, see import
	return strings.ToUpper(fmt.Sprintf("%x", sum[:]))
}

// X5T is the "x5t" JWT header: base64url SHA-1 thumbprint of the certificate's DER.
func (c *ClientCertificate) X5T() string {
	sum := sha1.Sum(c.Leaf.Raw) //nolint:gosec // thumbprint, see import
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// X5TS256 is the "x5t#S256" JWT header: base64url SHA-256 thumbprint of the certificate's DER.
func (c *ClientCertificate) X5TS256() string {
	sum := sha256.Sum256(c.Leaf.Raw)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// Assertion signs a client assertion for clientID, valid from now for ten minutes, with aud = tokenURL and
// iss = sub = clientID, signed RS256 with "x5t" (or PS256 with "x5t#S256" when usePS256).
func (c *ClientCertificate) Assertion(clientID, tokenURL string, now time.Time, usePS256 bool) (string, error) {
	var (
		method jwt.SigningMethod
		header string
		thumb  string
	)
	if _, ok := c.key.(*rsa.PrivateKey); !ok {
		return "", fmt.Errorf("unsupported private key type %T", c.key)
	}
	if usePS256 {
		method, header, thumb = jwt.SigningMethodPS256, "x5t#S256", c.X5TS256()
	} else {
		method, header, thumb = jwt.SigningMethodRS256, "x5t", c.X5T()
	}
	// MapClaims keeps "aud" a plain string, as Entra ID's examples show.
	claims := jwt.MapClaims{
		"aud": tokenURL,
		"iss": clientID,
		"sub": clientID,
		"jti": uuid.NewString(),
		"nbf": now.Unix(),
		"iat": now.Unix(),
		"exp": now.Add(assertionLifetime).Unix(),
	}
	tok := jwt.NewWithClaims(method, claims)
	tok.Header[header] = thumb
	signed, err := tok.SignedString(c.key)
	if err != nil {
		return "", fmt.Errorf("signing the client assertion: %w", err)
	}
	return signed, nil
}
