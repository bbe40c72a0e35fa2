package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestQuickBench runs the harness end to end at the smoke-test size (-quick: N=20) and checks what it writes.
// Like acceptance tests it needs TF_ACC (make test sets it): it builds the provider and runs terraform.
func TestQuickBench(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("the benchmark smoke test builds the provider and runs terraform; set TF_ACC=1 (make test does)")
	}
	out := t.TempDir()
	o, err := parseFlags([]string{"-quick", "-out", out, "-latency", "20ms"})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.ns) != 1 || o.ns[0] != 20 || o.reps != 1 {
		t.Fatalf("-quick parsed as N=%v reps=%d", o.ns, o.reps)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	rep, err := run(ctx, o, io.Discard)
	if err != nil {
		t.Fatal(err)
	}

	var got report
	b, err := os.ReadFile(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != 8 || len(got.Samples) != 8 {
		t.Fatalf("results.json: %d rows and %d samples, want 8 and 8 (4 phases x 2 resources)", len(got.Rows), len(got.Samples))
	}
	// The calls are exact whatever the machine's speed, by the provider's design: each terraform command's plugin
	// process that is configured fetches one token, when configured; a per-control refresh's first read GETs its
	// control and the rest come from one list page; a create lists once per process (plan and apply: the plan checks
	// the controls exist, and the apply's list also serves each per-control create its prior decision), and an
	// update lists only in the refresh, since the apply walk's plan finds every control in state; an apply PATCHes
	// only what changes and reads nothing back. N=20: 20 PATCHes on the first apply, 2 on the change.
	want := map[string]calls{
		kindControls + " apply-create": {Token: 2, List: 2, Patch: 20},
		kindControls + " plan-noop":    {Token: 1, List: 1, Get: 1},
		kindControls + " apply-change": {Token: 2, List: 1, Get: 1, Patch: 2},
		kindControls + " refresh-only": {Token: 1, List: 1, Get: 1},
		kindBaseline + " apply-create": {Token: 2, List: 2, Patch: 20},
		kindBaseline + " plan-noop":    {Token: 1, List: 1},
		kindBaseline + " apply-change": {Token: 2, List: 1, Patch: 2},
		kindBaseline + " refresh-only": {Token: 1, List: 1},
	}
	for _, w := range got.Rows {
		key := w.Resource + " " + w.Phase
		if w.TimeS <= 0 || w.DataS <= 0 || !w.HasFloor || w.FloorS <= 0 || w.BoundS <= 0 || w.TimeRatio <= 0 {
			t.Errorf("%s: missing timings %+v", key, w)
		}
		if (w.Resource == kindControls) != (w.WideS > 0) {
			t.Errorf("%s: wide floor %.2f s, want one for the per-control resources only", key, w.WideS)
		}
		if w.Throttled != 0 {
			t.Errorf("%s: %d requests answered 429, want none", key, w.Throttled)
		}
		c := want[key]
		c.Requests = c.Token + c.List + c.Get + c.Patch
		if w.Calls != c || w.Requests != c.Requests || w.Talkers != c.Token {
			t.Errorf("%s: calls %+v (requests %d, talking processes %d), want %+v", key, w.Calls, w.Requests, w.Talkers, c)
		}
		if !w.RequestsMet {
			t.Errorf("%s: requests %+v not within %d Graph requests + %d tokens", key, w.Calls, w.GraphMax, tokenTarget(w))
		}
		if w.Conns < 1 || w.Conns > w.ConnsMax || !w.ConnsMet || w.ConnsMax != c.Token*5 {
			t.Errorf("%s: %d connections, target %d (met %v), want 1..%d", key, w.Conns, w.ConnsMax, w.ConnsMet, c.Token*5)
		}
		if w.PeakRSSKiB <= 0 || w.Plugins < w.Talkers {
			t.Errorf("%s: RSS %d KiB, %d plugin processes for %d talking", key, w.PeakRSSKiB, w.Plugins, w.Talkers)
		}
	}
	md, err := os.ReadFile(filepath.Join(out, "results.md"))
	if err != nil || !strings.Contains(string(md), "| 20 | refresh-only | baseline |") || string(md) != rep.Markdown() {
		t.Errorf("results.md is missing or incomplete (%v):\n%s", err, md)
	}
	svg, err := os.ReadFile(filepath.Join(out, "time-vs-n.svg"))
	if err != nil || !strings.HasPrefix(string(svg), "<svg") || !strings.Contains(string(svg), "terraform_data") ||
		!strings.Contains(string(svg), "securescore_baseline") {
		t.Errorf("time-vs-n.svg is missing or not an SVG plot of the baseline beside the rest (%v)", err)
	}
}

func TestBound(t *testing.T) {
	const lat = 100 * time.Millisecond
	for _, c := range []struct {
		phase string
		n     int
		want  time.Duration
	}{
		{"apply-create", 50, 1300 * time.Millisecond},  // ceil(50/4) = 13 rounds of 4 PATCHes
		{"apply-create", 1000, 25 * time.Second},       // 250 rounds
		{"plan-noop", 1000, 100 * time.Millisecond},    // one list page of 1000
		{"refresh-only", 1001, 200 * time.Millisecond}, // two pages
		{"apply-change", 300, 900 * time.Millisecond},  // one page + ceil(30/4) = 8 rounds
		{"apply-change", 1000, 2600 * time.Millisecond},
	} {
		if got := bound(c.phase, c.n, lat); got != c.want {
			t.Errorf("bound(%s, %d) = %s, want %s", c.phase, c.n, got, c.want)
		}
	}
}

func TestRequestTargets(t *testing.T) {
	for _, c := range []struct {
		kind, phase string
		n           int
		calls       calls
		met         bool
	}{
		{kindControls, "plan-noop", 300, calls{Requests: 3, Token: 1, List: 1, Get: 1}, true},
		{kindControls, "plan-noop", 300, calls{Requests: 4, Token: 1, List: 1, Get: 2}, false},                // a second GET
		{kindControls, "refresh-only", 1001, calls{Requests: 4, Token: 1, List: 2, Get: 1}, true},             // two pages
		{kindControls, "plan-noop", 300, calls{Requests: 6, Token: 2, List: 2, Get: 2}, true},                 // two processes read
		{kindControls, "apply-change", 300, calls{Requests: 35, Token: 2, List: 1, Get: 2, Patch: 30}, true},  // plan reads, apply writes
		{kindControls, "apply-change", 300, calls{Requests: 34, Token: 2, List: 1, Get: 1, Patch: 29}, false}, // a PATCH short
		{kindControls, "apply-create", 50, calls{Requests: 52, Token: 1, Patch: 50, Other: 1}, false},         // something else
		{kindControls, "apply-change", 300, calls{Requests: 35, Token: 2, List: 1, Patch: 31, GetAfterWrite: 1}, false},
		{kindBaseline, "plan-noop", 1000, calls{Requests: 2, Token: 1, List: 1}, true},
		{kindBaseline, "plan-noop", 1000, calls{Requests: 3, Token: 1, List: 1, Get: 1}, false}, // one read too many
		{kindBaseline, "refresh-only", 300, calls{Requests: 3, Token: 2, List: 1}, false},       // a second token
		{kindBaseline, "apply-create", 300, calls{Requests: 304, Token: 2, List: 2, Patch: 300}, true},
	} {
		if got := requestsMet(c.kind, c.phase, c.n, c.calls); got != c.met {
			t.Errorf("requestsMet(%s, %s, %d, %+v) = %v, want %v", c.kind, c.phase, c.n, c.calls, got, c.met)
		}
	}
	if got := connTarget(2); got != 10 {
		t.Errorf("connTarget(2) = %d, want 10: the admission limit and a token connection per process", got)
	}
}

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{"-n", "50, 200,1000", "-reps", "2", "-out", "x"})
	if err != nil || len(o.ns) != 3 || o.ns[2] != 1000 || o.reps != 2 || o.out != "x" || o.parallelism != 10 {
		t.Fatalf("parseFlags: %+v, %v", o, err)
	}
	if !o.phases["plan-noop"] || !o.phases["apply-change"] || !o.floors || o.latency != 100*time.Millisecond {
		t.Fatalf("defaults: phases %v, floors %v, latency %s: want every phase, the floors and 100ms", o.phases, o.floors, o.latency)
	}
	o, err = parseFlags([]string{"-phases", "plan-noop, refresh-only", "-floors=false"})
	if err != nil || !o.phases["plan-noop"] || !o.phases["refresh-only"] || o.phases["apply-create"] || o.phases["apply-change"] || o.floors {
		t.Fatalf("-phases plan-noop,refresh-only -floors=false: %+v, %v", o, err)
	}
	if o.ns[0] != 50 || o.ns[1] != 300 || o.ns[2] != 1000 {
		t.Fatalf("default N %v, want 50,300,1000", o.ns)
	}
	for _, bad := range [][]string{{"-n", "0"}, {"-n", "x"}, {"-reps", "0"}, {"extra"}, {"-phases", "plan"}, {"-latency", "-1s"}} {
		if _, err := parseFlags(bad); err == nil {
			t.Errorf("parseFlags(%q) accepted", bad)
		}
	}
}

func TestParseTFVersion(t *testing.T) {
	for _, tc := range []struct{ out, want string }{
		{`{"terraform_version":"1.11.4","platform":"linux_amd64"}`, "1.11.4"},
		{"There are some problems with the CLI configuration:\n\nError: x {bad}\n\n{\n  \"terraform_version\": \"1.11.4\"\n}\n", "1.11.4"},
		{"There are some problems with the CLI configuration", "(version unknown)"},
		{"", "(version unknown)"},
	} {
		if got := parseTFVersion(tc.out); got != tc.want {
			t.Errorf("parseTFVersion(%q) = %q, want %q", tc.out, got, tc.want)
		}
	}
}

func TestCLIName(t *testing.T) {
	for out, want := range map[string]string{
		"OpenTofu v1.12.6\non linux_amd64\n":  "OpenTofu",
		"Terraform v1.11.4\non linux_amd64\n": "terraform",
		"":                                    "terraform",
	} {
		if got := cliName(out); got != want {
			t.Errorf("cliName(%q) = %q, want %q", out, got, want)
		}
	}
}
