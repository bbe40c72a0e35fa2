package faultmatrix

import (
	"fmt"
	"iter"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
	"github.com/securescore/terraform-provider-securescore/internal/tfharness"
)

// second is another terraform working directory against the same emulator, with extra environment.
func (r *rig) second(extraEnv ...string) *rig {
	r2 := *r
	r2.dir = r.t.TempDir()
	r2.tf = &tfharness.Terraform{Bin: r.tf.Bin, Env: append(append([]string{}, r.tf.Env...), extraEnv...), Echo: r.tf.Echo}
	return &r2
}

// pickRange returns the profiles of want whose ids are in [from, to) of SyntheticControlNNNN.
func pickRange(want map[string]profile, from, to int) map[string]profile {
	out := map[string]profile{}
	for id, p := range want {
		var n int
		if _, err := fmt.Sscanf(id, "SyntheticControl%04d", &n); err == nil && n >= from && n < to {
			out[id] = p
		}
	}
	return out
}

// Two terraform applies against the same tenant at the same time: two plugin processes share Graph's 4 request
// slots of the app. Both succeed and state matches the emulator. With max_concurrent_requests = 2 each (the
// documented way to split the budget) no request is refused at all.
func TestTwoAppliesShareTheBudget(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  []string
	}{
		{"default", nil},
		{"split", []string{"ARM_MAX_CONCURRENT_REQUESTS=2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, emulator.Config{ControlProfiles: 80})
			r.emu.SetFaults(emulator.Faults{Latency: 50 * time.Millisecond})
			all := synthetic(80, profile{State: "ThirdParty", Comment: "two pipelines"})
			one, two := r.second(tc.env...), r.second(tc.env...)
			wantOne, wantTwo := pickRange(all, 1, 41), pickRange(all, 41, 81)
			one.writeConfig(wantOne, false, "")
			two.writeConfig(wantTwo, false, "")
			one.init()
			two.init()

			var wg sync.WaitGroup
			for _, x := range []*rig{one, two} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res := x.run(4*time.Minute, args()...)
					if res.ExitCode != 0 {
						t.Errorf("apply in %s: exit %d\n%s", x.dir, res.ExitCode, tailOf(res.Output))
					}
				}()
			}
			wg.Wait()
			refused := r.emu.LimitRefusals()
			t.Logf("429s by limit: %v; PATCHes answered 2xx: %d", refused, countKind(r.emu.Journal(), "write", 204)+countKind(r.emu.Journal(), "write", 200))
			one.assertAgree(wantOne)
			two.assertAgree(wantTwo)
			if tc.env != nil && len(refused) > 0 {
				t.Errorf("with the budget split in two, Graph refused %v", refused)
			}
			if landed, _ := writes(r.emu.Journal()); len(landed) != 80 {
				t.Errorf("%d controls changed, want 80", len(landed))
			}
		})
	}
}

// Graph's 10-minute request window runs out in the middle of an apply (here 30 requests per 10 s): the provider
// waits out the Retry-After with an INFO line, and the apply succeeds.
func TestRequestWindowExhaustedWaitFits(t *testing.T) {
	r := newRig(t, emulator.Config{ControlProfiles: 40, Limits: emulator.Limits{Window: emulator.Rate{N: 30, Per: 10 * time.Second}}})
	want := synthetic(40, profile{State: "Reviewed", Comment: "window"})
	r.writeConfig(want, false, "")
	r.init()
	r.tf.Env = append(r.tf.Env, "TF_LOG_PROVIDER=INFO")
	res := r.run(3*time.Minute, args()...)
	if res.ExitCode != 0 {
		t.Fatalf("apply: exit %d\n%s", res.ExitCode, tailOf(res.Output))
	}
	refused := r.emu.LimitRefusals()
	if refused[emulator.LimitWindow] == 0 {
		t.Fatalf("the window never ran out (429s %v); the test proves nothing", refused)
	}
	if !strings.Contains(res.Output, "[INFO]") || !strings.Contains(res.Output, "for Graph's Secure Score request budget (HTTP 429 Retry-After)") {
		t.Errorf("no INFO line about the wait:\n%s", tailOf(grepLines(res.Output, "waiting")))
	}
	t.Logf("apply took %s; 429s by limit %v", res.Duration.Round(time.Millisecond), refused)
	r.assertAgree(want)
}

// The window runs out and the wait does not fit the 5 s create timeout: the apply fails at once with an error
// naming the limit, and every change that landed is in state.
func TestRequestWindowExhaustedWaitDoesNotFit(t *testing.T) {
	r := newRig(t, emulator.Config{ControlProfiles: 40, Limits: emulator.Limits{Window: emulator.Rate{N: 30, Per: 10 * time.Minute}}})
	want := synthetic(40, profile{State: "Ignored", Comment: "window too long"})
	r.writeConfig(want, false, "  timeouts {\n    create = \"5s\"\n  }\n")
	r.init()
	start := time.Now()
	res := r.run(2*time.Minute, args()...)
	if res.ExitCode == 0 {
		t.Fatalf("apply succeeded although the window was spent for 10 minutes:\n%s", tailOf(res.Output))
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("apply took %s to fail; the wait does not fit, so it should fail at once", took)
	}
	flat := strings.Join(strings.Fields(res.Output), " ") // terraform wraps long error lines
	if !strings.Contains(flat, "HTTP 429") || !strings.Contains(flat, "exceeded 30 requests per 10m") || !strings.Contains(flat, "remain before the deadline") {
		t.Errorf("the error does not name the limit:\n%s", tailOf(res.Output))
	}
	landed, _ := writes(r.emu.Journal())
	if len(landed) == 0 || len(landed) == 40 {
		t.Fatalf("%d changes landed; want some but not all", len(landed))
	}
	st := r.state()
	for id := range landed {
		if _, ok := st[id]; !ok {
			t.Errorf("%s: its PATCH landed but it is not in state", id)
		}
	}
	r.assertAgree(pickKeys(want, maps.Keys(st)))
	t.Logf("%d of 40 changes landed and are in state; 429s by limit %v", len(landed), r.emu.LimitRefusals())
}

// pickKeys returns the profiles of want with the given ids.
func pickKeys(want map[string]profile, ids iter.Seq[string]) map[string]profile {
	out := map[string]profile{}
	for id := range ids {
		out[id] = want[id]
	}
	return out
}

// grepLines returns the lines of s that contain sub.
func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
