package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

func writeCert(t *testing.T, key any, pub any) string {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "flags"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cert.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCredentialFlags(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	certPath := writeCert(t, key, &key.PublicKey)
	o, err := parseFlags([]string{
		"-certificate", certPath,
		"-federated-credential", "subject=repo:contoso/infra:environment:prod",
		"-federated-credential", "subject=s2,issuer=https://token.actions.githubusercontent.com,audience=api://custom",
		"-ci-job", "token=gh,subject=repo:contoso/infra:environment:prod",
		"-ci-job", "token=ado,subject=sc://contoso/infra/conn,service-connection-id=5f0e1d2c-3b4a-4958-8a7b-6c5d4e3f2a1b",
		"-user-assigned-identity", "55555555-5555-4555-8555-555555555555",
		"-identity-header", "hdr",
	}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	c := o.cfg
	if len(c.Certificates) != 1 || c.Certificates[0].Certificate == nil || c.Certificates[0].ClientID != "" {
		t.Errorf("certificates %+v", c.Certificates)
	}
	if len(c.FederatedCredentials) != 2 || c.FederatedCredentials[1].Issuer != "https://token.actions.githubusercontent.com" || c.FederatedCredentials[1].Audiences[0] != "api://custom" {
		t.Errorf("federated %+v", c.FederatedCredentials)
	}
	if len(c.CIJobs) != 2 || c.CIJobs[1].ServiceConnectionID == "" || c.CIJobs[0].RequestToken != "gh" {
		t.Errorf("ci jobs %+v", c.CIJobs)
	}
	if len(c.ManagedIdentities) != 2 || c.ManagedIdentities[0].ClientID != emulator.DefaultManagedIdentityClientID || !c.ManagedIdentities[1].UserAssigned {
		t.Errorf("identities %+v", c.ManagedIdentities)
	}
	if c.IdentityHeader != "hdr" {
		t.Errorf("identity header %q", c.IdentityHeader)
	}
	emu, err := emulator.New(c)
	if err != nil {
		t.Fatal(err)
	}
	var banner bytes.Buffer
	printIdentityEndpoints(&banner, "http://127.0.0.1:1", emu.Config())
	for _, want := range []string{"thumbprint " + emulator.Thumbprint(c.Certificates[0].Certificate), "http://127.0.0.1:1/_oidc", "IDENTITY_HEADER=hdr", "55555555-5555-4555-8555-555555555555 (user-assigned)", "subject s2"} {
		if !strings.Contains(banner.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, banner.String())
		}
	}
}

func TestCredentialFlagErrors(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecPath := writeCert(t, ec, &ec.PublicKey)
	for name, args := range map[string][]string{
		"missing certificate file": {"-certificate", filepath.Join(t.TempDir(), "none.pem")},
		"not a certificate":        {"-certificate", os.DevNull},
		"no subject":               {"-federated-credential", "issuer=https://x"},
		"unknown key":              {"-federated-credential", "subject=s,colour=blue"},
		"not key=value":            {"-ci-job", "just-a-token"},
		"ci job without subject":   {"-ci-job", "token=t"},
	} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// EC certificates parse, but the emulator refuses them as Entra ID does.
	o, err := parseFlags([]string{"-certificate", ecPath}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := emulator.New(o.cfg); err == nil || !strings.Contains(err.Error(), "RSA") {
		t.Errorf("EC certificate: %v", err)
	}
}
