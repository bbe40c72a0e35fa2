package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// Targets of the one-provider-block way (issue 19): processes alive at once and their summed resident sets.
const (
	fleetMaxAtOnce   = 2
	fleetMaxSumRSSKB = 150 * 1024
)

// fleetReport is what fleet.json holds.
type fleetReport struct {
	runInfo
	Rows    []fleetRow       `json:"rows"`
	Samples []fleetRawSample `json:"samples"`
}

// fleetRow is one fleet size, phase and way: medians over repetitions for times, the worst repetition for counts.
type fleetRow struct {
	Tenants  int    `json:"tenants"`
	Controls int    `json:"controls"` // per tenant's baseline
	Phase    string `json:"phase"`
	Way      string `json:"way"`

	TimeS     float64 `json:"time_s"`
	FloorS    float64 `json:"floor_s"` // tenants benchfloor_baseline in one provider block
	BoundS    float64 `json:"bound_s"`
	TimeRatio float64 `json:"time_over_floor_plus_bound"` // median of the per-repetition ratios

	Plugins    int   `json:"plugin_processes"`         // started in the phase
	AtOnce     int   `json:"plugin_processes_at_once"` // the most alive at one poll
	SumRSSKiB  int64 `json:"summed_rss_kib"`           // the largest sum of their resident sets at one poll
	PeakRSSKiB int64 `json:"peak_rss_of_one_kib"`

	Calls            calls  `json:"calls"`
	PerTenant        spread `json:"per_tenant"`
	Expected         bool   `json:"requests_as_expected"` // every count as fleetExpected says
	Throttled        int    `json:"throttled"`
	ThrottledTenants int    `json:"throttled_tenants"`

	// Targets: judged for the tenant_id way only (the aliases are today's way, shown beside it).
	Targeted  bool `json:"targeted"`
	TimeMet   bool `json:"time_met"`
	AtOnceMet bool `json:"at_once_met"`
	RSSMet    bool `json:"rss_met"`
}

type fleetRawSample struct {
	Tenants   int     `json:"tenants"`
	Controls  int     `json:"controls"`
	Rep       int     `json:"rep"`
	Phase     string  `json:"phase"`
	Way       string  `json:"way"`
	TimeS     float64 `json:"time_s"`
	FloorS    float64 `json:"floor_s"`
	Calls     calls   `json:"calls"`
	PerTenant spread  `json:"per_tenant"`
	Plugins   int     `json:"plugin_processes"`
	AtOnce    int     `json:"plugin_processes_at_once"`
	SumRSSKiB int64   `json:"summed_rss_kib"`
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// fleetBound is the least time Graph's limits and Terraform's parallelism allow a phase, counting round trips:
// Terraform works on `parallelism` baselines at once, and each tenant costs a sign-in (one token per process and
// tenant, no token cache on disk) and its list pages, plus ceil(changed/4) rounds of PATCHes (4 in flight per
// tenant):
//   - plan: ceil(T/parallelism) x (token + list);
//   - apply: plan + ceil(T/parallelism) x (token + list + ceil(changed per tenant / 4)).
func fleetBound(phase string, size fleetSize, parallelism int, latency time.Duration) time.Duration {
	rounds := ceilDiv(size.tenants, parallelism)
	read := 1 + listPages(size.controls)
	trips := rounds * read
	switch phase {
	case "apply-create":
		trips += rounds * (read + ceilDiv(size.controls, emulator.DefaultMaxConcurrent))
	case "apply-change":
		trips += rounds * (read + ceilDiv(changedCount(size.controls), emulator.DefaultMaxConcurrent))
	}
	return time.Duration(trips) * latency
}

// fleetExpectation is what a phase costs every tenant, by the provider's design, whatever the machine's speed.
type fleetExpectation struct {
	tokensMin, tokensMax int // per tenant: one per process that talks to it, plus idle processes that may sign in
	lists                int // per tenant
	patches              int // in all
}

// fleetExpected: each walk that reads or writes a tenant signs in to it once in its process; the plan of a
// baseline's create and its apply list the tenant's controls, a refresh lists them, an update's apply walk finds
// every control in state and lists nothing; PATCHes are exactly the controls that change. With aliases, a
// process Terraform configures but gives nothing to do (the apply walk of a refresh-only apply) signs in to its
// tenant when configured and is stopped a few milliseconds later: whether that token request arrives first is a
// race, so it may add one. The tenant_id way's provider names no tenant and signs in to none before a resource
// asks.
func fleetExpected(way, phase string, size fleetSize) fleetExpectation {
	pages := listPages(size.controls)
	var e fleetExpectation
	switch phase {
	case "apply-create":
		e = fleetExpectation{tokensMin: 2, tokensMax: 2, lists: 2 * pages, patches: size.tenants * size.controls}
	case "apply-change":
		e = fleetExpectation{tokensMin: 2, tokensMax: 2, lists: pages, patches: size.tenants * changedCount(size.controls)}
	default: // plan-noop, refresh-only
		e = fleetExpectation{tokensMin: 1, tokensMax: 1, lists: pages}
	}
	if way == wayAliases && phase == "refresh-only" {
		e.tokensMax++
	}
	return e
}

// asExpected checks one run's counts against fleetExpected: per tenant tokens and lists, PATCHes in all, and no
// GET or anything else.
func asExpected(way, phase string, size fleetSize, m fleetMeasured) bool {
	e := fleetExpected(way, phase, size)
	p := m.perTenant
	return p.TokenMin >= e.tokensMin && p.TokenMax <= e.tokensMax && p.ListMin == e.lists && p.ListMax == e.lists &&
		m.calls.Patch == e.patches && m.calls.Get == 0 && m.calls.Other == 0 && m.calls.List == e.lists*size.tenants
}

func buildFleetReport(o *options, samples []fleetSample, skipped []string, tf string, wall time.Duration) *fleetReport {
	r := &fleetReport{
		runInfo: newRunInfo(o, tf, wall, []string{
			"a fleet of T tenants, each holding one securescore_baseline of C synthetic controls, all of them in every tenant, against one emulator serving the T tenants with Graph's limits on per app and tenant and the latency added to every request, token requests included; the multi-tenant application signs in to every tenant with one client id and secret",
			"tenant_id: one provider block without a tenant, one securescore_baseline per tenant with for_each and tenant_id; aliases: one provider alias per tenant (tenant_id on the alias) and one securescore_baseline per alias, today's way; floor: T benchfloor_baseline of the same controls in one provider block (internal/cmd/bench/floorprovider: a plugin that calls no API)",
			"phases: first apply; no-op plan; 10% change (the shared baseline changes ceil(C/10) controls in every tenant); refresh-only apply",
			"bound, in round trips of the added latency: plan ceil(T/parallelism) x (token + ceil(C/1000) list pages); apply: plan + ceil(T/parallelism) x (token + list + ceil(changed per tenant/4)); every process that talks to a tenant signs in to it once (no token cache on disk)",
			fmt.Sprintf("targets, for the tenant_id way: time <= %.2f x (floor + bound); at most %d provider processes at once; summed resident set <= %d MiB; no 429; a no-op plan costs every tenant 1 token and ceil(C/1000) list requests", timeSlack, fleetMaxAtOnce, fleetMaxSumRSSKB/1024),
			"processes at once and summed RSS: provider plugin processes below terraform, polled every 20 ms (every T x 0.2 ms for the aliases, at least 20 ms); summed RSS is the largest sum of their VmRSS at one poll",
			"per tenant: the fewest and most token and list requests one tenant saw; as expected: per-tenant tokens and lists, and PATCHes in all, are what the provider's design makes them (fleetExpected in fleet_report.go), and no GET",
			"times are wall-clock seconds of one terraform command, medians over the repetitions; counts are the worst repetition",
		}),
	}
	r.Notes = append(r.Notes, skipped...)
	for _, s := range samples {
		for way, m := range s.ways {
			r.Samples = append(r.Samples, fleetRawSample{Tenants: s.size.tenants, Controls: s.size.controls, Rep: s.rep + 1,
				Phase: s.phase, Way: way, TimeS: m.time.Seconds(), FloorS: s.floor.Seconds(), Calls: m.calls,
				PerTenant: m.perTenant, Plugins: m.plugins, AtOnce: m.atOnce, SumRSSKiB: m.sumRSSKiB})
		}
	}
	for _, size := range o.fleet {
		for _, ph := range phases(o.parallelism) {
			if !o.phases[ph.name] {
				continue
			}
			for _, way := range fleetWays {
				if w, ok := summarizeFleet(o, samples, size, ph.name, way); ok {
					r.Rows = append(r.Rows, w)
				}
			}
		}
	}
	return r
}

func summarizeFleet(o *options, samples []fleetSample, size fleetSize, phase, way string) (fleetRow, bool) {
	w := fleetRow{Tenants: size.tenants, Controls: size.controls, Phase: phase, Way: way, Expected: true, Targeted: way == wayTenantID,
		BoundS: fleetBound(phase, size, o.parallelism, o.latency).Seconds()}
	var times, floors, ratios []float64
	for _, s := range samples {
		m, ok := s.ways[way]
		if s.size != size || s.phase != phase || !ok {
			continue
		}
		times, floors = append(times, m.time.Seconds()), append(floors, s.floor.Seconds())
		ratios = append(ratios, m.time.Seconds()/(s.floor.Seconds()+w.BoundS))
		if m.calls.Requests >= w.Calls.Requests {
			w.Calls, w.PerTenant = m.calls, m.perTenant
		}
		w.Plugins, w.AtOnce = max(w.Plugins, m.plugins), max(w.AtOnce, m.atOnce)
		w.SumRSSKiB, w.PeakRSSKiB = max(w.SumRSSKiB, m.sumRSSKiB), max(w.PeakRSSKiB, m.rssKiB)
		w.Throttled, w.ThrottledTenants = max(w.Throttled, m.calls.Throttled), max(w.ThrottledTenants, m.throttledTenants)
		w.Expected = w.Expected && asExpected(way, phase, size, m)
	}
	if len(times) == 0 {
		return w, false
	}
	w.TimeS, w.FloorS, w.TimeRatio = median(times), median(floors), median(ratios)
	w.TimeMet = w.TimeRatio <= timeSlack
	w.AtOnceMet = w.AtOnce <= fleetMaxAtOnce
	w.RSSMet = w.SumRSSKiB <= fleetMaxSumRSSKB
	return w, true
}

// Markdown is the fleet table printed at the end and written to fleet.md.
func (r *fleetReport) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmark: a fleet of tenants, one provider block with tenant_id beside one alias per tenant\n\n")
	b.WriteString(r.header())
	b.WriteString(r.headline())
	b.WriteString("| tenants | controls | phase | way | time s | floor s | bound s | time / (floor+bound) (≤1.15) | met | processes started | at once (≤2) | met | summed RSS MiB (≤150) | met | token/list/GET/PATCH | per tenant token, list | as expected | 429s (0) |\n")
	b.WriteString("|---:|---:|---|---|---:|---:|---:|---:|:-:|---:|---:|:-:|---:|:-:|---|---|:-:|---:|\n")
	for _, w := range r.Rows {
		c, p := w.Calls, w.PerTenant
		fmt.Fprintf(&b, "| %d | %d | %s | %s | %.2f | %.2f | %.2f | %.2f | %s | %d | %d | %s | %.0f | %s | %d/%d/%d/%d | %s, %s | %s | %d |\n",
			w.Tenants, w.Controls, w.Phase, w.Way, w.TimeS, w.FloorS, w.BoundS, w.TimeRatio, met(w.Targeted, w.TimeMet),
			w.Plugins, w.AtOnce, met(w.Targeted, w.AtOnceMet), float64(w.SumRSSKiB)/1024, met(w.Targeted, w.RSSMet),
			c.Token, c.List, c.Get, c.Patch, rangeOf(p.TokenMin, p.TokenMax), rangeOf(p.ListMin, p.ListMax), yes(w.Expected), w.Throttled)
	}
	b.WriteString("\n")
	for _, n := range r.Notes {
		b.WriteString("- " + n + "\n")
	}
	return b.String()
}

// headline is the two ways side by side per fleet size and phase: time, processes and summed memory.
func (r *fleetReport) headline() string {
	type key struct {
		size  fleetSize
		phase string
	}
	by := map[key]map[string]fleetRow{}
	var order []key
	for _, w := range r.Rows {
		k := key{fleetSize{w.Tenants, w.Controls}, w.Phase}
		if by[k] == nil {
			by[k] = map[string]fleetRow{}
			order = append(order, k)
		}
		by[k][w.Way] = w
	}
	var b strings.Builder
	b.WriteString("| tenants x controls | phase | tenant_id: time s | processes at once | summed RSS MiB | aliases: time s | processes at once | summed RSS MiB | aliases / tenant_id time |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, k := range order {
		one, alias := by[k][wayTenantID], by[k][wayAliases]
		cells := func(w fleetRow) string {
			if w.Way == "" {
				return "– | – | –"
			}
			return fmt.Sprintf("%.2f | %d | %.0f", w.TimeS, w.AtOnce, float64(w.SumRSSKiB)/1024)
		}
		ratio := "–"
		if one.Way != "" && alias.Way != "" && one.TimeS > 0 {
			ratio = fmt.Sprintf("%.1fx", alias.TimeS/one.TimeS)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", k.size, k.phase, cells(one), cells(alias), ratio)
	}
	b.WriteString("\n")
	return b.String()
}

func rangeOf(lo, hi int) string {
	if lo == hi {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d–%d", lo, hi)
}

func (r *fleetReport) write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "fleet.json"), append(js, '\n'), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "fleet.md"), []byte(r.Markdown()), 0o644)
}
