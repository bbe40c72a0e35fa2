package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
	"github.com/securescore/terraform-provider-securescore/internal/tfharness"
)

// The two ways of managing a fleet of tenants that the fleet rows compare.
const (
	wayTenantID = "tenant_id" // one provider block; every baseline names its tenant
	wayAliases  = "aliases"   // one provider alias, hence one plugin process, per tenant: today's way
)

var fleetWays = []string{wayTenantID, wayAliases}

// fleetSize is one set of fleet rows: tenants, each holding one baseline of controls.
type fleetSize struct{ tenants, controls int }

func (s fleetSize) String() string { return fmt.Sprintf("%dx%d", s.tenants, s.controls) }

// defaultFleetControls is each tenant's baseline size when a fleet size names none.
const defaultFleetControls = 5

// parseFleetSizes reads "10,100,100x50,500": tenant counts, each optionally "x" the controls per tenant.
func parseFleetSizes(spec string) ([]fleetSize, error) {
	if s := strings.TrimSpace(spec); s == "" || s == "none" {
		return nil, nil
	}
	var out []fleetSize
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		ts, cs, hasC := strings.Cut(item, "x")
		t, err := strconv.Atoi(ts)
		c := defaultFleetControls
		if err == nil && hasC {
			c, err = strconv.Atoi(cs)
		}
		if err != nil || t < 1 || t > 2000 || c < 1 || c > 1000 {
			return nil, fmt.Errorf("-fleet: %q is not TENANTS or TENANTSxCONTROLS (1-2000 tenants, 1-1000 controls)", item)
		}
		out = append(out, fleetSize{tenants: t, controls: c})
	}
	return out, nil
}

// fleetSample is one phase of one fleet size: both ways and the floor side by side.
type fleetSample struct {
	size  fleetSize
	rep   int
	phase string
	floor time.Duration // tenants benchfloor_baseline of the same controls, one provider block
	ways  map[string]fleetMeasured
}

// fleetMeasured is one way's run of a phase.
type fleetMeasured struct {
	time      time.Duration
	calls     calls
	perTenant spread // each tenant's share of the phase's requests
	plugins   int    // plugin processes terraform started
	atOnce    int    // the most alive at one poll
	sumRSSKiB int64  // the largest sum of their resident sets at one poll
	rssKiB    int64  // the largest peak of one of them
	// throttledTenants are the tenants that saw a 429.
	throttledTenants int
}

// spread is the least and most requests of a kind that one tenant of the fleet saw in a phase.
type spread struct {
	TokenMin int `json:"token_min"`
	TokenMax int `json:"token_max"`
	ListMin  int `json:"list_min"`
	ListMax  int `json:"list_max"`
}

// tenantSpread splits a phase's journal by tenant (every tenant of the fleet counts, one without requests as 0).
func tenantSpread(journal []emulator.JournalEntry, tenants []fleetTenant) (spread, int) {
	by := map[string][]emulator.JournalEntry{}
	for _, j := range journal {
		by[strings.ToLower(j.Tenant)] = append(by[strings.ToLower(j.Tenant)], j)
	}
	var s spread
	throttled := 0
	for i, t := range tenants {
		c := countCalls(by[strings.ToLower(t.id)])
		if i == 0 {
			s = spread{TokenMin: c.Token, TokenMax: c.Token, ListMin: c.List, ListMax: c.List}
		}
		s.TokenMin, s.TokenMax = min(s.TokenMin, c.Token), max(s.TokenMax, c.Token)
		s.ListMin, s.ListMax = min(s.ListMin, c.List), max(s.ListMax, c.List)
		if c.Throttled > 0 {
			throttled++
		}
	}
	return s, throttled
}

// fleetTarget is one way's emulator and terraform for a fleet size.
type fleetTarget struct {
	emu *emulator.Emulator
	srv *tfharness.Server
	tf  *tfharness.Terraform
	dir string
}

// newFleetTarget starts an emulator serving the fleet's tenants, each with every one of the controls (no licence
// gaps: the rows measure the fleet, not missing controls), Graph's limits on, signed in to by the multi-tenant
// application. No tenant is set in the environment: the configurations name every tenant.
func (b *bench) newFleetTarget(size fleetSize, dir string, rssInterval time.Duration) (*fleetTarget, []fleetTenant, []string, error) {
	tenants := emulator.DefaultTenants(size.tenants)
	for i := range tenants {
		tenants[i].Unlicensed = nil
	}
	emu, err := emulator.New(emulator.Config{Tenants: tenants, ControlProfiles: size.controls, HistoryDays: 1})
	if err != nil {
		return nil, nil, nil, err
	}
	srv, err := tfharness.Serve(emu, "127.0.0.1:0")
	if err != nil {
		return nil, nil, nil, err
	}
	cfg := emu.Config()
	fleet := make([]fleetTenant, len(tenants))
	for i, tc := range tenants {
		fleet[i] = fleetTenant{key: fmt.Sprintf("t%04d", i+1), id: tc.ID}
	}
	tf := &tfharness.Terraform{Bin: b.tf.Bin, Echo: b.tf.Echo, RSSInterval: rssInterval, Env: b.inst.Env(quietEnv(),
		"ARM_CLIENT_ID="+cfg.MultiTenantClientID, "ARM_CLIENT_SECRET="+cfg.MultiTenantClientSecret,
		"ARM_GRAPH_ENDPOINT="+srv.URL, "ARM_ACTIVE_DIRECTORY_AUTHORITY_HOST="+srv.URL)}
	ids := emu.Tenant(tenants[0].ID).ControlProfileIDs()
	if len(ids) < size.controls {
		_ = srv.Stop(5 * time.Second)
		return nil, nil, nil, fmt.Errorf("emulator seeded %d profiles per tenant, want %d", len(ids), size.controls)
	}
	return &fleetTarget{emu: emu, srv: srv, tf: tf, dir: dir}, fleet, ids[:size.controls], nil
}

// aliasProcessKiB is what one idle plugin process of this provider holds resident, about: the aliases' rows are
// skipped when that many processes would not fit in the memory the machine has free.
const aliasProcessKiB = 30 * 1024

// aliasesFit reports whether T plugin processes fit in 60% of the memory available now, and what is available.
func aliasesFit(tenants int) (bool, int64) {
	avail := memAvailableKiB()
	return avail == 0 || int64(tenants)*aliasProcessKiB <= avail*6/10, avail
}

func memAvailableKiB() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
			if v := strings.Fields(rest); len(v) > 0 {
				n, _ := strconv.ParseInt(v[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

// measureFleet runs the four phases for one fleet size against fresh emulators and working directories. It
// returns the samples and, when the aliases could not run, why.
func (b *bench) measureFleet(ctx context.Context, rep int, size fleetSize) ([]fleetSample, string, error) {
	base := filepath.Join(b.work, fmt.Sprintf("r%d-fleet%s", rep, size))
	d := fleetDirs{tenantID: filepath.Join(base, wayTenantID), aliases: filepath.Join(base, wayAliases), floor: filepath.Join(base, "floor")}
	for _, dir := range []string{d.tenantID, d.aliases, d.floor} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, "", err
		}
	}
	ways := map[string]bool{}
	for _, w := range b.o.fleetWays {
		ways[w] = true
	}
	skipped := ""
	if ok, avail := aliasesFit(size.tenants); ways[wayAliases] && !ok {
		ways[wayAliases] = false
		skipped = fmt.Sprintf("%s: aliases not run: %d plugin processes of about %d MiB each do not fit in 60%% of the %d MiB available",
			size, size.tenants, aliasProcessKiB/1024, avail/1024)
		fmt.Fprintln(b.log, skipped)
	}

	targets := map[string]*fleetTarget{}
	var tenants []fleetTenant
	var controls []string
	for way, dir := range map[string]string{wayTenantID: d.tenantID, wayAliases: d.aliases} {
		if !ways[way] {
			continue
		}
		// Polling hundreds of plugin processes every 20 ms would take the CPU the run needs.
		interval := 20 * time.Millisecond
		if way == wayAliases {
			interval = max(interval, time.Duration(size.tenants)*200*time.Microsecond)
		}
		t, ft, ids, err := b.newFleetTarget(size, dir, interval)
		if err != nil {
			return nil, "", err
		}
		defer func() { _ = t.srv.Stop(5 * time.Second) }()
		targets[way], tenants, controls = t, ft, ids // every emulator seeds the same tenants and ids
	}
	if len(targets) == 0 {
		return nil, skipped, nil
	}
	if err := writeFleetConfigs(d, tenants, controls, 0); err != nil {
		return nil, "", err
	}
	plain := &tfharness.Terraform{Bin: b.tf.Bin, Echo: b.tf.Echo, Env: b.inst.Env(quietEnv())}
	inits := map[string]*tfharness.Terraform{d.floor: plain}
	for _, t := range targets {
		inits[t.dir] = t.tf
	}
	if err := initDirs(ctx, inits); err != nil {
		return nil, "", err
	}
	for _, t := range targets {
		t.emu.SetFaults(emulator.Faults{Latency: b.o.latency})
	}

	var out []fleetSample
	for i, ph := range phases(b.o.parallelism) {
		timed := b.o.phases[ph.name]
		if !timed && i > 0 {
			continue
		}
		if ph.change {
			if err := writeFleetConfigs(d, tenants, controls, changedCount(size.controls)); err != nil {
				return nil, "", err
			}
		}
		s := fleetSample{size: size, rep: rep, phase: ph.name, ways: map[string]fleetMeasured{}}
		runs := []func() error{func() error {
			r, err := plain.Run(ctx, d.floor, ph.args...)
			if err != nil {
				return fmt.Errorf("floor %s: %w\n%s", ph.name, err, tail(r))
			}
			s.floor = r.Duration
			return nil
		}}
		for _, way := range fleetWays {
			t := targets[way]
			if t == nil {
				continue
			}
			runs = append(runs, func() error {
				t.emu.ResetJournal()
				r, err := t.tf.Run(ctx, t.dir, ph.args...)
				if err != nil {
					return fmt.Errorf("%s %s: %w\n%s", way, ph.name, err, tail(r))
				}
				j := t.emu.Journal()
				m := fleetMeasured{time: r.Duration, calls: countCalls(j), plugins: r.Plugins, atOnce: r.PluginsAtOnce,
					sumRSSKiB: r.PeakSumRSS, rssKiB: r.PeakRSS}
				m.perTenant, m.throttledTenants = tenantSpread(j, tenants)
				s.ways[way] = m
				return nil
			})
		}
		// Rotate who goes first so that drift in machine load does not favour one side.
		for k := range runs {
			if err := runs[(rep+i+k)%len(runs)](); err != nil {
				return nil, "", err
			}
		}
		if !timed {
			continue
		}
		line := fmt.Sprintf("rep %d  fleet %-7s %-13s floor %6.2fs", rep+1, size, ph.name, s.floor.Seconds())
		for _, way := range fleetWays {
			if m, ok := s.ways[way]; ok {
				line += fmt.Sprintf(" | %s %6.2fs plugins %d (%d at once) %.0f MiB 429=%d req=%d", way, m.time.Seconds(),
					m.plugins, m.atOnce, float64(m.sumRSSKiB)/1024, m.calls.Throttled, m.calls.Requests)
			}
		}
		fmt.Fprintln(b.log, line)
		out = append(out, s)
	}
	return out, skipped, nil
}
