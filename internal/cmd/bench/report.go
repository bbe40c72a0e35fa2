package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// report is what results.json holds.
type report struct {
	Generated   time.Time `json:"generated"`
	Terraform   string    `json:"terraform"`
	Go          string    `json:"go"`
	CPUs        int       `json:"cpus"`
	Reps        int       `json:"repetitions"`
	Parallelism int       `json:"parallelism"`
	LatencyMS   float64   `json:"latency_ms"`
	WallSeconds float64   `json:"wall_seconds"`
	Notes       []string  `json:"notes"`
	Rows        []row     `json:"rows"`
	Samples     []rawRow  `json:"samples"`
}

// row is one N and phase, both latency settings, medians over repetitions.
type row struct {
	N     int    `json:"n"`
	Phase string `json:"phase"`

	BaselineS  float64 `json:"terraform_data_s"`
	ProviderS  float64 `json:"provider_s"`
	Ratio      float64 `json:"ratio"` // median of the per-repetition provider/terraform_data ratios
	RatioMax   float64 `json:"ratio_target"`
	FloorS     float64 `json:"protocol_floor_s"`
	FloorRatio float64 `json:"protocol_floor_ratio"` // median of floor/terraform_data: what no plugin goes below
	WideS      float64 `json:"wide_floor_s"`
	WideRatio  float64 `json:"wide_floor_ratio"` // the same for a no-op resource as wide as the provider's

	LatencyBaselineS float64 `json:"terraform_data_latency_s,omitempty"`
	LatencyProviderS float64 `json:"provider_latency_s,omitempty"`
	AddedS           float64 `json:"added_by_latency_s,omitempty"` // provider with latency minus provider without
	BoundS           float64 `json:"latency_bound_s,omitempty"`    // ceil(N/parallelism) x calls per resource x latency
	Efficiency       float64 `json:"added_over_bound,omitempty"`   // target <= 1.25

	Calls       calls `json:"calls"`
	WantGet     int   `json:"want_get"`
	WantPatch   int   `json:"want_patch"`
	Plugins     int   `json:"plugin_processes"`
	PeakRSSKiB  int64 `json:"provider_peak_rss_kib"`
	CallsMet    bool  `json:"calls_met"`
	RatioMet    bool  `json:"ratio_met"`
	LatencyMet  bool  `json:"latency_met"`
	HasLatency  bool  `json:"has_latency"`
	LatencyCall calls `json:"calls_with_latency"`
}

type rawRow struct {
	N         int     `json:"n"`
	LatencyMS float64 `json:"latency_ms"`
	Phase     string  `json:"phase"`
	ProviderS float64 `json:"provider_s"`
	BaselineS float64 `json:"terraform_data_s"`
	FloorS    float64 `json:"protocol_floor_s,omitempty"`
	WideS     float64 `json:"wide_floor_s,omitempty"`
	Calls     calls   `json:"calls"`
	RSSKiB    int64   `json:"provider_peak_rss_kib"`
	Plugins   int     `json:"plugin_processes"`
}

// expected calls per phase for N resources: GETs (refresh) and PATCHes.
func expected(phase string, n int) (get, patch int) {
	switch phase {
	case "apply-create":
		return 0, n
	case "apply-change":
		return n, changedCount(n)
	default: // plan-noop, refresh-only
		return n, 0
	}
}

func changedCount(n int) int { return (n + 9) / 10 }

// listPageSize is the page the provider asks for when it lists control profiles ($top).
const listPageSize = 1000

// readsMet checks a phase's reads. A phase that reads N profiles does so with at most one GET and
// ceil(N/listPageSize) list pages per plugin process (the provider's list-backed reads), never one GET each.
func readsMet(c calls, want, n, plugins int) bool {
	if want == 0 {
		return c.Get == 0 && c.List == 0
	}
	perPlugin := 1 + (n+listPageSize-1)/listPageSize
	return c.Get+c.List >= 1 && c.Get+c.List <= max(plugins, 1)*perPlugin
}

// bound is ceil(N/parallelism) x calls per resource x latency, per serial walk of the phase.
func bound(phase string, n, parallelism int, latency time.Duration) time.Duration {
	waves := func(k int) int { return (k + parallelism - 1) / parallelism }
	switch phase {
	case "apply-change": // a refresh walk over N, then an apply walk over the changed 10%
		return time.Duration(waves(n)+waves(changedCount(n))) * latency
	default:
		return time.Duration(waves(n)) * latency
	}
}

func ratioTarget(n int) float64 {
	if n >= 1000 {
		return 1.15
	}
	return 1.5
}

func buildReport(o *options, samples []sample, tf string, wall time.Duration) *report {
	r := &report{
		Generated: time.Now().UTC().Round(time.Second), Terraform: tf, Go: runtime.Version(), CPUs: runtime.NumCPU(),
		Reps: o.reps, Parallelism: o.parallelism, LatencyMS: float64(o.latency) / float64(time.Millisecond), WallSeconds: wall.Seconds(),
		Notes: []string{
			"times are wall-clock seconds of one terraform command, medians over the repetitions",
			"ratio: median over repetitions of provider time / terraform_data time, each pair run back to back",
			"protocol floor: a provider plugin that calls no API and does nothing but the protocol (internal/cmd/bench/floorprovider), run beside them; its ratio is the least any provider plugin can reach here",
			"wide floor: the same no-op plugin with a resource as wide as securescore_control_profile (25 top-level attributes): the least a resource of that schema can reach",
			"added_by_latency: provider time with the added latency minus provider time without it; the target compares it with the bound",
			"calls: emulator journal of the provider's phase (token requests, profile GETs, profile PATCHes, anything else)",
		},
	}
	for _, s := range samples {
		r.Samples = append(r.Samples, rawRow{N: s.n, LatencyMS: float64(s.latency) / float64(time.Millisecond), Phase: s.phase,
			ProviderS: s.provider.Seconds(), BaselineS: s.baseline.Seconds(), FloorS: s.floor.Seconds(), WideS: s.wide.Seconds(), Calls: s.calls, RSSKiB: s.rssKiB, Plugins: s.plugins})
	}
	for _, n := range o.ns {
		for _, ph := range phases(o.parallelism) {
			if !o.phases[ph.name] {
				continue
			}
			r.Rows = append(r.Rows, summarize(o, samples, n, ph.name))
		}
	}
	return r
}

func summarize(o *options, samples []sample, n int, phase string) row {
	var p0, b0, ratios, pl, bl, f0, floorRatios, w0, wideRatios []float64
	w := row{N: n, Phase: phase, RatioMax: ratioTarget(n)}
	w.WantGet, w.WantPatch = expected(phase, n)
	w.CallsMet = true
	for _, s := range samples {
		if s.n != n || s.phase != phase {
			continue
		}
		w.PeakRSSKiB = max(w.PeakRSSKiB, s.rssKiB)
		if s.latency == 0 {
			p0, b0 = append(p0, s.provider.Seconds()), append(b0, s.baseline.Seconds())
			ratios = append(ratios, s.provider.Seconds()/s.baseline.Seconds())
			if s.floor > 0 {
				f0, floorRatios = append(f0, s.floor.Seconds()), append(floorRatios, s.floor.Seconds()/s.baseline.Seconds())
			}
			if s.wide > 0 {
				w0, wideRatios = append(w0, s.wide.Seconds()), append(wideRatios, s.wide.Seconds()/s.baseline.Seconds())
			}
			w.Calls = s.calls
			w.Plugins = max(w.Plugins, s.plugins)
		} else {
			pl, bl = append(pl, s.provider.Seconds()), append(bl, s.baseline.Seconds())
			w.LatencyCall = s.calls
			w.HasLatency = true
		}
		c := s.calls
		if !readsMet(c, w.WantGet, n, s.plugins) || c.Patch != w.WantPatch || c.Other != 0 || c.GetAfterWrite != 0 || c.Token > max(s.plugins, 1) {
			w.CallsMet = false
		}
	}
	w.ProviderS, w.BaselineS, w.Ratio = median(p0), median(b0), median(ratios)
	if len(f0) > 0 { // none with -floors=false
		w.FloorS, w.FloorRatio = median(f0), median(floorRatios)
	}
	if len(w0) > 0 {
		w.WideS, w.WideRatio = median(w0), median(wideRatios)
	}
	w.RatioMet = w.Ratio <= w.RatioMax
	if w.HasLatency {
		w.LatencyProviderS, w.LatencyBaselineS = median(pl), median(bl)
		w.AddedS = w.LatencyProviderS - w.ProviderS
		w.BoundS = bound(phase, n, o.parallelism, o.latency).Seconds()
		w.Efficiency = w.AddedS / w.BoundS
		w.LatencyMet = w.Efficiency <= 1.25
	}
	return w
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

// Markdown is the table printed at the end and written to results.md.
func (r *report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmark: securescore_control_profile vs terraform_data\n\n")
	fmt.Fprintf(&b, "%s, %s, %d CPUs, parallelism %d, %d repetition(s) (medians), added latency %.0f ms; generated %s, took %.0f s.\n\n",
		r.Terraform, r.Go, r.CPUs, r.Parallelism, r.Reps, r.LatencyMS, r.Generated.Format(time.RFC3339), r.WallSeconds)
	b.WriteString("| N | phase | terraform_data s | provider s | ratio (target) | met | floor s | floor ratio | wide floor s | wide floor ratio | provider +lat s | added s | bound s | added/bound (≤1.25) | met | tokens/plugins | GET | PATCH | other | GET after write | calls met | peak RSS MiB |\n")
	b.WriteString("|---:|---|---:|---:|---:|:-:|---:|---:|---:|---:|---:|---:|---:|---:|:-:|---:|---:|---:|---:|---:|:-:|---:|\n")
	for _, w := range r.Rows {
		lat := "| – | – | – | – | – "
		if w.HasLatency {
			lat = fmt.Sprintf("| %.2f | %.2f | %.2f | %.2f | %s ", w.LatencyProviderS, w.AddedS, w.BoundS, w.Efficiency, yes(w.LatencyMet))
		}
		fmt.Fprintf(&b, "| %d | %s | %.2f | %.2f | %.2f (≤%.2f) | %s | %.2f | %.2f | %.2f | %.2f %s| %d/%d | %d | %d | %d | %d | %s | %.1f |\n",
			w.N, w.Phase, w.BaselineS, w.ProviderS, w.Ratio, w.RatioMax, yes(w.RatioMet), w.FloorS, w.FloorRatio, w.WideS, w.WideRatio, lat,
			w.Calls.Token, w.Plugins, w.Calls.Get, w.Calls.Patch, w.Calls.Other, w.Calls.GetAfterWrite, yes(w.CallsMet),
			float64(w.PeakRSSKiB)/1024)
	}
	b.WriteString("\nCalls are the provider phase's emulator requests without latency (expected: GET = N on every refresh, 0 on the first apply; " +
		"PATCH = N on the first apply, 10% on the change, 0 otherwise; no other requests; no GET after a PATCH; " +
		"at most one token request per plugin process). *bound* = ceil(N/parallelism) × calls per resource × latency, per walk; " +
		"*added* = provider time with latency − provider time without. *floor* = the protocol floor: a provider plugin that " +
		"calls no API (internal/cmd/bench/floorprovider); its ratio to terraform_data is what no provider plugin can go below on this machine. *wide floor* = the same with a " +
		"resource as wide as securescore_control_profile (25 top-level attributes): what no resource of that schema can go below.\n")
	return b.String()
}

func (r *report) write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), append(js, '\n'), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.md"), []byte(r.Markdown()), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "time-vs-n.svg"), []byte(r.SVG()), 0o644)
}
