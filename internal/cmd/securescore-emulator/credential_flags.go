package main

// Flags that register credentials beyond the client secret: certificates, federated identity
// credentials, CI jobs for the local OIDC issuer, and managed identities.

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// repeated collects every value of a flag given several times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, " ") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

type credentialFlags struct {
	certificates, federated, ciJobs, userAssigned repeated
}

func (c *credentialFlags) register(fs *flag.FlagSet) {
	fs.Var(&c.certificates, "certificate", "register a certificate file (PEM or DER; RSA only, as Entra ID) on the read-write application; repeatable; prefix CLIENT_ID= for another application")
	fs.Var(&c.federated, "federated-credential", "register a federated identity credential: subject=S[,issuer=URL][,audience=A][,client-id=ID]; issuer defaults to the emulator's own /_oidc issuer; repeatable")
	fs.Var(&c.ciJobs, "ci-job", "serve a CI job's identity tokens from the local issuer: token=REQUEST_TOKEN,subject=S[,service-connection-id=ID] (with an id: Azure Pipelines, else GitHub Actions); repeatable")
	fs.Var(&c.userAssigned, "user-assigned-identity", "add a user-assigned managed identity by client id (besides the system-assigned one); repeatable")
}

// apply fills cfg from the collected flag values.
func (c *credentialFlags) apply(cfg *emulator.Config) error {
	for _, v := range c.certificates {
		clientID, path := "", v
		if id, p, ok := strings.Cut(v, "="); ok && !strings.ContainsAny(id, `/\`) {
			clientID, path = id, p
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("-certificate: %w", err)
		}
		cert, err := emulator.ParseCertificate(data)
		if err != nil {
			return fmt.Errorf("-certificate %s: %w", path, err)
		}
		cfg.Certificates = append(cfg.Certificates, emulator.CertificateCredential{ClientID: clientID, Certificate: cert})
	}
	for _, v := range c.federated {
		kv, err := keyValues("-federated-credential", v, "subject", "issuer", "audience", "client-id")
		if err != nil {
			return err
		}
		fc := emulator.FederatedCredential{ClientID: kv["client-id"], Issuer: kv["issuer"], Subject: kv["subject"]}
		if a := kv["audience"]; a != "" {
			fc.Audiences = []string{a}
		}
		if fc.Subject == "" {
			return fmt.Errorf("-federated-credential %q: subject= is required", v)
		}
		cfg.FederatedCredentials = append(cfg.FederatedCredentials, fc)
	}
	for _, v := range c.ciJobs {
		kv, err := keyValues("-ci-job", v, "token", "subject", "service-connection-id", "issuer")
		if err != nil {
			return err
		}
		if kv["token"] == "" || kv["subject"] == "" {
			return fmt.Errorf("-ci-job %q: token= and subject= are required", v)
		}
		cfg.CIJobs = append(cfg.CIJobs, emulator.CIJob{RequestToken: kv["token"], Subject: kv["subject"], ServiceConnectionID: kv["service-connection-id"], Issuer: kv["issuer"]})
	}
	if len(c.userAssigned) > 0 {
		cfg.ManagedIdentities = []emulator.ManagedIdentity{{ClientID: emulator.DefaultManagedIdentityClientID}}
		for _, id := range c.userAssigned {
			cfg.ManagedIdentities = append(cfg.ManagedIdentities, emulator.ManagedIdentity{ClientID: id, UserAssigned: true})
		}
	}
	return nil
}

// keyValues parses "k=v,k=v" with only the allowed keys.
func keyValues(flagName, v string, allowed ...string) (map[string]string, error) {
	out := map[string]string{}
	for _, part := range strings.Split(v, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, fmt.Errorf("%s %q: expected key=value pairs separated by commas", flagName, v)
		}
		known := false
		for _, a := range allowed {
			known = known || a == k
		}
		if !known {
			return nil, fmt.Errorf("%s %q: unknown key %q (known: %s)", flagName, v, k, strings.Join(allowed, ", "))
		}
		out[k] = val
	}
	return out, nil
}

// printIdentityEndpoints describes the certificate, federation and managed identity endpoints in the banner.
func printIdentityEndpoints(w io.Writer, base string, cfg emulator.Config) {
	for _, c := range cfg.Certificates {
		app := c.ClientID
		if app == "" {
			app = cfg.ClientID
		}
		fmt.Fprintf(w, "  Certificate:  thumbprint %s on %s\n", emulator.Thumbprint(c.Certificate), app)
	}
	fmt.Fprintf(w, "  OIDC issuer:  %s  (keys: %s/keys; GitHub-style token URL %s/github/token, Azure Pipelines-style %s/ado/oidctoken)\n",
		emulator.LocalIssuer(base), emulator.LocalIssuer(base), emulator.LocalIssuer(base), emulator.LocalIssuer(base))
	for _, fc := range cfg.FederatedCredentials {
		iss := fc.Issuer
		if iss == "" {
			iss = emulator.LocalIssuer(base)
		}
		fmt.Fprintf(w, "  Federated:    issuer %s subject %s\n", iss, fc.Subject)
	}
	fmt.Fprintf(w, "  IMDS:         %s/metadata/identity/oauth2/token  (ARM_MSI_ENDPOINT=%s)\n", base, base)
	fmt.Fprintf(w, "  App Service:  IDENTITY_ENDPOINT=%s/msi/token IDENTITY_HEADER=%s\n", base, cfg.IdentityHeader)
	for _, mi := range cfg.ManagedIdentities {
		kind := "system-assigned"
		if mi.UserAssigned {
			kind = "user-assigned"
		}
		fmt.Fprintf(w, "  Identity:     %s (%s)\n", mi.ClientID, kind)
	}
}
