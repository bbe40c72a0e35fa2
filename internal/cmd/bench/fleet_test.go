package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestQuickFleetBench runs the fleet rows end to end at the smoke-test size (-quick: 3 tenants of 5 controls),
// both ways, and checks what is true whatever the machine's load: every request count is what the provider's
// design makes it (per tenant: one token per process that talks to it, its list pages; PATCHes exactly the
// controls that change), no 429, and the one-provider-block way never runs more than two plugin processes at once.
// Times are reported, never asserted.
func TestQuickFleetBench(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("the fleet benchmark smoke test builds the provider and runs terraform; set TF_ACC=1 (make test does)")
	}
	out := t.TempDir()
	o, err := parseFlags([]string{"-quick", "-fleet-only", "-out", out, "-latency", "20ms"})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.ns) != 0 || len(o.fleet) != 1 || o.fleet[0] != (fleetSize{3, 5}) {
		t.Fatalf("-quick -fleet-only parsed as N=%v fleet=%v", o.ns, o.fleet)
	}
	// Only a hang should hit this bound.
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Minute)
	defer cancel()
	res, err := run(ctx, o, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if res.sizes != nil {
		t.Error("-fleet-only measured the N rows too")
	}
	var got fleetReport
	b, err := os.ReadFile(filepath.Join(out, "fleet.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != 8 {
		t.Fatalf("fleet.json: %d rows, want 8 (4 phases x 2 ways)", len(got.Rows))
	}
	seen := map[string]bool{}
	for _, w := range got.Rows {
		key := w.Way + " " + w.Phase
		seen[key] = true
		if w.Tenants != 3 || w.Controls != 5 || w.TimeS <= 0 || w.FloorS <= 0 || w.BoundS <= 0 {
			t.Errorf("%s: size or timings missing: %+v", key, w)
		}
		if !w.Expected {
			e := fleetExpected(w.Way, w.Phase, fleetSize{3, 5})
			t.Errorf("%s: requests %+v, per tenant %+v; want per tenant %d-%d tokens and %d lists, %d PATCHes in all, no GET",
				key, w.Calls, w.PerTenant, e.tokensMin, e.tokensMax, e.lists, e.patches)
		}
		if w.Throttled != 0 {
			t.Errorf("%s: %d requests answered 429, want none", key, w.Throttled)
		}
		// The watcher can miss a process (it polls), never count one that is not there.
		if w.Way == wayTenantID && w.AtOnce > fleetMaxAtOnce {
			t.Errorf("%s: %d plugin processes at once, want at most %d", key, w.AtOnce, fleetMaxAtOnce)
		}
	}
	if len(seen) != 8 {
		t.Errorf("rows %v: want each way in each phase once", seen)
	}
	if p := rowOf(got.Rows, wayTenantID, "plan-noop").PerTenant; p != (spread{TokenMin: 1, TokenMax: 1, ListMin: 1, ListMax: 1}) {
		t.Errorf("a no-op plan of one provider block cost its tenants %+v, want 1 token and 1 list request each", p)
	}
	md, err := os.ReadFile(filepath.Join(out, "fleet.md"))
	if err != nil || string(md) != res.fleet.Markdown() {
		t.Errorf("fleet.md is missing or not the report (%v):\n%s", err, md)
	}
}

func rowOf(rows []fleetRow, way, phase string) fleetRow {
	for _, w := range rows {
		if w.Way == way && w.Phase == phase {
			return w
		}
	}
	return fleetRow{}
}

func TestFleetBound(t *testing.T) {
	const lat = 100 * time.Millisecond
	for _, c := range []struct {
		phase string
		size  fleetSize
		want  time.Duration
	}{
		{"plan-noop", fleetSize{500, 5}, 10 * time.Second},         // 50 rounds of token + list
		{"refresh-only", fleetSize{10, 5}, 200 * time.Millisecond}, // 1 round
		{"apply-create", fleetSize{500, 5}, 30 * time.Second},      // plan + 50 x (token + list + 2 PATCH rounds)
		{"apply-change", fleetSize{500, 5}, 25 * time.Second},      // plan + 50 x (token + list + 1)
		{"apply-create", fleetSize{100, 50}, 17 * time.Second},     // 10 x 2 + 10 x (2 + 13)
		{"plan-noop", fleetSize{11, 1001}, 600 * time.Millisecond}, // 2 rounds of token + 2 pages
	} {
		if got := fleetBound(c.phase, c.size, 10, lat); got != c.want {
			t.Errorf("fleetBound(%s, %s) = %s, want %s", c.phase, c.size, got, c.want)
		}
	}
}

func TestFleetAsExpected(t *testing.T) {
	size := fleetSize{3, 5}
	noop := fleetMeasured{calls: calls{Token: 3, List: 3}, perTenant: spread{1, 1, 1, 1}}
	for _, c := range []struct {
		name, way, phase string
		m                fleetMeasured
		want             bool
	}{
		{"one token and one list each", wayTenantID, "plan-noop", noop, true},
		{"a tenant signed in twice", wayTenantID, "plan-noop", fleetMeasured{calls: calls{Token: 4, List: 3}, perTenant: spread{1, 2, 1, 1}}, false},
		{"a tenant not read", wayTenantID, "plan-noop", fleetMeasured{calls: calls{Token: 3, List: 2}, perTenant: spread{1, 1, 0, 1}}, false},
		{"a GET", wayTenantID, "plan-noop", fleetMeasured{calls: calls{Token: 3, List: 3, Get: 1}, perTenant: spread{1, 1, 1, 1}}, false},
		{"an idle alias signed in", wayAliases, "refresh-only", fleetMeasured{calls: calls{Token: 4, List: 3}, perTenant: spread{1, 2, 1, 1}}, true},
		{"an idle provider block signed in", wayTenantID, "refresh-only", fleetMeasured{calls: calls{Token: 4, List: 3}, perTenant: spread{1, 2, 1, 1}}, false},
		{"the change", wayTenantID, "apply-change", fleetMeasured{calls: calls{Token: 6, List: 3, Patch: 3}, perTenant: spread{2, 2, 1, 1}}, true},
		{"a PATCH short", wayTenantID, "apply-change", fleetMeasured{calls: calls{Token: 6, List: 3, Patch: 2}, perTenant: spread{2, 2, 1, 1}}, false},
		{"the first apply", wayAliases, "apply-create", fleetMeasured{calls: calls{Token: 6, List: 6, Patch: 15}, perTenant: spread{2, 2, 2, 2}}, true},
	} {
		if got := asExpected(c.way, c.phase, size, c.m); got != c.want {
			t.Errorf("%s: asExpected = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestParseFleetSizes(t *testing.T) {
	got, err := parseFleetSizes(" 10,100x50 ,500")
	if err != nil || len(got) != 3 || got[0] != (fleetSize{10, 5}) || got[1] != (fleetSize{100, 50}) || got[2] != (fleetSize{500, 5}) {
		t.Fatalf("parseFleetSizes: %v, %v", got, err)
	}
	for _, none := range []string{"", "none"} {
		if got, err := parseFleetSizes(none); err != nil || got != nil {
			t.Errorf("parseFleetSizes(%q) = %v, %v; want no rows", none, got, err)
		}
	}
	for _, bad := range []string{"0", "x5", "10x", "10x0", "ten", "3000"} {
		if _, err := parseFleetSizes(bad); err == nil {
			t.Errorf("parseFleetSizes(%q) accepted", bad)
		}
	}
	o, err := parseFlags([]string{"-fleet", "10,100", "-fleet-only", "-fleet-ways", "tenant_id"})
	if err != nil || len(o.ns) != 0 || len(o.fleet) != 2 || len(o.fleetWays) != 1 || o.fleetWays[0] != wayTenantID {
		t.Fatalf("-fleet 10,100 -fleet-only -fleet-ways tenant_id: %+v, %v", o, err)
	}
	o, err = parseFlags(nil)
	if err != nil || len(o.fleet) != 5 || o.fleet[1] != (fleetSize{100, 5}) || o.fleet[2] != (fleetSize{100, 50}) || o.fleet[4] != (fleetSize{500, 5}) || len(o.fleetWays) != 2 {
		t.Fatalf("defaults: fleet %v ways %v (%v); want 10, 100, 100x50, 200, 500 both ways", o.fleet, o.fleetWays, err)
	}
	for _, bad := range [][]string{{"-fleet-ways", "modules"}, {"-fleet", "none", "-fleet-only"}, {"-fleet-ways", ""}} {
		if _, err := parseFlags(bad); err == nil {
			t.Errorf("parseFlags(%q) accepted", bad)
		}
	}
}
