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
	if len(got.Rows) != 4 || len(got.Samples) != 8 {
		t.Fatalf("results.json: %d rows and %d samples, want 4 and 8", len(got.Rows), len(got.Samples))
	}
	for _, w := range got.Rows {
		if w.ProviderS <= 0 || w.BaselineS <= 0 || w.LatencyProviderS <= 0 || w.BoundS <= 0 {
			t.Errorf("%s: missing timings %+v", w.Phase, w)
		}
		// The call counts are exact whatever the machine's speed: the harness must count them right, and the
		// provider must make them (the benchmark's call targets).
		if !w.CallsMet {
			t.Errorf("%s: calls %+v (plugins %d), want reads of %d profiles in ≤1 GET + 1 list page per plugin, PATCH=%d, nothing else, no GET after a write, ≤1 token per plugin",
				w.Phase, w.Calls, w.Plugins, w.WantGet, w.WantPatch)
		}
		if w.PeakRSSKiB <= 0 {
			t.Errorf("%s: no provider RSS recorded", w.Phase)
		}
	}
	md, err := os.ReadFile(filepath.Join(out, "results.md"))
	if err != nil || !strings.Contains(string(md), "| 20 | refresh-only |") || string(md) != rep.Markdown() {
		t.Errorf("results.md is missing or incomplete (%v):\n%s", err, md)
	}
	svg, err := os.ReadFile(filepath.Join(out, "time-vs-n.svg"))
	if err != nil || !strings.HasPrefix(string(svg), "<svg") || !strings.Contains(string(svg), "terraform_data") {
		t.Errorf("time-vs-n.svg is missing or not an SVG plot (%v)", err)
	}
}

func TestBound(t *testing.T) {
	for _, c := range []struct {
		phase string
		n     int
		want  time.Duration
	}{
		{"apply-create", 50, 100 * time.Millisecond},    // 5 waves x 1 PATCH x 20 ms
		{"plan-noop", 1000, 2 * time.Second},            // 100 waves x 1 GET
		{"apply-change", 200, 440 * time.Millisecond},   // 20 waves of GETs + 2 waves of PATCHes
		{"refresh-only", 201, 420 * time.Millisecond},   // ceil(201/10) = 21
		{"apply-change", 1000, 2200 * time.Millisecond}, // 100 + 10 waves
	} {
		if got := bound(c.phase, c.n, 10, 20*time.Millisecond); got != c.want {
			t.Errorf("bound(%s, %d) = %s, want %s", c.phase, c.n, got, c.want)
		}
	}
}

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{"-n", "50, 200,1000", "-reps", "2", "-out", "x"})
	if err != nil || len(o.ns) != 3 || o.ns[2] != 1000 || o.reps != 2 || o.out != "x" || o.parallelism != 10 {
		t.Fatalf("parseFlags: %+v, %v", o, err)
	}
	if !o.phases["plan-noop"] || !o.phases["apply-change"] || !o.floors {
		t.Fatalf("default phases %v, floors %v: want every phase and the floors", o.phases, o.floors)
	}
	o, err = parseFlags([]string{"-phases", "plan-noop, refresh-only", "-floors=false"})
	if err != nil || !o.phases["plan-noop"] || !o.phases["refresh-only"] || o.phases["apply-create"] || o.phases["apply-change"] || o.floors {
		t.Fatalf("-phases plan-noop,refresh-only -floors=false: %+v, %v", o, err)
	}
	for _, bad := range [][]string{{"-n", "0"}, {"-n", "x"}, {"-reps", "0"}, {"extra"}, {"-phases", "plan"}} {
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
