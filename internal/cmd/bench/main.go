// Command bench measures the provider in the limited world: against the Graph emulator with Graph's Secure Score
// limits on (4 in flight, 10,000 per 10 minutes, 150 per minute on secureScores) and latency added to every
// request. It builds the provider once into a filesystem mirror and, for each N, times four terraform phases
// (first apply, no-op plan, an apply changing 10%, a refresh-only apply) on N securescore_control_profile
// resources and on one securescore_baseline holding N controls (each against its own emulator seeded with N
// synthetic control profiles), side by side with N terraform_data resources and the protocol floors. Per phase
// it reports 429s, requests, connections opened and the time against the floor plus the bound the limits allow.
// It writes results.md, results.json and time-vs-n.svg.
//
// The fleet rows (-fleet, fleet.go) measure T tenants, each holding one securescore_baseline, managed two ways side
// by side: one provider block whose baselines name their tenant_id, and one provider alias (one plugin process) per
// tenant. Per phase they report time against the floor plus the bound, plugin processes at once, their summed
// resident sets, requests by kind and per tenant, and 429s, and write fleet.md and fleet.json.
//
// Run it from the repository root: go run ./internal/cmd/bench (or make bench); -quick is the smoke-test size.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type options struct {
	ns          []int
	reps        int
	out         string
	latency     time.Duration
	parallelism int
	verbose     bool
	phases      map[string]bool // the phases timed; apply-create always runs, as the others' setup
	floors      bool            // time the protocol floors too
	fleet       []fleetSize     // fleet rows: tenants x controls per tenant
	fleetWays   []string        // the ways of managing a fleet measured (fleetWays)
}

func main() {
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := run(ctx, o, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	if res.sizes != nil {
		fmt.Println()
		fmt.Print(res.sizes.Markdown())
	}
	if res.fleet != nil {
		fmt.Println()
		fmt.Print(res.fleet.Markdown())
	}
	fmt.Printf("\nresults written to %s\n", o.out)
}

func parseFlags(args []string) (*options, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var (
		ns        = fs.String("n", "50,300,1000", "comma-separated resource counts (controls in the tenant)")
		quick     = fs.Bool("quick", false, "smoke-test size: N=20 and a fleet of 3 tenants, one repetition, results in a temporary directory unless -out is given")
		fleet     = fs.String("fleet", "10,100,100x50,200,500", "fleet rows: comma-separated tenant counts, each TENANTS or TENANTSxCONTROLS (controls per tenant's baseline, default 5); none for no fleet rows")
		fleetOnly = fs.Bool("fleet-only", false, "measure the fleet rows only, not the N rows")
		ways      = fs.String("fleet-ways", strings.Join(fleetWays, ","), "the ways of managing a fleet measured: tenant_id (one provider block), aliases (one alias per tenant)")
		o         = &options{}
	)
	fs.IntVar(&o.reps, "reps", 1, "repetitions of every measurement (the median is reported)")
	fs.StringVar(&o.out, "out", "", "results directory (default internal/cmd/bench/results)")
	fs.DurationVar(&o.latency, "latency", 100*time.Millisecond, "latency added to every emulator request")
	fs.IntVar(&o.parallelism, "parallelism", 10, "terraform -parallelism (10 is terraform's default)")
	fs.BoolVar(&o.verbose, "v", false, "echo terraform's output")
	fs.BoolVar(&o.floors, "floors", true, "time the protocol floors (benchfloor_thing, benchfloor_wide, benchfloor_baseline) beside terraform_data")
	only := fs.String("phases", "", "comma-separated phases to time (default all: "+strings.Join(phaseNames(), ",")+"); apply-create always runs, untimed unless listed")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *quick {
		*ns, o.reps = "20", 1
		if !set["fleet"] {
			*fleet = "3"
		}
		if o.out == "" {
			dir, err := os.MkdirTemp("", "securescore-bench-quick-")
			if err != nil {
				return nil, err
			}
			o.out = dir
		}
	}
	if o.out == "" {
		o.out = "internal/cmd/bench/results"
	}
	for _, s := range strings.Split(*ns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 9999 {
			return nil, fmt.Errorf("-n: %q is not a count between 1 and 9999", s)
		}
		o.ns = append(o.ns, n)
	}
	if *fleetOnly {
		o.ns = nil
	}
	var err error
	if o.fleet, err = parseFleetSizes(*fleet); err != nil {
		return nil, err
	}
	if *fleetOnly && len(o.fleet) == 0 {
		return nil, errors.New("-fleet-only with no fleet rows (-fleet none) measures nothing")
	}
	for _, w := range strings.Split(*ways, ",") {
		if w = strings.TrimSpace(w); w == "" {
			continue
		}
		if !slices.Contains(fleetWays, w) {
			return nil, fmt.Errorf("-fleet-ways: %q is not one of %s", w, strings.Join(fleetWays, ","))
		}
		o.fleetWays = append(o.fleetWays, w)
	}
	if len(o.fleet) > 0 && len(o.fleetWays) == 0 {
		return nil, errors.New("-fleet-ways names no way to measure the fleet rows")
	}
	o.phases = map[string]bool{}
	for _, name := range phaseNames() {
		o.phases[name] = *only == ""
	}
	for _, name := range strings.Split(*only, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		if _, ok := o.phases[name]; !ok {
			return nil, fmt.Errorf("-phases: %q is not one of %s", name, strings.Join(phaseNames(), ","))
		}
		o.phases[name] = true
	}
	if o.latency < 0 {
		return nil, errors.New("-latency must not be negative")
	}
	if o.reps < 1 {
		return nil, errors.New("-reps must be at least 1")
	}
	if o.parallelism < 1 {
		return nil, errors.New("-parallelism must be at least 1")
	}
	return o, nil
}
