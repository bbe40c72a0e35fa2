package faultmatrix

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// brokenBody is one way a response can be unusable, and what the error must say.
type brokenBody struct {
	name   string
	inject func(r *rig)
	says   *regexp.Regexp
}

var brokenBodies = []brokenBody{
	{"malformed", func(r *rig) { r.w.garble.Store(1) }, regexp.MustCompile(`(?i)decode|invalid character`)},
	{"truncated", func(r *rig) { r.emu.SetFaults(emulator.Faults{MalformedJSON: 1}) }, regexp.MustCompile(`(?i)decode|unexpected end`)},
	{"html", func(r *rig) { r.emu.SetFaults(emulator.Faults{HTMLError: 1}) }, regexp.MustCompile(`502`)},
	{"oversized", func(r *rig) { r.emu.SetFaults(emulator.Faults{OversizedBody: 1}) }, regexp.MustCompile(`(?i)too large`)},
}

// Malformed, truncated, HTML and oversized bodies on every operation (create, read, update, delete). A read (a
// create's first request is the listing its plan checks the control against), or a write the service refused (the
// HTML 502), fails with a clear error naming the resource and leaves state untouched. A write answered 2xx has landed even though its body is unusable: terraform succeeds with a warning
// naming the resource and what did not decode, and state records the change (issue 12, Medium 5). Either way a
// clean apply afterwards converges with the emulator.
func TestBrokenBodiesOnEveryOperation(t *testing.T) {
	r := newRig(t, emulator.Config{ControlProfiles: len(brokenBodies)})
	cfg := map[string]profile{}
	r.writeConfig(cfg, true, "")
	r.init()
	noRefresh := args("-refresh=false")
	address := regexp.MustCompile(`securescore_control_profile\.p\["SyntheticControl\d{4}"\]`)

	for i, b := range brokenBodies {
		cid := fmt.Sprintf("SyntheticControl%04d", i+1)
		check := func(op string, exit int, out, stateBefore string) {
			t.Helper()
			// A create reads before it writes (its plan checks that the tenant has the control, from the listing),
			// so the broken answer is that read's: the plan fails and nothing is written, as for a read.
			landed := op != "read" && op != "create" && b.name != "html"
			switch {
			case landed && exit != 0:
				t.Errorf("%s / %s: terraform failed although the write landed:\n%s", b.name, op, tailOf(out))
			case landed && !strings.Contains(out, "response did not decode"):
				t.Errorf("%s / %s: no warning that the answer did not decode:\n%s", b.name, op, tailOf(out))
			case !landed && exit == 0:
				t.Errorf("%s / %s: terraform succeeded despite the broken body", b.name, op)
			}
			if !b.says.MatchString(out) || (op != "read" && !address.MatchString(out)) {
				t.Errorf("%s / %s: the message is not clear (want %s and the resource address):\n%s", b.name, op, b.says, tailOf(out))
			}
			if after := r.stateSnapshot(); !landed && after != stateBefore {
				t.Errorf("%s / %s: terraform state changed although the operation failed", b.name, op)
			} else if landed && after == stateBefore {
				t.Errorf("%s / %s: the write landed but state did not record it", b.name, op)
			}
			if f := r.emu.Faults(); f.MalformedJSON+f.HTMLError+f.OversizedBody+int(r.w.garble.Load()) > 0 {
				t.Errorf("%s / %s: the fault was not consumed, so the operation never met it", b.name, op)
			}
			r.w.garble.Store(0)
			r.emu.SetFaults(emulator.Faults{})
		}

		// create
		cfg[cid] = profile{State: "Reviewed", AssignedTo: "owner@contoso.onmicrosoft.com", Comment: "v1 " + b.name}
		r.writeConfig(cfg, true, "")
		before := r.stateSnapshot()
		b.inject(r)
		res := r.run(2*time.Minute, noRefresh...)
		check("create", res.ExitCode, res.Output, before)
		r.mustRun(2*time.Minute, applyArgs...)
		r.assertAgree(cfg)

		// read (the refresh of a plan)
		before = r.stateSnapshot()
		b.inject(r)
		res = r.run(2*time.Minute, "plan", "-input=false", "-no-color")
		check("read", res.ExitCode, res.Output, before)

		// update
		cfg[cid] = profile{State: "Ignored", Comment: "v2 " + b.name}
		r.writeConfig(cfg, true, "")
		before = r.stateSnapshot()
		b.inject(r)
		res = r.run(2*time.Minute, noRefresh...)
		check("update", res.ExitCode, res.Output, before)
		r.mustRun(2*time.Minute, applyArgs...)
		r.assertAgree(cfg)

		// delete (reset_on_destroy PATCHes the control back to Default)
		delete(cfg, cid)
		r.writeConfig(cfg, true, "")
		before = r.stateSnapshot()
		b.inject(r)
		res = r.run(2*time.Minute, noRefresh...)
		check("delete", res.ExitCode, res.Output, before)
		r.mustRun(2*time.Minute, applyArgs...)
		r.assertAgree(cfg)
		if p, _ := r.current(cid); p.State != "Default" {
			t.Errorf("%s / delete: %s is %s in the emulator after the destroy, want Default", b.name, cid, p.State)
		}
	}
}
