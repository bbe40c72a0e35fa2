package emulator

// Application credentials beyond the client secret: certificates (registered by thumbprint),
// federated identity credentials, the CI jobs the local OIDC issuer serves, and managed identities.

import (
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // thumbprints are SHA-1 by definition (x5t, the portal's Thumbprint); not used for security
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// FederatedTokenAudience is the audience Entra ID expects in federated (workload identity) tokens by default.
const FederatedTokenAudience = "api://AzureADTokenExchange"

// Defaults for managed identities.
const (
	// DefaultManagedIdentityClientID is the system-assigned identity the emulator has when
	// Config.ManagedIdentities is empty.
	DefaultManagedIdentityClientID = "44444444-4444-4444-8444-444444444444"
	// DefaultIdentityHeader is the X-IDENTITY-HEADER value the App Service endpoint expects
	// (IDENTITY_HEADER on a real App Service) when Config.IdentityHeader is empty.
	DefaultIdentityHeader = "emulator-identity-header"
)

// CertificateCredential registers a certificate on an application, as "Certificates & secrets"
// does in the portal. Assertions are matched to it by thumbprint (x5t or x5t#S256).
//
// Entra ID accepts only RSA certificates as application key credentials, so the emulator refuses
// EC (and any other) keys at registration; an ES256 assertion therefore always meets AADSTS700027
// "key not found", as it would on the service.
type CertificateCredential struct {
	ClientID    string            // application; "" = Config.ClientID
	Certificate *x509.Certificate // the public certificate; its validity period bounds the key's use
}

// FederatedCredential is a federated identity credential on an application: tokens whose issuer,
// subject and audience all match are accepted as client assertions (workload identity federation).
// Issuer and subject are compared exactly (case-sensitive), as Entra ID does.
type FederatedCredential struct {
	ClientID string // application; "" = Config.ClientID
	Name     string // optional display name
	// Issuer is the token issuer; "" = this emulator's own issuer, i.e. LocalIssuer of the base
	// URL the token request arrives on.
	Issuer  string
	Subject string // required, e.g. "repo:contoso/infra:environment:production"
	// Audiences holds at most one value (Entra ID allows one); default FederatedTokenAudience.
	Audiences []string
}

// CIJob is a CI run that the emulator's GitHub-Actions-style and Azure-Pipelines-style identity
// token endpoints serve: a caller presenting RequestToken gets an ID token from the local issuer
// with the job's Subject.
type CIJob struct {
	// RequestToken is the bearer the job presents (ACTIONS_ID_TOKEN_REQUEST_TOKEN or SYSTEM_ACCESSTOKEN).
	RequestToken string
	Subject      string // sub of the issued tokens
	Issuer       string // "" = LocalIssuer of the request's base URL
	// ServiceConnectionID makes this an Azure Pipelines job, answered only at the /_oidc/ado/
	// endpoint with a matching serviceConnectionId; "" = a GitHub Actions job.
	ServiceConnectionID string
}

// ManagedIdentity is an identity the IMDS and App Service endpoints issue tokens for.
type ManagedIdentity struct {
	ClientID string // the identity's client (application) id
	// UserAssigned is false for the system-assigned identity (at most one), which answers requests
	// that name no identity.
	UserAssigned bool
	Roles        []string // Graph app roles granted; default SecurityEvents.ReadWrite.All
}

type registeredCert struct {
	clientID string
	cert     *x509.Certificate
	sha1     string // base64url, as in x5t
	sha256   string // base64url, as in x5t#S256
}

// credentials holds what can be registered after New; guarded by its own lock.
type credentials struct {
	mu        sync.RWMutex
	certs     []registeredCert
	federated []FederatedCredential
	ciJobs    []CIJob
}

// initCredentials fills identity defaults and registers the credentials given in cfg.
func (e *Emulator) initCredentials() error {
	if e.cfg.IdentityHeader == "" {
		e.cfg.IdentityHeader = DefaultIdentityHeader
	}
	if len(e.cfg.ManagedIdentities) == 0 {
		e.cfg.ManagedIdentities = []ManagedIdentity{{ClientID: DefaultManagedIdentityClientID}}
	}
	system := 0
	for i, mi := range e.cfg.ManagedIdentities {
		if mi.ClientID == "" {
			return fmt.Errorf("emulator: ManagedIdentities[%d] has no ClientID", i)
		}
		if !mi.UserAssigned {
			system++
		}
	}
	if system > 1 {
		return errors.New("emulator: at most one system-assigned managed identity")
	}
	for _, c := range e.cfg.Certificates {
		if _, err := e.AddCertificate(c.ClientID, c.Certificate); err != nil {
			return err
		}
	}
	for _, fc := range e.cfg.FederatedCredentials {
		if err := e.AddFederatedCredential(fc); err != nil {
			return err
		}
	}
	for _, j := range e.cfg.CIJobs {
		if err := e.AddCIJob(j); err != nil {
			return err
		}
	}
	return nil
}

// appByID returns the registered application with that client id.
func (e *Emulator) appByID(clientID string) (*app, bool) {
	for _, a := range e.apps() {
		if strings.EqualFold(a.id, clientID) {
			return &a, true
		}
	}
	return nil, false
}

func (e *Emulator) credentialApp(clientID string) (string, error) {
	if clientID == "" {
		return e.cfg.ClientID, nil
	}
	a, ok := e.appByID(clientID)
	if !ok {
		return "", fmt.Errorf("emulator: no application with client id %q", clientID)
	}
	return a.id, nil
}

// AddCertificate registers cert on the application clientID ("" = Config.ClientID) and returns its
// thumbprint as the portal shows it. Only RSA certificates are accepted, as on Entra ID.
func (e *Emulator) AddCertificate(clientID string, cert *x509.Certificate) (string, error) {
	if cert == nil {
		return "", errors.New("emulator: AddCertificate: nil certificate")
	}
	if _, ok := cert.PublicKey.(*rsa.PublicKey); !ok {
		return "", fmt.Errorf("emulator: certificate %s has a %s key; Entra ID application certificates must be RSA", Thumbprint(cert), cert.PublicKeyAlgorithm)
	}
	id, err := e.credentialApp(clientID)
	if err != nil {
		return "", err
	}
	s1 := sha1.Sum(cert.Raw) //nolint:gosec // thumbprint, see import
	s256 := sha256.Sum256(cert.Raw)
	rc := registeredCert{clientID: id, cert: cert, sha1: base64.RawURLEncoding.EncodeToString(s1[:]), sha256: base64.RawURLEncoding.EncodeToString(s256[:])}
	e.creds.mu.Lock()
	defer e.creds.mu.Unlock()
	for _, c := range e.creds.certs {
		if c.sha1 == rc.sha1 && strings.EqualFold(c.clientID, id) {
			return Thumbprint(cert), nil // already there; registering twice is harmless
		}
	}
	e.creds.certs = append(e.creds.certs, rc)
	return Thumbprint(cert), nil
}

// AddFederatedCredential registers a federated identity credential.
func (e *Emulator) AddFederatedCredential(fc FederatedCredential) error {
	id, err := e.credentialApp(fc.ClientID)
	if err != nil {
		return err
	}
	if fc.Subject == "" {
		return errors.New("emulator: federated credential needs a Subject")
	}
	if len(fc.Audiences) > 1 {
		return errors.New("emulator: a federated credential has at most one audience, as on Entra ID")
	}
	if len(fc.Audiences) == 0 || fc.Audiences[0] == "" {
		fc.Audiences = []string{FederatedTokenAudience}
	}
	fc.ClientID = id
	e.creds.mu.Lock()
	defer e.creds.mu.Unlock()
	e.creds.federated = append(e.creds.federated, fc)
	return nil
}

// AddCIJob registers a CI job for the GitHub Actions / Azure Pipelines identity token endpoints.
func (e *Emulator) AddCIJob(j CIJob) error {
	if j.RequestToken == "" || j.Subject == "" {
		return errors.New("emulator: a CI job needs a RequestToken and a Subject")
	}
	e.creds.mu.Lock()
	defer e.creds.mu.Unlock()
	e.creds.ciJobs = append(e.creds.ciJobs, j)
	return nil
}

// certByThumbprint finds a certificate of clientID by its x5t (SHA-1) or x5t#S256 thumbprint.
func (e *Emulator) certByThumbprint(clientID, x5t, x5tS256 string) (*registeredCert, bool) {
	e.creds.mu.RLock()
	defer e.creds.mu.RUnlock()
	for i := range e.creds.certs {
		c := &e.creds.certs[i]
		if !strings.EqualFold(c.clientID, clientID) {
			continue
		}
		if (x5tS256 != "" && strings.TrimRight(x5tS256, "=") == c.sha256) || (x5tS256 == "" && x5t != "" && strings.TrimRight(x5t, "=") == c.sha1) {
			return c, true
		}
	}
	return nil, false
}

func (e *Emulator) federatedFor(clientID string) []FederatedCredential {
	e.creds.mu.RLock()
	defer e.creds.mu.RUnlock()
	var out []FederatedCredential
	for _, fc := range e.creds.federated {
		if strings.EqualFold(fc.ClientID, clientID) {
			out = append(out, fc)
		}
	}
	return out
}

// ciJob finds the job behind a request token; serviceConnection "" selects GitHub-style jobs.
func (e *Emulator) ciJob(requestToken, serviceConnection string) (CIJob, bool) {
	e.creds.mu.RLock()
	defer e.creds.mu.RUnlock()
	for _, j := range e.creds.ciJobs {
		if j.RequestToken == requestToken && strings.EqualFold(j.ServiceConnectionID, serviceConnection) {
			return j, true
		}
	}
	return CIJob{}, false
}

// Thumbprint is a certificate's thumbprint as the Azure portal shows it: upper-case hex SHA-1 of the DER.
func Thumbprint(cert *x509.Certificate) string {
	sum := sha1.Sum(cert.Raw) //nolint:gosec // thumbprint, see import
	return strings.ToUpper(fmt.Sprintf("%x", sum[:]))
}

// ParseCertificate reads the first certificate from PEM (CERTIFICATE blocks; private keys in the
// same file are ignored) or DER (.cer) data, as the portal's upload accepts.
func ParseCertificate(data []byte) (*x509.Certificate, error) {
	rest := data
	sawPEM := false
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		sawPEM = true
		if block.Type == "CERTIFICATE" {
			return x509.ParseCertificate(block.Bytes)
		}
	}
	if sawPEM {
		return nil, errors.New("the PEM data holds no CERTIFICATE block")
	}
	return x509.ParseCertificate(data)
}
