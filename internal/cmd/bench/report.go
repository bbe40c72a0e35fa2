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

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// runInfo is what every results file says of its run.
type runInfo struct {
	Generated   time.Time `json:"generated"`
	Terraform   string    `json:"terraform"`
	Go          string    `json:"go"`
	CPUs        int       `json:"cpus"`
	Reps        int       `json:"repetitions"`
	Parallelism int       `json:"parallelism"`
	LatencyMS   float64   `json:"latency_ms"`
	WallSeconds float64   `json:"wall_seconds"`
	Notes       []string  `json:"notes"`
}

func newRunInfo(o *options, tf string, wall time.Duration, notes []string) runInfo {
	return runInfo{Generated: time.Now().UTC().Round(time.Second), Terraform: tf, Go: runtime.Version(), CPUs: runtime.NumCPU(),
		Reps: o.reps, Parallelism: o.parallelism, LatencyMS: float64(o.latency) / float64(time.Millisecond), WallSeconds: wall.Seconds(),
		Notes: notes}
}

// header is the line under a results table's title that says how it was measured.
func (r *runInfo) header() string {
	return fmt.Sprintf("%s, %s, %d CPUs, parallelism %d, %d repetition(s), emulator limits on, added latency %.0f ms; generated %s, took %.0f s.\n\n",
		r.Terraform, r.Go, r.CPUs, r.Parallelism, r.Reps, r.LatencyMS, r.Generated.Format(time.RFC3339), r.WallSeconds)
}

// report is what results.json holds.
type report struct {
	runInfo
	Rows    []row    `json:"rows"`
	Samples []rawRow `json:"samples"`
}

// row is one N, phase and resource kind: medians over repetitions for times, the worst repetition for counts.
type row struct {
	N        int    `json:"n"`
	Phase    string `json:"phase"`
	Resource string `json:"resource"` // control_profile (N resources) or baseline (one resource, N controls)

	DataS  float64 `json:"terraform_data_s"`
	TimeS  float64 `json:"time_s"`
	FloorS float64 `json:"floor_s,omitempty"`      // control_profile: N benchfloor_thing; baseline: one benchfloor_baseline
	WideS  float64 `json:"wide_floor_s,omitempty"` // control_profile only: N benchfloor_wide
	BoundS float64 `json:"bound_s"`                // what the limits allow: reads ceil(N/page) x latency, writes ceil(changed/4) x latency
	// TimeRatio is the median over repetitions of time / (floor + bound), each run side by side; target <= 1.15.
	TimeRatio float64 `json:"time_over_floor_plus_bound,omitempty"`
	TimeMet   bool    `json:"time_met"`
	HasFloor  bool    `json:"has_floor"`

	Calls       calls `json:"calls"`
	Throttled   int   `json:"throttled"` // 429s; target 0
	Requests    int   `json:"requests"`
	GraphMax    int   `json:"graph_requests_target"` // Graph requests, token requests aside
	RequestsMet bool  `json:"requests_met"`          // also: tokens, PATCH = the keys that change, no GET after a write, nothing else
	Conns       int   `json:"connections"`           // new TCP connections the emulator accepted in the phase
	ConnsMax    int   `json:"connections_target"`
	ConnsMet    bool  `json:"connections_met"`
	Talkers     int   `json:"processes_talking"` // plugin processes that requested a token (each fetches its own when configured)
	Plugins     int   `json:"plugin_processes"`  // securescore plugin processes terraform started
	PeakRSSKiB  int64 `json:"provider_peak_rss_kib"`
}

type rawRow struct {
	N        int     `json:"n"`
	Rep      int     `json:"rep"`
	Phase    string  `json:"phase"`
	Resource string  `json:"resource"`
	TimeS    float64 `json:"time_s"`
	DataS    float64 `json:"terraform_data_s"`
	FloorS   float64 `json:"floor_s,omitempty"`
	WideS    float64 `json:"wide_floor_s,omitempty"`
	Calls    calls   `json:"calls"`
	Conns    int     `json:"connections"`
	RSSKiB   int64   `json:"provider_peak_rss_kib"`
	Plugins  int     `json:"plugin_processes"`
}

// listPageSize is the page the provider asks for when it lists control profiles ($top, Graph's largest).
const listPageSize = 1000

// timeSlack is the time target's factor over floor plus bound.
const timeSlack = 1.15

// listPages is ceil(N/page size): the list pages that read N control profiles.
func listPages(n int) int { return (n + listPageSize - 1) / listPageSize }

func changedCount(n int) int { return (n + 9) / 10 }

// patches is how many PATCHes a phase needs: every control on the first apply, the changed tenth on the change.
func patches(phase string, n int) int {
	switch phase {
	case "apply-create":
		return n
	case "apply-change":
		return changedCount(n)
	}
	return 0
}

// bound is the least time Graph's limits allow a phase's requests at the given latency: reads of N profiles
// take ceil(N/page size) list pages one after another, writes ceil(changed/4) rounds of 4 in flight.
func bound(phase string, n int, latency time.Duration) time.Duration {
	reads := time.Duration(listPages(n)) * latency
	writes := func(k int) time.Duration {
		return time.Duration((k+emulator.DefaultMaxConcurrent-1)/emulator.DefaultMaxConcurrent) * latency
	}
	switch phase {
	case "apply-create": // nothing in state: nothing to refresh
		return writes(n)
	case "apply-change":
		return reads + writes(changedCount(n))
	default: // plan-noop, refresh-only
		return reads
	}
}

// graphTarget is the most Graph requests (token requests aside) a phase may make, given the plugin processes
// that talked to Graph: a process that reads needs ceil(N/page) list pages and at most one GET (a control the
// list lacks is confirmed before it is reported gone); a write phase adds its PATCHes. The baseline's refresh is
// one resource: ceil(N/page) reads in all.
func graphTarget(kind, phase string, n, talkers int) int {
	if kind == kindBaseline && patches(phase, n) == 0 {
		return listPages(n)
	}
	return max(talkers, 1)*(listPages(n)+1) + patches(phase, n)
}

// requestsMet checks a run's calls against the target and their shape: one token per process that talks to
// Graph (the baseline's refresh: one in all), exactly the PATCHes needed, no GET of a profile after its PATCH,
// nothing but tokens, reads and PATCHes.
func requestsMet(kind, phase string, n int, c calls) bool {
	tokens := max(c.Token, 1)
	if kind == kindBaseline && patches(phase, n) == 0 {
		tokens = 1
	}
	return c.Requests-c.Token <= graphTarget(kind, phase, n, c.Token) && c.Token <= tokens &&
		c.Patch == patches(phase, n) && c.GetAfterWrite == 0 && c.Other == 0
}

// tokenTarget is the token requests a row may make: one per process that talks to Graph, one in all for the
// baseline's refresh.
func tokenTarget(w row) int {
	if w.Resource == kindBaseline && patches(w.Phase, w.N) == 0 {
		return 1
	}
	return max(w.Talkers, 1)
}

// connTarget is the admission limit plus one (the token) per plugin process that talked to Graph.
func connTarget(talkers int) int { return max(talkers, 1) * (emulator.DefaultMaxConcurrent + 1) }

func buildReport(o *options, samples []sample, tf string, wall time.Duration) *report {
	r := &report{
		runInfo: newRunInfo(o, tf, wall, []string{
			"the emulator enforces Graph's Secure Score limits per app and tenant (4 in flight, 10,000 per 10 minutes, 150 per minute on secureScores) and adds the latency to every request, token requests included",
			"times are wall-clock seconds of one terraform command, medians over the repetitions; counts are the worst repetition",
			"control_profile: N securescore_control_profile resources; baseline: one securescore_baseline holding N controls; each against its own emulator seeded with N synthetic control profiles",
			"floor: a provider plugin that calls no API (internal/cmd/bench/floorprovider): N benchfloor_thing beside control_profile, one benchfloor_baseline holding the same N controls beside baseline; wide floor: N benchfloor_wide (25 top-level attributes)",
			"bound: what the limits allow at the latency: reads ceil(N/1000) list pages x latency, writes ceil(changed/4) x latency; apply-create writes N, apply-change reads N and writes ceil(N/10), plan-noop and refresh-only read N",
			"time target: time <= 1.15 x (floor + bound), as the median of per-repetition ratios measured side by side",
			"requests: every emulator request of the phase, token requests included; target: per plugin process that talks to Graph one token and ceil(N/1000)+1 Graph requests (the list pages and at most one GET), plus the PATCHes of a write phase; the baseline's no-op plan and refresh: ceil(N/1000) Graph reads and one token in all",
			"connections: new TCP connections the emulator accepted during the phase (each terraform command starts new plugin processes, so every connection of a phase is new); target 4 (the admission limit) + 1 (token) per plugin process that talks to Graph, counted by its token request (each configured process fetches its own token, ahead of its first request)",
		}),
	}
	for _, s := range samples {
		for _, kind := range kinds {
			m := s.kinds[kind]
			raw := rawRow{N: s.n, Rep: s.rep + 1, Phase: s.phase, Resource: kind, TimeS: m.time.Seconds(), DataS: s.data.Seconds(),
				FloorS: s.floor.Seconds(), WideS: s.wide.Seconds(), Calls: m.calls, Conns: m.conns, RSSKiB: m.rssKiB, Plugins: m.plugins}
			if kind == kindBaseline {
				raw.FloorS, raw.WideS = s.floorOne.Seconds(), 0
			}
			r.Samples = append(r.Samples, raw)
		}
	}
	for _, n := range o.ns {
		for _, ph := range phases(o.parallelism) {
			if !o.phases[ph.name] {
				continue
			}
			for _, kind := range kinds {
				r.Rows = append(r.Rows, summarize(o, samples, n, ph.name, kind))
			}
		}
	}
	return r
}

func summarize(o *options, samples []sample, n int, phase, kind string) row {
	w := row{N: n, Phase: phase, Resource: kind, BoundS: bound(phase, n, o.latency).Seconds(), RequestsMet: true, ConnsMet: true}
	var times, data, floors, wides, ratios []float64
	for _, s := range samples {
		if s.n != n || s.phase != phase {
			continue
		}
		m := s.kinds[kind]
		floor := s.floor
		if kind == kindBaseline {
			floor = s.floorOne
		}
		times, data = append(times, m.time.Seconds()), append(data, s.data.Seconds())
		if floor > 0 {
			floors = append(floors, floor.Seconds())
			ratios = append(ratios, m.time.Seconds()/(floor.Seconds()+w.BoundS))
		}
		if kind == kindControls && s.wide > 0 {
			wides = append(wides, s.wide.Seconds())
		}
		c := m.calls
		if c.Requests >= w.Requests {
			w.Calls = c
		}
		w.Throttled, w.Requests, w.Conns = max(w.Throttled, c.Throttled), max(w.Requests, c.Requests), max(w.Conns, m.conns)
		w.Talkers, w.Plugins, w.PeakRSSKiB = max(w.Talkers, c.Token), max(w.Plugins, m.plugins), max(w.PeakRSSKiB, m.rssKiB)
		w.RequestsMet = w.RequestsMet && requestsMet(kind, phase, n, c)
		w.ConnsMet = w.ConnsMet && m.conns <= connTarget(c.Token)
	}
	w.GraphMax, w.ConnsMax = graphTarget(kind, phase, n, w.Talkers), connTarget(w.Talkers)
	w.TimeS, w.DataS = median(times), median(data)
	if len(floors) > 0 {
		w.HasFloor = true
		w.FloorS, w.TimeRatio = median(floors), median(ratios)
		w.TimeMet = w.TimeRatio <= timeSlack
	}
	if len(wides) > 0 {
		w.WideS = median(wides)
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

// met reports a target: "yes", "**no**", or "–" when it was not measured.
func met(measured, ok bool) string {
	if !measured {
		return "–"
	}
	return yes(ok)
}

// Markdown is the table printed at the end and written to results.md.
func (r *report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmark: the provider in Graph's limited world\n\n")
	b.WriteString(r.header())
	b.WriteString("| N | phase | resource | terraform_data s | time s | floor s | wide floor s | bound s | time / (floor+bound) (≤1.15) | met | 429s (0) | requests | token/list/GET/PATCH/other | Graph requests target (+ tokens) | met | connections | target | met | talking/started processes | peak RSS MiB |\n")
	b.WriteString("|---:|---|---|---:|---:|---:|---:|---:|---:|:-:|---:|---:|---|---:|:-:|---:|---:|:-:|---:|---:|\n")
	for _, w := range r.Rows {
		floor, wide, ratio := "–", "–", "–"
		if w.HasFloor {
			floor, ratio = fmt.Sprintf("%.2f", w.FloorS), fmt.Sprintf("%.2f", w.TimeRatio)
		}
		if w.WideS > 0 {
			wide = fmt.Sprintf("%.2f", w.WideS)
		}
		c := w.Calls
		fmt.Fprintf(&b, "| %d | %s | %s | %.2f | %.2f | %s | %s | %.2f | %s | %s | %d | %d | %d/%d/%d/%d/%d | ≤%d (+%d) | %s | %d | ≤%d | %s | %d/%d | %.1f |\n",
			w.N, w.Phase, w.Resource, w.DataS, w.TimeS, floor, wide, w.BoundS, ratio, met(w.HasFloor, w.TimeMet),
			w.Throttled, w.Requests, c.Token, c.List, c.Get, c.Patch, c.Other, w.GraphMax, tokenTarget(w), yes(w.RequestsMet),
			w.Conns, w.ConnsMax, yes(w.ConnsMet), w.Talkers, w.Plugins, float64(w.PeakRSSKiB)/1024)
	}
	b.WriteString("\n")
	for _, n := range r.Notes {
		b.WriteString("- " + n + "\n")
	}
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
