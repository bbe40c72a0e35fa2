package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
	"github.com/securescore/terraform-provider-securescore/internal/tfharness"
)

// floorSource is floorprovider's registry address (the program's own Source).
const floorSource = "registry.terraform.io/securescore/benchfloor"

// phase is one timed terraform command.
type phase struct {
	name   string
	args   []string
	change bool // rewrite the configuration first so that 10% of the resources change
}

func phases(parallelism int) []phase {
	par := fmt.Sprintf("-parallelism=%d", parallelism)
	return []phase{
		{name: "apply-create", args: []string{"apply", "-auto-approve", "-input=false", "-no-color", par}},
		{name: "plan-noop", args: []string{"plan", "-detailed-exitcode", "-input=false", "-no-color", par}},
		{name: "apply-change", args: []string{"apply", "-auto-approve", "-input=false", "-no-color", par}, change: true},
		{name: "refresh-only", args: []string{"apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color", par}},
	}
}

func phaseNames() []string {
	var out []string
	for _, ph := range phases(1) {
		out = append(out, ph.name)
	}
	return out
}

// Resource kinds measured against the emulator.
const (
	kindControls = "control_profile" // N securescore_control_profile resources
	kindBaseline = "baseline"        // one securescore_baseline holding N controls
)

var kinds = []string{kindControls, kindBaseline}

// sample is one measurement of one phase: both resource kinds, terraform_data and the floors side by side.
type sample struct {
	n        int
	rep      int
	phase    string
	data     time.Duration // N terraform_data
	floor    time.Duration // N benchfloor_thing: the narrow protocol floor; 0 when not measured
	wide     time.Duration // N benchfloor_wide: the floor at the per-control resource's width; 0 when not measured
	floorOne time.Duration // one benchfloor_baseline holding N controls; 0 when not measured
	kinds    map[string]measured
}

// measured is one provider run: its time and what the emulator saw.
type measured struct {
	time    time.Duration
	calls   calls
	conns   int // TCP connections the emulator accepted during the run
	plugins int // securescore plugin processes terraform started
	rssKiB  int64
}

// calls are the emulator requests of one provider phase.
type calls struct {
	Requests      int `json:"requests"` // everything, token requests included
	Token         int `json:"token"`
	Get           int `json:"get"`
	Patch         int `json:"patch"`
	List          int `json:"list"`            // pages of the control-profile list (refresh reads come from it)
	Other         int `json:"other"`           // anything else: discovery, admin
	GetAfterWrite int `json:"get_after_write"` // GETs of a profile already PATCHed in the same phase
	Throttled     int `json:"throttled"`       // answered 429, for a limit or otherwise
}

type bench struct {
	o    *options
	log  io.Writer
	tf   *tfharness.Terraform
	inst *tfharness.Install
	work string
}

// outcome is what one run measured: the N rows and the fleet rows, each nil when not measured.
type outcome struct {
	sizes *report
	fleet *fleetReport
}

func run(ctx context.Context, o *options, log io.Writer) (*outcome, error) {
	tfBin, err := tfharness.LookTerraform()
	if err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp("", "securescore-bench-")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(work) }()

	fmt.Fprintln(log, "building the provider into a filesystem mirror...")
	inst, err := tfharness.Build(ctx, work, tfharness.BuildOptions{})
	if err != nil {
		return nil, err
	}
	if _, err := inst.AddProvider(ctx, floorSource, "./internal/cmd/bench/floorprovider"); err != nil {
		return nil, err
	}
	b := &bench{o: o, log: log, inst: inst, work: work, tf: &tfharness.Terraform{Bin: tfBin}}
	if o.verbose {
		b.tf.Echo = log
	}
	version := tfVersion(ctx, &tfharness.Terraform{Bin: tfBin, Env: inst.Env(quietEnv())})

	out := &outcome{}
	if len(o.ns) > 0 {
		started := time.Now()
		var samples []sample
		for rep := range o.reps {
			for _, n := range o.ns {
				s, err := b.measure(ctx, rep, n)
				if err != nil {
					return nil, fmt.Errorf("measuring N=%d: %w", n, err)
				}
				samples = append(samples, s...)
			}
		}
		out.sizes = buildReport(o, samples, version, time.Since(started))
		if err := out.sizes.write(o.out); err != nil {
			return nil, err
		}
	}
	if len(o.fleet) > 0 {
		started := time.Now()
		var samples []fleetSample
		var skipped []string
		noted := map[fleetSize]bool{} // one note per size, from its first repetition
		for rep := range o.reps {
			for _, size := range o.fleet {
				s, skip, err := b.measureFleet(ctx, rep, size)
				if err != nil {
					return nil, fmt.Errorf("measuring the fleet of %s: %w", size, err)
				}
				samples = append(samples, s...)
				if skip != "" && !noted[size] {
					noted[size] = true
					skipped = append(skipped, skip)
				}
			}
		}
		out.fleet = buildFleetReport(o, samples, skipped, version, time.Since(started))
		if err := out.fleet.write(o.out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// target is one provider kind's emulator, its server and its terraform.
type target struct {
	emu *emulator.Emulator
	srv *tfharness.Server
	tf  *tfharness.Terraform
	dir string
}

// newTarget starts an emulator with Graph's limits on (the default) and N synthetic control profiles.
func (b *bench) newTarget(n int, dir string) (*target, []string, error) {
	emu, err := emulator.New(emulator.Config{ControlProfiles: n})
	if err != nil {
		return nil, nil, err
	}
	srv, err := tfharness.Serve(emu, "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	cfg := emu.Config()
	ids := emu.ControlProfileIDs()
	if len(ids) < n {
		_ = srv.Stop(5 * time.Second)
		return nil, nil, fmt.Errorf("emulator seeded %d profiles, want %d", len(ids), n)
	}
	tf := &tfharness.Terraform{Bin: b.tf.Bin, Echo: b.tf.Echo,
		Env: b.inst.Env(quietEnv(), tfharness.EmulatorEnv(srv.URL, cfg.TenantID, cfg.ClientID, cfg.ClientSecret)...)}
	return &target{emu: emu, srv: srv, tf: tf, dir: dir}, ids[:n], nil
}

// measure runs the four phases for one N against fresh emulators and fresh working directories.
func (b *bench) measure(ctx context.Context, rep, n int) ([]sample, error) {
	base := filepath.Join(b.work, fmt.Sprintf("r%d-n%d", rep, n))
	d := workDirs{prov: filepath.Join(base, "control_profile"), baseline: filepath.Join(base, "baseline"),
		data: filepath.Join(base, "terraform_data"), floor: filepath.Join(base, "floor"),
		wide: filepath.Join(base, "wide"), floorOne: filepath.Join(base, "floor_one")}
	for _, dir := range d.all() {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	targets := map[string]*target{}
	var ids []string
	for kind, dir := range map[string]string{kindControls: d.prov, kindBaseline: d.baseline} {
		t, tids, err := b.newTarget(n, dir)
		if err != nil {
			return nil, err
		}
		defer func() { _ = t.srv.Stop(5 * time.Second) }()
		targets[kind], ids = t, tids // both emulators seed the same synthetic ids
	}
	if err := writeConfigs(d, ids, 0); err != nil {
		return nil, err
	}
	plain := &tfharness.Terraform{Bin: b.tf.Bin, Echo: b.tf.Echo, Env: b.inst.Env(quietEnv())}
	inits := map[string]*tfharness.Terraform{d.prov: targets[kindControls].tf, d.baseline: targets[kindBaseline].tf, d.data: plain}
	if b.o.floors {
		inits[d.floor], inits[d.wide], inits[d.floorOne] = plain, plain, plain
	}
	if err := initDirs(ctx, inits); err != nil {
		return nil, err
	}
	for _, t := range targets {
		t.emu.SetFaults(emulator.Faults{Latency: b.o.latency})
	}

	var out []sample
	for i, ph := range phases(b.o.parallelism) {
		timed := b.o.phases[ph.name]
		if !timed && i > 0 {
			continue // only apply-create is needed by the phases after it
		}
		if ph.change {
			if err := writeConfigs(d, ids, changedCount(n)); err != nil {
				return nil, err
			}
		}
		s := sample{n: n, rep: rep, phase: ph.name, kinds: map[string]measured{}}
		runProvider := func(kind string) func() error {
			return func() error {
				t := targets[kind]
				t.emu.ResetJournal()
				conns := t.srv.Connections()
				r, err := t.tf.Run(ctx, t.dir, ph.args...)
				if err != nil {
					return fmt.Errorf("%s %s: %w\n%s", kind, ph.name, err, tail(r))
				}
				s.kinds[kind] = measured{time: r.Duration, calls: countCalls(t.emu.Journal()),
					conns: int(t.srv.Connections() - conns), plugins: r.Plugins, rssKiB: r.PeakRSS}
				return nil
			}
		}
		runPlain := func(what, dir string, into *time.Duration) func() error {
			return func() error {
				r, err := plain.Run(ctx, dir, ph.args...)
				if err != nil {
					return fmt.Errorf("%s %s: %w\n%s", what, ph.name, err, tail(r))
				}
				*into = r.Duration
				return nil
			}
		}
		runs := []func() error{runPlain("terraform_data", d.data, &s.data), runProvider(kindControls), runProvider(kindBaseline)}
		if b.o.floors {
			runs = append(runs, runPlain("protocol floor", d.floor, &s.floor), runPlain("wide floor", d.wide, &s.wide),
				runPlain("one-resource floor", d.floorOne, &s.floorOne))
		}
		// Rotate who goes first so that drift in machine load does not favour one side.
		for k := range runs {
			if err := runs[(rep+i+k)%len(runs)](); err != nil {
				return nil, err
			}
		}
		if !timed {
			continue
		}
		pc, bl := s.kinds[kindControls], s.kinds[kindBaseline]
		fmt.Fprintf(b.log, "rep %d  N=%-4d %-13s terraform_data %6.2fs  floor %6.2fs  wide %6.2fs  floor(1) %6.2fs | control_profile %6.2fs 429=%d req=%d conns=%d | baseline %6.2fs 429=%d req=%d conns=%d\n",
			rep+1, n, ph.name, s.data.Seconds(), s.floor.Seconds(), s.wide.Seconds(), s.floorOne.Seconds(),
			pc.time.Seconds(), pc.calls.Throttled, pc.calls.Requests, pc.conns, bl.time.Seconds(), bl.calls.Throttled, bl.calls.Requests, bl.conns)
		out = append(out, s)
	}
	for kind, t := range targets {
		if refused := t.emu.LimitRefusals(); len(refused) > 0 {
			fmt.Fprintf(b.log, "N=%d %s: the emulator answered 429 for Graph's limits: %v\n", n, kind, refused)
		}
	}
	return out, nil
}

// initDirs runs terraform init in each working directory with its terraform.
func initDirs(ctx context.Context, inits map[string]*tfharness.Terraform) error {
	for dir, tf := range inits {
		if r, err := tf.Run(ctx, dir, "init", "-input=false", "-no-color"); err != nil {
			return fmt.Errorf("terraform init in %s: %w\n%s", dir, err, tail(r))
		}
	}
	return nil
}

// quietEnv is the environment without TF_LOG*: logging would be measured, not the provider (set
// SECURESCORE_BENCH_TF_LOG to pass a TF_LOG level through, e.g. to read terraform's own timings).
func quietEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_LOG") {
			out = append(out, kv)
		}
	}
	if lvl := os.Getenv("SECURESCORE_BENCH_TF_LOG"); lvl != "" {
		out = append(out, "TF_LOG="+lvl)
	}
	return out
}

// countCalls splits a phase's journal into token requests, profile GETs and PATCHes, and anything else.
func countCalls(journal []emulator.JournalEntry) calls {
	var c calls
	written := map[string]bool{}
	for _, j := range journal {
		c.Requests++
		if j.Status == http.StatusTooManyRequests {
			c.Throttled++
		}
		path := strings.ToLower(j.Path)
		item := strings.Contains(path, "/security/securescorecontrolprofiles/")
		switch {
		case j.Kind == "token":
			c.Token++
		case j.Kind == "read" && strings.HasSuffix(path, "/security/securescorecontrolprofiles"):
			c.List++
		case j.Kind == "read" && item:
			c.Get++
			if written[strings.ToLower(j.Path)] {
				c.GetAfterWrite++
			}
		case j.Kind == "write" && item:
			c.Patch++
			written[strings.ToLower(j.Path)] = true
		default:
			c.Other++
		}
	}
	return c
}

func tail(r *tfharness.Result) string {
	if r == nil {
		return ""
	}
	s := r.Output
	if len(s) > 4000 {
		s = "...\n" + s[len(s)-4000:]
	}
	return s
}

func tfVersion(ctx context.Context, tf *tfharness.Terraform) string {
	r, err := tf.Run(ctx, os.TempDir(), "version", "-json")
	if err != nil || r == nil {
		return "terraform (version unknown)"
	}
	name := "terraform"
	if r, err := tf.Run(ctx, os.TempDir(), "version"); err == nil {
		name = cliName(r.Output)
	}
	return name + " " + parseTFVersion(r.Output) + " " + runtime.GOOS + "/" + runtime.GOARCH
}

// cliName tells OpenTofu from Terraform by `version` output: both print "terraform_version" in their JSON.
func cliName(out string) string {
	if tfharness.IsOpenTofu(out) {
		return "OpenTofu"
	}
	return "terraform"
}

// parseTFVersion reads terraform_version from `terraform version -json` output. The output interleaves stderr,
// where terraform writes warnings such as "There are some problems with the CLI configuration", so the JSON
// object is looked for rather than assumed to be the whole output (an earlier harness reported that warning as
// the version).
func parseTFVersion(out string) string {
	for i := strings.Index(out, "{"); i >= 0; {
		var v struct {
			Version string `json:"terraform_version"`
		}
		if json.NewDecoder(strings.NewReader(out[i:])).Decode(&v) == nil && v.Version != "" {
			return v.Version
		}
		next := strings.Index(out[i+1:], "{")
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return "(version unknown)"
}
