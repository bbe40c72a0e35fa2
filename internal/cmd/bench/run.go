package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
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

// sample is one measurement of one phase: the provider and terraform_data side by side.
type sample struct {
	n        int
	latency  time.Duration
	phase    string
	provider time.Duration
	baseline time.Duration
	calls    calls
	floor    time.Duration // the protocol floor (benchfloor_thing); 0 when not measured (runs with latency)
	wide     time.Duration // the protocol floor at the provider's width (benchfloor_wide); 0 when not measured
	rssKiB   int64
	plugins  int
}

// calls are the emulator requests of one provider phase.
type calls struct {
	Token         int `json:"token"`
	Get           int `json:"get"`
	Patch         int `json:"patch"`
	List          int `json:"list"`            // pages of the control-profile list (refresh reads come from it)
	Other         int `json:"other"`           // anything else: discovery, admin
	GetAfterWrite int `json:"get_after_write"` // GETs of a profile already PATCHed in the same phase
}

type bench struct {
	o    *options
	log  io.Writer
	tf   *tfharness.Terraform
	inst *tfharness.Install
	work string
}

func run(ctx context.Context, o *options, log io.Writer) (*report, error) {
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

	latencies := []time.Duration{0}
	if o.latency > 0 {
		latencies = append(latencies, o.latency)
	}
	started := time.Now()
	var samples []sample
	for rep := range o.reps {
		for _, lat := range latencies {
			for _, n := range o.ns {
				s, err := b.measure(ctx, rep, n, lat)
				if err != nil {
					return nil, fmt.Errorf("measuring N=%d latency=%s: %w", n, lat, err)
				}
				samples = append(samples, s...)
			}
		}
	}
	rep := buildReport(o, samples, tfVersion(ctx, &tfharness.Terraform{Bin: tfBin, Env: inst.Env(quietEnv())}), time.Since(started))
	if err := rep.write(o.out); err != nil {
		return nil, err
	}
	return rep, nil
}

// measure runs the four phases for one N and latency against a fresh emulator and fresh working directories.
func (b *bench) measure(ctx context.Context, rep, n int, latency time.Duration) (out []sample, err error) {
	emu, err := emulator.New(emulator.Config{ControlProfiles: n})
	if err != nil {
		return nil, err
	}
	srv, err := tfharness.Serve(emu, "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer func() { _ = srv.Stop(5 * time.Second) }()
	cfg := emu.Config()

	ids := emu.ControlProfileIDs()
	if len(ids) < n {
		return nil, fmt.Errorf("emulator seeded %d profiles, want %d", len(ids), n)
	}
	ids = ids[:n]

	base := filepath.Join(b.work, fmt.Sprintf("r%d-l%s-n%d", rep, latency, n))
	dirs := workDirs{prov: filepath.Join(base, "provider"), base: filepath.Join(base, "baseline"),
		floor: filepath.Join(base, "floor"), wide: filepath.Join(base, "wide")}
	provDir, baseDir := dirs.prov, dirs.base
	for _, d := range []string{dirs.prov, dirs.base, dirs.floor, dirs.wide} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	if err := writeConfigs(dirs, ids, 0); err != nil {
		return nil, err
	}
	prov := &tfharness.Terraform{Bin: b.tf.Bin, Echo: b.tf.Echo,
		Env: b.inst.Env(quietEnv(), tfharness.EmulatorEnv(srv.URL, cfg.TenantID, cfg.ClientID, cfg.ClientSecret)...)}
	baseTF := &tfharness.Terraform{Bin: b.tf.Bin, Echo: b.tf.Echo, Env: b.inst.Env(quietEnv())}
	for _, x := range []struct {
		tf  *tfharness.Terraform
		dir string
	}{{prov, provDir}, {baseTF, baseDir}, {baseTF, dirs.floor}, {baseTF, dirs.wide}} {
		if !b.o.floors && (x.dir == dirs.floor || x.dir == dirs.wide) {
			continue
		}
		if r, err := x.tf.Run(ctx, x.dir, "init", "-input=false", "-no-color"); err != nil {
			return nil, fmt.Errorf("terraform init in %s: %w\n%s", x.dir, err, r.Output)
		}
	}

	emu.SetFaults(emulator.Faults{Latency: latency})
	// The emulator enforces Graph's Secure Score limits; a run the limits refused measures retries, not the provider.
	defer func() {
		if refused := emu.LimitRefusals(); len(refused) > 0 && err == nil {
			out, err = nil, fmt.Errorf("N=%d: the emulator answered 429 for Graph's limits: %v", n, refused)
		}
	}()
	for i, ph := range phases(b.o.parallelism) {
		if ph.change {
			if err := writeConfigs(dirs, ids, (n+9)/10); err != nil {
				return nil, err
			}
		}
		timed := b.o.phases[ph.name]
		if !timed && i > 0 {
			continue // only apply-create is needed by the phases after it
		}
		s := sample{n: n, latency: latency, phase: ph.name}
		runProvider := func() error {
			emu.ResetJournal()
			r, err := prov.Run(ctx, provDir, ph.args...)
			if err != nil {
				return fmt.Errorf("provider %s: %w\n%s", ph.name, err, tail(r))
			}
			s.provider, s.rssKiB, s.plugins = r.Duration, r.PeakRSS, r.Plugins
			s.calls = countCalls(emu.Journal())
			return nil
		}
		runBaseline := func() error {
			r, err := baseTF.Run(ctx, baseDir, ph.args...)
			if err != nil {
				return fmt.Errorf("terraform_data %s: %w\n%s", ph.name, err, tail(r))
			}
			s.baseline = r.Duration
			return nil
		}
		runFloor := func(dir string, into *time.Duration) func() error {
			return func() error {
				if latency > 0 || !b.o.floors {
					return nil // the floors call no API: latency changes nothing
				}
				r, err := baseTF.Run(ctx, dir, ph.args...)
				if err != nil {
					return fmt.Errorf("protocol floor %s in %s: %w\n%s", ph.name, dir, err, tail(r))
				}
				*into = r.Duration
				return nil
			}
		}
		// Rotate who goes first so that drift in machine load does not favour one side.
		runs := []func() error{runBaseline, runProvider, runFloor(dirs.floor, &s.floor), runFloor(dirs.wide, &s.wide)}
		for k := range runs {
			if err := runs[(rep+i+k)%len(runs)](); err != nil {
				return nil, err
			}
		}
		if !timed {
			continue
		}
		fmt.Fprintf(b.log, "rep %d  N=%-4d latency=%-5s %-13s terraform_data %6.2fs  provider %6.2fs  ratio %.2f  floor %6.2fs  wide floor %6.2fs  calls token=%d get=%d patch=%d other=%d  rss %.1f MiB\n",
			rep+1, n, latency, ph.name, s.baseline.Seconds(), s.provider.Seconds(), s.provider.Seconds()/s.baseline.Seconds(), s.floor.Seconds(), s.wide.Seconds(),
			s.calls.Token, s.calls.Get, s.calls.Patch, s.calls.Other, float64(s.rssKiB)/1024)
		out = append(out, s)
	}
	return out, nil
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
