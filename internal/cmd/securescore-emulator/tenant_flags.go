package main

// Flags that serve several tenants and the multi-tenant application.

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

type tenantFlags struct {
	count      int
	file       string
	faultsFile string
	faults     map[string]emulator.Faults // from faultsFile, by tenant GUID or domain
}

func (t *tenantFlags) register(fs *flag.FlagSet, cfg *emulator.Config) {
	fs.IntVar(&t.count, "tenants", 1, "serve N tenants (emulator.DefaultTenants: tenant 2 lacks the MDATP and Intune controls, tenant 3 the MDO and MCAS ones); the first takes -tenant-id and -tenant-domain when given")
	fs.StringVar(&t.file, "tenants-file", "", `serve the tenants of a JSON file: [{"id":"…","domain":"…","unlicensed":["MDATP"],"missingControls":["OneAdmin"],"noConsent":false}, …]`)
	fs.StringVar(&t.faultsFile, "tenant-faults", "", `faults of single tenants from a JSON file, by tenant GUID or domain: {"fabrikam.onmicrosoft.com":{"throttleRate":1},"northwind.onmicrosoft.com":{"tokenUnavailable":3}} (the fields of POST /_emulator/faults)`)
	fs.StringVar(&cfg.MultiTenantClientID, "multitenant-client-id", emulator.DefaultMultiTenantClientID, "client id of the multi-tenant application, consented in every tenant (SecurityEvents.ReadWrite.All)")
	fs.StringVar(&cfg.MultiTenantClientSecret, "multitenant-client-secret", emulator.DefaultMultiTenantClientSecret, "client secret of the multi-tenant application")
}

// apply fills cfg.Tenants and reads the tenant faults; set holds the flags given on the command line.
func (t *tenantFlags) apply(cfg *emulator.Config, set map[string]bool) error {
	if err := t.readFaults(); err != nil {
		return err
	}
	switch {
	case t.count < 1:
		return fmt.Errorf("-tenants must be at least 1, got %d", t.count)
	case t.file != "" && set["tenants"]:
		return fmt.Errorf("-tenants and -tenants-file exclude each other")
	case t.file != "":
		if err := decodeFlagFile("-tenants-file", t.file, &cfg.Tenants); err != nil {
			return err
		}
		if len(cfg.Tenants) == 0 {
			return fmt.Errorf("-tenants-file %s lists no tenant", t.file)
		}
	case t.count > 1:
		cfg.Tenants = emulator.DefaultTenants(t.count)
	default:
		return nil // one tenant: -tenant-id and -tenant-domain, as before
	}
	// The first tenant takes -tenant-id and -tenant-domain only when they were given.
	if set["tenant-id"] {
		cfg.Tenants[0].ID = cfg.TenantID
	}
	if set["tenant-domain"] {
		cfg.Tenants[0].Domain = cfg.TenantDomain
	}
	cfg.TenantID, cfg.TenantDomain = "", ""
	return nil
}

// decodeFlagFile reads the JSON file a flag names into v, refusing unknown fields.
func decodeFlagFile(flagName, path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%s: %w", flagName, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s %s: %w", flagName, path, err)
	}
	return nil
}

// readFaults reads and checks -tenant-faults; the tenants are checked once the emulator serves them.
func (t *tenantFlags) readFaults() error {
	if t.faultsFile == "" {
		return nil
	}
	if err := decodeFlagFile("-tenant-faults", t.faultsFile, &t.faults); err != nil {
		return err
	}
	for name, f := range t.faults {
		if err := f.Validate(); err != nil {
			return fmt.Errorf("-tenant-faults %s: %s: %w", t.faultsFile, name, err)
		}
	}
	return nil
}

// applyFaults sets the faults of -tenant-faults on their tenants.
func (t *tenantFlags) applyFaults(emu *emulator.Emulator) error {
	for name, f := range t.faults {
		tn := emu.Tenant(name)
		if tn == nil {
			return fmt.Errorf("-tenant-faults %s: no tenant %q is served (see -tenants, -tenants-file)", t.faultsFile, name)
		}
		tn.SetFaults(f)
	}
	return nil
}

// printTenants describes every tenant and the multi-tenant application in the banner.
func printTenants(w io.Writer, base string, emu *emulator.Emulator) {
	cfg := emu.Config()
	fmt.Fprintf(w, "  Multi-tenant client: %s  secret %s  (SecurityEvents.ReadWrite.All, consented per tenant below)\n", cfg.MultiTenantClientID, cfg.MultiTenantClientSecret)
	for i, t := range emu.Tenants() {
		tc := cfg.Tenants[i]
		consent := "consented"
		if tc.NoConsent {
			consent = "not consented"
		}
		lacks := "every control"
		if missing := t.MissingControlIDs(); len(missing) > 0 {
			lacks = fmt.Sprintf("lacks %d controls: %s", len(missing), strings.Join(missing, " "))
		}
		fmt.Fprintf(w, "  Tenant %d:     %s  %s  token URL %s/%s/oauth2/v2.0/token  (multi-tenant app %s; %s)\n", i+1, t.ID(), t.Domain(), base, t.ID(), consent, lacks)
	}
}
