package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
	"github.com/securescore/terraform-provider-securescore/internal/tfharness"
)

// fleet applies examples/multi-tenant (one provider block, one baseline per tenant with tenant_id) to the
// emulator's three tenants with its multi-tenant application, re-plans, and shows what each tenant cost: one
// token, and lists and PATCHes in that tenant alone.
func (d *demo) fleet(string) error {
	dir := filepath.Join(d.work, "fleet")
	src := filepath.Join("examples", "multi-tenant")
	for _, f := range []struct{ from, to string }{
		{"main.tf", "main.tf"},
		{filepath.Join("baseline", "main.tf"), filepath.Join("baseline", "main.tf")},
		{"terraform.tfvars.example", "terraform.tfvars"},
	} {
		b, err := os.ReadFile(filepath.Join(src, f.from))
		if err != nil {
			return fmt.Errorf("%w (run from the repository root)", err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f.to)), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, f.to), b, 0o644); err != nil {
			return err
		}
	}
	// The multi-tenant app signs in to each tenant; no tenant is set for the provider.
	single := d.env
	d.env = d.fleetEnv
	defer func() { d.env = single }()
	fmt.Printf("provider \"securescore\" {}  # ARM_CLIENT_ID=%s (multi-tenant), no ARM_TENANT_ID\n", emulator.DefaultMultiTenantClientID)
	if err := d.lock(dir); err != nil {
		return err
	}
	if err := d.tf(dir, "init", "-input=false", "-no-color"); err != nil {
		return err
	}
	before := len(d.emu.Journal())
	if err := d.tf(dir, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		return err
	}
	if err := d.expectNoChanges(dir); err != nil {
		return err
	}
	traffic := d.emu.TrafficByTenant()
	tenants := make([]string, 0, len(traffic))
	for t := range traffic {
		tenants = append(tenants, t)
	}
	slices.Sort(tenants)
	fmt.Printf("\nper tenant (the whole demo; the fleet step sent %d requests):\n", len(d.emu.Journal())-before)
	for _, t := range tenants {
		tt := traffic[t]
		fmt.Printf("  %s  tokens %d  reads %d  writes %d  429s %d\n", t, tt.TokenRequests, tt.Reads, tt.Writes, tt.Throttled)
	}
	return nil
}

// fleetEnvFor is the environment of the fleet step: the multi-tenant application, no provider tenant.
func fleetEnvFor(inst *tfharness.Install, url string) []string {
	env := inst.Env(os.Environ(), tfharness.EmulatorEnv(url, "", emulator.DefaultMultiTenantClientID, emulator.DefaultMultiTenantClientSecret)...)
	return slices.DeleteFunc(env, func(kv string) bool { return strings.HasPrefix(kv, "ARM_TENANT_ID=") })
}
