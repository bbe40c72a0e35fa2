package faultmatrix

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
	"github.com/securescore/terraform-provider-securescore/internal/tfharness"
)

const resourceType = "securescore_control_profile"

// profile is what the configuration asks of one control.
type profile struct {
	State, AssignedTo, Comment string
}

// rig is one test's emulator (behind a fault-adding wrapper on a loopback port) and terraform working directory.
type rig struct {
	t   *testing.T
	cfg emulator.Config
	emu *emulator.Emulator
	srv *tfharness.Server
	w   *wrapper
	dir string
	tf  *tfharness.Terraform
}

func requireAcc(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("fault-matrix tests drive terraform and a built provider; set TF_ACC=1 (make test does)")
	}
}

func newRig(t *testing.T, cfg emulator.Config) *rig {
	t.Helper()
	requireAcc(t)
	emu, err := emulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, emu: emu, cfg: emu.Config(), dir: t.TempDir(), w: &wrapper{emu: emu}}
	r.srv, err = tfharness.Serve(r.w, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.srv.Stop(5 * time.Second) })
	r.tf = &tfharness.Terraform{Bin: acc.Terraform,
		Env: acc.Install.Env(os.Environ(), tfharness.EmulatorEnv(r.srv.URL, r.cfg.TenantID, r.cfg.ClientID, r.cfg.ClientSecret)...)}
	if testing.Verbose() && os.Getenv("FAULTMATRIX_ECHO") != "" {
		r.tf.Echo = os.Stderr
	}
	return r
}

// restart stops the server as the emulator program does on SIGTERM, builds a new emulator from the state file
// and serves it on the same address.
func (r *rig) restart(stopped func()) {
	r.t.Helper()
	if err := r.srv.Stop(10 * time.Second); err != nil {
		r.t.Fatalf("stopping the emulator: %v", err)
	}
	if stopped != nil {
		stopped()
	}
	emu, err := emulator.New(r.cfg)
	if err != nil {
		r.t.Fatalf("restarting the emulator from %s: %v", r.cfg.StateFile, err)
	}
	r.emu, r.w = emu, &wrapper{emu: emu}
	r.srv, err = tfharness.Serve(r.w, r.srv.Addr)
	if err != nil {
		r.t.Fatalf("serving the restarted emulator on the same address: %v", err)
	}
}

// writeConfig writes main.tf: one resource per control (for_each), plus extra HCL inside the resource body.
func (r *rig) writeConfig(profiles map[string]profile, resetOnDestroy bool, resourceExtra string) {
	r.t.Helper()
	var b strings.Builder
	b.WriteString(tfharness.RequiredProviders(tfharness.ProviderSource))
	b.WriteString(`
provider "securescore" {}

locals {
  profiles = {
`)
	for _, id := range slices.Sorted(maps.Keys(profiles)) {
		p := profiles[id]
		fmt.Fprintf(&b, "    %q = { state = %q, assigned_to = %s, comment = %s }\n", id, p.State, hclString(p.AssignedTo), hclString(p.Comment))
	}
	fmt.Fprintf(&b, `  }
}

resource %q "p" {
  for_each         = local.profiles
  control_id       = each.key
  state            = each.value.state
  assigned_to      = each.value.assigned_to
  comment          = each.value.comment
  reset_on_destroy = %t
%s}
`, resourceType, resetOnDestroy, resourceExtra)
	if err := os.WriteFile(filepath.Join(r.dir, "main.tf"), []byte(b.String()), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// run runs terraform with a bound; a non-zero exit is returned in the result, not failed.
func (r *rig) run(timeout time.Duration, args ...string) *tfharness.Result {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	res, err := r.tf.Run(ctx, r.dir, args...)
	if res == nil {
		r.t.Fatalf("terraform %s: %v", strings.Join(args, " "), err)
	}
	if ctx.Err() != nil {
		r.t.Fatalf("terraform %s did not finish within %s:\n%s", strings.Join(args, " "), timeout, tailOf(res.Output))
	}
	return res
}

// mustRun runs terraform and fails the test on a non-zero exit.
func (r *rig) mustRun(timeout time.Duration, args ...string) {
	r.t.Helper()
	res := r.run(timeout, args...)
	if res.ExitCode != 0 {
		r.t.Fatalf("terraform %s: exit %d\n%s", strings.Join(args, " "), res.ExitCode, tailOf(res.Output))
	}
}

func (r *rig) init() {
	r.t.Helper()
	r.mustRun(2*time.Minute, "init", "-input=false", "-no-color")
}

// state is terraform's state: resources of resourceType keyed by control id.
func (r *rig) state() map[string]tfharness.StateResource {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := r.tf.Show(ctx, r.dir)
	if err != nil {
		r.t.Fatal(err)
	}
	return st.ByType(resourceType)
}

// stateSnapshot is every resource in state with all its values, as JSON (to prove a failed command left
// them untouched; terraform may still rewrite the file with a new serial).
func (r *rig) stateSnapshot() string {
	r.t.Helper()
	b, err := json.Marshal(r.state())
	if err != nil {
		r.t.Fatal(err)
	}
	return string(b)
}

// current is a profile's current state in the emulator: the newest controlStateUpdates entry.
func (r *rig) current(id string) (profile, int) {
	r.t.Helper()
	obj, ok := r.emu.ControlProfile(id)
	if !ok {
		r.t.Fatalf("emulator has no control profile %s", id)
	}
	ups, _ := obj["controlStateUpdates"].([]any)
	p := profile{State: "Default"}
	if len(ups) > 0 {
		last, _ := ups[len(ups)-1].(map[string]any)
		p.State, _ = last["state"].(string)
		p.AssignedTo, _ = last["assignedTo"].(string)
		p.Comment, _ = last["comment"].(string)
	}
	return p, len(ups)
}

// assertAgree proves that every resource in state matches the emulator (state, assignee, comment and the
// length of the update history), and that state holds exactly the controls in want, with those values.
func (r *rig) assertAgree(want map[string]profile) {
	r.t.Helper()
	st := r.state()
	if len(st) != len(want) {
		r.t.Errorf("state holds %d %s resources, want %d", len(st), resourceType, len(want))
	}
	bad := 0
	for id, res := range st {
		got := profile{State: str(res.Values["state"]), AssignedTo: str(res.Values["assigned_to"]), Comment: str(res.Values["comment"])}
		svc, n := r.current(id)
		if got != svc {
			bad++
			if bad <= 5 {
				r.t.Errorf("%s: state %+v, emulator %+v", res.Address, got, svc)
			}
		}
		if ups, ok := res.Values["control_state_updates"].([]any); ok && len(ups) != n {
			bad++
			if bad <= 5 {
				r.t.Errorf("%s: state has %d control_state_updates, emulator %d", res.Address, len(ups), n)
			}
		}
		if w, ok := want[id]; !ok {
			r.t.Errorf("%s is in state but not expected", res.Address)
		} else if w != got {
			r.t.Errorf("%s: state %+v, configuration %+v", res.Address, got, w)
		}
	}
	if bad > 5 {
		r.t.Errorf("... %d disagreements in all", bad)
	}
}

// hclString is a quoted HCL string, or null for "" (the resource refuses empty strings).
func hclString(s string) string {
	if s == "" {
		return "null"
	}
	return fmt.Sprintf("%q", s)
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// writes returns the ids PATCHed with a 2xx answer in the journal, and how often each was PATCHed at all.
func writes(j []emulator.JournalEntry) (landed map[string]bool, attempts map[string]int) {
	landed, attempts = map[string]bool{}, map[string]int{}
	for _, e := range j {
		if e.Kind != "write" {
			continue
		}
		id := e.Path[strings.LastIndexByte(e.Path, '/')+1:]
		attempts[id]++
		if e.Status >= 200 && e.Status < 300 {
			landed[id] = true
		}
	}
	return landed, attempts
}

// anyStatus counts entries whatever their status (0 is a dropped connection).
const anyStatus = -1

func countKind(j []emulator.JournalEntry, kind string, status int) int {
	n := 0
	for _, e := range j {
		if e.Kind == kind && (status == anyStatus || e.Status == status) {
			n++
		}
	}
	return n
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func tailOf(s string) string {
	if len(s) > 6000 {
		return "...\n" + s[len(s)-6000:]
	}
	return s
}

// synthetic returns n profiles SyntheticControl0001.. with the given values.
func synthetic(n int, p profile) map[string]profile {
	out := make(map[string]profile, n)
	for i := 1; i <= n; i++ {
		out[fmt.Sprintf("SyntheticControl%04d", i)] = p
	}
	return out
}

// wrapper adds what the emulator's own faults do not: a random Retry-After per 429, and replies whose body is
// syntactically broken JSON (the emulator's MalformedJSON truncates instead).
type wrapper struct {
	emu            *emulator.Emulator
	randRetryAfter atomic.Bool  // 429s carry a Retry-After drawn from 0.1–1 s
	garble         atomic.Int32 // the next N Graph requests are answered 200 with broken JSON (after the emulator handled them)
	gate           atomic.Pointer[writeGate]
	mu             sync.Mutex
	retryAfters    []string
}

// writeGate lets a number of PATCHes through to the emulator and holds every later one, never forwarding it,
// until its client goes away: a test then knows exactly which writes landed. After markLate, a PATCH is
// counted as late and forwarded, as the service would answer it, so that a provider that still writes does not
// also wait out its attempt timeouts.
type writeGate struct {
	pass     int64
	seen     atomic.Int64 // PATCHes that reached the gate
	holding  atomic.Int64 // PATCHes held now
	lateMode atomic.Bool
	late     atomic.Int64 // PATCHes that reached the gate after markLate
	released chan struct{}
}

func (g *writeGate) markLate() { g.lateMode.Store(true) }

// holdWritesAfter installs a gate that passes n PATCHes; openWrites removes it and fails what it still holds.
func (w *wrapper) holdWritesAfter(n int64) *writeGate {
	g := &writeGate{pass: n, released: make(chan struct{})}
	w.gate.Store(g)
	return g
}

func (w *wrapper) openWrites() {
	if g := w.gate.Swap(nil); g != nil {
		close(g.released)
	}
}

// hold keeps a PATCH from the emulator until its client gives up or the gate opens; either way the answer is a
// 503 that says nothing landed (an empty handler return would be a 200).
func (g *writeGate) hold(rw http.ResponseWriter, req *http.Request) {
	g.holding.Add(1)
	defer g.holding.Add(-1)
	select {
	case <-req.Context().Done():
	case <-g.released:
	}
	http.Error(rw, "held by the test's write gate", http.StatusServiceUnavailable)
}

func (w *wrapper) ServeHTTP(rw http.ResponseWriter, req *http.Request) {
	if g := w.gate.Load(); g != nil && req.Method == http.MethodPatch && g.seen.Add(1) > g.pass {
		if !g.lateMode.Load() {
			g.hold(rw, req)
			return
		}
		g.late.Add(1)
	}
	graphRequest := !strings.Contains(req.URL.Path, "/oauth2/") && !strings.HasPrefix(req.URL.Path, "/_emulator")
	if graphRequest && w.garble.Load() > 0 && w.garble.Add(-1) >= 0 {
		rec := httptest.NewRecorder()
		w.emu.ServeHTTP(rec, req)
		rw.Header().Set("Content-Type", "application/json")
		rw.WriteHeader(http.StatusOK)
		_, _ = rw.Write([]byte(`{"@odata.context":"x","id":"SyntheticControl0001" "controlStateUpdates":[{"state":}],}`))
		return
	}
	if w.randRetryAfter.Load() {
		rw = &retryAfterWriter{ResponseWriter: rw, w: w}
	}
	w.emu.ServeHTTP(rw, req)
}

type retryAfterWriter struct {
	http.ResponseWriter
	w *wrapper
}

func (rw *retryAfterWriter) WriteHeader(code int) {
	if code == http.StatusTooManyRequests {
		v := fmt.Sprintf("%.2f", 0.1+0.9*rand.Float64())
		rw.Header().Set("Retry-After", v)
		rw.w.mu.Lock()
		rw.w.retryAfters = append(rw.w.retryAfters, v)
		rw.w.mu.Unlock()
	}
	rw.ResponseWriter.WriteHeader(code)
}

// Unwrap exposes the underlying writer to http.ResponseController.
func (rw *retryAfterWriter) Unwrap() http.ResponseWriter { return rw.ResponseWriter }
