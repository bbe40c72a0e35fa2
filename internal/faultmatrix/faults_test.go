package faultmatrix

import (
	"encoding/json"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
	"github.com/securescore/terraform-provider-securescore/internal/graph"
	"github.com/securescore/terraform-provider-securescore/internal/tfharness"
)

var applyArgs = []string{"apply", "-auto-approve", "-input=false", "-no-color"}

func args(extra ...string) []string { return append(append([]string{}, applyArgs...), extra...) }

// 30% of Graph requests answered 429 with a Retry-After of 0.1–1 s during an apply of 200 profiles: the apply
// succeeds and every resource is in state.
func TestThrottledApply200(t *testing.T) {
	r := newRig(t, emulator.Config{ControlProfiles: 200})
	want := synthetic(200, profile{State: "ThirdParty", AssignedTo: "secops@contoso.onmicrosoft.com", Comment: "throttled"})
	r.writeConfig(want, false, "")
	r.init()
	r.w.randRetryAfter.Store(true)
	r.emu.SetFaults(emulator.Faults{ThrottleRate: 0.3})
	r.mustRun(4*time.Minute, args()...)
	r.emu.SetFaults(emulator.Faults{})

	j := r.emu.Journal()
	throttled, ok := countKind(j, "write", 429), countKind(j, "write", 200)
	t.Logf("PATCH: %d answered 429, %d succeeded; Retry-After values sent: %d", throttled, ok, len(r.w.retryAfters))
	if throttled < 20 {
		t.Errorf("only %d PATCHes were throttled; the fault did not bite", throttled)
	}
	if ok != 200 {
		t.Errorf("%d PATCHes succeeded, want exactly 200 (one per resource)", ok)
	}
	r.assertAgree(want)
}

// A PATCH applied by the service whose response is lost (connection closed): the client does not re-send it
// (each control-profile PATCH adds a controlStateUpdates entry) but reads the profile, sees the change landed and
// keeps it. The apply ends right, state matches the service, and every control has exactly one new entry.
func TestPatchResponseLost(t *testing.T) {
	r := newRig(t, emulator.Config{ControlProfiles: 20})
	want := synthetic(20, profile{State: "Reviewed", Comment: "lost response"})
	entries := map[string]int{}
	for id := range want {
		_, entries[id] = r.current(id)
	}
	r.writeConfig(want, false, "")
	r.init()
	r.emu.SetFaults(emulator.Faults{DropAfterWrite: 5})
	r.mustRun(2*time.Minute, args()...)

	j := r.emu.Journal()
	dropped := countKind(j, "write", 0)
	if dropped != 5 {
		t.Errorf("%d PATCH responses were dropped, want 5", dropped)
	}
	if got := countKind(j, "write", 200); got != 15 {
		t.Errorf("%d PATCHes answered 200, want 15: the 5 dropped ones had landed and must not be re-sent", got)
	}
	for id, before := range entries {
		if _, n := r.current(id); n != before+1 {
			t.Errorf("%s: %d controlStateUpdates entries, want %d (one per PATCH that landed)", id, n, before+1)
		}
	}
	r.assertAgree(want)
	if res := r.run(2*time.Minute, "plan", "-detailed-exitcode", "-input=false", "-no-color"); res.ExitCode != 0 {
		t.Errorf("plan after the apply: exit %d, want 0 (no changes)\n%s", res.ExitCode, tailOf(res.Output))
	}
}

// The emulator stopped in the middle of an apply of 200, then restarted from its state file: the failed
// resources report clear errors, the finished ones are in state, and a second apply converges without
// PATCHing any control whose change had already landed.
func TestEmulatorRestartMidApply(t *testing.T) {
	stateFile := t.TempDir() + "/emulator-state.json"
	r := newRig(t, emulator.Config{ControlProfiles: 200, StateFile: stateFile})
	want := synthetic(200, profile{State: "Ignored", Comment: "restart"})
	r.writeConfig(want, false, "")
	r.init()
	r.emu.SetFaults(emulator.Faults{Latency: 40 * time.Millisecond})

	p, err := r.tf.Start(t.Context(), r.dir, args()...)
	if err != nil {
		t.Fatal(err)
	}
	first := r.emu
	waitFor(t, 2*time.Minute, "60 PATCHes to land", func() bool { return countKind(first.Journal(), "write", 200) >= 60 })
	var landed map[string]bool
	r.restart(func() {
		// Stopped: wait for terraform to give up on the rest before the service comes back.
		res, _ := p.Wait()
		if res.ExitCode == 0 {
			t.Fatalf("apply succeeded although the emulator was stopped mid-way:\n%s", tailOf(res.Output))
		}
		if !strings.Contains(res.Output, "connection refused") || !regexp.MustCompile(`securescore_control_profile\.p\["SyntheticControl\d{4}"\]`).MatchString(res.Output) {
			t.Errorf("the failed apply does not name the resources and the cause (connection refused):\n%s", tailOf(res.Output))
		}
		landed, _ = writes(first.Journal())
		t.Logf("%d of 200 changes landed before the stop; terraform exited %d", len(landed), res.ExitCode)
	})

	st := r.state()
	if len(st) != len(landed) {
		t.Errorf("state holds %d resources, but %d changes landed", len(st), len(landed))
	}
	for id := range landed {
		if _, ok := st[id]; !ok {
			t.Errorf("%s: its PATCH landed but it is not in state", id)
		}
	}
	partial := map[string]profile{}
	for id := range st {
		partial[id] = want[id]
	}
	r.assertAgree(partial)

	r.mustRun(3*time.Minute, args()...)
	_, again := writes(r.emu.Journal())
	for id := range again {
		if landed[id] {
			t.Errorf("%s was PATCHed again although its change had landed before the stop", id)
		}
	}
	if len(again) != 200-len(landed) {
		t.Errorf("the second apply PATCHed %d controls, want %d", len(again), 200-len(landed))
	}
	r.assertAgree(want)
}

// SIGINT to terraform during an apply of 200: the provider starts no PATCH after it, exits, and every change it
// had received the answer to is in state.
//
// The interruption comes at a known point rather than after a guessed delay: the gate lets 40 PATCHes through to
// the emulator and holds every later one. Once the provider's every request slot (graph.MaxConcurrentRequests) is
// taken by a held PATCH, the 40 answers have been read (a slot is freed when its response body is closed) and no
// further PATCH can start until the provider gives up a held one, which it does only when told to stop. So, on a
// machine of any speed: exactly 40 changes landed before the signal and all must be in state, and a PATCH that
// reaches the gate after the signal is new work started after the stop (the gate lets it land, as the service
// would, and it must be in state too).
func TestInterruptApply200(t *testing.T) {
	r := newRig(t, emulator.Config{ControlProfiles: 200})
	want := synthetic(200, profile{State: "ThirdParty", Comment: "interrupted"})
	r.writeConfig(want, false, "")
	r.init()
	const landing = 40
	gate := r.w.holdWritesAfter(landing)
	t.Cleanup(r.w.openWrites) // before the server stops, so that nothing held delays it

	p, err := r.tf.Start(t.Context(), r.dir, args()...)
	if err != nil {
		t.Fatal(err)
	}
	// The bounds of these waits only catch a hang; the conditions do not depend on the machine's speed.
	waitFor(t, 5*time.Minute, "every request slot to hold a PATCH", func() bool { return gate.holding.Load() == graph.MaxConcurrentRequests })
	if len(tfharness.ProviderPIDs(p.Pid())) == 0 {
		t.Fatal("no provider process found below terraform")
	}
	sent := time.Now()
	gate.markLate()
	if err := p.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Minute, "the provider to exit", func() bool { return len(tfharness.ProviderPIDs(p.Pid())) == 0 })
	stopped := time.Since(sent)
	res, _ := p.Wait()
	t.Logf("provider gone %s after SIGINT, terraform exited %d after %s", stopped.Round(time.Millisecond), res.ExitCode, time.Since(sent).Round(time.Millisecond))
	// Terraform can still call ApplyResourceChange just after StopProvider (a TRACE log showed one 36 ms later), and
	// terraform-plugin-go cancels only the calls in flight at the stop: a provider that starts that write anyway
	// sends a PATCH after Ctrl-C, which here waits at the gate for the attempt timeouts.
	late := gate.late.Load()
	if late != 0 {
		t.Errorf("%d PATCHes started after SIGINT, want none: a write Terraform asks for after StopProvider must not "+
			"be started", late)
	}
	if res.ExitCode == 0 {
		t.Errorf("terraform exited 0 after SIGINT mid-apply")
	}

	landed, _ := writes(r.emu.Journal())
	if len(landed) != landing+int(late) {
		t.Errorf("%d PATCHes landed, want the %d the gate let through before SIGINT and the %d after", len(landed), landing, late)
	}
	st := r.state()
	for id := range landed {
		if _, ok := st[id]; !ok {
			t.Errorf("%s: its PATCH was answered, but it is not in state", id)
		}
	}
	partial := map[string]profile{}
	for id := range st {
		partial[id] = want[id]
	}
	r.assertAgree(partial)
	t.Logf("%d changes landed, %d resources in state", len(landed), len(st))

	r.w.openWrites()
	r.mustRun(3*time.Minute, args()...)
	r.assertAgree(want)
}

// A Retry-After longer than the operation's timeout: a clear error at once, not a hang, and nothing changed.
func TestRetryAfterBeyondTimeout(t *testing.T) {
	r := newRig(t, emulator.Config{ControlProfiles: 3})
	want := synthetic(3, profile{State: "Reviewed", Comment: "timeout"})
	r.writeConfig(want, false, "  timeouts {\n    create = \"5s\"\n  }\n")
	r.init()
	before := map[string]string{}
	for id := range want {
		obj, _ := r.emu.ControlProfile(id)
		b, _ := json.Marshal(obj)
		before[id] = string(b)
	}
	r.emu.SetFaults(emulator.Faults{Throttle: 1000, RetryAfter: "120"})
	start := time.Now()
	res := r.run(2*time.Minute, args()...)
	took := time.Since(start)
	if res.ExitCode == 0 {
		t.Fatalf("apply succeeded under a 120 s Retry-After with a 5 s timeout:\n%s", tailOf(res.Output))
	}
	if took > 20*time.Second {
		t.Errorf("apply took %s to fail; the 120 s Retry-After should fail at once", took)
	}
	if !regexp.MustCompile(`(?i)retry.?after|retry wait`).MatchString(res.Output) || !strings.Contains(res.Output, "429") {
		t.Errorf("the error does not explain the throttling and the wait:\n%s", tailOf(res.Output))
	}
	// A create's first request is the listing its plan checks the controls against (bounded by the create's
	// timeout too): never retried, at most one per resource (the three share a list in flight; one that starts
	// after a failed list makes its own), and so nothing written.
	if n, w := countKind(r.emu.Journal(), "read", anyStatus), countKind(r.emu.Journal(), "write", anyStatus); n < 1 || n > 3 || w != 0 {
		t.Errorf("%d reads and %d PATCH attempts, want 1 to 3 list attempts (one per resource at most, none retried) and no PATCH", n, w)
	}
	r.emu.SetFaults(emulator.Faults{})
	r.assertAgree(map[string]profile{})
	for id := range want {
		obj, _ := r.emu.ControlProfile(id)
		if b, _ := json.Marshal(obj); string(b) != before[id] {
			t.Errorf("%s changed in the emulator:\nbefore %s\nafter  %s", id, before[id], b)
		}
	}
}

// Tokens that expire during a long run are refreshed with no failure: a 2 s token lifetime (refreshed at half
// life) and, midway, every issued token revoked at once.
func TestTokensExpireDuringRun(t *testing.T) {
	r := newRig(t, emulator.Config{ControlProfiles: 200, TokenLifetime: 2 * time.Second})
	want := synthetic(200, profile{State: "ThirdParty", Comment: "tokens"})
	r.writeConfig(want, false, "")
	r.init()
	lat := emulator.Faults{Latency: 40 * time.Millisecond}
	r.emu.SetFaults(lat)
	p, err := r.tf.Start(t.Context(), r.dir, args()...)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 2*time.Minute, "100 PATCHes to land", func() bool { return countKind(r.emu.Journal(), "write", 200) >= 100 })
	revoke := lat
	revoke.ExpireTokensNow = true
	r.emu.SetFaults(revoke)
	res, err := p.Wait()
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("apply failed while tokens expired: %v\n%s", err, tailOf(res.Output))
	}
	j := r.emu.Journal()
	tokens, rejected := countKind(j, "token", 200), countKind(j, "write", 401)
	t.Logf("%d token requests, %d PATCHes rejected with 401 and retried", tokens, rejected)
	if tokens < 2 {
		t.Errorf("%d token requests; the token was never refreshed", tokens)
	}
	r.emu.SetFaults(emulator.Faults{})
	r.assertAgree(want)
	if res := r.run(2*time.Minute, "plan", "-detailed-exitcode", "-input=false", "-no-color"); res.ExitCode != 0 {
		t.Errorf("plan after the apply: exit %d, want 0 (no changes)\n%s", res.ExitCode, tailOf(res.Output))
	}
}
