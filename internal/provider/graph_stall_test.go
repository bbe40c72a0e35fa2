package provider

import (
	"context"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/auth"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
	"github.com/securescore/terraform-provider-securescore/internal/graph"
)

// stallClient is the provider's Graph client and credential against env's emulator, with per-attempt bounds
// small enough for a test (the defaults, 60s and 120s, would make a Terraform run of this take minutes).
func stallClient(t *testing.T, env *accEnv) *graph.Client {
	t.Helper()
	tokens, err := auth.NewClientSecret(auth.ClientSecretConfig{
		AuthorityHost: env.url, TenantID: env.config.TenantID, ClientID: env.config.ClientID,
		ClientSecret: env.config.ClientSecret, Scope: "https://graph.microsoft.com/.default",
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := graph.New(graph.Options{
		Endpoint: env.url, APIVersion: "v1.0", Tokens: tokens,
		AttemptHeaderTimeout: 300 * time.Millisecond, AttemptBodyTimeout: 300 * time.Millisecond,
		RetryBaseDelay: 10 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func journalKinds(env *accEnv, kind string) (statuses []int) {
	for _, j := range env.emu.Journal() {
		if j.Kind == kind {
			statuses = append(statuses, j.Status)
		}
	}
	return statuses
}

// The emulator's stall and trickle faults, driven through the provider's client: each stalled attempt ends at
// its bound and is retried, instead of holding the operation for its whole timeout.
func TestGraphStalledAttemptsAgainstEmulator(t *testing.T) {
	env := newAccEnv(t, emulator.Config{})
	env.needsEmulator(t)
	c := stallClient(t, env)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	for name, f := range map[string]emulator.Faults{"stalled list": {StallResponse: 1}, "trickled list": {TrickleBody: 1}} {
		env.resetJournal()
		env.emu.SetFaults(f)
		start := time.Now()
		list, err := c.ListControlProfiles(ctx, graph.ListOptions{})
		if err != nil || len(list.Value) == 0 {
			t.Fatalf("%s: %v", name, err)
		}
		if got := journalKinds(env, "read"); len(got) < 2 || got[len(got)-1] != 200 || time.Since(start) > 5*time.Second {
			t.Fatalf("%s: reads %v in %v", name, got, time.Since(start))
		}
	}

	// A control-profile PATCH with no answer is not re-sent blindly (it may have landed, and the service would
	// record a second controlStateUpdates entry): the client reads the profile, sees its change landed, and
	// stops. One PATCH, one entry.
	env.resetJournal()
	env.emu.SetFaults(emulator.Faults{StallResponse: 1})
	before, _ := env.emu.ControlProfile("OneAdmin")
	update := graph.ControlProfileUpdate{State: "Ignored", Comment: "stall test",
		VendorInformation: graph.SecurityVendorInformation{Provider: new("SecureScore"), Vendor: new("Microsoft")}}
	if _, err := c.UpdateControlProfile(ctx, "OneAdmin", update); err != nil {
		t.Fatal(err)
	}
	if writes := env.writes(); len(writes) != 1 || writes[0].Status != 0 {
		t.Fatalf("writes %+v", writes)
	}
	after, _ := env.emu.ControlProfile("OneAdmin")
	if added := len(after["controlStateUpdates"].([]any)) - len(before["controlStateUpdates"].([]any)); added != 1 {
		t.Fatalf("a stalled PATCH added %d controlStateUpdates entries, want 1", added)
	}

	// A PATCH whose 2xx status arrived is not re-sent, even though its body never finished.
	env.resetJournal()
	env.emu.SetFaults(emulator.Faults{TrickleBody: 1})
	p, err := c.UpdateControlProfile(ctx, "OneAdmin", update)
	if err != nil || p != nil {
		t.Fatalf("got %v, %v; want (nil, nil) so the caller reads back", p, err)
	}
	if w := env.writes(); len(w) != 1 {
		t.Fatalf("a PATCH answered 2xx was sent %d times", len(w))
	}
}
