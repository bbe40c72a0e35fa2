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
	o, err := parseFlags([]string{"-quick", "-out", out, "-latency", "20ms", "-fleet", "none"})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.ns) != 1 || o.ns[0] != 20 || o.reps != 1 || len(o.fleet) != 0 {
		t.Fatalf("-quick parsed as N=%v reps=%d", o.ns, o.reps)
	}
	// Only a hang should hit this bound: the run builds two providers and runs some 40 terraform commands, which
	// takes minutes on a loaded 2-core machine.
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Minute)
	defer cancel()
	res, err := run(ctx, o, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	rep := res.sizes

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
	// Graph requests are exact whatever the machine's speed, by the provider's design: a per-control refresh's first
	// read GETs its control and the rest come from one list page; a create lists once per process (plan and apply:
	// the plan checks the controls exist, and the apply's list also serves each per-control create its prior
	// decision), and an update lists only in the refresh, since the apply walk's plan finds every control in state;
	// an apply PATCHes only what changes and reads nothing back. N=20: 20 PATCHes on the first apply, 2 on the change.
	//
	// Token requests are exact only for the plugin processes that talk to Graph: each signs in once. A process
	// Terraform configures but gives nothing to do (the apply walk of apply -refresh-only, which writes nothing)
	// starts its sign-in when configured
	// and is stopped a few milliseconds later; whether that token request reaches the emulator first is a race the
	// machine's load decides. So such a process may add one token request, and nothing else.
	want := map[string]struct {
		talking, idle int // plugin processes that read or write, and configured ones that do neither
		graph         calls
	}{
		kindControls + " apply-create": {talking: 2, graph: calls{List: 2, Patch: 20}},
		kindControls + " plan-noop":    {talking: 1, graph: calls{List: 1, Get: 1}},
		kindControls + " apply-change": {talking: 2, graph: calls{List: 1, Get: 1, Patch: 2}},
		kindControls + " refresh-only": {talking: 1, idle: 1, graph: calls{List: 1, Get: 1}},
		kindBaseline + " apply-create": {talking: 2, graph: calls{List: 2, Patch: 20}},
		kindBaseline + " plan-noop":    {talking: 1, graph: calls{List: 1}},
		kindBaseline + " apply-change": {talking: 2, graph: calls{List: 1, Patch: 2}},
		kindBaseline + " refresh-only": {talking: 1, idle: 1, graph: calls{List: 1}},
	}
	rss := map[string]bool{}
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
		e, c := want[key], w.Calls
		graph := c
		graph.Token, graph.Requests = 0, 0
		if graph != e.graph || c.Requests != c.Token+c.List+c.Get+c.Patch {
			t.Errorf("%s: Graph calls %+v (requests %d in all), want %+v and token requests", key, graph, c.Requests, e.graph)
		}
		if c.Token < e.talking || c.Token > e.talking+e.idle {
			t.Errorf("%s: %d token requests, want %d (one per process that talks to Graph) plus at most %d (configured, idle)",
				key, c.Token, e.talking, e.idle)
		}
		// The request target counts one token per talking process; an idle process's sign-in, when it raced ahead
		// of its stop, is not the provider's Graph traffic.
		talking := c
		talking.Token, talking.Requests = e.talking, c.Requests-(c.Token-e.talking)
		if !requestsMet(w.Resource, w.Phase, w.N, talking) {
			t.Errorf("%s: requests %+v not within %d Graph requests + %d tokens", key, talking, graphTarget(w.Resource, w.Phase, w.N, e.talking), e.talking)
		}
		if c.Token > e.talking {
			t.Logf("%s: an idle process's sign-in reached the emulator (%d token requests); the report's target met: %v", key, c.Token, w.RequestsMet)
		}
		// Each process that talks opens at most the admission limit plus its token connection; an idle one may
		// connect and be stopped before its token request is journaled, so it counts whether or not it signed in.
		if most := connTarget(e.talking + e.idle); w.Conns < 1 || w.Conns > most || w.ConnsMax != connTarget(c.Token) {
			t.Errorf("%s: %d connections (report's target %d), want 1..%d and a target of %d", key, w.Conns, w.ConnsMax, most, connTarget(c.Token))
		}
		// Peak RSS is sampled every 20 ms, so a short-lived process can be missed on a loaded machine: each kind
		// needs one row where the watcher saw its plugin, which proves the measurement works.
		if w.PeakRSSKiB > 0 && w.Plugins > 0 {
			rss[w.Resource] = true
		}
	}
	for _, kind := range kinds {
		if !rss[kind] {
			t.Errorf("%s: no phase recorded a plugin process's peak RSS", kind)
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
