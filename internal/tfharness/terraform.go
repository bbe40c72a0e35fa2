package tfharness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Terraform runs one terraform binary with a fixed environment.
type Terraform struct {
	Bin string
	Env []string
	// Echo, when set, receives every command line and its combined output as it runs.
	Echo io.Writer
	// RSSInterval is how often provider plugin processes are polled for memory; 0 is 20 ms. Runs with hundreds of
	// plugins poll less often, so that polling does not take the CPU it measures.
	RSSInterval time.Duration
}

// Result is one finished terraform command.
type Result struct {
	Args     []string
	Output   string // stdout and stderr interleaved
	Duration time.Duration
	ExitCode int
	PeakRSS  int64 // KiB: the largest VmHWM seen among provider plugin processes
	Plugins  int   // provider plugin processes seen (each polled at least once)
	// PluginsAtOnce is the most provider plugin processes alive at one poll, and PeakSumRSS (KiB) the largest sum
	// of their resident sets at one poll.
	PluginsAtOnce int
	PeakSumRSS    int64
}

// Run runs terraform in dir and waits. A non-zero exit is reported in Result.ExitCode and as *exec.ExitError.
func (t *Terraform) Run(ctx context.Context, dir string, args ...string) (*Result, error) {
	p, err := t.Start(ctx, dir, args...)
	if err != nil {
		return nil, err
	}
	return p.Wait()
}

// Process is a running terraform command.
type Process struct {
	cmd     *exec.Cmd
	out     *syncBuffer
	started time.Time
	args    []string
	watch   *RSSWatcher
}

// Start starts terraform in dir. Provider plugins it launches are watched for peak RSS.
func (t *Terraform) Start(ctx context.Context, dir string, args ...string) (*Process, error) {
	buf := &syncBuffer{}
	var w io.Writer = buf
	if t.Echo != nil {
		fmt.Fprintf(t.Echo, "\n$ terraform %s\n", strings.Join(args, " "))
		w = io.MultiWriter(buf, t.Echo)
	}
	cmd := exec.CommandContext(ctx, t.Bin, args...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, t.Env, w, w
	// If ctx ends, interrupt first (terraform saves state on SIGINT) and kill only after a grace period.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = 30 * time.Second
	started := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	interval := t.RSSInterval
	if interval <= 0 {
		interval = 20 * time.Millisecond
	}
	return &Process{cmd: cmd, out: buf, started: started, args: args, watch: WatchRSS(cmd.Process.Pid, interval)}, nil
}

// Pid is terraform's process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Signal sends sig to terraform only (not to its plugins), as a user's Ctrl-C reaches terraform.
func (p *Process) Signal(sig syscall.Signal) error { return p.cmd.Process.Signal(sig) }

// Output is what terraform printed so far.
func (p *Process) Output() string { return p.out.String() }

// Wait waits for terraform to exit.
func (p *Process) Wait() (*Result, error) {
	err := p.cmd.Wait()
	r := &Result{Args: p.args, Output: p.out.String(), Duration: time.Since(p.started), PeakRSS: p.watch.Stop(), Plugins: p.watch.Processes()}
	r.PluginsAtOnce, r.PeakSumRSS = p.watch.AtOnce()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		r.ExitCode = exit.ExitCode()
	} else if err != nil {
		return r, err
	}
	return r, err
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of stdout and stderr and a reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// State is the part of `terraform show -json` the tests and the benchmark read.
type State struct {
	Resources []StateResource
}

// StateResource is one resource instance in state.
type StateResource struct {
	Address string         `json:"address"`
	Type    string         `json:"type"`
	Name    string         `json:"name"`
	Index   any            `json:"index"`
	Values  map[string]any `json:"values"`
}

// Show runs `terraform show -json` in dir and returns the root module's resources.
func (t *Terraform) Show(ctx context.Context, dir string) (*State, error) {
	cmd := exec.CommandContext(ctx, t.Bin, "show", "-json", "-no-color")
	cmd.Dir, cmd.Env = dir, t.Env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("terraform show -json: %w\n%s", err, stderr.String())
	}
	var doc struct {
		Values *struct {
			RootModule struct {
				Resources []StateResource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		return nil, fmt.Errorf("terraform show -json: %w", err)
	}
	st := &State{}
	if doc.Values != nil {
		st.Resources = doc.Values.RootModule.Resources
	}
	return st, nil
}

// ByType returns the resources of one type, keyed by their for_each key (or address when not keyed).
func (s *State) ByType(typ string) map[string]StateResource {
	out := map[string]StateResource{}
	for _, r := range s.Resources {
		if r.Type != typ {
			continue
		}
		key := r.Address
		if k, ok := r.Index.(string); ok {
			key = k
		}
		out[key] = r
	}
	return out
}
