package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// prefetchRig is the provider's protocol server configured, through ConfigureProvider as Terraform does it,
// against an in-process emulator with one control profile.
type prefetchRig struct {
	emu *emulator.Emulator
	s   tfprotov6.ProviderServer
}

func newPrefetchRig(t *testing.T, secret func(configured string) string) *prefetchRig {
	t.Helper()
	emu, err := emulator.New(emulator.Config{ControlProfiles: 1})
	if err != nil {
		t.Fatal(err)
	}
	s, _, config := serveAgainst(t, emu, secret(emu.Config().ClientSecret), NewProtocol6Server("test"))
	conf, err := s.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{Config: config})
	mustNoDiagnostics(t, err, conf.Diagnostics)
	return &prefetchRig{emu: emu, s: s}
}

// kinds counts the journal's entries by kind.
func (r *prefetchRig) kinds() map[string]int {
	out := map[string]int{}
	for _, j := range r.emu.Journal() {
		out[j.Kind]++
	}
	return out
}

// waitForToken waits until the emulator has seen a token request, as a prefetch makes one.
func (r *prefetchRig) waitForToken(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); r.kinds()["token"] == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no token request within 10 s of ConfigureProvider; journal %v", r.kinds())
		}
	}
}

// read refreshes a securescore_control_profile of the emulator's one control.
func (r *prefetchRig) read(t *testing.T) *tfprotov6.ReadResourceResponse {
	t.Helper()
	id := r.emu.ControlProfileIDs()[0]
	m := controlProfileResourceModelV2{ID: tfKnown(id), ControlID: tfKnown(id), State: tfKnown("Default")}
	state, err := controlProfileAttributes.encode(&m)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := r.s.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: controlProfileTypeName, CurrentState: state})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// ConfigureProvider signs in ahead of the first request, and that request then needs no token request of its
// own: one token for the process, fetched while Terraform is still walking towards its first read.
func TestConfigureSignsInAhead(t *testing.T) {
	r := newPrefetchRig(t, func(configured string) string { return configured })
	r.waitForToken(t)
	if k := r.kinds(); k["read"] != 0 || k["write"] != 0 {
		t.Fatalf("ConfigureProvider sent Graph requests: %v", k)
	}
	read := r.read(t)
	mustNoDiagnostics(t, nil, read.Diagnostics)
	if k := r.kinds(); k["token"] != 1 || k["read"] != 1 {
		t.Errorf("journal after the first read: %v, want 1 token and 1 read", k)
	}
}

// A credential Entra ID refuses costs one token request, as it did before the prefetch, and the refusal is
// reported by the first request that needs the token.
func TestConfigureSignInAheadFailureReportedByFirstRequest(t *testing.T) {
	r := newPrefetchRig(t, func(string) string { return "not-the-secret" })
	r.waitForToken(t)
	read := r.read(t)
	var detail string
	for _, d := range read.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			detail += d.Summary + ": " + d.Detail
		}
	}
	if !strings.Contains(detail, "AADSTS") {
		t.Errorf("first read's error = %q, want Entra ID's refusal (AADSTS…)", detail)
	}
	if k := r.kinds(); k["token"] != 1 || k["read"] != 0 {
		t.Errorf("journal: %v, want exactly 1 token request and no Graph request", k)
	}
}
